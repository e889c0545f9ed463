// Conformance cases 12.1–12.4 (spec 12) for /admin/import against real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { entityRow, hiveModelsDir, importZip } from './helpers/fixtures';

const STOCKS_DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const STOCKS_TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';

describe('import of the shared fixtures into Repo(hive)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
  });
  afterAll(async () => t?.close());

  it('case 12: stocks.zip creates 12 entities with the spec metrics', async () => {
    const res = await importZip(t, 'stocks.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.operationStatus).toBe('SUCCESS');
    expect(res.body.processedEntities).toHaveLength(12);
    const { duration, ...metrics } = res.body.metrics;
    expect(duration).toBeGreaterThanOrEqual(0);
    expect(metrics).toEqual({
      'entity:hive_db:created': 1, 'entity:hive_table:created': 1, 'entity:hive_column:created': 7,
      'entity:hive_storagedesc:created': 1, 'entity:hive_process:created': 1, 'entity:hdfs_path:created': 1,
    });
    expect(res.body.exportResult.request.itemsToExport[0].uniqueAttributes.qualifiedName).toBe('stocks@cl1');
    expect((await entityRow(t, STOCKS_DB))?.attributes.qualifiedName).toBe('stocks@cl1');
  });

  it('case 13/14: entities read back with relationships and referred entities', async () => {
    const db = await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${STOCKS_DB}`);
    expect(db.status).toBe(200);
    expect(db.body.entity).toMatchObject({ typeName: 'hive_db', status: 'ACTIVE', createTime: 1489214895606, createdBy: 'admin' });
    const tables = db.body.entity.relationshipAttributes.tables;
    expect(tables.map((x: { guid: string }) => x.guid)).toContain(STOCKS_TABLE);
    expect(tables[0].relationshipGuid).toBeTruthy();
    const table = await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${STOCKS_TABLE}`);
    expect(Object.keys(table.body.referredEntities)).toHaveLength(8);
    expect(table.body.entity.relationshipAttributes.db.guid).toBe(STOCKS_DB);
  });

  it('case 16: a re-import creates nothing new', async () => {
    const res = await importZip(t, 'stocks.zip');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.metrics).filter((k) => k.endsWith(':created'))).toEqual([]);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM entity WHERE type_name LIKE 'hive_%' OR type_name = 'hdfs_path'`);
    expect(n).toBe(12);
  });
});
