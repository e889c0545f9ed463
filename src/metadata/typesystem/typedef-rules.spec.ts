import { readFileSync } from 'node:fs';
import StreamZip from 'node-stream-zip';
import { beforeAll, describe, expect, it } from 'vitest';
import { AtlasError } from '../../common/errors';
import { emptyTypesDef, type AnyTypeDef, type AtlasAttributeDef, type AtlasEnumDef, type AtlasStructDef, type AtlasTypesDef } from '../model';
import { applyModelEntries, readModelDir, shippedModelsDir } from './model-files';
import { TypeSystem } from './type-system';
import { ATLAS_MODELS, ATLAS_ZIPS } from '../../../test/helpers/shared-dir';
import {
  applyModelPatch, checkTypeDefUpdate, collectTypeClosure, defsWithCategory, mergeModelFile, planTypeDefImport, validateTypesDef,
  type TypeDefImportPlan,
} from './typedef-rules';

const MODELS = ATLAS_MODELS;
const ZIPS = ATLAS_ZIPS;
const readJson = <T = AtlasTypesDef>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;

async function zipTypesDef(name: string): Promise<AtlasTypesDef> {
  const zip = new StreamZip.async({ file: `${ZIPS}/${name}` });
  try {
    return JSON.parse((await zip.entryData('atlas-typesdef.json')).toString('utf8')) as AtlasTypesDef;
  } finally {
    await zip.close();
  }
}

/** what the store does with a plan: create, then replace the updated defs */
function applyPlan(defs: AtlasTypesDef, plan: TypeDefImportPlan): Required<AtlasTypesDef> {
  const byName = new Map<string, AnyTypeDef>();
  for (const [, d] of defsWithCategory(defs)) byName.set(d.name, d);
  for (const d of plan.toUpdate) byName.set(d.name, d);
  const out = emptyTypesDef();
  for (const [list, cat] of [['enumDefs', 'ENUM'], ['structDefs', 'STRUCT'], ['classificationDefs', 'CLASSIFICATION'], ['entityDefs', 'ENTITY'], ['relationshipDefs', 'RELATIONSHIP'], ['businessMetadataDefs', 'BUSINESS_METADATA']] as const) {
    (out[list] as AnyTypeDef[]).push(...((defs[list] ?? []) as AnyTypeDef[]).map((d) => byName.get(d.name)!));
    (out[list] as AnyTypeDef[]).push(...plan.toCreate.filter((d) => d.category === cat));
  }
  return out;
}

const NO_CREATES = { 'typedef:classification': 0, 'typedef:enum': 0, 'typedef:entitydef': 0, 'typedef:struct': 0, 'typedef:relationship': 0, 'typedef:businessmetadata': 0 };

let baseDefs: Required<AtlasTypesDef>; // Repo(base): the shipped models
let hiveDefs: Required<AtlasTypesDef>; // Repo(hive): + Atlas's fs and hive models
let base: TypeSystem;
let hive: TypeSystem;

beforeAll(async () => {
  baseDefs = applyModelEntries({}, await readModelDir(shippedModelsDir())).defs;
  const fs = mergeModelFile(baseDefs, readJson(`${MODELS}/1000-Hadoop/1020-fs_model.json`));
  expect(fs.created).toEqual([]); // our fs model matches Atlas's
  expect(fs.updated).toEqual([]);
  hiveDefs = mergeModelFile(fs.defs, readJson(`${MODELS}/1000-Hadoop/1030-hive_model.json`)).defs;
  base = TypeSystem.build(baseDefs, 1);
  hive = TypeSystem.build(hiveDefs, 2);
});

