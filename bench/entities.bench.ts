// Entity-write throughput of the metadata repository (issue 3 item 5): a fresh database, the server as a child
// process, and BENCH_ENTITIES (default 100,000) hive-like entities created through POST /api/atlas/v2/entity/bulk
// in requests of BENCH_BATCH (default 5,000): tables in `entities`, their 8 columns and storage descriptor in
// `referredEntities`, placeholder guids, references to the db, the table and the columns.
// Prints entities/s, per-request latency and the server's peak RSS.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:entities
import { cpuSeconds, createBenchDatabase, fmt, hiveModelsDir, peakRssMb, startServer, auth } from './bench-util';

const TOTAL = Number(process.env.BENCH_ENTITIES ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 5_000);
const COLUMNS_PER_TABLE = 8;
const PER_TABLE = COLUMNS_PER_TABLE + 2; // table + columns + storage descriptor

interface Entity {
  typeName: string;
  guid: string;
  attributes: Record<string, unknown>;
}

/** One request body of `tables` tables (each PER_TABLE entities), numbered from `first`. */
function bulkBody(dbGuid: string, first: number, tables: number): { entities: Entity[]; referredEntities: Record<string, Entity> } {
  const entities: Entity[] = [];
  const referredEntities: Record<string, Entity> = {};
  let placeholder = 0;
  const next = () => `-${++placeholder}`;
  for (let i = first; i < first + tables; i++) {
    const name = `bench.t${i}`;
    const tableGuid = next();
    const tableRef = { guid: tableGuid, typeName: 'hive_table' };
    const columns = [];
    for (let c = 0; c < COLUMNS_PER_TABLE; c++) {
      const guid = next();
      columns.push({ guid, typeName: 'hive_column' });
      referredEntities[guid] = {
        typeName: 'hive_column', guid,
        attributes: { qualifiedName: `${name}.c${c}@bench`, name: `c${c}`, type: c % 2 ? 'string' : 'bigint', position: c, comment: `column ${c} of ${name}`, owner: 'etl', table: tableRef },
      };
    }
    const sdGuid = next();
    referredEntities[sdGuid] = {
      typeName: 'hive_storagedesc', guid: sdGuid,
      attributes: {
        qualifiedName: `${name}@bench_storage`, location: `hdfs://nn:8020/warehouse/bench.db/t${i}`, compressed: false, numBuckets: -1,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat', outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serdeInfo: { typeName: 'hive_serde', attributes: { serializationLib: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', parameters: { 'serialization.format': '1' } } },
        parameters: {}, storedAsSubDirectories: false, table: tableRef,
      },
    };
    entities.push({
      typeName: 'hive_table', guid: tableGuid,
      attributes: {
        qualifiedName: `${name}@bench`, name: `t${i}`, owner: 'etl', createTime: 1_700_000_000_000 + i, lastAccessTime: 1_700_000_000_000 + i,
        tableType: 'MANAGED_TABLE', temporary: false, retention: 0, parameters: { transient_lastDdlTime: '1700000000' },
        db: { guid: dbGuid, typeName: 'hive_db' }, columns, sd: { guid: sdGuid, typeName: 'hive_storagedesc' },
      },
    });
  }
  return { entities, referredEntities };
}

async function post(base: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${base}${path}`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const server = await startServer({ DATABASE_URL: db.url, MODELS_DIR: hiveModelsDir(), JSON_BODY_MAX_BYTES: '200MiB' });
  try {
    const created = await post(server.base, '/api/atlas/v2/entity', {
      entity: { typeName: 'hive_db', guid: '-1', attributes: { qualifiedName: 'bench@bench', name: 'bench', clusterName: 'bench' } },
    });
    if (created.status !== 200) throw new Error(`hive_db: HTTP ${created.status} ${JSON.stringify(created.json)}`);
    const dbGuid = (created.json.guidAssignments as Record<string, string>)['-1'];

    const tablesPerRequest = Math.max(1, Math.floor(BATCH / PER_TABLE));
    const totalTables = Math.ceil(TOTAL / PER_TABLE);
    const latencies: number[] = [];
    const cpuBefore = cpuSeconds(server.proc.pid!);
    const started = process.hrtime.bigint();
    let written = 0;
    for (let first = 0; first < totalTables; first += tablesPerRequest) {
      const tables = Math.min(tablesPerRequest, totalTables - first);
      const body = bulkBody(dbGuid, first, tables);
      const t0 = process.hrtime.bigint();
      const res = await post(server.base, '/api/atlas/v2/entity/bulk', body);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status !== 200) throw new Error(`bulk at table ${first}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
      const createdNow = ((res.json.mutatedEntities as Record<string, unknown[]>)?.CREATE ?? []).length;
      if (createdNow !== tables * PER_TABLE) throw new Error(`bulk at table ${first}: ${createdNow} created, expected ${tables * PER_TABLE}`);
      written += createdNow;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = cpuSeconds(server.proc.pid!) - cpuBefore;
    const rss = peakRssMb(server.proc.pid!);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];

    console.log(`entities bench: ${fmt(written)} entities (${fmt(totalTables)} hive_tables x (1 + ${COLUMNS_PER_TABLE} columns + 1 sd)) in ${latencies.length} bulk requests of ~${fmt(tablesPerRequest * PER_TABLE)}`);
    console.log(`  throughput:      ${fmt(written / seconds)} entities/s (${seconds.toFixed(1)} s wall, server CPU ${cpu.toFixed(1)} s)`);
    console.log(`  request latency: p50 ${fmt(pct(0.5))} ms, p90 ${fmt(pct(0.9))} ms, max ${fmt(latencies[latencies.length - 1])} ms`);
    console.log(`  server peak RSS: ${rss} MB; bench client peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await server.stop();
    if (!process.env.BENCH_KEEP_DB) await db.drop();
    else console.log(`  database kept: ${db.url}`);
  }
}

main().catch((e: Error) => {
  console.error(`entities bench failed: ${e.message}`);
  process.exit(1);
});
