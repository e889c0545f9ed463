// Resume and options (spec 5.8, P9, 2.7): for zipDirect the reported lastCommittedPosition is the startPosition that
// resumes (the number of elements done); startGuid wins over startPosition, which is then not read; a `{}` ends a
// zipDirect array also inside the part startPosition skips, whatever blanks it holds.
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app';
import { ATLAS_ZIPS, hiveModelsDir, importZip, makeZip, readZipEntry, resetRepository } from './helpers/fixtures';

const DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const HDFS = 'c0a5782a-e4b7-4552-9ad3-709771bfce00';

/** n hdfs_path units (from stocks.zip's c0a5782a), unit `broken` lacks the mandatory `name` */
async function hdfsUnits(n: number, broken?: number) {
  const hdfs = JSON.parse(await readZipEntry(path.join(ATLAS_ZIPS, 'stocks.zip'), `${HDFS}.json`));
  return Array.from({ length: n }, (_, i) => ({
    entity: { ...hdfs.entity, guid: `00000000-0000-0000-0000-00000000000${i}`,
      attributes: { ...hdfs.entity.attributes, qualifiedName: `p${i}@cl1`, name: broken === i ? null : `p${i}`, path: `p${i}` } },
  }));
}
const direct = async (elements: string) => makeZip([['atlas-typesdef.json', '{}'], ['entities.json', elements]]);

describe('resume options and zipDirect', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_BATCH_ENTITIES: '1' }); });
  afterAll(async () => t?.close());
  beforeEach(async () => resetRepository(t));

  // P9: "the error body carry the position ... of the last committed entity, so that startPosition ... can be taken
  // from the API"; 2.7/5.8: "zipDirect: startPosition n skips the first n array elements"; 5.8: "Skipped units are
  // neither imported nor reported."
  it('zipDirect: resuming with startPosition taken from the error body does not repeat the last committed unit', async () => {
    const failed = await importZip(t, await direct(JSON.stringify(await hdfsUnits(3, 2))), { options: { format: 'zipDirect' } });
    expect(failed.status).toBe(404);
    const resumed = await importZip(t, await direct(JSON.stringify(await hdfsUnits(3))),
      { options: { format: 'zipDirect', startPosition: String(failed.body.lastCommittedPosition) } });
    expect(resumed.status).toBe(200);
    const { duration: _, ...metrics } = resumed.body.metrics;
    expect(metrics).toEqual({ 'entity:hdfs_path:created': 1 }); // unit 1 was committed already: not imported again
  });

  // 5.8: "startGuid (wins if both given)"; 5.3: startPosition is only read when it is the resume option in use
  it('startGuid wins over startPosition: a non-numeric startPosition beside startGuid is not read', async () => {
    const res = await importZip(t, 'stocks.zip', { options: { startGuid: DB, startPosition: 'last' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(11); // as case 35
  });

  // 2.7: "Parsing stops at the end of the array or at the first empty object {}" — also when it lies in the part
  // skipped by startPosition (5.8: startPosition n skips the first n array elements)
  it('zipDirect: an empty object {} with inner whitespace inside the skipped part still ends the array', async () => {
    const [a, , c] = await hdfsUnits(3);
    const elements = `[${JSON.stringify(a)},{                    },${JSON.stringify(c)}]`;
    const noSkip = await importZip(t, await direct(elements), { options: { format: 'zipDirect' } });
    expect(noSkip.body.processedEntities).toEqual([a.entity.guid]);
    await resetRepository(t);
    const res = await importZip(t, await direct(elements), { options: { format: 'zipDirect', startPosition: '2' } });
    expect(res.status).toBe(200);
    expect(res.body.processedEntities).toEqual([]); // element 2 comes after the terminating {}
  });
});