describe('resolved Repo(hive)', () => {
  it('has the hive relationship attributes, owned where COMPOSITION containers', () => {
    const table = hive.entityType('hive_table')!;
    expect(table.relationshipAttributes.get('columns')).toEqual([
      { name: 'columns', relationshipType: 'hive_table_columns', end: 1, targetType: 'hive_column', cardinality: 'SET', isLegacyAttribute: true, isOwned: true },
    ]);
    expect(table.relationshipAttributes.get('sd')![0]).toMatchObject({ relationshipType: 'hive_table_storagedesc', isOwned: true });
    expect(table.relationshipAttributes.get('db')![0]).toMatchObject({ relationshipType: 'hive_table_db', targetType: 'hive_db', isOwned: false, cardinality: 'SINGLE' });
    expect(table.relationshipAttributes.get('meanings')![0]).toMatchObject({ relationshipType: 'AtlasGlossarySemanticAssignment', end: 2, targetType: 'AtlasGlossaryTerm' });
    expect(hive.entityType('hive_process')!.isLineage).toBe(true);
    expect(hive.entityType('hive_process')!.relationshipAttributes.get('inputs')![0]).toMatchObject({ end: 1, isLegacyAttribute: true, isOwned: false });
    expect(hive.entityType('hive_db')!.uniqueAttributes.get('qualifiedName')).toBe('Referenceable');
    expect(hive.entityType('hive_db')!.isLineage).toBe(false);
    expect(hive.entityType('hdfs_path')!.allSuperTypes).toEqual(['fs_path', 'DataSet', 'Path', 'Asset', 'Referenceable']);
    expect(hive.entityType('DataSet')!.allSubTypes).toEqual(expect.arrayContaining(['fs_path', 'hdfs_path']));
    expect(hive.entityType('Referenceable')!.attributes.get('replicatedTo')).toMatchObject({ kind: 'SOFT_REF', elementType: 'AtlasServer', isArray: true });
    expect(hive.entityType('AtlasGlossary')!.relationshipAttributes.get('terms')![0].isOwned).toBe(true);
    expect(hive.entityType('AtlasGlossaryTerm')!.relationshipAttributes.get('anchor')![0]).toMatchObject({ isOwned: false, cardinality: 'SINGLE' });
    expect(hive.entityType('AtlasServer')!.uniqueAttributes).toEqual(new Map([['fullName', 'AtlasServer']]));
    expect(hive.entityType('__ExportImportAuditEntry')!.allSuperTypes).toEqual(['__internal']);
  });
});

