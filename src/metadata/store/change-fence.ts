// spec P8: the incremental-export marker is the change sequence, and it must never miss a write. A plain
// max(change_seq) in the export's snapshot could: a transaction that drew its sequence number before the snapshot
// but committed after it is invisible to this export and below the marker of the next one.
// So every transaction that bumps change_seq holds this advisory lock in shared mode, and an export takes it
// exclusively (for a few milliseconds) around the statement that takes its snapshot and reads the marker: no
// write is in flight then, and every later write draws a larger number.
import type { EntityManager } from 'typeorm';

export const CHANGE_FENCE_KEY = 0x41544c41_43484e47n; // "ATLACHNG"

/** First statement of every entity-writing transaction. */
export async function enterChangeFence(m: EntityManager): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock_shared($1)', [CHANGE_FENCE_KEY.toString()]);
}

export const CLOSE_CHANGE_FENCE_SQL = `SELECT pg_advisory_lock(${CHANGE_FENCE_KEY.toString()})`;
export const OPEN_CHANGE_FENCE_SQL = `SELECT pg_advisory_unlock(${CHANGE_FENCE_KEY.toString()})`;
