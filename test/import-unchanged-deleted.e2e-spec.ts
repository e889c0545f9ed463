// spec P7: an identical re-import skips unchanged entities, DELETED ones included: their links are DELETED with them,
// and the ZIP lists the same targets (spec 5.7.5: "every relationship attribute present references the same targets").
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';

const DELETED_TABLE = 'e17413b9-4467-4860-a74d-f73ebb5eeeeb';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
});
afterAll(async () => t?.close());

it('stocks-base.zip imported twice: the second import reports nothing and leaves the DELETED table untouched', async () => {
  expect((await importZip(t, 'stocks-base.zip')).status).toBe(200);
  const [before] = await t.db.query(`SELECT update_time, change_seq FROM entity WHERE guid = $1`, [DELETED_TABLE]);
  const again = await importZip(t, 'stocks-base.zip');
  expect(again.status).toBe(200);
  const { duration, ...metrics } = again.body.metrics;
  expect(Object.keys(metrics).filter((k) => !k.endsWith(':unchanged'))).toEqual([]);
  expect(metrics['entity:hive_table:unchanged']).toBe(4);
  expect(again.body.processedEntities).toEqual([]);
  const [after] = await t.db.query(`SELECT update_time, change_seq FROM entity WHERE guid = $1`, [DELETED_TABLE]);
  expect(after).toEqual(before);
});
