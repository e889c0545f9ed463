// The async import job (spec 5.12, P10) and its Atlas rendering: pure data and pure functions (STYLE 7).
import { normaliseOptions } from '../import/import-request';
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
    importResult: job.importResult ?? registeredResult(job),
  };
  // not in Atlas's shape: why the job failed / where it stopped (spec P9)
  if (job.error) body.error = job.error;
  return body;
}

/**
 * The AtlasImportResult a job shows before it has one of its own (spec 5.12: Atlas builds it when it registers the
 * request; spec 1.1: never a null member): the request echo and the caller, no metrics, and the operationStatus of
 * Atlas's fresh result (FAIL) or of how the job ended (PARTIAL_SUCCESS, spec 5.4), with its resume point (P9).
 */
function registeredResult(job: AsyncImportJob): AtlasImportResult {
  let request: AtlasImportResult['request'] = { options: {}, sizeOption: 1 };
  try {
    const options = normaliseOptions(job.options);
    request = { options: options.echo, sizeOption: options.size };
  } catch {
    // options were checked when the job was submitted; a row edited since shows an empty request
  }
  const result: AtlasImportResult = {
    request,
    userName: job.caller.userName || job.userName,
    clientIpAddress: job.caller.clientIpAddress,
    hostName: job.caller.hostName,
    timeStamp: job.receivedTime,
    metrics: {},
    processedEntities: [],
    operationStatus: job.status === 'PARTIAL_SUCCESS' ? 'PARTIAL_SUCCESS' : 'FAIL',
  };
  if (job.lastCommittedPosition !== undefined) {
    result.lastCommittedPosition = job.lastCommittedPosition;
    if (job.lastCommittedGuid !== undefined) result.lastCommittedGuid = job.lastCommittedGuid;
  }
  return result;
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
