// A write that lost a race with a concurrent one. PostgreSQL aborts a deadlock victim (40P01) or a serialization
// failure (40001), and an insert that meets a key committed meanwhile fails on the unique index (23505: two clients
// creating the same entity at once, each having found none). The transaction rolled back whole; run again from its
// input it sees the other's rows, so the second create becomes an update, as Atlas's createOrUpdate does.
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';

const RACE_CODES = new Set(['40P01', '40001', '23505']);

/** Attempts of a write in all; a race lost this often in a row is reported as the error it is. */
export const WRITE_ATTEMPTS = 4;

const log = new Logger('MetadataStore');

/** The SQLSTATE of a pg error, also when TypeORM wrapped it (QueryFailedError.driverError). */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a failed transaction lost a race with a concurrent one (and can succeed when run again). */
export function lostRace(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && RACE_CODES.has(code);
}

/**
 * Runs `write` (a whole transaction, from its unchanged input) and runs it again when it lost a race, after a short
 * random pause so that two deadlocked writers do not meet again in step.
 */
export async function retryLostRace<T>(what: string, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= WRITE_ATTEMPTS || !lostRace(err)) throw err;
      log.warn(`${what}: a concurrent write won (SQLSTATE ${sqlState(err)}); running it again (attempt ${attempt + 1} of ${WRITE_ATTEMPTS})`);
      await sleep(5 + Math.random() * 20 * attempt);
    }
  }
}
