import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AtlasError } from '../../common/errors';
import type { AtlasTypesDef } from '../model';
import { TypeSystem } from './type-system';
import { parseTypeName } from './type-names';
import { ATLAS_MODELS } from '../../../test/helpers/shared-dir';

const FIXTURES = ATLAS_MODELS;
const readJson = (p: string): AtlasTypesDef => JSON.parse(readFileSync(p, 'utf8'));

function concat(...all: AtlasTypesDef[]): AtlasTypesDef {
  const out: Required<AtlasTypesDef> = { enumDefs: [], structDefs: [], classificationDefs: [], entityDefs: [], relationshipDefs: [], businessMetadataDefs: [] };
  for (const d of all) for (const k of Object.keys(out) as (keyof AtlasTypesDef)[]) out[k].push(...((d[k] ?? []) as never[]));
  return out;
}

function fixtureHive(): AtlasTypesDef {
  const base = readJson(`${FIXTURES}/0000-Area0/0010-base_model.json`);
  const referenceable = base.entityDefs!.find((e) => e.name === 'Referenceable')!;
  referenceable.attributeDefs.push(
    { name: 'replicatedFrom', typeName: 'array<AtlasServer>', cardinality: 'SET', isOptional: true, options: { isSoftReference: 'true' } },
    { name: 'replicatedTo', typeName: 'array<AtlasServer>', cardinality: 'SET', isOptional: true, options: { isSoftReference: 'true' } },
  );
  return concat(
    base,
    readJson(`${FIXTURES}/0000-Area0/0011-glossary_model.json`),
    readJson(`${FIXTURES}/1000-Hadoop/1020-fs_model.json`),
    readJson(`${FIXTURES}/1000-Hadoop/1030-hive_model.json`),
  );
}

describe('parseTypeName', () => {
  it('parses nested composite names', () => {
    expect(parseTypeName('array<map<string, array<int>>>')).toEqual({
      kind: 'array',
      text: 'array<map<string,array<int>>>',
      element: {
        kind: 'map', text: 'map<string,array<int>>', key: { kind: 'named', name: 'string' },
        value: { kind: 'array', text: 'array<int>', element: { kind: 'named', name: 'int' } },
      },
    });
  });
  it('rejects broken syntax', () => {
    for (const bad of ['array<int', 'map<string>', 'array<>', 'foo>', 'map<,int>', '']) expect(parseTypeName(bad)).toBeNull();
  });
});

