// COPY … FROM STDIN in text format for the import's fresh rows: on real PostgreSQL the fastest way in (STACK.md:
// ~2x multi-row INSERT). Not for the embedded database, where COPY FROM breaks the connection.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** One field in COPY text format: NULL as \N; backslash, tab, newline and carriage return escaped. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : text;
}

export function copyLine(values: readonly unknown[]): string {
  return values.map(copyField).join('\t') + '\n';
}

/** Streams `rows` into `table (columns)` on the transaction's own connection. */
export async function copyRows(m: EntityManager, table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<void> {
  async function* lines() {
    let chunk = '';
    for (const row of rows) {
      chunk += copyLine(row);
      if (chunk.length > 256 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await copyText(m, table, columns, lines());
}

/** Streams COPY text (whole lines, as copyLine makes them) into `table (columns)`. */
export async function copyText(m: EntityManager, table: string, columns: readonly string[], text: string | AsyncIterable<string>): Promise<void> {
  const client = (await m.queryRunner!.connect()) as PoolClient;
  const sql = `COPY ${table} (${columns.join(', ')}) FROM STDIN`;
  await pipeline(typeof text === 'string' ? Readable.from([Buffer.from(text)]) : Readable.from(text), client.query(copyFrom(sql)));
}
