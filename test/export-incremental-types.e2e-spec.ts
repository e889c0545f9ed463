// An incremental export collects types from every entity it processes, not only from those it writes. Spec 3.4 step
// 1: "Load G with its owned closure (AtlasEntityWithExtInfo, 2.5) and collect its types (3.7)" (before step 2 decides
// what to write); 3.5: "The traversal still walks through non-qualifying entities."; 3.7: "The exporter collects type
// names while processing entities (top-level and referred) ...; the type of every classification attached to an
// exported entity".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

const DB_GUID = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const COLUMN = '7f958016-f390-4f85-a651-7578e9670500';
const DB = { typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } };

describe('typesdef of an incremental export (Repo(hive) after stocks.zip)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
    const defs = await t.as(ADMIN).post('/api/atlas/v2/types/typedefs').send({ classificationDefs: [{ name: 'DB_TAG', attributeDefs: [] }, { name: 'COL_TAG', attributeDefs: [] }] });
    expect(defs.status).toBe(200);
    expect((await t.as(ADMIN).post(`/api/atlas/v2/entity/guid/${DB_GUID}/classifications`).send([{ typeName: 'DB_TAG', propagate: false }])).status).toBe(204);
  });
  afterAll(async () => t?.close());

  it('holds the types of the processed entities, not only of the written ones', async () => {
    const first = await exportZip(t, { itemsToExport: [DB], options: { fetchType: 'incremental', changeMarker: 0 } });
    const names = (a: typeof first, list: string) => a.typesDef[list].map((d) => d.name);
    // a full pass processes and writes the db (with DB_TAG), the table, the process and the hdfs_path
    expect(names(first, 'entityDefs')).toEqual(expect.arrayContaining(['hive_db', 'hive_process', 'hdfs_path']));
    expect(names(first, 'classificationDefs')).toContain('DB_TAG');

    expect((await t.as(ADMIN).post(`/api/atlas/v2/entity/guid/${COLUMN}/classifications`).send([{ typeName: 'COL_TAG', propagate: false }])).status).toBe(204);
    const inc = await exportZip(t, { itemsToExport: [DB], options: { fetchType: 'incremental', changeMarker: first.info.changeMarker } });
    expect(inc.order).toEqual([COLUMN]);
    // the same walk processes the same entities: their types are collected although only the column qualifies
    expect(names(inc, 'entityDefs')).toEqual(expect.arrayContaining(['hive_db', 'hive_process', 'hdfs_path']));
    expect(names(inc, 'classificationDefs').sort()).toEqual(['COL_TAG', 'DB_TAG']);
  });
});
