// Export benchmark (issue 7): a hive-like catalogue of N entities (dbs; tables with 8 columns and a storage
// descriptor each; a lineage process per 10 tables) loaded with COPY into a fresh PostgreSQL database, then exported
// whole (FULL, every hive_db by forType) through POST /admin/export of the server (dist/src/main.js, which boots
// createApp) running as a child process, so its peak RSS is the export's alone. Prints entities/s, archive MB and
// peak RSS next to the floor of the same run: COPY (SELECT * FROM entity) TO STDOUT | gzip -6.
//   npm run bench:export -- 100000
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import StreamZip from 'node-stream-zip';
import { from as copyFrom } from 'pg-copy-streams';
import { auth, cpuSeconds, createBenchDatabase, fmt, hiveModelsDir, peakRssMb, startServer, withServerClient } from './bench-util';

const COLUMNS_PER_TABLE = 8;
const TABLES_PER_DB = 1000;
const TABLES_PER_PROCESS = 10;

interface Catalogue {
  entities: number;
  tables: number;
}

/** COPY text format: backslash, tab and newline escaped; JSON has no raw tabs or newlines. */
function copyText(v: string | number | null): string {
  if (v === null) return '\\N';
  return typeof v === 'number' ? String(v) : v.replace(/\\/g, '\\\\');
}

function line(values: Array<string | number | null>): string {
  return `${values.map(copyText).join('\t')}\n`;
}

