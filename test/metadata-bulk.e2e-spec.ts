import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlasEntity } from '../src/metadata/model';
import { hiveModelsDir } from './helpers/fixtures';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';

// Issue 3 item 5, "batched by design": a bulk request of 10,000 entities is a handful of SQL statements, not
// 10,000. Statements are counted at the pg driver (every TypeORM query, BEGIN and COMMIT included).

const V2 = '/api/atlas/v2';

/** Counts the statements the app sends to PostgreSQL while `fn` runs. */
async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const statements: string[] = [];
  proto.query = function (this: Client, ...args: unknown[]) {
    const q = args[0];
    const text = typeof q === 'string' ? q : String((q as { text?: string })?.text ?? '');
    // the async-import worker polls its table every ASYNC_IMPORT_POLL_MS whatever the request does: a request that
    // takes longer on a busy machine would count more of those polls
    if (!/\basync_import\b/.test(text)) statements.push(text);
    const started = Date.now();
    const r = original.apply(this, args) as Promise<unknown>;
    if (process.env.PROFILE_SQL && r && typeof r.then === 'function') r.then(() => console.log(`${Date.now() - started} ms: ${text.replace(/\s+/g, ' ').slice(0, 160)}`), () => undefined);
    return r;
  };
  try {
    return { result: await fn(), statements };
  } finally {
    proto.query = original;
  }
}

/** `tables` hive_tables with `columnsPerTable` columns each, in one AtlasEntitiesWithExtInfo with placeholder guids. */
function hiveBatch(prefix: string, dbGuid: string, tables: number, columnsPerTable: number) {
  const entities: AtlasEntity[] = [];
  const referredEntities: Record<string, AtlasEntity> = {};
  let next = 1;
  for (let t = 0; t < tables; t++) {
    const tableGuid = `-${next++}`;
    const columns: Array<{ guid: string; typeName: string }> = [];
    for (let c = 0; c < columnsPerTable; c++) {
      const guid = `-${next++}`;
      columns.push({ guid, typeName: 'hive_column' });
      referredEntities[guid] = {
        typeName: 'hive_column', guid,
        attributes: { qualifiedName: `${prefix}.t${t}.c${c}@cl1`, name: `c${c}`, type: 'string', position: c, table: { guid: tableGuid, typeName: 'hive_table' } },
      };
    }
    entities.push({
      typeName: 'hive_table', guid: tableGuid,
      attributes: { qualifiedName: `${prefix}.t${t}@cl1`, name: `t${t}`, owner: 'etl', db: { guid: dbGuid, typeName: 'hive_db' }, columns },
    });
  }
  return { entities, referredEntities };
}

describe('bulk writes are set-based', () => {
  let t: TestApp;
  let dbGuid: string;

  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    const db = await t.as(ADMIN).post(`${V2}/entity`).send({
      entity: { typeName: 'hive_db', guid: '-1', attributes: { qualifiedName: 'bulk@cl1', name: 'bulk', clusterName: 'cl1' } },
    }).expect(200);
    dbGuid = db.body.guidAssignments['-1'];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates 10,000 entities (2,000 tables x 4 columns, 10,000 relationships) in one request of a handful of statements', async () => {
    const batch = hiveBatch('bulk', dbGuid, 2000, 4);
    const { result: res, statements } = await countStatements(() => t.as(ADMIN).post(`${V2}/entity/bulk`).send(batch));
    expect(res.status).toBe(200);
    expect(res.body.mutatedEntities.CREATE).toHaveLength(10_000);
    expect(Object.keys(res.body.guidAssignments)).toHaveLength(10_000);
    // auth, type-registry version check, the write transaction and the propagation check: no per-entity statements
    expect(statements.length).toBeLessThanOrEqual(30);

    expect(Number((await t.db.query(`SELECT count(*) AS n FROM entity WHERE type_name IN ('hive_table', 'hive_column')`))[0].n)).toBe(10_000);
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM relationship WHERE type_name = 'hive_table_columns'`))[0].n)).toBe(8_000);
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM relationship WHERE type_name = 'hive_table_db'`))[0].n)).toBe(2_000);
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM entity_unique`))[0].n)).toBe(10_001);
  });

  it('sending the same 10,000 entities again updates them in as few statements', async () => {
    const batch = hiveBatch('bulk', dbGuid, 2000, 4);
    const { result: res, statements } = await countStatements(() => t.as(ADMIN).post(`${V2}/entity/bulk`).send(batch));
    expect(res.status).toBe(200);
    expect(res.body.mutatedEntities.CREATE).toBeUndefined();
    expect(res.body.mutatedEntities.UPDATE).toHaveLength(10_000);
    expect(statements.length).toBeLessThanOrEqual(30);
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM entity`))[0].n)).toBe(10_001);
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM relationship WHERE status = 'ACTIVE'`))[0].n)).toBe(10_000);
  });

  it('reads 250 tables with their columns in a few statements', async () => {
    const guids: string[] = (await t.db.query(`SELECT guid FROM entity WHERE type_name = 'hive_table' ORDER BY guid LIMIT 250`)).map((r: { guid: string }) => r.guid);
    const { result: res, statements } = await countStatements(() => t.as(ADMIN).get(`${V2}/entity/bulk?${guids.map((g) => `guid=${g}`).join('&')}`));
    expect(res.status).toBe(200);
    expect(res.body.entities).toHaveLength(250);
    expect(Object.keys(res.body.referredEntities)).toHaveLength(1000);
    expect(statements.length).toBeLessThanOrEqual(10);
  });
});
