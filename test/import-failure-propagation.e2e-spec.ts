// A failed import keeps its committed batches (spec P11), and they are complete: a propagating classification of a
// committed entity reaches the entities it propagates to (spec 10.5: "Propagation is recomputed whenever relationships
// or propagating classifications are added/removed/deleted; it MUST be complete before the response of the request
// that caused it.").
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { editedFixture, hiveModelsDir, importZip } from './helpers/fixtures';

const TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';
const PROCESS = 'c13648d9-2eb5-44a9-b2a0-01c9f7593935';
const HDFS = 'c0a5782a-e4b7-4552-9ad3-709771bfce00';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_BATCH_ENTITIES: '1' });
});
afterAll(async () => t?.close());

it('committed units of a failed import: the propagating tag of the process reaches its output table', async () => {
  const td = await t.as(ADMIN).post('/api/atlas/v2/types/typedefs')
    .send({ classificationDefs: [{ name: 'PII', category: 'CLASSIFICATION', attributeDefs: [], superTypes: [] }] });
  expect(td.status).toBe(200);
  // stocks.zip order: db, table, process (outputs: table), hdfs_path. The process carries PII (propagate true);
  // the 4th unit is broken so the import fails after the process was committed.
  const zip = await editedFixture('stocks.zip', (name, json) => {
    if (name === `${PROCESS}.json`) json.entity.classifications = [{ typeName: 'PII', propagate: true }];
    if (name === `${HDFS}.json`) json.entity.typeName = 'no_such_type';
    return json;
  });
  const res = await importZip(t, zip);
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ errorCode: 'ATLAS-400-00-014', lastCommittedPosition: 2, lastCommittedGuid: PROCESS });

  // committed: process --process_dataset_outputs (ONE_TO_TWO)--> table, both ACTIVE
  const rel = await t.db.query(`SELECT status FROM relationship WHERE type_name = 'process_dataset_outputs' AND end1_guid = $1 AND end2_guid = $2`, [PROCESS, TABLE]);
  expect(rel).toEqual([{ status: 'ACTIVE' }]);
  const table = await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${TABLE}`);
  expect(table.status).toBe(200);
  expect(table.body.entity.classifications).toEqual([expect.objectContaining({ typeName: 'PII', entityGuid: PROCESS, propagate: true })]);
});