/** Generates the rows of the three tables in step, so nothing proportional to N is held. */
async function loadCatalogue(url: string, target: number): Promise<Catalogue> {
  const now = Date.now();
  const entityRows: string[] = [];
  const relRows: string[] = [];
  const uniqueRows: string[] = [];
  let entities = 0;
  let tables = 0;
  const entity = (guid: string, type: string, attributes: Record<string, unknown>) => {
    entityRows.push(line([guid, type, 'ACTIVE', JSON.stringify(attributes), 'bench', 'bench', now, now, 0]));
    if (typeof attributes.qualifiedName === 'string') uniqueRows.push(line(['Referenceable', 'qualifiedName', attributes.qualifiedName, guid]));
    entities++;
  };
  const rel = (type: string, end1: string, end2: string, a1: string, a2: string, ordinal: number, ownerEnd: number | null, propagate: string) => {
    relRows.push(line([randomUUID(), type, end1, end2, a1, a2, 'ACTIVE', ordinal, ownerEnd, propagate, 'bench', now, now]));
  };

  async function* batches(): AsyncGenerator<{ e: string[]; r: string[]; u: string[] }> {
    let db = '';
    let dbName = '';
    let inputs: string[] = [];
    while (entities < target) {
      if (tables % TABLES_PER_DB === 0) {
        db = randomUUID();
        dbName = `db${tables / TABLES_PER_DB}`;
        entity(db, 'hive_db', { qualifiedName: `${dbName}@bench`, name: dbName, clusterName: 'bench', owner: 'bench', location: `hdfs://nn/warehouse/${dbName}.db` });
      }
      const table = randomUUID();
      const tName = `t${tables}`;
      const tqn = `${dbName}.${tName}@bench`;
      entity(table, 'hive_table', { qualifiedName: tqn, name: tName, owner: 'bench', tableType: 'MANAGED_TABLE', temporary: false, lastAccessTime: now, retention: 0, parameters: { numRows: '0', transient_lastDdlTime: String(Math.floor(now / 1000)) } });
      rel('hive_table_db', table, db, 'db', 'tables', 0, null, 'NONE');
      for (let c = 0; c < COLUMNS_PER_TABLE; c++) {
        const col = randomUUID();
        entity(col, 'hive_column', { qualifiedName: `${dbName}.${tName}.c${c}@bench`, name: `c${c}`, type: c % 2 ? 'string' : 'bigint', position: c, owner: 'bench', comment: null });
        rel('hive_table_columns', table, col, 'columns', 'table', c, 1, 'NONE');
      }
      const sd = randomUUID();
      entity(sd, 'hive_storagedesc', {
        qualifiedName: `${tqn}_storage`, location: `hdfs://nn/warehouse/${dbName}.db/${tName}`, compressed: false, numBuckets: -1,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat', outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serdeInfo: { typeName: 'hive_serde', attributes: { serializationLib: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', parameters: { 'serialization.format': '1' } } },
      });
      rel('hive_table_storagedesc', table, sd, 'sd', 'table', 0, 1, 'NONE');
      tables++;
      inputs.push(table);
      if (inputs.length === TABLES_PER_PROCESS && entities < target) {
        const p = randomUUID();
        entity(p, 'hive_process', { qualifiedName: `${dbName}.proc${tables}@bench:${now}`, name: `proc${tables}`, startTime: now, endTime: now, userName: 'bench', operationType: 'QUERY', queryText: 'insert into ...', queryPlan: 'n/a', queryId: `q${tables}` });
        inputs.slice(0, TABLES_PER_PROCESS - 1).forEach((t, i) => rel('dataset_process_inputs', p, t, 'inputs', 'inputToProcesses', i, null, 'TWO_TO_ONE'));
        rel('process_dataset_outputs', p, inputs[TABLES_PER_PROCESS - 1], 'outputs', 'outputFromProcesses', 0, null, 'ONE_TO_TWO');
        inputs = [];
      }
      if (entityRows.length >= 5000) yield { e: entityRows.splice(0), r: relRows.splice(0), u: uniqueRows.splice(0) };
    }
    yield { e: entityRows.splice(0), r: relRows.splice(0), u: uniqueRows.splice(0) };
  }

  await withServerClient(async (c) => {
    // three COPY streams on three connections, fed in step
    const open = async (sql: string) => {
      const client = new (await import('pg')).Client({ connectionString: url });
      await client.connect();
      const stream = client.query(copyFrom(sql));
      return { client, stream };
    };
    const e = await open(`COPY entity (guid, type_name, status, attributes, created_by, updated_by, create_time, update_time, version) FROM STDIN`);
    const r = await open(`COPY relationship (guid, type_name, end1_guid, end2_guid, end1_attr, end2_attr, status, ordinal, owner_end, propagate_tags, created_by, create_time, update_time) FROM STDIN`);
    const u = await open(`COPY entity_unique (type_name, attr_name, value, guid) FROM STDIN`);
    const write = (w: Writable, rows: string[]) => (rows.length === 0 || w.write(rows.join('')) ? Promise.resolve() : new Promise<void>((res) => w.once('drain', () => res())));
    for await (const b of batches()) await Promise.all([write(e.stream, b.e), write(r.stream, b.r), write(u.stream, b.u)]);
    const finish = (x: { stream: Writable }) => new Promise<void>((res, rej) => {
      x.stream.once('finish', () => res());
      x.stream.once('error', rej);
      x.stream.end();
    });
    await Promise.all([finish(e), finish(r), finish(u)]);
    await Promise.all([e.client.end(), r.client.end(), u.client.end()]);
    await c.query(`ANALYZE entity, relationship, entity_unique`);
  }, url);
  return { entities, tables };
}

/** The floor: the same entity rows as COPY text, gzip -6, in the same run. */
function floorSeconds(url: string, tables: string[] = ['entity']): Promise<{ seconds: number; bytes: number; raw: number }> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    // raw size counted beside the pipe (tee to a counting process), the gzip output counted at the end
    const raw = path.join(os.tmpdir(), `bench-floor-${process.pid}`);
    const copies = tables.map((t) => `-c "COPY (SELECT * FROM ${t}) TO STDOUT"`).join(' ');
    const sh = spawn('bash', ['-c', `psql "${url}" -qAt ${copies} | tee >(wc -c > ${raw}) | gzip -6 | wc -c`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    sh.stdout.on('data', (d) => (out += d));
    sh.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`floor exited ${code}`));
      const seconds = (Date.now() - start) / 1000;
      setTimeout(() => {
        const rawBytes = Number(fs.readFileSync(raw, 'utf8').trim());
        fs.rmSync(raw, { force: true });
        resolve({ seconds, bytes: Number(out.trim()), raw: rawBytes });
      }, 200);
    });
  });
}

