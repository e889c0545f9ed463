import { Injectable, Logger } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { releaseRunner } from '../database/raw-client';

/** The advisory-lock key every process of this service uses for "an import or export is running" (spec P1). */
export const OPERATION_LOCK_KEY = 0x41544c41_53455850n; // "ATLASEXP"

export interface OperationLockHandle {
  /** idempotent */
  release(): Promise<void>;
}

/**
 * Spec P1: one import or export at a time across every server process on the database. A session advisory
 * lock (`pg_try_advisory_lock`) on a connection held for the operation's duration: it never waits, and
 * PostgreSQL frees it when that session ends, so a process that dies cannot leave it held.
 * The embedded database runs one backend in which advisory locks never conflict; there the in-process flag
 * is the lock, and the DATA_DIR lockfile guarantees that this is the only process on that database.
 */
@Injectable()
export class OperationLockService {
  private readonly logger = new Logger('OperationLock');
  /** held by this process; checked first so that a local conflict costs no database round trip */
  private heldHere = false;

  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** The lock, or undefined at once if anyone (this or another process) holds it. */
  async tryAcquire(): Promise<OperationLockHandle | undefined> {
    if (this.heldHere) return undefined;
    this.heldHere = true;
    if (this.config.isEmbeddedDatabase) return this.handle(async () => undefined);

    let runner: QueryRunner | undefined;
    try {
      runner = this.db.createQueryRunner('master');
      const rows: Array<{ locked: boolean }> = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [OPERATION_LOCK_KEY.toString()]);
      if (!rows[0]?.locked) {
        await releaseRunner(runner);
        this.heldHere = false;
        return undefined;
      }
    } catch (e) {
      if (runner) await releaseRunner(runner, e).catch(() => undefined);
      this.heldHere = false;
      throw e;
    }
    const session = runner;
    return this.handle(async () => {
      let failure: unknown;
      try {
        await session.query('SELECT pg_advisory_unlock($1)', [OPERATION_LOCK_KEY.toString()]);
      } catch (e) {
        // closing the session frees the lock too: the connection is discarded below
        failure = e;
        this.logger.warn(`pg_advisory_unlock failed (${(e as Error).message}); closing the session instead`);
      } finally {
        await releaseRunner(session, failure).catch(() => undefined);
      }
    });
  }

  private handle(unlock: () => Promise<void>): OperationLockHandle {
    let released: Promise<void> | undefined;
    return {
      release: () => {
        released ??= unlock().finally(() => {
          this.heldHere = false;
        });
        return released;
      },
    };
  }
}
