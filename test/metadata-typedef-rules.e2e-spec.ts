import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlasTypesDef } from '../src/metadata/model';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';

// Atlas's rules for type definitions that the typedef and entity APIs keep (spec 10.6, "standard Atlas v2 shapes"):
// - error codes as Apache Atlas's AtlasErrorCode.java has them: ATTRIBUTE_UNIQUE_INVALID is 400 ATLAS-400-00-013
//   "Type {0} with unique attribute {1} does not exist", INVALID_TYPE_DEFINITION is 400 ATLAS-400-00-011 (in Atlas
//   ATLAS-400-00-033 is RELATIONSHIPDEF_COMPOSITION_MULTIPLE_PARENTS and ATLAS-400-00-003 INCOMPATIBLE_SUPERTYPE).

const V2 = '/api/atlas/v2';

const ruleDefs = (): AtlasTypesDef => ({
  entityDefs: [{
    name: 'tr_order', superTypes: ['DataSet'],
    attributeDefs: [
      { name: 'channel', typeName: 'string', isOptional: true, cardinality: 'SINGLE' },
      { name: 'region', typeName: 'string', isOptional: true, cardinality: 'SINGLE' },
    ],
  }],
  businessMetadataDefs: [{
    name: 'tr_bm',
    attributeDefs: [{ name: 'steward', typeName: 'string', isOptional: true, cardinality: 'SINGLE', options: { applicableEntityTypes: '["tr_order"]', maxStrLength: '50' } }],
  }],
});

describe('type definition rules as Atlas has them', () => {
  let t: TestApp;
  let orderGuid: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.as(ADMIN).post(`${V2}/types/typedefs`).send(ruleDefs()).expect(200);
    const res = await t.as(ADMIN).post(`${V2}/entity`).send({
      entity: {
        typeName: 'tr_order', guid: '-1',
        attributes: { qualifiedName: 'tr-order-1', name: 'order 1', channel: 'web', region: 'eu' },
        businessAttributes: { tr_bm: { steward: 'alice' } },
      },
    }).expect(200);
    orderGuid = res.body.guidAssignments['-1'];
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('error codes', () => {
    it('a unique-attribute lookup by a non-unique attribute: 400 ATLAS-400-00-013', async () => {
      const res = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/tr_order`).query({ 'attr:name': 'order 1' }).expect(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-013', errorMessage: 'Type tr_order with unique attribute name does not exist' });
    });

    it('an invalid type definition (cyclic super-types): 400 ATLAS-400-00-011', async () => {
      const res = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ entityDefs: [{ name: 'tr_cycle', superTypes: ['tr_cycle'], attributeDefs: [] }] }).expect(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-011', errorMessage: 'Invalid type definition tr_cycle: cyclic super-types' });
    });
  });
});