describe('TypeSystem.build over Atlas base + fs + hive models', () => {
  const ts = TypeSystem.build(fixtureHive(), 7);

  it('resolves super-types nearest first and sub-types', () => {
    expect(ts.version).toBe(7);
    expect(ts.entityType('hdfs_path')!.allSuperTypes).toEqual(['fs_path', 'DataSet', 'Path', 'Asset', 'Referenceable']);
    expect(ts.entityType('DataSet')!.allSubTypes).toEqual(expect.arrayContaining(['Path', 'fs_path', 'hdfs_path', 'hive_table', 'hive_column']));
    expect(ts.isSubTypeOf('hdfs_path', 'DataSet')).toBe(true);
    expect(ts.isSubTypeOf('DataSet', 'DataSet')).toBe(true);
    expect(ts.isSubTypeOf('hive_db', 'DataSet')).toBe(false);
  });

  it('inherits attributes, super-types first', () => {
    const names = [...ts.entityType('hive_db')!.attributes.keys()];
    expect(names.slice(0, 3)).toEqual(['qualifiedName', 'replicatedFrom', 'replicatedTo']);
    expect(names).toEqual(expect.arrayContaining(['name', 'owner', 'clusterName', 'ownerType']));
    expect(ts.entityType('hive_db')!.attributes.get('name')!.declaringType).toBe('Asset');
    expect(ts.entityType('hive_db')!.uniqueAttributes).toEqual(new Map([['qualifiedName', 'Referenceable']]));
  });

  it('classifies attribute kinds', () => {
    const kinds = (t: string) => Object.fromEntries([...ts.entityType(t)!.attributes.values()].map((a) => [a.name, a.kind]));
    expect(kinds('hive_db')).toMatchObject({ qualifiedName: 'PRIMITIVE', replicatedTo: 'SOFT_REF', parameters: 'COLLECTION', ownerType: 'ENUM' });
    expect(kinds('hive_storagedesc')).toMatchObject({ serdeInfo: 'STRUCT', sortCols: 'COLLECTION', bucketCols: 'COLLECTION' });
    expect(kinds('hive_process')).toMatchObject({ inputs: 'OBJECT_REF', outputs: 'OBJECT_REF' });
    const inputs = ts.entityType('hive_process')!.attributes.get('inputs')!;
    expect(inputs).toMatchObject({ elementType: 'DataSet', isArray: true, isMap: false, isOwned: false, declaringType: 'Process' });
    const replicatedTo = ts.entityType('hdfs_path')!.attributes.get('replicatedTo')!;
    expect(replicatedTo).toMatchObject({ kind: 'SOFT_REF', elementType: 'AtlasServer', isArray: true, isOptional: true });
    expect(ts.entityType('hive_storagedesc')!.attributes.get('sortCols')!.elementType).toBe('hive_order');
    expect(ts.entityType('__AtlasUserProfile')!.attributes.get('savedSearches')!.isOwned).toBe(true);
  });

  it('contributes relationship attributes to both ends and sub-types', () => {
    const table = ts.entityType('hive_table')!;
    expect(table.relationshipAttributes.get('columns')).toEqual([
      { name: 'columns', relationshipType: 'hive_table_columns', end: 1, targetType: 'hive_column', cardinality: 'SET', isLegacyAttribute: true, isOwned: true },
    ]);
    expect(table.relationshipAttributes.get('sd')![0]).toMatchObject({ isOwned: true, cardinality: 'SINGLE', targetType: 'hive_storagedesc' });
    expect(table.relationshipAttributes.get('db')![0]).toMatchObject({ isOwned: false, end: 1, targetType: 'hive_db' });
    expect(ts.entityType('hive_db')!.relationshipAttributes.get('tables')![0]).toMatchObject({ isOwned: false, end: 2 });
    // inherited from DataSet / Referenceable
    expect(table.relationshipAttributes.get('inputToProcesses')![0].relationshipType).toBe('dataset_process_inputs');
    expect(table.relationshipAttributes.get('meanings')![0].relationshipType).toBe('AtlasGlossarySemanticAssignment');
    // one name, two relationship types
    expect(ts.entityType('hive_column')!.relationshipAttributes.get('table')!.map((a) => a.relationshipType))
      .toEqual(['hive_table_columns', 'hive_table_partitionkeys']);
    expect(ts.entityType('AtlasGlossaryTerm')!.relationshipAttributes.get('synonyms')).toHaveLength(1);
    const rel = ts.relationshipType('dataset_process_inputs')!;
    expect(rel).toMatchObject({ end1Type: 'Process', end2Type: 'DataSet', end1Name: 'inputs', end2Name: 'inputToProcesses', propagateTags: 'TWO_TO_ONE' });
  });

  it('marks lineage types', () => {
    expect(ts.entityType('hive_process')!.isLineage).toBe(true);
    expect(ts.entityType('hive_column_lineage')!.isLineage).toBe(true);
    expect(ts.entityType('hive_table')!.isLineage).toBe(false);
    expect(ts.entityType('hive_process_execution')!.isLineage).toBe(false);
  });

  it('answers lookups by category', () => {
    expect(ts.categoryOf('hive_principal_type')).toBe('ENUM');
    expect(ts.categoryOf('hive_serde')).toBe('STRUCT');
    expect(ts.categoryOf('long')).toBe('PRIMITIVE');
    expect(ts.categoryOf('nope')).toBeUndefined();
    expect(ts.has('long')).toBe(false);
    expect(ts.enumDef('file_action')!.elementDefs).toHaveLength(8);
    expect(ts.structType('fs_permissions')!.attributes.get('group')!.kind).toBe('ENUM');
    const all = ts.allDefs();
    expect(all.entityDefs.map((e) => e.name)).toContain('hive_table');
    expect(ts.def('hive_table_db')).toBe(all.relationshipDefs.find((r) => r.name === 'hive_table_db'));
  });
});

