// spec P6 (late references kept), P9 (resume point in the error body), P11 (committed batches stay whole).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app';
import { editedFixture, hiveModelsDir, importZip, resetRepository } from './helpers/fixtures';

const DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';
const PROCESS = 'c13648d9-2eb5-44a9-b2a0-01c9f7593935';
const HDFS = 'c0a5782a-e4b7-4552-9ad3-709771bfce00';


async function guids(t: TestApp): Promise<string[]> {
  return (await t.db.query(`SELECT guid FROM entity WHERE type_name <> 'AtlasServer' ORDER BY guid`)).map((r: { guid: string }) => r.guid);
}

describe('import batches, failures and resume', () => {
  let t: TestApp;
  beforeAll(async () => {
    // one unit per transaction, so a failure in the third unit leaves two committed batches
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_BATCH_ENTITIES: '1' });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => resetRepository(t));

  it('P6: the process keeps its hdfs_path input although the path comes later in the archive', async () => {
    const res = await importZip(t, 'stocks.zip');
    expect(res.status).toBe(200);
    const links = await t.db.query(
      `SELECT type_name, status FROM relationship WHERE end1_guid = $1 AND end2_guid = $2`, [PROCESS, HDFS]);
    expect(links).toEqual([{ type_name: 'dataset_process_inputs', status: 'ACTIVE' }]);
  });

  it('P9/P11: a failure in the third unit reports the last committed position; resuming completes the import', async () => {
    const broken = await editedFixture('stocks.zip', (name, json) => {
      if (name === `${PROCESS}.json`) json.entity.attributes.userName = null; // mandatory in hive_process
      return json;
    });
    const res = await importZip(t, broken);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errorCode: 'ATLAS-404-00-007', lastCommittedPosition: 1, lastCommittedGuid: TABLE });
    expect(res.body.errorMessage).toContain('hive_process.userName');
    // the two committed units are whole: the db, the table with its 7 columns and storage descriptor
    const afterFailure = await guids(t);
    expect(afterFailure).toHaveLength(10);
    expect(afterFailure).toContain(DB);
    expect(afterFailure).not.toContain(PROCESS);

    const resumed = await importZip(t, 'stocks.zip', { options: { startPosition: String(res.body.lastCommittedPosition) } });
    expect(resumed.status).toBe(200);
    // the table stored by the failed import gains the process's output link: updated (spec 5.7.4)
    expect(resumed.body.processedEntities.sort()).toEqual([HDFS, PROCESS, TABLE].sort());
    expect(await guids(t)).toHaveLength(12);
    // the late reference is there too: resume plus P6
    const links = await t.db.query(`SELECT status FROM relationship WHERE end1_guid = $1 AND end2_guid = $2`, [PROCESS, HDFS]);
    expect(links).toEqual([{ status: 'ACTIVE' }]);
  });

  it('P11: the same archive imported twice gives the same repository state', async () => {
    await importZip(t, 'stocks-base.zip');
    const snapshot = async () => t.db.query(
      `SELECT guid, type_name, status, attributes FROM entity ORDER BY guid`);
    const rels = async () => t.db.query(`SELECT type_name, end1_guid, end2_guid, status FROM relationship ORDER BY 1, 2, 3`);
    const first = [await snapshot(), await rels()];
    const again = await importZip(t, 'stocks-base.zip');
    expect(again.status).toBe(200);
    expect([await snapshot(), await rels()]).toEqual(first);
  });
});
