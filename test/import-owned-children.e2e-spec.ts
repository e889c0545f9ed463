// spec 5.7.5: "For a supplied collection of references, relationships to targets no longer listed are removed (owned
// children that are removed get deleted)." A column the table's `columns` (a composition) no longer lists is deleted,
// and reported as deleted (spec 5.7.9).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';

const TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
});
afterAll(async () => t?.close());

it('a column added locally to hive_table 027a987e is deleted when stocks.zip is imported again', async () => {
  expect((await importZip(t, 'stocks.zip')).status).toBe(200);
  const created = await t.as(ADMIN).post('/api/atlas/v2/entity').send({
    entity: {
      typeName: 'hive_column', guid: '-1',
      attributes: { name: 'extra', qualifiedName: 'stocks.appl_daily_1.extra@cl1', type: 'string', table: { guid: TABLE, typeName: 'hive_table' } },
    },
  });
  expect(created.status).toBe(200);
  const column = created.body.guidAssignments['-1'] as string;

  // the table's `columns` in the ZIP lists its 7 columns, not `extra` (hive_table_columns is a COMPOSITION)
  const again = await importZip(t, 'stocks.zip');
  expect(again.status).toBe(200);
  expect(again.body.metrics['entity:hive_column:deleted']).toBe(1);
  expect(again.body.processedEntities).toContain(column);
  expect(await t.db.query(`SELECT status FROM relationship WHERE end1_guid = $1 OR end2_guid = $1`, [column])).toEqual([{ status: 'DELETED' }]);
  const [row] = await t.db.query(`SELECT status FROM entity WHERE guid = $1`, [column]);
  expect(row.status).toBe('DELETED');
});

it('a column moved to another table in the same request stays ACTIVE', async () => {
  const db = (await t.db.query(`SELECT guid FROM entity WHERE type_name = 'hive_db' LIMIT 1`))[0].guid as string;
  const before = (await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${TABLE}`).expect(200)).body.entity;
  const columns = (before.relationshipAttributes.columns as Array<{ guid: string; relationshipStatus: string }>)
    .filter((c) => c.relationshipStatus === 'ACTIVE').map((c) => ({ guid: c.guid, typeName: 'hive_column' }));
  const moved = columns[columns.length - 1];
  const res = await t.as(ADMIN).post('/api/atlas/v2/entity/bulk').send({
    entities: [
      { typeName: 'hive_table', guid: TABLE, attributes: { ...before.attributes, columns: columns.slice(0, -1) } },
      {
        typeName: 'hive_table', guid: '-1',
        attributes: { qualifiedName: 'stocks.moved_to@cl1', name: 'moved_to', db: { guid: db, typeName: 'hive_db' }, columns: [moved] },
      },
    ],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const [row] = await t.db.query(`SELECT status FROM entity WHERE guid = $1`, [moved.guid]);
  expect(row.status).toBe('ACTIVE');
  const links = await t.db.query(`SELECT end1_guid, status FROM relationship WHERE type_name = 'hive_table_columns' AND end2_guid = $1 ORDER BY status`, [moved.guid]);
  expect(links).toEqual([{ end1_guid: res.body.guidAssignments['-1'], status: 'ACTIVE' }, { end1_guid: TABLE, status: 'DELETED' }]);
});
