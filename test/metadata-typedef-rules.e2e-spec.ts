import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlasEntityDef, AtlasTypesDef } from '../src/metadata/model';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';

// Atlas's rules for type definitions that the typedef and entity APIs keep (spec 10.6, "standard Atlas v2 shapes"):
// - error codes as Apache Atlas's AtlasErrorCode.java has them: ATTRIBUTE_UNIQUE_INVALID is 400 ATLAS-400-00-013
//   "Type {0} with unique attribute {1} does not exist", INVALID_TYPE_DEFINITION is 400 ATLAS-400-00-011 (in Atlas
//   ATLAS-400-00-033 is RELATIONSHIPDEF_COMPOSITION_MULTIPLE_PARENTS and ATLAS-400-00-003 INCOMPATIBLE_SUPERTYPE).
// - PUT /types/typedefs replaces existing defs, but as Atlas's AtlasStructDefStoreV2.updateVertexPreUpdate does it
//   refuses, before anything is written, an attribute removed (400 ATLAS-400-00-00D ATTRIBUTE_DELETION_NOT_SUPPORTED),
//   a new attribute that is not optional (400 ATLAS-400-00-00C CANNOT_ADD_MANDATORY_ATTRIBUTE) and a changed attribute
//   type (Atlas: BAD_REQUEST 400 ATLAS-400-00-029 "Data type update for attribute is not supported"). Entities keep
//   values for every attribute they had (spec 5.6: attributes are never removed).
// - DELETE of a business-metadata type whose attributes an entity still carries is refused like the delete of an
//   entity type with entities: 409 ATLAS-409-00-002 "Given type {0} has references" (Atlas's
//   AtlasBusinessMetadataDefStoreV2.preDeleteByName -> checkBusinessMetadataRef).

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

  describe('PUT /types/typedefs', () => {
    const orderDef = async (): Promise<AtlasEntityDef> => (await t.as(ADMIN).get(`${V2}/types/entitydef/name/tr_order`).expect(200)).body as AtlasEntityDef;
    const typeDefRow = async () => (await t.db.query(`SELECT def, version, update_time FROM type_def WHERE name = 'tr_order'`))[0] as unknown;

    it('refuses to remove an attribute (400 ATLAS-400-00-00D); the def and the stored value stay', async () => {
      const current = await orderDef();
      const before = await typeDefRow();
      const res = await t.as(ADMIN).put(`${V2}/types/typedefs`).send({ entityDefs: [{ ...current, attributeDefs: current.attributeDefs.filter((a) => a.name !== 'channel') }] }).expect(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-00D', errorMessage: 'tr_order.channel : attribute delete not supported' });
      expect(await typeDefRow()).toEqual(before);
      expect((await orderDef()).attributeDefs.map((a) => a.name)).toEqual(['channel', 'region']);
      const order = await t.as(ADMIN).get(`${V2}/entity/guid/${orderGuid}`).expect(200);
      expect(order.body.entity.attributes.channel).toBe('web');
    });

    it('refuses a new mandatory attribute (400 ATLAS-400-00-00C), also when another def of the request is fine', async () => {
      const current = await orderDef();
      const before = await typeDefRow();
      const res = await t.as(ADMIN).put(`${V2}/types/typedefs`).send({
        entityDefs: [{ ...current, attributeDefs: [...current.attributeDefs, { name: 'priority', typeName: 'int', isOptional: false, cardinality: 'SINGLE' }] }],
        businessMetadataDefs: [{ ...ruleDefs().businessMetadataDefs![0], description: 'changed' }],
      }).expect(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-00C', errorMessage: 'tr_order.priority : can not add mandatory attribute' });
      expect(await typeDefRow()).toEqual(before);
      expect((await t.as(ADMIN).get(`${V2}/types/businessmetadatadef/name/tr_bm`).expect(200)).body.description).toBeUndefined();
    });

    it('refuses a changed attribute type (400 ATLAS-400-00-029, Atlas\'s text)', async () => {
      const current = await orderDef();
      const res = await t.as(ADMIN).put(`${V2}/types/typedefs`).send({
        entityDefs: [{ ...current, attributeDefs: current.attributeDefs.map((a) => (a.name === 'region' ? { ...a, typeName: 'array<string>' } : a)) }],
      }).expect(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-029', errorMessage: 'Data type update for attribute is not supported' });
      expect((await orderDef()).attributeDefs.find((a) => a.name === 'region')!.typeName).toBe('string');
    });

    it('accepts what Atlas accepts: the def as read, plus an optional attribute', async () => {
      const current = await orderDef();
      await t.as(ADMIN).put(`${V2}/types/typedefs`).send({ entityDefs: [current] }).expect(200);
      await t.as(ADMIN).put(`${V2}/types/typedefs`).send({
        entityDefs: [{ ...current, attributeDefs: [...current.attributeDefs, { name: 'priority', typeName: 'int', isOptional: true, cardinality: 'SINGLE' }] }],
      }).expect(200);
      expect((await orderDef()).attributeDefs.map((a) => a.name)).toEqual(['channel', 'region', 'priority']);
    });
  });

  describe('DELETE of business metadata', () => {
    it('refuses a business-metadata type that an entity carries (409 ATLAS-409-00-002), by name and by body', async () => {
      const before = await t.as(ADMIN).get(`${V2}/entity/guid/${orderGuid}`).expect(200);
      expect(before.body.entity.businessAttributes).toEqual({ tr_bm: { steward: 'alice' } });
      const byName = await t.as(ADMIN).delete(`${V2}/types/typedef/name/tr_bm`).expect(409);
      expect(byName.body).toEqual({ errorCode: 'ATLAS-409-00-002', errorMessage: 'Given type tr_bm has references' });
      const byBody = await t.as(ADMIN).delete(`${V2}/types/typedefs`).send({ businessMetadataDefs: [{ name: 'tr_bm' }] }).expect(409);
      expect(byBody.body).toEqual({ errorCode: 'ATLAS-409-00-002', errorMessage: 'Given type tr_bm has references' });
      await t.as(ADMIN).get(`${V2}/types/businessmetadatadef/name/tr_bm`).expect(200);
      const after = await t.as(ADMIN).get(`${V2}/entity/guid/${orderGuid}`).expect(200);
      expect(after.body.entity.businessAttributes).toEqual({ tr_bm: { steward: 'alice' } });
    });

    it('deletes a business-metadata type no entity carries', async () => {
      await t.as(ADMIN).post(`${V2}/types/typedefs`).send({
        businessMetadataDefs: [{ name: 'tr_bm_unused', attributeDefs: [{ name: 'owner', typeName: 'string', isOptional: true, cardinality: 'SINGLE', options: { applicableEntityTypes: '["tr_order"]', maxStrLength: '50' } }] }],
      }).expect(200);
      await t.as(ADMIN).delete(`${V2}/types/typedef/name/tr_bm_unused`).expect(204);
      await t.as(ADMIN).get(`${V2}/types/typedef/name/tr_bm_unused`).expect(404);
    });
  });
});
