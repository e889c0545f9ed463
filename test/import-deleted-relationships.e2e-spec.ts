// spec 10.2: "every relationship touching a deleted entity becomes DELETED", whichever batch wrote either end.
// A later ACTIVE unit that links to a DELETED entity written by an earlier batch (or stored before) must not
// bring the link back to ACTIVE. spec 5.7.4: "relationshipStatus in the ZIP is informational: relationships become
// DELETED as a consequence of entity deletion (5.7.6), not because the ZIP says so."
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  // one unit per transaction (as in import-resume.e2e-spec.ts); any archive spanning batches behaves alike
  t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_BATCH_ENTITIES: '1' });
});
afterAll(async () => t?.close());

it('tag-prop-2.zip: no ACTIVE relationship touches a DELETED entity', async () => {
  const res = await importZip(t, 'tag-prop-2.zip');
  expect(res.status).toBe(200);
  const bad = await t.db.query(
    `SELECT r.type_name, r.end1_guid, r.end2_guid FROM relationship r
       JOIN entity e1 ON e1.guid = r.end1_guid JOIN entity e2 ON e2.guid = r.end2_guid
      WHERE r.status = 'ACTIVE' AND (e1.status = 'DELETED' OR e2.status = 'DELETED') ORDER BY 1, 2, 3`);
  expect(bad).toEqual([]);
});
