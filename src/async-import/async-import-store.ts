// The async_import table behind a port (STYLE 3): services and the worker never touch SQL.
import type { AsyncImportBrief, AsyncImportJob, AsyncImportStatus } from './async-import-job';

export interface JobOutcome {
  status: AsyncImportStatus;
  completedTime: number;
  importedEntitiesCount: number;
  lastCommittedPosition?: number;
  lastCommittedGuid?: string;
  importResult?: unknown;
  error?: Record<string, unknown>;
}

export abstract class AsyncImportStore {
  /**
   * Registers a WAITING job. An existing STAGING/WAITING/PROCESSING job of the same importId is returned as it is
   * (`created` false); a terminal one is replaced by the new request.
   */
  abstract register(job: AsyncImportJob): Promise<{ job: AsyncImportJob; created: boolean }>;
  abstract find(importId: string): Promise<AsyncImportJob | undefined>;
  /** newest first */
  abstract list(offset: number, limit: number): Promise<{ list: AsyncImportBrief[]; totalCount: number }>;
  abstract hasWaiting(): Promise<boolean>;
  /** WAITING ⇒ PROCESSING for the oldest waiting job; atomic, so two workers never claim one job */
  abstract claimOldestWaiting(now: number): Promise<AsyncImportJob | undefined>;
  /** records a committed batch; answers whether an abort was requested meanwhile */
  abstract progress(importId: string, importedEntitiesCount: number, lastCommittedPosition?: number, lastCommittedGuid?: string): Promise<boolean>;
  abstract abortRequested(importId: string): Promise<boolean>;
  abstract finish(importId: string, outcome: JobOutcome): Promise<void>;
  /** STAGING/WAITING ⇒ ABORTED; the job as it was before, or undefined when it was in no such state */
  abstract abortQueued(importId: string, now: number): Promise<AsyncImportJob | undefined>;
  /** PROCESSING ⇒ abort_requested; false when it was not PROCESSING */
  abstract requestAbort(importId: string): Promise<boolean>;
  /**
   * every PROCESSING job ⇒ the status (FAILED / PARTIAL_SUCCESS) and `error` of `outcome`; answers the jobs ended so
   * (their files are to be removed)
   */
  abstract failProcessing(outcome: (job: AsyncImportJob) => Pick<JobOutcome, 'status' | 'error'>, now: number): Promise<AsyncImportJob[]>;
}
