// spec P7: an identical re-import skips unchanged entities (spec 5.7.5: "every relationship attribute present
// references the same targets"): DELETED entities, whose links are DELETED with them, and ACTIVE entities whose
// relationship attributes list DELETED links too, as an export writes them (spec 3.6). The second test re-imports this
// server's own export with `classifications: []` added, as Atlas writes it (3.6 omits an empty list, and 5.7.5 rewrites
// an entity whose ZIP lacks the member).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip, makeZip } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

const DELETED_TABLE = 'e17413b9-4467-4860-a74d-f73ebb5eeeeb';
const BASE_DB = 'be586182-6c2d-459a-a97c-e3a8113241e4';

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

it('re-importing an identical archive whose hive_db lists its DELETED table reports the db unchanged', async () => {
  const a = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db', guid: BASE_DB }], options: { fetchType: 'full' } });
  const db = a.file(BASE_DB).entity as unknown as { relationshipAttributes: { tables: Array<{ guid: string; relationshipStatus: string }> } };
  expect(db.relationshipAttributes.tables.find((x) => x.guid === DELETED_TABLE)?.relationshipStatus).toBe('DELETED');
  // the GET view of the stored db lists the same four tables (10.2: "all relationship attributes (ACTIVE and DELETED relationships)")
  const view = await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${BASE_DB}`);
  expect(view.body.entity.relationshipAttributes.tables.map((x: { guid: string }) => x.guid).sort())
    .toEqual(db.relationshipAttributes.tables.map((x) => x.guid).sort());

  const entries: Array<[string, string]> = [];
  for (const name of a.names) {
    const json = a.json.get(name) as { entity?: { classifications?: unknown[] }; referredEntities?: Record<string, { classifications?: unknown[] }> };
    if (json && json.entity) {
      json.entity.classifications ??= [];
      for (const r of Object.values(json.referredEntities ?? {})) r.classifications ??= [];
    }
    entries.push([name, JSON.stringify(json)]);
  }
  const file = await makeZip(entries);

  const [before] = await t.db.query(`SELECT update_time, change_seq FROM entity WHERE guid = $1`, [BASE_DB]);
  const again = await importZip(t, file);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  expect(again.status).toBe(200);
  const { duration, ...metrics } = again.body.metrics;
  // 5.7.5: "Unchanged skip: an existing entity is left untouched and not reported when all of: ZIP classifications is
  // present and empty and the entity currently has no classifications (own or propagated); every attribute present in
  // the ZIP equals the stored value; every relationship attribute present references the same targets; ..."
  // P7: "Skipped as in Atlas, and counted in metrics as entity:TYPE:unchanged."
  expect(metrics).toEqual({
    'entity:hive_db:unchanged': 1, 'entity:hive_table:unchanged': 4, 'entity:hive_column:unchanged': 20,
    'entity:hive_storagedesc:unchanged': 4, 'entity:hive_column_lineage:unchanged': 7, 'entity:hive_process:unchanged': 1,
  });
  expect(again.body.processedEntities).toEqual([]);
  const [after] = await t.db.query(`SELECT update_time, change_seq FROM entity WHERE guid = $1`, [BASE_DB]);
  expect(after).toEqual(before);
});
