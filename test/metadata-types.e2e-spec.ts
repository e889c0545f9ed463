import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlasEntityDef, AtlasTypesDef } from '../src/metadata/model';
import { ADMIN, NON_ADMIN, startTestApp, TestApp } from './helpers/test-app';

// /api/atlas/v2/types (spec 10.6): the shipped base model, create / update / delete with Atlas's error codes, and
// the TypeRegistry of a second server process on the same database noticing the change (issue 3 item 1).

const V2 = '/api/atlas/v2';

const orderDefs = (): AtlasTypesDef => ({
  enumDefs: [{ name: 'shop_order_state', elementDefs: [{ value: 'OPEN', ordinal: 0 }, { value: 'SHIPPED', ordinal: 1 }] }],
  structDefs: [{ name: 'shop_money', attributeDefs: [{ name: 'amount', typeName: 'double', isOptional: false, cardinality: 'SINGLE' }] }],
  entityDefs: [
    {
      name: 'shop_order', superTypes: ['DataSet'],
      attributeDefs: [
        { name: 'state', typeName: 'shop_order_state', isOptional: true, cardinality: 'SINGLE' },
        { name: 'total', typeName: 'shop_money', isOptional: true, cardinality: 'SINGLE' },
      ],
    },
    { name: 'shop_line', superTypes: ['DataSet'], attributeDefs: [] },
  ],
  relationshipDefs: [{
    name: 'shop_order_lines', relationshipCategory: 'COMPOSITION', propagateTags: 'NONE', attributeDefs: [],
    endDef1: { type: 'shop_order', name: 'lines', isContainer: true, cardinality: 'SET' },
    endDef2: { type: 'shop_line', name: 'order', isContainer: false, cardinality: 'SINGLE' },
  }],
  classificationDefs: [{ name: 'shop_sensitive', superTypes: [], attributeDefs: [], entityTypes: ['shop_order'] }],
  businessMetadataDefs: [{
    name: 'shop_bm',
    attributeDefs: [{ name: 'steward', typeName: 'string', isOptional: true, cardinality: 'SINGLE', options: { applicableEntityTypes: '["shop_order"]', maxStrLength: '50' } }],
  }],
});