describe('planTypeDefImport: conformance cases 12.2', () => {
  const cases: Array<[string, 'base' | 'hive', Record<string, number>]> = [
    ['stocks.zip', 'hive', {}], // case 12: all types exist and match
    ['stocks-float.zip', 'hive', { ...NO_CREATES, 'typedef:classification': 1 }], // 17
    ['sales-v1-full.zip', 'base', { ...NO_CREATES, 'typedef:classification': 6, 'typedef:entitydef': 6 }], // 18
    ['reporting-v1-full.zip', 'base', { ...NO_CREATES, 'typedef:entitydef': 1 }], // 20
    ['logging-v1-full.zip', 'base', { ...NO_CREATES, 'typedef:classification': 2, 'typedef:entitydef': 5 }], // 21
    ['stocks-base.zip', 'hive', {}], // 22
    ['ctas.zip', 'hive', {}], // 23
    ['tag-prop-2.zip', 'hive', { ...NO_CREATES, 'typedef:classification': 4 }], // 24
    ['stocks-glossary.zip', 'base', {}], // 27
    ['hdfs_path1.zip', 'hive', { ...NO_CREATES, 'typedef:classification': 1 }], // 28
    ['hdfs_path1.zip', 'base', { ...NO_CREATES, 'typedef:classification': 1 }], // base ships the fs model
    ['dept-employee-test-utils.zip', 'base', { ...NO_CREATES, 'typedef:enum': 1, 'typedef:struct': 1, 'typedef:classification': 1, 'typedef:entitydef': 4 }], // 30
  ];
  for (const [zip, repo, metrics] of cases) {
    it(`${zip} into Repo(${repo})`, async () => {
      const plan = planTypeDefImport(await zipTypesDef(zip), repo === 'base' ? base : hive);
      expect(plan.metrics).toEqual(metrics);
      expect(Object.keys(plan.metrics)).toEqual(Object.keys(metrics)); // spec 5.4 key order
      expect(plan.toUpdate).toEqual([]);
    });
  }

  it('creates types stripped of store members, valid against the repository', async () => {
    const plan = planTypeDefImport(await zipTypesDef('tag-prop-2.zip'), hive);
    expect(plan.toCreate.map((d) => d.name)).toEqual(['SUPER_SENSITIVE', 'PII', 'SENSITIVE', 'PII2']);
    for (const d of plan.toCreate) {
      expect(d).not.toHaveProperty('guid');
      expect(d).not.toHaveProperty('createTime');
      expect(d).not.toHaveProperty('version');
      expect(d.category).toBe('CLASSIFICATION');
    }
    const after = TypeSystem.build(applyPlan(hiveDefs, plan));
    expect(after.classificationType('PII2')!.allSuperTypes.length + after.classificationType('PII')!.allSuperTypes.length).toBeGreaterThanOrEqual(0);
    expect(() => TypeSystem.validate(applyPlan(hiveDefs, plan))).not.toThrow();
  });

  it('dept-employee types reference each other within the batch', async () => {
    const plan = planTypeDefImport(await zipTypesDef('dept-employee-test-utils.zip'), base);
    expect(plan.toCreate.map((d) => d.name)).toEqual(['OrgLevel', 'Address', 'SecurityClearance', 'Department', 'Employee', 'Manager', 'Person']);
    expect(() => TypeSystem.validate(applyPlan(baseDefs, plan))).not.toThrow();
  });

  it('repl_exp_1 brings its own avro/aws/kafka types', async () => {
    const plan = planTypeDefImport(await zipTypesDef('repl_exp_1.zip'), hive);
    expect(plan.metrics).toEqual({ ...NO_CREATES, 'typedef:entitydef': 8, 'typedef:struct': 4, 'typedef:relationship': 8 });
    expect(() => TypeSystem.validate(applyPlan(hiveDefs, plan))).not.toThrow();
  });

  it('case 29: an attribute whose type changed aborts with ATLAS-400-00-050 before anything is planned', async () => {
    const defs = mergeModelFile(hiveDefs, {
      classificationDefs: [{ name: 'tag1', attributeDefs: [{ name: 'attrib1', typeName: 'date' }, { name: 'attrib3', typeName: 'int' }] }],
    }).defs;
    const incoming = await zipTypesDef('hdfs_path1.zip');
    let err: unknown;
    try {
      planTypeDefImport(incoming, TypeSystem.build(defs));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AtlasError);
    expect((err as AtlasError).body()).toEqual({ errorCode: 'ATLAS-400-00-050', errorMessage: 'Attribute tag1.attrib1 is of type date. Import has this attribute type as string' });
    expect((err as AtlasError).httpStatus).toBe(400);
  });
});

