import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import StreamZip from 'node-stream-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlasEntityDef, AtlasRelationshipAttributeDef, AtlasTypesDef } from '../src/metadata/model';
import { exportZip } from './helpers/export-archive';
import { importZip, zipPath } from './helpers/fixtures';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';

// Atlas's rules for type definitions that the typedef and entity APIs keep (spec 10.6, "standard Atlas v2 shapes"):
// - error codes as Apache Atlas's AtlasErrorCode.java has them: ATTRIBUTE_UNIQUE_INVALID is 400 ATLAS-400-00-013
//   "Type {0} with unique attribute {1} does not exist", INVALID_TYPE_DEFINITION is 400 ATLAS-400-00-011 (in Atlas
//   ATLAS-400-00-033 is RELATIONSHIPDEF_COMPOSITION_MULTIPLE_PARENTS and ATLAS-400-00-003 INCOMPATIBLE_SUPERTYPE).
// - PUT /types/typedefs replaces existing defs, but as Atlas's AtlasStructDefStoreV2.updateVertexPreUpdate does it
//   refuses, before anything is written, an attribute removed (400 ATLAS-400-00-00D ATTRIBUTE_DELETION_NOT_SUPPORTED),
//   a new attribute that is not optional (400 ATLAS-400-00-00C CANNOT_ADD_MANDATORY_ATTRIBUTE) and a changed attribute
//   type (Atlas: BAD_REQUEST 400 ATLAS-400-00-029 "Data type update for attribute is not supported") and a removed
//   super-type (400 ATLAS-400-00-00E SUPERTYPE_REMOVAL_NOT_SUPPORTED, Atlas's createSuperTypeEdges). Entities keep
//   values for every attribute they had (spec 5.6: attributes are never removed).
// - a business-metadata attribute holds primitive or enum values (400 ATLAS-400-00-094) and applies to entity types
//   only (404 ATLAS-404-00-001), as Atlas's AtlasBusinessMetadataType.resolveReferences checks them.
// - DELETE of a business-metadata type whose attributes an entity still carries is refused like the delete of an
//   entity type with entities: 409 ATLAS-409-00-002 "Given type {0} has references" (Atlas's
//   AtlasBusinessMetadataDefStoreV2.preDeleteByName -> checkBusinessMetadataRef).
// - entity defs carry Atlas's computed `relationshipAttributeDefs` (AtlasEntityType.getRelationshipAttributeDefs)
//   wherever they are answered (GET /types/…, POST / PUT answers) and in an export's atlas-typesdef.json, as in every
//   entity def of zip-direct-1.zip's atlas-typesdef.json (written by Atlas); never stored, ignored on input.

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

    it('refuses to remove a super-type (400 ATLAS-400-00-00E); the def stays and the entity keeps its inherited values', async () => {
      const current = await orderDef();
      const before = await typeDefRow();
      const res = await t.as(ADMIN).put(`${V2}/types/typedefs`).send({ entityDefs: [{ ...current, superTypes: [] }] }).expect(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-00E', errorMessage: 'superType remove not supported' });
      expect(await typeDefRow()).toEqual(before);
      expect((await orderDef()).superTypes).toEqual(['DataSet']);
      const order = await t.as(ADMIN).get(`${V2}/entity/guid/${orderGuid}`).expect(200);
      expect(order.body.entity.attributes).toMatchObject({ qualifiedName: 'tr-order-1', name: 'order 1' });
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

  describe('POST of business metadata', () => {
    const bmDef = (name: string, typeName: string, applicable: string) => ({
      name, attributeDefs: [{ name: 'owner', typeName, isOptional: true, cardinality: 'SINGLE', options: { applicableEntityTypes: applicable, maxStrLength: '50' } }],
    });
    const stored = async (name: string) => Number((await t.db.query(`SELECT count(*) AS n FROM type_def WHERE name = $1`, [name]))[0].n);

    it('an applicableEntityTypes name that is not an entity type: 404 ATLAS-404-00-001, nothing stored', async () => {
      const unknown = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ businessMetadataDefs: [bmDef('tr_bm_bad', 'string', '["tr_order","tr_nope"]')] }).expect(404);
      expect(unknown.body).toEqual({ errorCode: 'ATLAS-404-00-001', errorMessage: 'Given typename tr_nope was invalid' });
      const notEntity = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ businessMetadataDefs: [bmDef('tr_bm_bad', 'string', '["tr_bm"]')] }).expect(404);
      expect(notEntity.body).toEqual({ errorCode: 'ATLAS-404-00-001', errorMessage: 'Given typename tr_bm was invalid' });
      expect(await stored('tr_bm_bad')).toBe(0);
    });

    it('an attribute of an entity type: 400 ATLAS-400-00-094, nothing stored', async () => {
      const res = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ businessMetadataDefs: [bmDef('tr_bm_bad', 'array<tr_order>', '["tr_order"]')] }).expect(400);
      expect(res.body).toEqual({
        errorCode: 'ATLAS-400-00-094',
        errorMessage: 'tr_bm_bad.owner: invalid attribute type. Business-metadata attribute cannot be of type entity/classification/struct/business-metadata',
      });
      expect(await stored('tr_bm_bad')).toBe(0);
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

  describe('relationshipAttributeDefs', () => {
    type EntityDefView = AtlasEntityDef & { relationshipAttributeDefs: AtlasRelationshipAttributeDef[] };
    const key = (d: AtlasRelationshipAttributeDef) => `${d.name}/${d.relationshipTypeName}`;
    const byKey = (l: AtlasRelationshipAttributeDef[]) => [...l].sort((a, b) => key(a).localeCompare(key(b)));
    let atlasDataSet: AtlasRelationshipAttributeDef[];

    beforeAll(async () => {
      const zip = new StreamZip.async({ file: zipPath('zip-direct-1.zip') });
      try {
        const typesDef = JSON.parse((await zip.entryData('atlas-typesdef.json')).toString('utf8')) as Required<AtlasTypesDef>;
        atlasDataSet = typesDef.entityDefs.find((d) => d.name === 'DataSet')!.relationshipAttributeDefs!;
      } finally {
        await zip.close();
      }
    });

    it('GET /types/entitydef/name/DataSet answers them as Atlas does', async () => {
      const dataSet = (await t.as(ADMIN).get(`${V2}/types/entitydef/name/DataSet`).expect(200)).body as EntityDefView;
      // Atlas's registry also had the avro model (DataSet.schema)
      const expected = atlasDataSet.filter((d) => d.relationshipTypeName !== 'avro_schema_associatedEntities');
      expect(expected.map((d) => d.name).sort()).toEqual(['inputToProcesses', 'meanings', 'outputFromProcesses']);
      expect(byKey(dataSet.relationshipAttributeDefs)).toEqual(byKey(expected));
      expect(dataSet.relationshipAttributeDefs.find((d) => d.name === 'inputToProcesses')).toEqual({
        name: 'inputToProcesses', typeName: 'array<Process>', isOptional: true, cardinality: 'SET', valuesMinCount: -1, valuesMaxCount: -1,
        isUnique: false, isIndexable: false, includeInNotification: false, searchWeight: -1, relationshipTypeName: 'dataset_process_inputs', isLegacyAttribute: false,
      });
    });

    it('every endpoint answering entity defs has them, inherited ones included; other categories have none', async () => {
      const names = (l: AtlasRelationshipAttributeDef[]) => l.map(key).sort();
      const inherited = names(atlasDataSet.filter((d) => d.relationshipTypeName !== 'avro_schema_associatedEntities'));
      const all = (await t.as(ADMIN).get(`${V2}/types/typedefs`).expect(200)).body as Required<AtlasTypesDef>;
      expect(all.entityDefs.every((d) => Array.isArray(d.relationshipAttributeDefs))).toBe(true);
      expect(all.classificationDefs.some((d) => 'relationshipAttributeDefs' in d)).toBe(false);
      expect(names(all.entityDefs.find((d) => d.name === 'tr_order')!.relationshipAttributeDefs!)).toEqual(inherited);
      expect(names((await t.as(ADMIN).get(`${V2}/types/typedef/name/tr_order`).expect(200)).body.relationshipAttributeDefs)).toEqual(inherited);
      expect(names((await t.as(ADMIN).get(`${V2}/types/entitydef/name/tr_order`).expect(200)).body.relationshipAttributeDefs)).toEqual(inherited);
      const created = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ entityDefs: [{ name: 'tr_line', superTypes: ['DataSet'], attributeDefs: [] }] }).expect(200);
      expect(names(created.body.entityDefs[0].relationshipAttributeDefs)).toEqual(inherited);
      const current = (await t.as(ADMIN).get(`${V2}/types/entitydef/name/tr_line`).expect(200)).body as EntityDefView;
      const updated = await t.as(ADMIN).put(`${V2}/types/typedefs`).send({ entityDefs: [{ ...current, description: 'a line' }] }).expect(200);
      expect(names(updated.body.entityDefs[0].relationshipAttributeDefs)).toEqual(inherited);
    });

    it('are never stored: a def sent back as read keeps none in the store', async () => {
      const current = (await t.as(ADMIN).get(`${V2}/types/entitydef/name/tr_order`).expect(200)).body as EntityDefView;
      expect(current.relationshipAttributeDefs.length).toBeGreaterThan(0);
      await t.as(ADMIN).put(`${V2}/types/typedefs`).send({ entityDefs: [current] }).expect(200);
      const rows = await t.db.query(`SELECT name FROM type_def WHERE def ? 'relationshipAttributeDefs' OR def ? 'subTypes'`);
      expect(rows).toEqual([]);
    });

    it('an export\'s atlas-typesdef.json has them; importing it creates the types without them', async () => {
      const a = await exportZip(t, { itemsToExport: [{ typeName: 'tr_order', uniqueAttributes: { qualifiedName: 'tr-order-1' } }], options: { fetchType: 'full' } });
      expect(a.status).toBe(200);
      const exported = (a.typesDef.entityDefs as EntityDefView[]);
      expect(exported.every((d) => Array.isArray(d.relationshipAttributeDefs))).toBe(true);
      const exportedOrder = exported.find((d) => d.name === 'tr_order')!;
      expect(exportedOrder.relationshipAttributeDefs).toEqual((await t.as(ADMIN).get(`${V2}/types/entitydef/name/tr_order`).expect(200)).body.relationshipAttributeDefs);
      // every relationship they name travels in the same typesdef
      const relationships = new Set(a.typesDef.relationshipDefs.map((d) => d.name));
      expect(exported.flatMap((d) => d.relationshipAttributeDefs).filter((r) => !relationships.has(r.relationshipTypeName))).toEqual([]);

      const fresh = await startTestApp();
      const file = path.join(os.tmpdir(), `typedef-rules-${process.pid}-${Date.now()}.zip`);
      try {
        fs.writeFileSync(file, a.body);
        const imported = await importZip(fresh, file);
        expect(imported.status, JSON.stringify(imported.body)).toBe(200);
        expect(imported.body.metrics['typedef:entitydef']).toBe(1);
        expect(await fresh.db.query(`SELECT name FROM type_def WHERE def ? 'relationshipAttributeDefs'`)).toEqual([]);
        const order = (await fresh.as(ADMIN).get(`${V2}/types/entitydef/name/tr_order`).expect(200)).body as EntityDefView;
        expect(order.relationshipAttributeDefs).toEqual(exportedOrder.relationshipAttributeDefs);
      } finally {
        fs.rmSync(file, { force: true });
        await fresh.close();
      }
    });
  });
});