describe('classification types', () => {
  const ts = TypeSystem.build({
    classificationDefs: [
      { name: 'PII', attributeDefs: [{ name: 'level', typeName: 'int' }] },
      { name: 'PII2', superTypes: ['PII'], attributeDefs: [{ name: 'note', typeName: 'string' }] },
      { name: 'PII3', superTypes: ['PII2'], attributeDefs: [] },
    ],
  });
  it('resolve super-types and inherited attributes', () => {
    expect(ts.classificationType('PII3')!.allSuperTypes).toEqual(['PII2', 'PII']);
    expect(ts.classificationType('PII')!.allSubTypes).toEqual(['PII2', 'PII3']);
    expect([...ts.classificationType('PII3')!.attributes.keys()]).toEqual(['level', 'note']);
    expect(ts.isSubTypeOf('PII3', 'PII')).toBe(true);
  });
});

describe('lenient build vs strict validate', () => {
  const defs: AtlasTypesDef = {
    entityDefs: [
      { name: 'A', superTypes: ['Missing'], attributeDefs: [{ name: 'x', typeName: 'Unknown' }, { name: 'y', typeName: 'array<Unknown>' }] },
    ],
    relationshipDefs: [
      { name: 'r', endDef1: { type: 'A', name: 'b' }, endDef2: { type: 'Missing', name: 'a' }, attributeDefs: [] },
    ],
  };
  it('build never throws on dangling references', () => {
    const ts = TypeSystem.build(defs);
    expect(ts.entityType('A')!.allSuperTypes).toEqual([]);
    expect(ts.entityType('A')!.attributes.get('x')!.kind).toBe('PRIMITIVE');
    expect(ts.entityType('A')!.attributes.get('y')!.kind).toBe('COLLECTION');
    expect(ts.relationshipType('r')).toBeUndefined();
    expect(ts.entityType('A')!.relationshipAttributes.size).toBe(0);
  });
  it('validate throws ATLAS-404-00-001', () => {
    expect(() => TypeSystem.validate(defs)).toThrow(AtlasError);
    expect(() => TypeSystem.validate(defs)).toThrow('Given typename Missing was invalid');
    expect(() => TypeSystem.validate({ entityDefs: [{ name: 'A', attributeDefs: [{ name: 'x', typeName: 'map<string,Nope>' }] }] }))
      .toThrow('Given typename Nope was invalid');
    expect(() => TypeSystem.validate({ entityDefs: [{ name: 'A', attributeDefs: [{ name: 'x', typeName: 'array<int' }] }] }))
      .toThrow(expect.objectContaining({ errorCode: 'ATLAS-400-00-011' }));
    expect(() => TypeSystem.validate({ entityDefs: [{ name: 'A', attributeDefs: [] }, { name: 'A', attributeDefs: [] }] }))
      .toThrow(expect.objectContaining({ errorCode: 'ATLAS-409-00-001' }));
  });
  it('validate accepts the Atlas fixture models', () => {
    expect(() => TypeSystem.validate(fixtureHive())).not.toThrow();
  });
});

describe('a large model', () => {
  it('builds ~1000 types with multiple inheritance, reference attributes and relationships', () => {
    const entityDefs = [];
    const relationshipDefs = [];
    for (let i = 0; i < 1000; i++) {
      entityDefs.push({
        name: `T${i}`,
        // a realistic shape: a tree of fan-out 8 (depth ≤ 4) with some multiple inheritance
        superTypes: i === 0 ? [] : [`T${Math.floor((i - 1) / 8)}`, ...(i > 9 && i % 5 === 0 ? [`T${Math.floor((i - 1) / 8) + 1}`] : [])],
        attributeDefs: Array.from({ length: 10 }, (_, j) => ({ name: `a${i}_${j}`, typeName: j % 2 ? 'string' : `array<T${(i + j) % 1000}>` })),
      });
      if (i > 0) relationshipDefs.push({ name: `R${i}`, endDef1: { type: `T${i}`, name: `r${i}`, cardinality: 'SET' as const }, endDef2: { type: `T${(i * 7) % 1000}`, name: `p${i}` }, attributeDefs: [] });
    }
    // (no timing here: a timed unit test measures its neighbours on a shared machine)
    const ts = TypeSystem.build({ entityDefs, relationshipDefs });
    expect(ts.size).toBe(1999);
    expect(ts.entityType('T999')?.allSuperTypes).toEqual(expect.arrayContaining(['T124', 'T15', 'T1', 'T0']));
    expect(ts.entityType('T7')?.relationshipAttributes.has('r7')).toBe(true);
  });
});
