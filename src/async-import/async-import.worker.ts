// Runs async import jobs (spec P10) inside the server process: jobs live in PostgreSQL, not Kafka.
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import * as fs from 'node:fs/promises';
import { AtlasError, ErrorCode } from '../common/errors';
import { normaliseOptions, resumePosition } from '../import/import-request';
import { ImportService } from '../import/import.service';
import type { AtlasImportResult } from '../metadata/model';
import { OperationLockService } from '../operation-lock';
import type { AsyncImportJob } from './async-import-job';
import { AsyncImportStore, JobOutcome } from './async-import-store';

/** how often the table is polled for WAITING jobs (and, while a job runs, for an abort asked elsewhere) */
export const ASYNC_IMPORT_POLL_MS = 500;

interface RunningJob {
  importId: string;
  abort: AbortController;
  /** why the signal was raised: a DELETE, or the process shutting down */
  reason?: 'aborted' | 'shutdown';
}

/**
 * One job at a time per process, and one import or export at a time overall: a job runs only while this worker
 * holds the operation lock (spec P1), taken before the job is claimed and released after its outcome is stored.
 * Claiming is a conditional UPDATE (WAITING ⇒ PROCESSING), so several processes never run one job twice.
 *
 * Consequence used for recovery: while a worker holds the lock, no other worker runs a job, so any PROCESSING row
 * then belongs to a process that died. Such jobs end FAILED, or PARTIAL_SUCCESS when units were committed (spec
 * 5.12), with their resume point; they are not re-queued (an archive that kills the process would otherwise kill it
 * again): re-submitting the archive starts afresh and
 * `startPosition` skips what was committed (spec P9). A job interrupted by a shutdown ends the same way.
 */
