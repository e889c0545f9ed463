// Attribute values are checked against their types before anything is written, as Atlas does
// (AtlasEntityGraphDiscoveryV2.validateAndNormalize → AtlasType.validateValue: "<name>=<value>: invalid value for type
// <type>"; AtlasArrayType checks every element): entity attributes answer 404 ATLAS-404-00-007, classification
// attributes 400 ATLAS-400-00-01A (AtlasEntityStoreV2.validateAndNormalize(AtlasClassification)). Numeric strings,
// "true"/"false" and single values for lists pass, as Atlas's types accept them, and are stored as Atlas normalises
// them (numbers, booleans, lists, enum values). A relationship attribute must point
// at an entity of its end's type (AtlasRelationshipStoreV2.validateRelationship: 400 ATLAS-400-00-036).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';

const V2 = '/api/atlas/v2';

describe('attribute values against their types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    const r = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({
      enumDefs: [{ name: 'level', elementDefs: [{ ordinal: 1, value: 'LOW' }, { ordinal: 2, value: 'HIGH' }] }],
      structDefs: [{ name: 'range', attributeDefs: [{ name: 'min', typeName: 'long', isOptional: true, cardinality: 'SINGLE' }] }],
      classificationDefs: [{ name: 'Scored', attributeDefs: [{ name: 'score', typeName: 'int', isOptional: true, cardinality: 'SINGLE' }] }],
      entityDefs: [{ name: 'ds', superTypes: ['DataSet'], attributeDefs: [
        { name: 'count', typeName: 'int', isOptional: true, cardinality: 'SINGLE' },
        { name: 'flag', typeName: 'boolean', isOptional: true, cardinality: 'SINGLE' },
        { name: 'levels', typeName: 'array<level>', isOptional: true, cardinality: 'LIST' },
        { name: 'sizes', typeName: 'map<string,double>', isOptional: true, cardinality: 'SINGLE' },
        { name: 'span', typeName: 'range', isOptional: true, cardinality: 'SINGLE' },
      ] }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
  afterAll(async () => t?.close());

  const post = (qn: string, attributes: Record<string, unknown>) =>
    t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'ds', guid: '-1', attributes: { qualifiedName: qn, name: qn, ...attributes } } });
  const stored = async (qn: string) => Number((await t.db.query(`SELECT count(*) AS n FROM entity WHERE attributes->>'qualifiedName' = $1`, [qn]))[0].n);

  it('values of the wrong type are refused with what was found, nothing written', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ count: 'abc' }, 'ds.count=abc: invalid value for type int'],
      [{ flag: 'maybe' }, 'ds.flag=maybe: invalid value for type boolean'],
      [{ levels: ['LOW', 'NOPE'] }, 'ds.levels[1]=NOPE: invalid value for type level'],
      [{ sizes: { a: 1.5, b: 'big' } }, 'ds.sizes.b=big: invalid value for type double'],
      [{ sizes: 'big' }, 'ds.sizes=big: invalid value for type map<string,double>'],
      [{ span: { typeName: 'range', attributes: { min: 'low' } } }, 'ds.span.min=low: invalid value for type long'],
    ];
    for (const [i, [attributes, message]] of cases.entries()) {
      const res = await post(`bad-${i}`, attributes);
      expect(res.body).toEqual({ errorCode: 'ATLAS-404-00-007', errorMessage: `Invalid instance creation/updation parameters passed : ${message}` });
      expect(res.status).toBe(404);
      expect(await stored(`bad-${i}`)).toBe(0);
    }
  });

  it('what Atlas accepts passes: numeric strings, "true", a single value for a list, an enum ordinal', async () => {
    const res = await post('good', { count: '42', flag: 'true', levels: 'HIGH', sizes: { a: '2.5' }, span: { min: 3 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await post('good-ordinal', { levels: [1, 'HIGH'] })).status).toBe(200);
  });

  it('and is stored as Atlas normalises it (AtlasType.getNormalizedValue): numbers, booleans, lists, enum values', async () => {
    const res = await post('normalised', { count: '42', flag: 'TRUE', levels: 'HIGH', sizes: { a: '2.5' }, span: { typeName: 'range', attributes: { min: '3' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const expected = { count: 42, flag: true, levels: ['HIGH'], sizes: { a: 2.5 }, span: { typeName: 'range', attributes: { min: 3 } } };
    const [row] = await t.db.query(`SELECT attributes FROM entity WHERE guid = $1`, [res.body.guidAssignments['-1']]);
    expect(row.attributes).toMatchObject(expected);
    const read = await t.as(ADMIN).get(`${V2}/entity/guid/${res.body.guidAssignments['-1']}`).expect(200);
    expect(read.body.entity.attributes).toMatchObject(expected);
    const ordinal = await post('normalised-ordinal', { levels: [1, 'HIGH'] });
    expect((await t.db.query(`SELECT attributes->'levels' AS levels FROM entity WHERE guid = $1`, [ordinal.body.guidAssignments['-1']]))[0].levels).toEqual(['LOW', 'HIGH']);
  });

  it('classification attributes: 400 ATLAS-400-00-01A, not stored', async () => {
    const guid = (await post('tagged', {})).body.guidAssignments['-1'];
    const res = await t.as(ADMIN).post(`${V2}/entity/guid/${guid}/classifications`).send([{ typeName: 'Scored', attributes: { score: 'high' } }]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-01A', errorMessage: 'invalid parameters: Scored.score=high: invalid value for type int' });
    expect(await t.db.query(`SELECT type_name FROM classification WHERE entity_guid = $1`, [guid])).toEqual([]);
    // a numeric string passes and is stored as the number Atlas stores
    await t.as(ADMIN).post(`${V2}/entity/guid/${guid}/classifications`).send([{ typeName: 'Scored', attributes: { score: '7' } }]).expect(204);
    expect(await t.db.query(`SELECT attributes FROM classification WHERE entity_guid = $1`, [guid])).toEqual([{ attributes: { score: 7 } }]);
    const withTag = await t.as(ADMIN).post(`${V2}/entity`).send({
      entity: { typeName: 'ds', guid: '-1', attributes: { qualifiedName: 'tagged-2', name: 'tagged-2' }, classifications: [{ typeName: 'Scored', attributes: { score: '8' } }] },
    }).expect(200);
    expect(await t.db.query(`SELECT attributes FROM classification WHERE entity_guid = $1`, [withTag.body.guidAssignments['-1']])).toEqual([{ attributes: { score: 8 } }]);
  });

  it('a relationship attribute pointing at an entity of the wrong type: 400 ATLAS-400-00-036, nothing written', async () => {
    const p1 = (await t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'Process', guid: '-1', attributes: { qualifiedName: 'p1', name: 'p1' } } })).body.guidAssignments['-1'];
    const res = await t.as(ADMIN).post(`${V2}/entity`).send({
      entity: { typeName: 'Process', guid: '-1', attributes: { qualifiedName: 'p2', name: 'p2', inputs: [{ guid: p1, typeName: 'Process' }] } },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-036', errorMessage: 'invalid relationshipDef: dataset_process_inputs: end type 1: Process, end type 2: Process' });
    expect(await t.db.query(`SELECT type_name FROM relationship WHERE end2_guid = $1`, [p1])).toEqual([]);
    expect(await stored('p2')).toBe(0);
    // a DataSet is fine
    const ds = (await post('input', {})).body.guidAssignments['-1'];
    const ok = await t.as(ADMIN).post(`${V2}/entity`).send({
      entity: { typeName: 'Process', guid: '-1', attributes: { qualifiedName: 'p3', name: 'p3', inputs: [{ guid: ds, typeName: 'ds' }] } },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});