async function main(): Promise<void> {
  const target = Number(process.argv[2] ?? 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-export-'));
  const db = await createBenchDatabase();
  const server = await startServer({ DATABASE_URL: db.url, MODELS_DIR: hiveModelsDir(), TEMP_DIR: dir, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  try {
    const t0 = Date.now();
    const cat = await loadCatalogue(db.url, target);
    console.log(`catalogue: ${fmt(cat.entities)} entities (${fmt(cat.tables)} tables) loaded with COPY in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const pid = server.proc.pid!;
    const rssBefore = peakRssMb(pid);
    const cpuBefore = cpuSeconds(pid);
    const zipFile = path.join(dir, 'export.zip');
    const start = Date.now();
    const res = await fetch(`${server.base}/api/atlas/admin/export`, {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ itemsToExport: [{ typeName: 'hive_db' }], options: { fetchType: 'full', matchType: 'forType' } }),
    });
    if (res.status !== 200 || !res.body) throw new Error(`export failed: ${res.status} ${await res.text()}`);
    const firstByte = (Date.now() - start) / 1000;
    await pipeline(Readable.fromWeb(res.body as never), fs.createWriteStream(zipFile));
    const seconds = (Date.now() - start) / 1000;
    const rss = peakRssMb(pid);
    const cpu = cpuSeconds(pid) - cpuBefore;
    const bytes = fs.statSync(zipFile).size;

    // check what came out: every entity written once, counted in the metrics
    const zip = new StreamZip.async({ file: zipFile });
    const info = JSON.parse((await zip.entryData('atlas-export-info.json')).toString('utf8')) as { metrics: Record<string, number>; operationStatus: string };
    const entries = await zip.entriesCount;
    let jsonBytes = 0;
    const files: string[] = [];
    for (const e of Object.values(await zip.entries())) {
      jsonBytes += e.size;
      if (/^[0-9a-f-]{36}\.json$/.test(e.name)) files.push(e.name.slice(0, 36));
    }
    // atlas-export-order.json lists the entity files in the order they were written (spec 2.4)
    const order = JSON.parse((await zip.entryData('atlas-export-order.json')).toString('utf8')) as string[];
    await zip.close();
    if (order.length !== files.length || order.some((g, i) => g !== files[i])) throw new Error('atlas-export-order.json differs from the order of the entity files');
    const written = Object.entries(info.metrics).filter(([k]) => k.startsWith('entity:') && k !== 'entity:withExtInfo').reduce((n, [, v]) => n + v, 0);
    if (written !== cat.entities || info.operationStatus !== 'SUCCESS') throw new Error(`exported ${written} of ${cat.entities} (${info.operationStatus})`);

    const floor = await floorSeconds(db.url);
    // every row the export reads: the entities and the relationships their files show
    const read = await floorSeconds(db.url, ['entity', 'relationship', 'classification']);
    console.log(`export: ${fmt(written)} entities in ${fmt(entries)} ZIP entries, ${(bytes / 1e6).toFixed(1)} MB (${(jsonBytes / 1e6).toFixed(0)} MB of JSON), in ${seconds.toFixed(2)} s = ${fmt(written / seconds)} entities/s (first byte after ${firstByte.toFixed(2)} s)`);
    console.log(`floor:  COPY (SELECT * FROM entity) TO STDOUT | gzip -6 of the same ${fmt(cat.entities)} rows (${(floor.raw / 1e6).toFixed(0)} MB): ${floor.seconds.toFixed(2)} s, ${(floor.bytes / 1e6).toFixed(1)} MB (export = ${(seconds / floor.seconds).toFixed(2)}x the floor)`);
    console.log(`read:   the same for every row the export reads (entity, relationship, classification; ${(read.raw / 1e6).toFixed(0)} MB): ${read.seconds.toFixed(2)} s (export = ${(seconds / read.seconds).toFixed(2)}x)`);
    console.log(`server peak RSS: ${rss} MB (${rssBefore} MB before the export); server CPU ${cpu.toFixed(2)} s`);
  } finally {
    await server.stop();
    // BENCH_KEEP_DB=1 keeps the catalogue for EXPLAIN sessions (printed here)
    if (process.env.BENCH_KEEP_DB) console.log(`kept database ${db.url}`);
    else await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
