// Classifications through the v2 entity API, as Atlas's EntityREST does them:
// - an update leaves an existing entity's own classifications alone unless the request says replaceClassifications=true
//   (EntityREST.createOrUpdate: @QueryParam("replaceClassifications") @DefaultValue("false")); an import replaces them
//   (spec 5.7.5);
// - a classification that names its entity by the placeholder guid of the request is the entity's own (spec 5.7.7 skips
//   only entries whose entityGuid differs from the entity's guid).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';

const V2 = '/api/atlas/v2';

describe('classifications through the entity API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    const r = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({
      classificationDefs: [{ name: 'PII', attributeDefs: [] }, { name: 'GOLD', attributeDefs: [] }],
      entityDefs: [{ name: 'ds', superTypes: ['DataSet'], attributeDefs: [] }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
  afterAll(async () => t?.close());

  const post = (entity: object, query = '') => t.as(ADMIN).post(`${V2}/entity${query}`).send({ entity });
  const own = async (guid: string) => (await t.db.query(`SELECT type_name FROM classification WHERE entity_guid = $1 ORDER BY 1`, [guid])).map((r: { type_name: string }) => r.type_name);

  it('an own classification naming the entity by its placeholder guid is kept on create', async () => {
    const res = await post({
      typeName: 'ds', guid: '-7', attributes: { qualifiedName: 'placeholder-cls', name: 'x' },
      classifications: [{ typeName: 'PII', entityGuid: '-7', propagate: true }],
    });
    expect(res.status).toBe(200);
    expect(await own(res.body.guidAssignments['-7'])).toEqual(['PII']);
  });

  it('an update keeps the stored classifications; replaceClassifications=true replaces them', async () => {
    const created = await post({ typeName: 'ds', guid: '-1', attributes: { qualifiedName: 'keep-cls', name: 'x' }, classifications: [{ typeName: 'PII' }] });
    const guid = created.body.guidAssignments['-1'];
    expect(await own(guid)).toEqual(['PII']);

    await post({ typeName: 'ds', guid, attributes: { qualifiedName: 'keep-cls', name: 'x', description: 'changed' }, classifications: [] }).expect(200);
    expect(await own(guid)).toEqual(['PII']);
    await post({ typeName: 'ds', guid, attributes: { qualifiedName: 'keep-cls', name: 'x' }, classifications: [{ typeName: 'GOLD' }] }).expect(200);
    expect(await own(guid)).toEqual(['PII']);

    await post({ typeName: 'ds', guid, attributes: { qualifiedName: 'keep-cls', name: 'x' }, classifications: [{ typeName: 'GOLD' }] }, '?replaceClassifications=true').expect(200);
    expect(await own(guid)).toEqual(['GOLD']);
    await t.as(ADMIN).post(`${V2}/entity/bulk?replaceClassifications=true`)
      .send({ entities: [{ typeName: 'ds', guid, attributes: { qualifiedName: 'keep-cls', name: 'x' }, classifications: [] }] }).expect(200);
    expect(await own(guid)).toEqual([]);
  });
});
