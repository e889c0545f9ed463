// spec 5.7.4: "Creating a relationship to an entity outside the unit counts that other entity as updated in this unit's
// mutation report (5.7.9)." spec 5.4: processedEntities = "every entity guid reported as created/updated/deleted by
// any unit (5.7.9)". The entity is stamped as updated, so an incremental export after the import carries it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app';
import { editedFixture, hiveModelsDir, importZip } from './helpers/fixtures';

const DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
});
afterAll(async () => t?.close());

it('the hive_db that the imported hive_table attaches to is reported as updated', async () => {
  // first the hive_db alone (stocks.zip with export order [db])
  const dbOnly = await editedFixture('stocks.zip', (name, json) => (name === 'atlas-export-order.json' ? [DB] : json));
  expect((await importZip(t, dbOnly)).status).toBe(200);
  // then the rest of stocks.zip: the table unit creates hive_table_db between the new table and the stored db
  const res = await importZip(t, 'stocks.zip', { options: { startPosition: '0' } });
  expect(res.status).toBe(200);
  expect((await t.db.query(`SELECT status FROM relationship WHERE type_name = 'hive_table_db' AND end1_guid = $1 AND end2_guid = $2`, [TABLE, DB])))
    .toEqual([{ status: 'ACTIVE' }]);
  expect(res.body.metrics['entity:hive_db:updated']).toBe(1);
  expect(res.body.processedEntities).toContain(DB);
});
