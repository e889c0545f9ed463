// Export-side ZIP writer benchmark: N entries of ~1.6 KB entity JSON, written like an export writes them
// (all {guid}.json entries, then the order, typesdef and info entries), into a file or a discarding stream.
// Prints entries/s, MB/s and peak RSS. Numbers and the decision they support: docs/zip-library-choice.md.
//
//   npm run build && node dist/bench/zip-sink.bench.js [--entries 100000] [--workers N (default: the sink's)] [--level 1]
//       [--impl own|archiver] [--out /tmp/bench.zip | --out null] [--verify] [--stringify] [--read [--unzipper]]
//       [--referred K]  (K owned entities in each entry's referredEntities, e.g. a table file with its columns)
// --read times the import side on the written file: ZipSource.open + entities() in export order (inflate, CRC,
// JSON.parse of every entity); --unzipper also times unzipper's Open.file on the same file.
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { ZipSink } from '../src/export/zip/zip-sink';
import { ZipSource } from '../src/import/zip/zip-source';

interface Args {
  entries: number;
  /** undefined: the sink's default */
  workers?: number;
  level: number;
  impl: 'own' | 'archiver';
  out: string;
  verify: boolean;
  /** render every entity with JSON.stringify inside the measured loop (adds the serialisation an export pays) */
  stringify: boolean;
  /** owned entities carried in each entry's referredEntities (0: one entity per entry) */
  referred: number;
  /** then read the archive back: ZipSource (node-stream-zip + our inflate), optionally unzipper for comparison */
  read: boolean;
  unzipper: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { entries: 100_000, workers: undefined, level: 1, impl: 'own', out: path.join(os.tmpdir(), 'zip-sink-bench.zip'), verify: false, stringify: false, read: false, unzipper: false, referred: 0 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (key === '--entries') args.entries = Number(value);
    else if (key === '--workers') args.workers = Number(value);
    else if (key === '--level') args.level = Number(value);
    else if (key === '--referred') args.referred = Number(value);
    else if (key === '--impl') args.impl = value === 'archiver' ? 'archiver' : 'own';
    else if (key === '--out') args.out = value;
    else if (key === '--verify' || key === '--stringify' || key === '--read' || key === '--unzipper') {
      args[key.slice(2) as 'verify' | 'stringify' | 'read' | 'unzipper'] = true;
      continue;
    } else continue;
    i++;
  }
  return args;
}

function guid(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `5f0c9a2e-1b7d-4c3e-9a4f-${hex}`;
}

/** ~1.6 KB of hive_column-like JSON, different for every entry; with `referred` > 0 the entry also carries that
 * many owned entities in referredEntities (Atlas's layout: a table file holds its columns). */
function entityJson(i: number, referred = 0): string {
  if (referred > 0) {
    const top = JSON.parse(entityJson(i)) as { entity: unknown; referredEntities: Record<string, unknown> };
    for (let k = 1; k <= referred; k++) {
      const j = 3_000_000_000 + i * 64 + k;
      top.referredEntities[guid(j)] = (JSON.parse(entityJson(j)) as { entity: unknown }).entity;
    }
    return JSON.stringify(top);
  }
  return JSON.stringify(entityObject(i));
}

