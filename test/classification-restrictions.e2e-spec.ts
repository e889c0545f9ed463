// A classification def's `entityTypes` restricts which entities it may classify (spec 11: "entityTypes (classification:
// allowed entity types)"): those types and their sub-types; a classification without its own list takes its
// super-types' (Atlas's canApplyToEntityType). Anything else is 400 ATLAS-400-00-055, INVALID_ENTITY_FOR_CLASSIFICATION,
// nothing written: through the entity API and through an import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editedFixture, hiveModelsDir, importZip } from './helpers/fixtures';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';

const V2 = '/api/atlas/v2';
const DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';

describe('classification entityTypes restrictions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    const defs = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({
      classificationDefs: [
        { name: 'DataSetsOnly', entityTypes: ['DataSet'], attributeDefs: [] },
        { name: 'TablesOnly', entityTypes: ['hive_table'], attributeDefs: [] },
        { name: 'InheritsTablesOnly', superTypes: ['TablesOnly'], attributeDefs: [] },
        { name: 'Anywhere', attributeDefs: [] },
      ],
    });
    expect(defs.status, JSON.stringify(defs.body)).toBe(200);
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
  });
  afterAll(async () => t?.close());

  const classify = (guid: string, typeName: string) => t.as(ADMIN).post(`${V2}/entity/guid/${guid}/classifications`).send([{ typeName }]);
  const own = async (guid: string) => (await t.db.query(`SELECT type_name FROM classification WHERE entity_guid = $1 ORDER BY 1`, [guid])).map((r: { type_name: string }) => r.type_name);

  it('the listed type and its sub-types may be classified; an unrestricted classification goes anywhere', async () => {
    expect((await classify(TABLE, 'TablesOnly')).status).toBe(204);
    expect((await classify(TABLE, 'DataSetsOnly')).status).toBe(204); // hive_table is a DataSet
    expect((await classify(DB, 'Anywhere')).status).toBe(204);
    expect(await own(TABLE)).toEqual(['DataSetsOnly', 'TablesOnly']);
  });

  it('another type is refused with 400 ATLAS-400-00-055, also through an inherited restriction', async () => {
    for (const name of ['TablesOnly', 'InheritsTablesOnly', 'DataSetsOnly']) {
      const res = await classify(DB, name);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errorCode: 'ATLAS-400-00-055',
        errorMessage: `Entity (guid='${DB}',typename='hive_db') cannot be classified by Classification '${name}', because 'hive_db' is not in the ClassificationDef's restrictions.`,
      });
    }
    expect(await own(DB)).toEqual(['Anywhere']);
  });

  it('an import whose entity carries a classification its type may not have fails on that unit', async () => {
    const zip = await editedFixture('stocks.zip', (name, json) => {
      if (name === `${DB}.json`) json.entity.classifications = [{ typeName: 'TablesOnly' }];
      return json;
    });
    const res = await importZip(t, zip);
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('ATLAS-400-00-055');
    expect(await own(DB)).toEqual(['Anywhere']);
  });
});