@Injectable()
export class AsyncImportWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('AsyncImportWorker');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** the current poll / job; polls never overlap */
  private busy?: Promise<void>;
  private running?: RunningJob;

  constructor(
    private readonly store: AsyncImportStore,
    private readonly imports: ImportService,
    private readonly locks: OperationLockService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.recoverAtStart().catch((e) => this.log.warn(`recovery of interrupted jobs failed: ${(e as Error).message}`));
    this.timer = setInterval(() => this.kick(), ASYNC_IMPORT_POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.running) {
      this.running.reason ??= 'shutdown';
      this.running.abort.abort();
    }
    await this.busy;
  }

  /** Look for work now (after a submit, and on every tick). While a job runs: check for an abort asked elsewhere. */
  kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      if (this.running) void this.checkRemoteAbort(this.running);
      return;
    }
    this.busy = this.poll()
      .catch((e) => this.log.warn(`async import poll failed: ${(e as Error)?.message ?? e}`))
      .finally(() => {
        this.busy = undefined;
      });
  }

  /** DELETE of a job this process runs: stop it at the next batch boundary. */
  abortLocal(importId: string): void {
    if (this.running?.importId !== importId) return;
    this.running.reason ??= 'aborted';
    this.running.abort.abort();
  }

  private async checkRemoteAbort(job: RunningJob): Promise<void> {
    try {
      if (await this.store.abortRequested(job.importId)) this.abortLocal(job.importId);
    } catch (e) {
      this.log.warn(`abort check of ${job.importId} failed: ${(e as Error).message}`);
    }
  }

  private async poll(): Promise<void> {
    // cheap check first: the lock is only taken when there is work, so sync imports/exports rarely meet it
    if (!(await this.store.hasWaiting())) return;
    const lock = await this.locks.tryAcquire();
    if (!lock) return; // an import or export runs: the job stays WAITING (spec P1)
    try {
      await this.failInterrupted('the server process running this import stopped');
      const job = await this.store.claimOldestWaiting(Date.now());
      if (job && !this.stopped) await this.process(job);
      else if (job) await this.store.finish(job.importId, interruptedOutcome(job, 'the server stopped before the import began'));
    } finally {
      await lock.release();
    }
  }

  private async recoverAtStart(): Promise<void> {
    const lock = await this.locks.tryAcquire();
    if (!lock) return; // someone runs an import: the next poll that gets the lock recovers
    try {
      await this.failInterrupted('the server process running this import stopped');
    } finally {
      await lock.release();
    }
  }

  /** Only called with the operation lock held: every PROCESSING job then belongs to a dead process. */
  private async failInterrupted(reason: string): Promise<void> {
    const failed = await this.store.failProcessing((job) => interruptedOutcome(job, reason), Date.now());
    for (const job of failed) {
      this.log.warn(`async import ${job.importId}: ${reason}; ended ${job.importedEntitiesCount > 0 ? 'PARTIAL_SUCCESS' : 'FAILED'}`);
      if (job.filePath) await fs.rm(job.filePath, { force: true });
    }
  }

  private async process(job: AsyncImportJob): Promise<void> {
    const running: RunningJob = { importId: job.importId, abort: new AbortController() };
    this.running = running;
    let imported = 0;
    const resume: { lastCommittedPosition?: number; lastCommittedGuid?: string } = {};
    let outcome: JobOutcome;
    try {
      if (!job.filePath) throw new AtlasError(ErrorCode.INTERNAL_ERROR, ['the spooled archive of this import is missing']);
      const options = normaliseOptions(job.options);
      const ran = await this.imports.run({
        zipPath: job.filePath,
        options,
        caller: job.caller,
        endpoint: 'import',
        signal: running.abort.signal,
        onProgress: async (p) => {
          imported = p.committedUnits;
          resume.lastCommittedPosition = resumePosition(options.format, p.committedUnits - 1);
          resume.lastCommittedGuid = p.lastCommittedGuid;
          if (await this.store.progress(job.importId, imported, resume.lastCommittedPosition, resume.lastCommittedGuid)) {
            this.abortLocal(job.importId);
          }
        },
      });
      // a large import's processedEntities are not kept (they are in the repository; the count is in metrics)
      const importResult: Partial<AtlasImportResult> = ran.processedPages ? withoutProcessed(ran.result) : ran.result;
      outcome = {
        status: 'SUCCESSFUL',
        completedTime: Date.now(),
        importedEntitiesCount: Math.max(imported, job.totalEntitiesCount),
        importResult,
      };
    } catch (err) {
      const resumeAt = { ...resume, ...pickResume(err) };
      let status: 'FAILED' | 'PARTIAL_SUCCESS' | 'ABORTED';
      let error: Record<string, unknown>;
      if (running.reason === 'aborted') {
        status = 'ABORTED';
        // not an error code: the job did what was asked; the body says where to resume (spec P9)
        error = { errorMessage: `Import id ${job.importId} was aborted; it stopped at a batch boundary`, ...resumeAt };
      } else if (running.reason === 'shutdown') {
        ({ status, error } = interruptedOutcome({ ...job, ...resumeAt, importedEntitiesCount: imported }, 'the server stopped while this import was running'));
      } else {
        // spec 5.12: PARTIAL_SUCCESS when some units were committed before the failure, FAILED when none
        status = imported > 0 ? 'PARTIAL_SUCCESS' : 'FAILED';
        error = err instanceof AtlasError ? err.body() : new AtlasError(ErrorCode.INTERNAL_ERROR, ['import failed'], resumeAt).body();
      }
      outcome = { status, completedTime: Date.now(), importedEntitiesCount: imported, ...resumeAt, error };
    }
    try {
      // the archive goes before the outcome is visible: a terminal job never has a file left behind
      if (job.filePath) await fs.rm(job.filePath, { force: true }).catch(() => undefined);
      await this.store.finish(job.importId, outcome);
    } finally {
      this.running = undefined;
    }
  }
}

/** spec 5.12: PARTIAL_SUCCESS when some units were committed before the interruption, FAILED when none */
function interruptedOutcome(job: AsyncImportJob, reason: string) {
  const resume = job.lastCommittedPosition === undefined ? {} : { lastCommittedPosition: job.lastCommittedPosition, lastCommittedGuid: job.lastCommittedGuid };
  const hint = job.lastCommittedPosition === undefined ? 'submit the archive again' : `submit the archive again with startPosition=${job.lastCommittedPosition}`;
  return {
    status: job.importedEntitiesCount > 0 ? ('PARTIAL_SUCCESS' as const) : ('FAILED' as const),
    completedTime: Date.now(),
    importedEntitiesCount: job.importedEntitiesCount,
    ...resume,
    error: { errorCode: ErrorCode.IMPORT_FAILED.errorCode, errorMessage: `Import with id ${job.importId} failed: ${reason}; ${hint}`, ...resume },
  };
}

function pickResume(err: unknown): { lastCommittedPosition?: number; lastCommittedGuid?: string } {
  if (!(err instanceof AtlasError) || typeof err.extra.lastCommittedPosition !== 'number') return {};
  return { lastCommittedPosition: err.extra.lastCommittedPosition, lastCommittedGuid: err.extra.lastCommittedGuid as string | undefined };
}

function withoutProcessed(result: AtlasImportResult): Partial<AtlasImportResult> {
  const { processedEntities: _, ...rest } = result;
  return rest;
}