function entityObject(i: number): unknown {
  const g = guid(i);
  const table = guid(1_000_000_000 + Math.floor(i / 20));
  return {
    entity: {
      typeName: 'hive_column',
      guid: g,
      status: 'ACTIVE',
      createdBy: 'admin',
      updatedBy: 'admin',
      createTime: 1700000000000 + i,
      updateTime: 1700000000000 + i,
      version: 0,
      attributes: {
        qualifiedName: `sales_db.orders_${Math.floor(i / 20)}.column_${i % 20}@cl1`,
        name: `column_${i % 20}`,
        type: i % 3 === 0 ? 'string' : i % 3 === 1 ? 'bigint' : 'decimal(18,2)',
        comment: `Column ${i} of the orders table, loaded nightly from the upstream billing system; see runbook section ${i % 97}.`,
        position: i % 20,
        owner: 'etl_service',
        description: null,
        table: { guid: table, typeName: 'hive_table' },
        parameters: {
          'spark.sql.sources.schema.part.0': `{"type":"struct","fields":[{"name":"column_${i % 20}","type":"string","nullable":true,"metadata":{}}]}`,
          last_modified_by: 'etl_service',
          last_modified_time: String(1700000000 + i),
          transient_lastDdlTime: String(1690000000 + (i % 1000)),
        },
        customAttributes: { steward: `team-${i % 13}`, source: 'billing', retention: `${(i % 5) + 1}y` },
        userDescription: `Amount in the order currency before discounts; nullable for cancelled orders (${i % 11} known gaps in 2019 data).`,
      },
      relationshipAttributes: {
        table: {
          guid: table,
          typeName: 'hive_table',
          entityStatus: 'ACTIVE',
          displayText: `orders_${Math.floor(i / 20)}`,
          relationshipType: 'hive_table_columns',
          relationshipGuid: guid(2_000_000_000 + i),
          relationshipStatus: 'ACTIVE',
          relationshipAttributes: { typeName: 'hive_table_columns' },
          qualifiedName: `sales_db.orders_${Math.floor(i / 20)}@cl1`,
        },
        inputToProcesses: [],
        outputFromProcesses: [],
        meanings: [],
        schema: [],
      },
      classifications: i % 7 === 0 ? [{ typeName: 'PII', entityGuid: g, entityStatus: 'ACTIVE', propagate: true, removePropagationsOnEntityDelete: false }] : [],
      labels: [],
      proxy: false,
    },
    referredEntities: {},
  };
}

const TEMPLATES = 64;
let templates: Array<[string, string]> | undefined;

/**
 * The entity JSON of entry i without paying JSON.stringify in the measured loop: one of 64 pre-rendered
 * entities with entry i's guid spliced in (every entry still differs; entries are compressed independently).
 */
function entityText(i: number, stringify: boolean, referred = 0): string {
  if (stringify) return entityJson(i, referred);
  if (!templates) {
    templates = [];
    for (let t = 0; t < TEMPLATES; t++) {
      const text = entityJson(t, referred);
      const at = text.indexOf(guid(t));
      templates.push([text.slice(0, at), text.slice(at + guid(t).length)]);
    }
  }
  const [before, after] = templates[i % TEMPLATES];
  return before + guid(i) + after;
}

async function* orderChunks(n: number): AsyncGenerator<string> {
  yield '[';
  for (let i = 0; i < n; i += 1000) {
    const parts: string[] = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) parts.push(JSON.stringify(guid(j)));
    yield (i === 0 ? '' : ',') + parts.join(',');
  }
  yield ']';
}

function destination(out: string): Writable {
  if (out === 'null') {
    return new Writable({
      highWaterMark: 1024 * 1024,
      write(_chunk, _enc, cb) {
        cb();
      },
    });
  }
  return fs.createWriteStream(out, { highWaterMark: 1024 * 1024 });
}

async function runOwn(args: Args, out: Writable): Promise<void> {
  const sink = new ZipSink(out, { workers: args.workers, level: args.level });
  for (let i = 0; i < args.entries; i++) await sink.addEntry(`${guid(i)}.json`, entityText(i, args.stringify, args.referred));
  await sink.addEntryStream('atlas-export-order.json', orderChunks(args.entries));
  await sink.addEntry('atlas-typesdef.json', '{"enumDefs":[],"structDefs":[],"classificationDefs":[],"entityDefs":[],"relationshipDefs":[],"businessMetadataDefs":[]}');
  await sink.addEntry('atlas-export-info.json', '{"operationStatus":"SUCCESS"}');
  await sink.finalize();
}

async function runArchiver(args: Args, out: Writable): Promise<void> {
  // archiver is CommonJS; required lazily so the own-writer run does not load it
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const archiver = require('archiver') as typeof import('archiver');
  const archive = archiver('zip', { zlib: { level: args.level } });
  archive.pipe(out);
  for (let i = 0; i < args.entries; i++) {
    const entered = once(archive, 'entry');
    archive.append(entityText(i, args.stringify, args.referred), { name: `${guid(i)}.json` });
    await entered;
  }
  let order = '';
  for await (const part of orderChunks(args.entries)) order += part;
  archive.append(order, { name: 'atlas-export-order.json' });
  archive.append('{}', { name: 'atlas-typesdef.json' });
  archive.append('{"operationStatus":"SUCCESS"}', { name: 'atlas-export-info.json' });
  const finished = once(out, 'finish');
  await archive.finalize();
  await finished;
}

