// Import benchmark (issue 4): a hive-like archive of N entities imported through /admin/importfile into a fresh
// PostgreSQL database; prints entities/s and the server's peak RSS next to the floor of the same run: a plain COPY
// of the same rows (guid, type, attributes) into an indexed table.
//   npm run bench:import -- 100000
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { auth, cpuSeconds, createBenchDatabase, fmt, hiveModelsDir, peakRssMb, startServer, withServerClient } from './bench-util';
import { writeHiveArchive } from './hive-archive';

async function main(): Promise<void> {
  const target = Number(process.argv[2] ?? 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const t0 = Date.now();
  const archive = await writeHiveArchive(path.join(dir, 'hive.zip'), target);
  console.log(`archive: ${fmt(archive.entities)} entities in ${fmt(archive.units)} files, ${(archive.bytes / 1e6).toFixed(1)} MB, written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const db = await createBenchDatabase();
  const server = await startServer({ DATABASE_URL: db.url, MODELS_DIR: hiveModelsDir(), IMPORT_DIR: dir, TEMP_DIR: dir, ...(process.env.IMPORT_BATCH_ENTITIES ? { IMPORT_BATCH_ENTITIES: process.env.IMPORT_BATCH_ENTITIES } : {}) });
  try {
    const rssBefore = peakRssMb(server.proc.pid!);
    const cpuBefore = cpuSeconds(server.proc.pid!);
    const start = Date.now();
    const res = await fetch(`${server.base}/api/atlas/admin/importfile`, {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ options: { fileName: 'hive.zip' } }),
    });
    const body = (await res.json()) as { processedEntities: string[] };
    const seconds = (Date.now() - start) / 1000;
    if (res.status !== 200) throw new Error(`import failed: ${res.status} ${JSON.stringify(body)}`);
    const rss = peakRssMb(server.proc.pid!);
    const cpu = cpuSeconds(server.proc.pid!) - cpuBefore;
    const processed = body.processedEntities.length;
    if (processed !== archive.entities) throw new Error(`processed ${processed} of ${archive.entities}`);

    // the floor: the same rows COPYed into an indexed table, in the same run
    const copyIn = async (c: Client, table: string, select: string, columns?: string): Promise<number> => {
      const chunks: Buffer[] = [];
      await pipeline(c.query(copyTo(`COPY (${select}) TO STDOUT`)), async function* (src) {
        for await (const chunk of src) chunks.push(chunk as Buffer);
      });
      const s = Date.now();
      await pipeline(Readable.from(chunks), c.query(copyFrom(`COPY ${table}${columns ? ` (${columns})` : ''} FROM STDIN`)));
      return (Date.now() - s) / 1000;
    };
    const floor = await withServerClient(async (c) => {
      await c.query(`CREATE TABLE copy_floor (guid text PRIMARY KEY, type_name text NOT NULL, attributes jsonb NOT NULL)`);
      await c.query(`CREATE UNIQUE INDEX copy_floor_qn ON copy_floor ((attributes->>'qualifiedName'))`);
      return copyIn(c, 'copy_floor', 'SELECT guid, type_name, attributes FROM entity');
    }, db.url);
    // and every row the import stored (entities, their unique values, relationships), COPYed into tables with the
    // same columns and indexes: what writing this archive costs PostgreSQL before any of the import's own work
    const stored = await withServerClient(async (c) => {
      let seconds = 0;
      for (const table of ['entity', 'entity_unique', 'relationship']) {
        await c.query(`CREATE TABLE floor_${table} (LIKE ${table} INCLUDING ALL)`);
        const { rows } = await c.query(
          `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS cols FROM pg_attribute
            WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`, [table]);
        seconds += await copyIn(c, `floor_${table}`, `SELECT ${rows[0].cols} FROM ${table}`, rows[0].cols);
      }
      return seconds;
    }, db.url);

    console.log(`import: ${fmt(processed)} entities in ${seconds.toFixed(2)} s = ${fmt(processed / seconds)} entities/s`);
    console.log(`floor:  COPY of the same ${fmt(processed)} rows into an indexed table: ${floor.toFixed(2)} s (import = ${(seconds / floor).toFixed(1)}x the floor)`);
    console.log(`stored: COPY of every row the import stored (entity, entity_unique, relationship; same indexes): ${stored.toFixed(2)} s (import = ${(seconds / stored).toFixed(1)}x)`);
    console.log(`server peak RSS: ${rss} MB (${rssBefore} MB after start-up); server CPU ${cpu.toFixed(2)} s`);
  } finally {
    await server.stop();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