describe('planTypeDefImport: conformance cases 12.3 (merge into existing types)', () => {
  it('cases 31 and 33: new enum + new attribute, then new enum elements', async () => {
    const p1 = planTypeDefImport(await zipTypesDef('sales-v1-full.zip'), base);
    const afterSales = applyPlan(baseDefs, p1);

    const p2 = planTypeDefImport(await zipTypesDef('salesNewTypeAttrs.zip'), TypeSystem.build(afterSales));
    expect(p2.metrics).toEqual({ ...NO_CREATES, 'typedef:enum': 1, 'typedef:entitydef:update': 1 });
    expect(p2.toUpdate.map((d) => d.name)).toEqual(['DB_v1']);
    const after31 = applyPlan(afterSales, p2);
    const ts31 = TypeSystem.build(after31);
    expect(ts31.enumDef('database_action')!.elementDefs).toHaveLength(4);
    expect(ts31.entityType('DB_v1')!.attributes.has('creationVersion')).toBe(true);
    // the merged def keeps the existing def's members and attribute order
    const db = p2.toUpdate[0] as AnyTypeDef & { attributeDefs: { name: string }[] };
    expect(db.attributeDefs.map((a) => a.name)).toEqual(['name', 'description', 'locationUri', 'owner', 'createTime', 'creationVersion']);

    const p3 = planTypeDefImport(await zipTypesDef('salesNewTypeAttrs-next.zip'), ts31);
    expect(p3.metrics).toEqual({ 'typedef:enum:update': 1 });
    const values = (p3.toUpdate[0] as AtlasEnumDef).elementDefs.map((e) => e.value);
    expect(values).toEqual(['NONE', 'EXECUTE', 'WRITE', 'WRITE_EXECUTE', 'READ', 'READ_EXECUTE', 'READ_WRITE', 'ALL']);

    // importing the same archive again changes nothing
    expect(planTypeDefImport(await zipTypesDef('salesNewTypeAttrs.zip'), ts31)).toEqual({ toCreate: [], toUpdate: [], metrics: {} });
  });

  it('never re-adds relationship-end attributes (legacy or not), nor shadows inherited ones', () => {
    const plan = planTypeDefImport({
      entityDefs: [
        { name: 'hive_table', superTypes: ['DataSet'], attributeDefs: [
          { name: 'db', typeName: 'hive_db' }, { name: 'columns', typeName: 'array<hive_column>' }, { name: 'meanings', typeName: 'array<AtlasGlossaryTerm>' },
          { name: 'name', typeName: 'string' }, { name: 'newOne', typeName: 'int' },
        ] },
        { name: 'hive_db', superTypes: ['Asset'], attributeDefs: [{ name: 'viaIncoming', typeName: 'string' }] },
      ],
      relationshipDefs: [{ name: 'hive_db_extra', endDef1: { type: 'hive_db', name: 'viaIncoming' }, endDef2: { type: 'hive_table', name: 'backRef' }, attributeDefs: [] }],
    }, hive);
    expect(plan.toCreate.map((d) => d.name)).toEqual(['hive_db_extra']);
    expect(plan.toUpdate.map((d) => d.name)).toEqual(['hive_table']);
    expect((plan.toUpdate[0] as { attributeDefs: { name: string }[] }).attributeDefs.slice(-1)[0].name).toBe('newOne');
    expect(plan.metrics).toEqual({ ...NO_CREATES, 'typedef:relationship': 1, 'typedef:entitydef:update': 1 });
  });

  it('fails with ATLAS-404-00-001 when a created or merged type references an unknown type', () => {
    expect(() => planTypeDefImport({ entityDefs: [{ name: 'X', superTypes: ['Nope'], attributeDefs: [] }] }, base))
      .toThrow('Given typename Nope was invalid');
    expect(() => planTypeDefImport({ entityDefs: [{ name: 'DataSet', superTypes: ['Asset'], attributeDefs: [{ name: 'extra', typeName: 'array<Nope>' }] }] }, base))
      .toThrow('Given typename Nope was invalid');
  });

  it('merges relationship, struct and business-metadata attributes and counts them per category', () => {
    const defs = mergeModelFile(hiveDefs, {
      businessMetadataDefs: [{ name: 'bm1', attributeDefs: [{ name: 'a', typeName: 'string', options: { applicableEntityTypes: '["hive_table"]' } }] }],
    }).defs;
    const plan = planTypeDefImport({
      structDefs: [{ name: 'hive_serde', attributeDefs: [{ name: 'extra', typeName: 'string' }] }],
      relationshipDefs: [{ name: 'hive_table_db', endDef1: { type: 'x', name: 'y' }, endDef2: { type: 'x', name: 'z' }, attributeDefs: [{ name: 'since', typeName: 'date' }] }],
      businessMetadataDefs: [{ name: 'bm1', attributeDefs: [{ name: 'b', typeName: 'int' }] }],
    }, TypeSystem.build(defs));
    expect(plan.metrics).toEqual({ 'typedef:struct:update': 1, 'typedef:relationshipdef:update': 1, 'typedef:businessmetadatadef:update': 1 });
    const rel = plan.toUpdate.find((d) => d.name === 'hive_table_db') as { endDef1: { type: string } };
    expect(rel.endDef1.type).toBe('hive_table'); // ends of existing relationships never change
  });
});