async function verify(file: string, expected: number): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const StreamZip = require('node-stream-zip') as typeof import('node-stream-zip');
  const zip = new StreamZip.async({ file });
  const count = await zip.entriesCount;
  const first = JSON.parse((await zip.entryData(`${guid(0)}.json`)).toString('utf8'));
  const order = JSON.parse((await zip.entryData('atlas-export-order.json')).toString('utf8')) as string[];
  await zip.close();
  if (count !== expected + 3 || first.entity.guid !== guid(0) || order.length !== expected) {
    throw new Error(`verification failed: ${count} entries, order ${order.length}`);
  }
  return `verified: ${count} entries readable by node-stream-zip`;
}

async function readBack(file: string, expected: number): Promise<string> {
  const limits = { maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 16 * 1024 ** 3, maxCompressionRatio: 200, maxEntries: 5_000_000 };
  const started = process.hrtime.bigint();
  const source = await ZipSource.open(file, limits);
  const opened = Number(process.hrtime.bigint() - started) / 1e9;
  let count = 0;
  for await (const item of source.entities()) if (item.value) count++;
  await source.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (count !== expected) throw new Error(`read ${count} entities, expected ${expected}`);
  return `read (ZipSource): central directory ${opened.toFixed(2)} s, ${count} entity files in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} files/s (inflate + CRC + JSON.parse)`;
}

async function readUnzipper(file: string, expected: number): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const unzipper = require('unzipper') as typeof import('unzipper');
  const started = process.hrtime.bigint();
  const directory = await unzipper.Open.file(file);
  const byName = new Map(directory.files.map((f) => [f.path, f]));
  const order = JSON.parse((await byName.get('atlas-export-order.json')!.buffer()).toString('utf8')) as string[];
  let count = 0;
  for (const g of order) {
    const entry = byName.get(`${g}.json`);
    if (entry && JSON.parse((await entry.buffer()).toString('utf8'))) count++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (count !== expected) throw new Error(`unzipper read ${count} entities, expected ${expected}`);
  return `read (unzipper Open.file): ${count} entities in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} entities/s`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // one entity is ~1.6 KB: report the actual size
  const sample = Buffer.byteLength(entityText(12345, false, args.referred));
  const out = destination(args.out);
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  if (args.impl === 'archiver') await runArchiver(args, out);
  else await runOwn(args, out);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const size = args.out === 'null' ? undefined : fs.statSync(args.out).size;
  const mb = (args.entries * sample) / 1e6;
  const lines = [
    `impl=${args.impl} workers=${args.workers ?? 'default'} level=${args.level} entries=${args.entries} referred=${args.referred} entry≈${sample} B stringify=${args.stringify} out=${args.out}`,
    `time ${seconds.toFixed(2)} s, ${Math.round(args.entries / seconds)} entries/s` +
      (args.referred > 0 ? ` = ${Math.round((args.entries * (1 + args.referred)) / seconds)} entities/s` : '') +
      `, ${(mb / seconds).toFixed(1)} MB/s of JSON; ` +
      `CPU ${cpuSeconds.toFixed(2)} s (${Math.round(args.entries / cpuSeconds)} entries per CPU-second, all threads), load average ${os.loadavg()[0].toFixed(1)}`,
    `peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (at start ${(rssBefore / 1024 / 1024).toFixed(0)} MB)` +
      (size === undefined ? '' : `, archive ${(size / 1e6).toFixed(1)} MB (${((100 * size) / (args.entries * sample)).toFixed(1)} % of the JSON)`),
  ];
  if (args.verify && size !== undefined) lines.push(await verify(args.out, args.entries));
  if (args.read && size !== undefined) {
    lines.push(await readBack(args.out, args.entries));
    if (args.unzipper) lines.push(await readUnzipper(args.out, args.entries));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