describe('type definitions over /api/atlas/v2/types', () => {
  let t: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    other = await startTestApp({}, { databaseUrl: t.databaseUrl });
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('GET /types/typedefs: the shipped base, glossary and file-system models (spec 10.1), with sub-types', async () => {
    const res = await t.as(NON_ADMIN).get(`${V2}/types/typedefs`).expect(200);
    const all = res.body as Required<AtlasTypesDef>;
    const entityNames = all.entityDefs.map((d) => d.name);
    expect(entityNames).toEqual(expect.arrayContaining(['Referenceable', 'Asset', 'DataSet', 'Process', 'AtlasServer', 'AtlasGlossaryTerm', 'hdfs_path']));
    expect(all.relationshipDefs.map((d) => d.name)).toEqual(expect.arrayContaining(['dataset_process_inputs', 'process_dataset_outputs', 'AtlasGlossarySemanticAssignment']));
    const referenceable = all.entityDefs.find((d) => d.name === 'Referenceable')!;
    expect(referenceable.attributeDefs.find((a) => a.name === 'qualifiedName')).toMatchObject({ isUnique: true, isOptional: false });
    expect(referenceable.attributeDefs.find((a) => a.name === 'replicatedFrom')).toMatchObject({ typeName: 'array<AtlasServer>', options: { isSoftReference: 'true' } });
    expect(all.entityDefs.find((d) => d.name === 'Asset')!.subTypes).toEqual(expect.arrayContaining(['DataSet', 'Process']));
    expect(Object.keys(all).sort()).toEqual(['businessMetadataDefs', 'classificationDefs', 'entityDefs', 'enumDefs', 'relationshipDefs', 'structDefs']);
  });

  it('GET one def by name, generic or per category; 404 ATLAS-404-00-001 when unknown or of another category', async () => {
    expect((await t.as(ADMIN).get(`${V2}/types/typedef/name/hdfs_path`).expect(200)).body).toMatchObject({ name: 'hdfs_path', category: 'ENTITY', guid: expect.any(String) });
    expect((await t.as(ADMIN).get(`${V2}/types/entitydef/name/Process`).expect(200)).body.attributeDefs.map((a: { name: string }) => a.name)).toEqual(['inputs', 'outputs']);
    expect((await t.as(ADMIN).get(`${V2}/types/relationshipdef/name/dataset_process_inputs`).expect(200)).body).toMatchObject({ propagateTags: 'TWO_TO_ONE' });
    expect((await t.as(ADMIN).get(`${V2}/types/enumdef/name/file_action`).expect(200)).body.category).toBe('ENUM');
    const wrongKind = await t.as(ADMIN).get(`${V2}/types/classificationdef/name/hdfs_path`).expect(404);
    expect(wrongKind.body).toEqual({ errorCode: 'ATLAS-404-00-001', errorMessage: 'Given typename hdfs_path was invalid' });
    const unknown = await t.as(ADMIN).get(`${V2}/types/typedef/name/no_such_type`).expect(404);
    expect(unknown.body).toEqual({ errorCode: 'ATLAS-404-00-001', errorMessage: 'Given typename no_such_type was invalid' });
    await t.as(ADMIN).get(`${V2}/types/bogusdef/name/hdfs_path`).expect(404);
  });

  it('POST creates every category in one request and answers with the stored defs', async () => {
    const res = await t.as(NON_ADMIN).post(`${V2}/types/typedefs`).send(orderDefs()).expect(200);
    const body = res.body as Required<AtlasTypesDef>;
    expect(body.entityDefs.map((d) => d.name)).toEqual(['shop_order', 'shop_line']);
    expect(body.enumDefs.map((d) => d.name)).toEqual(['shop_order_state']);
    expect(body.structDefs.map((d) => d.name)).toEqual(['shop_money']);
    expect(body.classificationDefs.map((d) => d.name)).toEqual(['shop_sensitive']);
    expect(body.relationshipDefs.map((d) => d.name)).toEqual(['shop_order_lines']);
    expect(body.businessMetadataDefs.map((d) => d.name)).toEqual(['shop_bm']);
    expect(body.entityDefs[0]).toMatchObject({ category: 'ENTITY', guid: expect.any(String), createdBy: 'bob', createTime: expect.any(Number) });
    const rows = await t.db.query(`SELECT name, category FROM type_def WHERE name LIKE 'shop\\_%' ORDER BY name`);
    expect(rows).toEqual([
      { name: 'shop_bm', category: 'BUSINESS_METADATA' }, { name: 'shop_line', category: 'ENTITY' }, { name: 'shop_money', category: 'STRUCT' },
      { name: 'shop_order', category: 'ENTITY' }, { name: 'shop_order_lines', category: 'RELATIONSHIP' }, { name: 'shop_order_state', category: 'ENUM' },
      { name: 'shop_sensitive', category: 'CLASSIFICATION' },
    ]);
    expect((await t.as(ADMIN).get(`${V2}/types/businessmetadatadef/name/shop_bm`).expect(200)).body.name).toBe('shop_bm');
  });

  it('another server process on the same database sees the new types on its next request', async () => {
    const res = await other.as(ADMIN).get(`${V2}/types/entitydef/name/shop_order`).expect(200);
    expect(res.body.superTypes).toEqual(['DataSet']);
    // and can use them at once
    await other.as(ADMIN).post(`${V2}/entity`).send({
      entity: { typeName: 'shop_order', attributes: { qualifiedName: 'order-1', name: 'order 1', state: 'OPEN', total: { typeName: 'shop_money', attributes: { amount: 12.5 } } } },
    }).expect(200);
  });

  it('POST refuses existing types (409 ATLAS-409-00-001) and unknown references (404 ATLAS-404-00-001), writing nothing', async () => {
    const before = Number((await t.db.query(`SELECT count(*) AS n FROM type_def`))[0].n);
    const dup = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ entityDefs: [{ name: 'shop_new', superTypes: ['DataSet'], attributeDefs: [] }, { name: 'shop_order', attributeDefs: [] }] }).expect(409);
    expect(dup.body).toEqual({ errorCode: 'ATLAS-409-00-001', errorMessage: 'Given type shop_order already exists' });
    const badSuper = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ entityDefs: [{ name: 'shop_x', superTypes: ['NoSuchSuper'], attributeDefs: [] }] }).expect(404);
    expect(badSuper.body).toEqual({ errorCode: 'ATLAS-404-00-001', errorMessage: 'Given typename NoSuchSuper was invalid' });
    const badAttr = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ entityDefs: [{ name: 'shop_x', attributeDefs: [{ name: 'a', typeName: 'array<no_such_struct>' }] }] }).expect(404);
    expect(badAttr.body.errorCode).toBe('ATLAS-404-00-001');
    const syntax = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ entityDefs: [{ name: 'shop_x', attributeDefs: [{ name: 'a', typeName: 'array<string' }] }] }).expect(400);
    expect(syntax.body.errorCode).toBe('ATLAS-400-00-011');
    const notList = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ entityDefs: { name: 'x' } }).expect(400);
    expect(notList.body.errorCode).toBe('ATLAS-400-00-01A');
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM type_def`))[0].n)).toBe(before);
  });

  it('PUT replaces an existing def (new attribute, new enum value) and keeps its guid and creation stamp', async () => {
    const current = (await t.as(ADMIN).get(`${V2}/types/entitydef/name/shop_order`).expect(200)).body as AtlasEntityDef;
    const updated: AtlasEntityDef = { ...current, attributeDefs: [...current.attributeDefs, { name: 'channel', typeName: 'string', isOptional: true, cardinality: 'SINGLE' }] };
    const res = await t.as(ADMIN).put(`${V2}/types/typedefs`).send({
      entityDefs: [updated],
      enumDefs: [{ name: 'shop_order_state', elementDefs: [{ value: 'OPEN', ordinal: 0 }, { value: 'SHIPPED', ordinal: 1 }, { value: 'CANCELLED', ordinal: 2 }] }],
    }).expect(200);
    expect(res.body.entityDefs.map((d: AtlasEntityDef) => d.name)).toEqual(['shop_order']);
    const after = (await t.as(ADMIN).get(`${V2}/types/entitydef/name/shop_order`).expect(200)).body as AtlasEntityDef;
    expect(after.attributeDefs.map((a) => a.name)).toEqual(['state', 'total', 'channel']);
    expect(after).toMatchObject({ guid: current.guid, createdBy: 'bob', createTime: current.createTime, updatedBy: 'admin' });
    // the new attribute and enum value are usable at once, here and in the other process
    await other.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'shop_order', attributes: { qualifiedName: 'order-2', name: 'order 2', state: 'CANCELLED', channel: 'web' } } }).expect(200);
    const order = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/shop_order`).query({ 'attr:qualifiedName': 'order-2' }).expect(200);
    expect(order.body.entity.attributes).toMatchObject({ state: 'CANCELLED', channel: 'web' });
  });

  it('PUT of an unknown type: 404 ATLAS-404-00-001', async () => {
    const res = await t.as(ADMIN).put(`${V2}/types/typedefs`).send({ entityDefs: [{ name: 'shop_unknown', attributeDefs: [] }] }).expect(404);
    expect(res.body).toEqual({ errorCode: 'ATLAS-404-00-001', errorMessage: 'Given typename shop_unknown was invalid' });
  });

  it('DELETE refuses types in use by other types or by entities (409 ATLAS-409-00-002), deletes unused ones (204)', async () => {
    // shop_order has entities; shop_line is an end of shop_order_lines; shop_order_state is an attribute type
    for (const [body, name] of [
      [{ entityDefs: [{ name: 'shop_order' }] }, 'shop_order'],
      [{ entityDefs: [{ name: 'shop_line' }] }, 'shop_line'],
      [{ enumDefs: [{ name: 'shop_order_state' }] }, 'shop_order_state'],
      [{ entityDefs: [{ name: 'DataSet' }] }, 'DataSet'],
    ] as const) {
      const res = await t.as(ADMIN).delete(`${V2}/types/typedefs`).send(body).expect(409);
      expect(res.body).toEqual({ errorCode: 'ATLAS-409-00-002', errorMessage: `Given type ${name} has references` });
    }
    const unknown = await t.as(ADMIN).delete(`${V2}/types/typedefs`).send({ entityDefs: [{ name: 'no_such_type' }] }).expect(404);
    expect(unknown.body.errorCode).toBe('ATLAS-404-00-001');

    // a relationship and the classification / business metadata are unused: deletable together with shop_line
    const res = await t.as(ADMIN).delete(`${V2}/types/typedefs`).send({
      relationshipDefs: [{ name: 'shop_order_lines' }], entityDefs: [{ name: 'shop_line' }], classificationDefs: [{ name: 'shop_sensitive' }], businessMetadataDefs: [{ name: 'shop_bm' }],
    }).expect(204);
    expect(res.text).toBe('');
    for (const name of ['shop_order_lines', 'shop_line', 'shop_sensitive', 'shop_bm']) {
      await t.as(ADMIN).get(`${V2}/types/typedef/name/${name}`).expect(404);
      await other.as(ADMIN).get(`${V2}/types/typedef/name/${name}`).expect(404);
    }
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM type_def WHERE name LIKE 'shop\\_%'`))[0].n)).toBe(3);
  });

  it('DELETE /types/typedef/name/{name} deletes one unused type; unknown ⇒ 404', async () => {
    await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ structDefs: [{ name: 'shop_unused', attributeDefs: [] }] }).expect(200);
    await t.as(ADMIN).delete(`${V2}/types/typedef/name/shop_unused`).expect(204);
    await t.as(ADMIN).get(`${V2}/types/structdef/name/shop_unused`).expect(404);
    expect((await t.as(ADMIN).delete(`${V2}/types/typedef/name/shop_unused`).expect(404)).body.errorCode).toBe('ATLAS-404-00-001');
    expect((await t.as(ADMIN).delete(`${V2}/types/typedef/name/shop_order`).expect(409)).body.errorCode).toBe('ATLAS-409-00-002');
  });

  it('every endpoint is documented in the OpenAPI document with Basic auth', async () => {
    const doc = (await t.request.get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<string, { tags?: string[]; security?: unknown[]; summary?: string }>> };
    const ours = Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/atlas/v2/'));
    expect(ours.map(([p]) => p).sort()).toEqual([
      '/api/atlas/v2/entity', '/api/atlas/v2/entity/bulk', '/api/atlas/v2/entity/guid/{guid}', '/api/atlas/v2/entity/guid/{guid}/classifications',
      '/api/atlas/v2/entity/uniqueAttribute/type/{typeName}', '/api/atlas/v2/types/typedef/name/{name}', '/api/atlas/v2/types/typedefs',
      '/api/atlas/v2/types/{kind}/name/{name}',
    ]);
    for (const [, ops] of ours) {
      for (const op of Object.values(ops)) {
        expect(op.summary).toEqual(expect.any(String));
        expect(op.security).toEqual(expect.arrayContaining([{ basic: [] }]));
        expect(op.tags?.[0]).toMatch(/^(types|entity)$/);
      }
    }
  });

  it('a classification type with instances cannot be deleted', async () => {
    await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ classificationDefs: [{ name: 'shop_tag', superTypes: [], attributeDefs: [] }] }).expect(200);
    const order = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/shop_order`).query({ 'attr:qualifiedName': 'order-1' }).expect(200);
    await t.as(ADMIN).post(`${V2}/entity/guid/${order.body.entity.guid}/classifications`).send([{ typeName: 'shop_tag' }]).expect(204);
    const res = await t.as(ADMIN).delete(`${V2}/types/typedefs`).send({ classificationDefs: [{ name: 'shop_tag' }] }).expect(409);
    expect(res.body.errorCode).toBe('ATLAS-409-00-002');
  });
});
