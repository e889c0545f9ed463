// Imports a dead process left behind (spec P9, P11): their committed batches are whole, but the failure audit and
// the resume point that a living process writes on its way out were lost with it.
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ReplicationService } from '../atlas-server/replication.service';
import { AtlasError, ErrorCode } from '../common/errors';
import { MetadataStore } from '../metadata/store/metadata-store';
import { OperationLockService } from '../operation-lock';
import { ImportRunStore } from './import-run-store';

/**
 * Every import runs under the operation lock (spec P1; the async worker takes it too). So whoever holds the lock
 * knows that no import_run row is running: each one is the import of a process that died (kill -9, out of memory,
 * a power cut). It becomes a failed IMPORT audit entry with the resume point of its last committed batch, which
 * was recorded in that batch's transaction, and the classifications of its committed batches are propagated (spec
 * 10.5), as a failure inside a living process does. Done at start-up and before every import.
 */
@Injectable()
export class ImportRecovery implements OnApplicationBootstrap {
  private readonly log = new Logger('ImportRecovery');

  constructor(
    private readonly runs: ImportRunStore,
    private readonly store: MetadataStore,
    private readonly replication: ReplicationService,
    private readonly locks: OperationLockService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const lock = await this.locks.tryAcquire().catch(() => undefined);
    if (!lock) return; // an import or export runs elsewhere: the next import recovers
    try {
      await this.recoverInterrupted();
    } catch (e) {
      this.log.warn(`recovery of interrupted imports failed: ${(e as Error)?.message ?? e}`);
    } finally {
      await lock.release();
    }
  }

  /** Only with the operation lock held. */
  async recoverInterrupted(): Promise<void> {
    const left = await this.runs.all();
    if (left.length === 0) return;
    if (left.some((r) => r.resumePosition !== undefined)) await this.store.recomputePropagation();
    for (const run of left) {
      const hint = run.resumePosition === undefined ? 'nothing was committed' : `resume with startPosition=${run.resumePosition}`;
      this.log.warn(`import started at ${new Date(run.startTime).toISOString()} by ${run.caller.userName} was interrupted by the end of its process; ${hint}`);
      const error = new AtlasError(ErrorCode.INTERNAL_ERROR, [`the server process running this import stopped before it ended; ${hint}`]);
      await this.replication.afterFailedImport({
        error,
        request: run.request,
        options: { replicatedFrom: run.replicatedFrom, skipUpdateReplicationAttr: false },
        caller: run.caller,
        startTime: run.startTime,
        lastCommittedPosition: run.resumePosition,
        lastCommittedGuid: run.resumeGuid,
      });
      await this.runs.end(run.id);
    }
  }
}
