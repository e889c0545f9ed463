// COPY … FROM STDIN in text format for the import's fresh rows: on real PostgreSQL the fastest way in (STACK.md:
// ~2x multi-row INSERT). Not for the embedded database, where COPY FROM breaks the connection.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const escapeSpecial = (c: string) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r');

/** One field in COPY text format: NULL as \N; backslash, tab, newline and carriage return escaped. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'object') {
    // JSON text never holds a raw tab, newline or carriage return (JSON.stringify escapes them): only its
    // backslashes need doubling
    const json = JSON.stringify(value);
    return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
  }
  const text = String(value);
  return SPECIAL.test(text) ? text.replace(SPECIALS, escapeSpecial) : text;
}

export function copyLine(values: readonly unknown[]): string {
  let line = copyField(values[0]);
  for (let i = 1; i < values.length; i++) line += '\t' + copyField(values[i]);
  return line + '\n';
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