describe('validateTypesDef', () => {
  const code = (fn: () => void): string => {
    try {
      fn();
    } catch (e) {
      return (e as AtlasError).errorCode;
    }
    return 'none';
  };
  it('applies the mode and reference rules', () => {
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'DataSet', attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-409-00-001');
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'A', attributeDefs: [] }, { name: 'A', attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-409-00-001');
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'Nope', attributeDefs: [] }] }, base, 'update'))).toBe('ATLAS-404-00-001');
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'DataSet', superTypes: ['Asset'], attributeDefs: [] }] }, base, 'update'))).toBe('none');
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'A', superTypes: ['Nope'], attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-404-00-001');
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'A', superTypes: ['atlas_operation'], attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-400-00-011');
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'A', attributeDefs: [{ name: 'x', typeName: 'array<string' }] }] }, base, 'create'))).toBe('ATLAS-400-00-011');
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'A', attributeDefs: [{ name: 'x', typeName: 'map<string,Nope>' }] }] }, base, 'create'))).toBe('ATLAS-404-00-001');
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'A', attributeDefs: [{ name: 'x', typeName: 'map<string,array<B>>' }] }, { name: 'B', attributeDefs: [] }] }, base, 'create'))).toBe('none');
    expect(code(() => validateTypesDef({ relationshipDefs: [{ name: 'r', endDef1: { type: 'DataSet', name: 'a' }, endDef2: { type: 'Nope', name: 'b' }, attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-404-00-001');
    expect(code(() => validateTypesDef({ relationshipDefs: [{ name: 'r', endDef1: { type: 'DataSet', name: 'a' }, endDef2: { type: 'atlas_operation', name: 'b' }, attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-400-00-011');
    expect(code(() => validateTypesDef({ enumDefs: [{ name: 'e', elementDefs: [{ value: 'A' }, { value: 'A' }] }] }, base, 'create'))).toBe('ATLAS-400-00-011');
    expect(code(() => validateTypesDef({ classificationDefs: [{ name: 'c', entityTypes: ['Nope'], attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-404-00-001');
    expect(code(() => validateTypesDef({ entityDefs: [{ name: 'A', superTypes: ['B'], attributeDefs: [] }, { name: 'B', superTypes: ['A'], attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-400-00-011');
    expect(code(() => validateTypesDef({ structDefs: [{ name: 'DataSet', attributeDefs: [] }] }, base, 'createOrUpdate'))).toBe('ATLAS-400-00-011');
  });
  it('business metadata: primitive or enum attributes, applicable to entity types only (Atlas AtlasBusinessMetadataType)', () => {
    const bm = (typeName: string, applicable: string) => ({
      name: 'bm', attributeDefs: [{ name: 'steward', typeName, isOptional: true, cardinality: 'SINGLE' as const, options: { applicableEntityTypes: applicable, maxStrLength: '50' } }],
    });
    expect(code(() => validateTypesDef({ businessMetadataDefs: [bm('string', '["DataSet","A"]')], entityDefs: [{ name: 'A', attributeDefs: [] }] }, base, 'create'))).toBe('none');
    expect(code(() => validateTypesDef({ businessMetadataDefs: [bm('array<e>', '["DataSet"]')], enumDefs: [{ name: 'e', elementDefs: [{ value: 'X' }] }] }, base, 'create'))).toBe('none');
    expect(code(() => validateTypesDef({ businessMetadataDefs: [bm('string', '["Nope"]')] }, base, 'create'))).toBe('ATLAS-404-00-001');
    expect(code(() => validateTypesDef({ businessMetadataDefs: [bm('string', '["S"]')], structDefs: [{ name: 'S', attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-404-00-001');
    expect(code(() => validateTypesDef({ businessMetadataDefs: [bm('DataSet', '["DataSet"]')] }, base, 'create'))).toBe('ATLAS-400-00-094');
    expect(code(() => validateTypesDef({ businessMetadataDefs: [bm('map<string,S>', '["DataSet"]')], structDefs: [{ name: 'S', attributeDefs: [] }] }, base, 'create'))).toBe('ATLAS-400-00-094');
  });
  it('accepts every fixture model in load order', async () => {
    let ts = base;
    for (const f of ['1020-fs_model.json', '1030-hive_model.json']) {
      const defs = readJson(`${MODELS}/1000-Hadoop/${f}`);
      expect(() => validateTypesDef(defs, ts, 'createOrUpdate')).not.toThrow();
      ts = TypeSystem.build(mergeModelFile(ts.allDefs(), defs).defs);
    }
  });
});

describe('checkTypeDefUpdate (Atlas AtlasStructDefStoreV2.updateVertexPreUpdate)', () => {
  const current: AtlasStructDef = {
    name: 'order',
    attributeDefs: [
      { name: 'channel', typeName: 'string', isOptional: true, cardinality: 'SINGLE' },
      { name: 'tags', typeName: 'map<string,string>', isOptional: false, cardinality: 'SINGLE' },
    ],
  };
  const next = (...attributeDefs: AtlasAttributeDef[]): AtlasStructDef => ({ ...current, attributeDefs });
  const body = (fn: () => void): unknown => {
    try {
      fn();
    } catch (e) {
      return (e as AtlasError).body();
    }
    return 'none';
  };
  const [channel, tags] = current.attributeDefs!;

  it('accepts the same attributes, new optional ones and changes other than the type', () => {
    expect(body(() => checkTypeDefUpdate(current, next(channel, tags)))).toBe('none');
    expect(body(() => checkTypeDefUpdate(current, next(tags, { ...channel, description: 'sales channel', isOptional: false })))).toBe('none');
    expect(body(() => checkTypeDefUpdate(current, next(channel, { ...tags, typeName: 'map<string, string>' })))).toBe('none');
    expect(body(() => checkTypeDefUpdate(current, next(channel, tags, { name: 'region', typeName: 'string', isOptional: true })))).toBe('none');
    expect(body(() => checkTypeDefUpdate({ name: 'empty' } as AtlasStructDef, { name: 'empty', attributeDefs: [] } as AtlasStructDef))).toBe('none');
  });

  it('refuses a removed attribute, a new mandatory attribute and a changed attribute type', () => {
    expect(body(() => checkTypeDefUpdate(current, next(tags)))).toEqual({ errorCode: 'ATLAS-400-00-00D', errorMessage: 'order.channel : attribute delete not supported' });
    expect(body(() => checkTypeDefUpdate(current, { name: 'order' } as AtlasStructDef))).toEqual({ errorCode: 'ATLAS-400-00-00D', errorMessage: 'order.channel : attribute delete not supported' });
    expect(body(() => checkTypeDefUpdate(current, next(channel, tags, { name: 'priority', typeName: 'int', isOptional: false })))).toEqual({ errorCode: 'ATLAS-400-00-00C', errorMessage: 'order.priority : can not add mandatory attribute' });
    // Atlas's AtlasAttributeDef defaults isOptional to false
    expect(body(() => checkTypeDefUpdate(current, next(channel, tags, { name: 'priority', typeName: 'int' })))).toEqual({ errorCode: 'ATLAS-400-00-00C', errorMessage: 'order.priority : can not add mandatory attribute' });
    expect(body(() => checkTypeDefUpdate(current, next({ ...channel, typeName: 'array<string>' }, tags)))).toEqual({ errorCode: 'ATLAS-400-00-029', errorMessage: 'Data type update for attribute is not supported' });
  });

  it('refuses a removed super-type (400 ATLAS-400-00-00E); keeps accepting added ones', () => {
    const table = { name: 't', superTypes: ['DataSet', 'Audited'], attributeDefs: [] } as AtlasStructDef;
    const removed = { errorCode: 'ATLAS-400-00-00E', errorMessage: 'superType remove not supported' };
    expect(body(() => checkTypeDefUpdate(table, { ...table, superTypes: ['DataSet'] } as AtlasStructDef))).toEqual(removed);
    expect(body(() => checkTypeDefUpdate(table, { ...table, superTypes: [] } as AtlasStructDef))).toEqual(removed);
    expect(body(() => checkTypeDefUpdate(table, { name: 't', attributeDefs: [] } as AtlasStructDef))).toEqual(removed);
    expect(body(() => checkTypeDefUpdate(table, { ...table, superTypes: ['Audited', 'DataSet', 'Asset'] } as AtlasStructDef))).toBe('none');
    expect(body(() => checkTypeDefUpdate({ name: 'x', attributeDefs: [] } as AtlasStructDef, { name: 'x', superTypes: ['Asset'], attributeDefs: [] } as AtlasStructDef))).toBe('none');
  });
});

describe('applyModelPatch', () => {
  const atlasBase = () => readJson(`${MODELS}/0000-Area0/0010-base_model.json`);
  const patch = (f: string) => readJson<{ patches: never[] }>(`${MODELS}/0000-Area0/patches/${f}`);

  it('ADD_ATTRIBUTE adds missing attributes only, and bumps typeVersion', () => {
    const r = applyModelPatch(atlasBase(), patch('001-base_model_replication_attributes.json'));
    const ref = r.defs.entityDefs.find((d) => d.name === 'Referenceable')!;
    expect(ref.attributeDefs.map((a) => a.name)).toEqual(['qualifiedName', 'replicatedFrom', 'replicatedTo']);
    expect(ref.typeVersion).toBe('1.1');
    expect(r.updated.map((d) => d.name)).toEqual(['Referenceable']);
    expect(r.created).toEqual([]);
    expect(TypeSystem.build(r.defs).entityType('Asset')!.attributes.get('replicatedFrom')!.kind).toBe('SOFT_REF');
    const again = applyModelPatch(r.defs, patch('001-base_model_replication_attributes.json'));
    expect(again.updated).toEqual([]);
    // Asset already has displayName / userDescription
    expect(applyModelPatch(atlasBase(), patch('005-base_model_add_display_attributes.json')).updated).toEqual([]);
  });

  it('UPDATE_ENUMDEF appends missing elements; other actions and unknown types are ignored', () => {
    const defs = atlasBase();
    const op = defs.enumDefs!.find((e) => e.name === 'atlas_operation')!;
    op.elementDefs = op.elementDefs.slice(0, 5);
    const r = applyModelPatch(defs, patch('006-base_model_add_atlas_operation_attributes.json'));
    expect(r.defs.enumDefs.find((e) => e.name === 'atlas_operation')!.elementDefs.map((e) => e.value))
      .toEqual(['OTHERS', 'PURGE', 'EXPORT', 'IMPORT', 'IMPORT_DELETE_REPL', 'TYPE_DEF_CREATE', 'TYPE_DEF_UPDATE', 'TYPE_DEF_DELETE', 'SERVER_START', 'SERVER_STATE_ACTIVE']);
    expect(applyModelPatch(atlasBase(), patch('002-base_model_add_service_type.json')).updated).toEqual([]);
    expect(applyModelPatch(atlasBase(), patch('003-base_model_add_searchWeight.json')).updated).toEqual([]);
    expect(applyModelPatch(atlasBase(), patch('004-glossary_model_add_additionalAttributes.json')).updated).toEqual([]); // no glossary loaded
  });

  it('ADD_SUPER_TYPES adds missing super-types', () => {
    const fs = readJson(`${MODELS}/1000-Hadoop/1020-fs_model.json`);
    fs.entityDefs![0].superTypes = ['DataSet'];
    const defs = mergeModelFile(atlasBase(), fs).defs;
    const r = applyModelPatch(defs, readJson(`${MODELS}/1000-Hadoop/patches/018-fs_path_add_supertypes.json`));
    expect(r.defs.entityDefs.find((d) => d.name === 'fs_path')!.superTypes).toEqual(['DataSet', 'Path']);
    expect(applyModelPatch(r.defs, readJson(`${MODELS}/1000-Hadoop/patches/018-fs_path_add_supertypes.json`)).updated).toEqual([]);
  });
});

describe('mergeModelFile', () => {
  it('creates missing types and adds new attributes, keeping existing attribute definitions', () => {
    const existing: AtlasTypesDef = {
      enumDefs: [{ name: 'e', elementDefs: [{ value: 'A', ordinal: 0 }] }],
      entityDefs: [{ name: 'T', guid: 'g1', attributeDefs: [{ name: 'a', typeName: 'int' }] }],
    };
    const r = mergeModelFile(existing, {
      enumDefs: [{ name: 'e', elementDefs: [{ value: 'A', ordinal: 0 }, { value: 'B', ordinal: 1 }] }],
      entityDefs: [
        { name: 'T', attributeDefs: [{ name: 'a', typeName: 'string' }, { name: 'b', typeName: 'long' }] },
        { name: 'U', guid: 'x', superTypes: ['T'], attributeDefs: [] },
      ],
    });
    expect(r.created.map((d) => d.name)).toEqual(['U']);
    expect(r.created[0]).not.toHaveProperty('guid');
    expect(r.updated.map((d) => d.name)).toEqual(['e', 'T']);
    const t = r.defs.entityDefs.find((d) => d.name === 'T')!;
    expect(t.guid).toBe('g1');
    expect(t.attributeDefs).toEqual([{ name: 'a', typeName: 'int' }, { name: 'b', typeName: 'long' }]);
    expect(existing.entityDefs![0].attributeDefs).toHaveLength(1); // input not mutated
  });
});

describe('collectTypeClosure (spec 3.7)', () => {
  it('collects super-types, attribute types, relationships with their ends, classifications', () => {
    const defs = mergeModelFile(hiveDefs, {
      classificationDefs: [
        { name: 'PII', attributeDefs: [{ name: 'level', typeName: 'file_action' }] },
        { name: 'PII2', superTypes: ['PII'], attributeDefs: [] },
      ],
      businessMetadataDefs: [
        { name: 'bm_tables', attributeDefs: [{ name: 'a', typeName: 'string', options: { applicableEntityTypes: '["DataSet"]' } }] },
        { name: 'bm_other', attributeDefs: [{ name: 'a', typeName: 'string', options: { applicableEntityTypes: '["hive_process"]' } }] },
      ],
    }).defs;
    const ts = TypeSystem.build(defs);
    const c = collectTypeClosure(['hive_table'], ['PII2'], ts);
    const names = (l: { name: string }[]) => l.map((d) => d.name);
    expect(names(c.entityDefs)).toEqual(expect.arrayContaining(['hive_table', 'DataSet', 'Asset', 'Referenceable', 'AtlasServer', 'hive_db', 'hive_column', 'hive_storagedesc', 'Process', 'AtlasGlossaryTerm']));
    expect(names(c.entityDefs)).not.toContain('hive_process');
    expect(names(c.structDefs).sort()).toEqual(['hive_order', 'hive_serde']);
    expect(names(c.enumDefs).sort()).toEqual(['AtlasGlossaryTermRelationshipStatus', 'file_action', 'hive_principal_type']);
    expect(names(c.classificationDefs)).toEqual(['PII', 'PII2']);
    expect(names(c.relationshipDefs)).toEqual(expect.arrayContaining(['hive_table_db', 'hive_table_columns', 'hive_table_storagedesc', 'dataset_process_inputs', 'AtlasGlossarySemanticAssignment']));
    expect(names(c.businessMetadataDefs)).toEqual(['bm_tables']);
    // deterministic: registry order
    const order = ts.allDefs().entityDefs.map((d) => d.name).filter((n) => names(c.entityDefs).includes(n));
    expect(names(c.entityDefs)).toEqual(order);
    // entity defs carry Atlas's computed relationshipAttributeDefs; a plan made from them does not store them
    expect(c.entityDefs.find((d) => d.name === 'hive_table')!.relationshipAttributeDefs!.map((d) => d.name)).toEqual(expect.arrayContaining(['db', 'columns', 'sd']));
    const plan = planTypeDefImport(c, base);
    expect(plan.toCreate.find((d) => d.name === 'hive_table')).not.toHaveProperty('relationshipAttributeDefs');
  });

  it('an exported Referenceable sub-type always brings Referenceable and AtlasServer', () => {
    const c = collectTypeClosure(['__AtlasUserSavedSearch'], [], base);
    expect(c.entityDefs.map((d) => d.name).sort()).toEqual(['__AtlasUserProfile', '__AtlasUserSavedSearch', '__internal']);
    const d = collectTypeClosure(['hdfs_path'], [], base);
    expect(d.entityDefs.map((x) => x.name)).toEqual(expect.arrayContaining(['hdfs_path', 'fs_path', 'Path', 'Referenceable', 'AtlasServer']));
    expect(d.structDefs.map((x) => x.name)).toEqual(['fs_permissions']);
  });
});
