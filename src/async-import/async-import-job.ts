// The async import job (spec 5.12, P10) and its Atlas rendering: pure data and pure functions (STYLE 7).
import type { AtlasImportResult, Caller } from '../metadata/model';

export type AsyncImportStatus = 'STAGING' | 'WAITING' | 'PROCESSING' | 'SUCCESSFUL' | 'PARTIAL_SUCCESS' | 'FAILED' | 'ABORTED';

/** Statuses in which a re-submit returns the existing request and DELETE may act (spec 5.12). */
export const ACTIVE_STATUSES: readonly AsyncImportStatus[] = ['STAGING', 'WAITING', 'PROCESSING'];

export interface AsyncImportJob {
  importId: string;
  guid: string;
  status: AsyncImportStatus;
  /** the spooled archive; undefined once the job has ended */
  filePath?: string;
  /** the request options as given (normalised again when the job runs) */
  options: Record<string, unknown>;
  userName: string;
  caller: Caller;
  receivedTime: number;
  stagedTime?: number;
  processingStartTime?: number;
  completedTime?: number;
  /** import units (entries of the export order), the unit the import commits and reports progress in */
  totalEntitiesCount: number;
  importedEntitiesCount: number;
  failedEntitiesCount: number;
  failures: Record<string, string>;
  lastCommittedPosition?: number;
  lastCommittedGuid?: string;
  abortRequested: boolean;
  importResult?: AtlasImportResult;
  /** the error body of a FAILED / PARTIAL_SUCCESS / ABORTED job, with its resume point (spec P9) */
  error?: Record<string, unknown>;
}

/** What the status list shows of a job (spec 5.12). */
export interface AsyncImportBrief {
  importId: string;
  status: AsyncImportStatus;
  receivedTime: number;
  userName: string;
}

/** AtlasAsyncImportRequest as in spec 5.12; absent times are 0 like Atlas's. */
export function toAtlasAsyncImportRequest(job: AsyncImportJob): Record<string, unknown> {
  const total = job.totalEntitiesCount;
  const done = job.importedEntitiesCount + job.failedEntitiesCount;
  const body: Record<string, unknown> = {
    guid: job.guid,
    importId: job.importId,
    status: job.status,
    importDetails: {
      // no Kafka: every unit is "published" once the archive is staged
      publishedEntityCount: total,
      totalEntitiesCount: total,
      importedEntitiesCount: job.importedEntitiesCount,
      failedEntitiesCount: job.failedEntitiesCount,
      failedEntities: Object.keys(job.failures),
      importProgress: importProgress(done, total),
      failures: job.failures,
    },
    receivedTime: job.receivedTime,
    stagedTime: job.stagedTime ?? 0,
    processingStartTime: job.processingStartTime ?? 0,
    completedTime: job.completedTime ?? 0,
    importResult: job.importResult ?? null,
  };
  // not in Atlas's shape: why the job failed / where it stopped (spec P9)
  if (job.error) body.error = job.error;
  return body;
}

/** Percent of the units done, two decimals. */
export function importProgress(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.round((Math.min(done, total) / total) * 10_000) / 100;
}

/** Status list entry of GET /admin/async/import/status. */
export function toStatusEntry(brief: AsyncImportBrief): Record<string, unknown> {
  return {
    importId: brief.importId,
    status: brief.status,
    importRequestReceivedTime: new Date(brief.receivedTime).toISOString(),
    importRequestUser: brief.userName,
  };
}
