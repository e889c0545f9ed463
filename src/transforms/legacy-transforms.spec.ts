import { describe, it, expect } from 'vitest';
import { AtlasError } from '../common/errors';
import type { AtlasEntity } from '../metadata/model';
import {
  applyAttributeSpec, applyLegacyEntry, parseLegacySpec, parseLegacyTransforms, shapeLegacyEntry, type LegacyEntry,
} from './legacy-transforms';
import { fakeTypes } from './testing/fake-types';
import { thrown } from './testing/thrown';

const types = fakeTypes();

function entity(typeName: string, attributes: Record<string, unknown>, extra: Partial<AtlasEntity> = {}): AtlasEntity {
  return { typeName, guid: 'g-1', status: 'ACTIVE', attributes, classifications: [], ...extra };
}

/** parse + shape + apply, the way the plan does it */
function transform(option: unknown, e: AtlasEntity, topLevel = false): AtlasEntity {
  const entry = shapeLegacyEntry(parseLegacyTransforms(option), e.typeName, types);
  if (entry) applyLegacyEntry(entry, e, { isTopLevel: () => topLevel });
  return e;
}


describe('parseLegacySpec: both syntaxes (spec 6.1, P3)', () => {
  it.each([
    ['lowercase', { kind: 'lowercase' }],
    ['uppercase', { kind: 'uppercase' }],
    ['setDeleted', { kind: 'setDeleted' }],
    ['replace~@cl1~@cl2', { kind: 'replace', from: '@cl1', to: '@cl2' }],
    ['replace:@cl1:@cl2', { kind: 'replace', from: '@cl1', to: '@cl2' }],
    ['replace~@cl1', { kind: 'replace', from: '@cl1', to: '' }],
    ['replace:@cl1', { kind: 'replace', from: '@cl1', to: '' }],
    ['replace~~x', { kind: 'replace', from: 'x', to: '' }],
    ['replace', { kind: 'replace', from: '', to: '' }],
    ['replace~a:b~c:d', { kind: 'replace', from: 'a:b', to: 'c:d' }],
    ['clearAttrValue~replicatedTo,replicatedFrom', { kind: 'clearAttrValue', attributes: ['replicatedTo', 'replicatedFrom'] }],
    ['clearAttrValue:replicatedTo,replicatedFrom', { kind: 'clearAttrValue', attributes: ['replicatedTo', 'replicatedFrom'] }],
    ['add~syncInfo=list:cl1', { kind: 'add', attribute: 'syncInfo', raw: 'list:cl1', listItem: 'cl1' }],
    ['add~syncInfo=list:cl1:import', { kind: 'add', attribute: 'syncInfo', raw: 'list:cl1:import', listItem: 'cl1:import' }],
    ['add:syncInfo=list:cl1', { kind: 'add', attribute: 'syncInfo', raw: 'list:cl1', listItem: 'cl1' }],
    ['add~owner=etl', { kind: 'add', attribute: 'owner', raw: 'etl' }],
    ['add~owner', { kind: 'add' }],
    ['add~owner=', { kind: 'add' }],
    ['addClassification~REPLICATED', { kind: 'addClassification', name: 'REPLICATED', topLevel: false }],
    ['addClassification~TOP~topLevel', { kind: 'addClassification', name: 'TOP', topLevel: true }],
    ['addClassification:TOP:topLevel', { kind: 'addClassification', name: 'TOP', topLevel: true }],
    ['removeClassification~PII', { kind: 'removeClassification', name: 'PII' }],
    ['removeClassification:PII', { kind: 'removeClassification', name: 'PII' }],
  ])('%s', (text, expected) => {
    expect(parseLegacySpec(text)).toEqual({ text, ...expected });
  });

  it.each([
    'frobnicate:x', 'frobnicate', 'frobnicate~x', 'Lowercase', '', '~', ':', 'addClassification', 'addClassification~',
    'addClassification~X~everywhere', 'addClassification~X~topLevel~more', 'removeClassification', 'removeClassification~',
  ])('%j parses in neither syntax ⇒ 400 ATLAS-400-00-028 naming it', (text) => {
    const error = thrown(() => parseLegacySpec(text));
    expect(error).toBeInstanceOf(AtlasError);
    expect(error.httpStatus).toBe(400);
    expect(error.errorCode).toBe('ATLAS-400-00-028');
    expect(error.message).toBe(`invalid value: ${text}`);
  });
});

describe('parseLegacyTransforms: the option object', () => {
  it('ignores type entries with an empty/absent map and attribute entries with an empty/absent list', () => {
    const parsed = parseLegacyTransforms({ hive_db: {}, hive_table: null, hive_column: { name: [], comment: null }, Asset: { name: ['lowercase'] } });
    expect([...parsed.keys()]).toEqual(['Asset']);
    expect([...parsed.get('Asset')!.keys()]).toEqual(['name']);
  });

  it('keeps declaration order of types and attribute keys', () => {
    const parsed = parseLegacyTransforms({ b: { y: ['lowercase'], '*': ['setDeleted'], x: ['uppercase'] }, a: { z: ['lowercase'] } });
    expect([...parsed.keys()]).toEqual(['b', 'a']);
    expect([...parsed.get('b')!.keys()]).toEqual(['y', '*', 'x']);
  });

  it.each([
    [['lowercase'], 'transforms: expected an object keyed by type name'],
    ['lowercase', 'transforms: expected an object keyed by type name'],
    [{ hive_db: ['lowercase'] }, 'transforms.hive_db: expected an object keyed by attribute name'],
    [{ hive_db: { name: 'lowercase' } }, 'transforms.hive_db.name: expected a list of transforms'],
    [{ hive_db: { name: [42] } }, 'transforms.hive_db.name: 42'],
    [{ hive_db: { name: ['lowercase', 'frobnicate:x'] } }, 'frobnicate:x'],
  ])('%j ⇒ 400 ATLAS-400-00-028 (%s)', (value, named) => {
    const error = thrown(() => parseLegacyTransforms(value));
    expect(error.errorCode).toBe('ATLAS-400-00-028');
    expect(error.message).toBe(`invalid value: ${named}`);
  });
});

describe('attribute-level specs (spec 6.1 table)', () => {
  it.each([
    ['lowercase', 'Sales.Orders@CL1', 'sales.orders@cl1'],
    ['lowercase', 42, 42],
    ['lowercase', null, null],
    ['uppercase', 'Sales.Orders@cl1', 'SALES.ORDERS@CL1'],
    ['uppercase', true, true],
    ['replace~@cl1~@cl2', 'a@cl1.b@cl1', 'a@cl2.b@cl2'], // every occurrence
    ['replace~@cl1', 'default@cl1', 'default'], // TO missing ⇒ FROM deleted
    ['replace~@cl1~@cl2', '@cl11', '@cl21'],
    ['replace', 'x@cl1', 'x@cl1'], // FROM missing ⇒ no change
    ['replace~$&~x', 'a$&b', 'axb'], // FROM and TO are plain text, not patterns
    ['replace~a~$&', 'cab', 'c$&b'],
    ['replace~@cl1~@cl2', ['t@cl1'], ['t@cl1']], // non-string values unchanged
  ])('%s: %j ⇒ %j', (spec, input, output) => {
    expect(applyAttributeSpec(parseLegacySpec(spec), input)).toEqual(output);
  });
});

describe('entity-level specs under `*` (spec 6.1 table)', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['clearAttrValue~replicatedTo,replicatedFrom', { replicatedTo: ['a'], replicatedFrom: ['b'], name: 'n' }, { replicatedTo: null, replicatedFrom: null, name: 'n' }],
    ['clearAttrValue~replicatedTo', { name: 'n' }, { name: 'n', replicatedTo: null }],
    ['add~syncInfo=list:cl1', { syncInfo: null }, { syncInfo: ['cl1'] }],
    ['add~syncInfo=list:cl1', {}, { syncInfo: ['cl1'] }],
    ['add~syncInfo=list:cl1', { syncInfo: ['cl0'] }, { syncInfo: ['cl0', 'cl1'] }],
    ['add~syncInfo=cl1', { syncInfo: ['cl0'] }, { syncInfo: ['cl0', 'cl1'] }],
    ['add~syncInfo=list:cl1', { syncInfo: 'cl0' }, { syncInfo: 'list:cl1' }], // otherwise: the raw text
    ['add~owner=etl', { owner: 'hive' }, { owner: 'etl' }],
    ['add~owner=etl', { owner: null }, { owner: 'etl' }],
    ['add~owner', { owner: null }, { owner: null }], // without '=' nothing
    ['add~owner=', { owner: null }, { owner: null }], // empty value nothing
  ])('%s: %j ⇒ %j', (spec, input, output) => {
    expect(transform({ hive_table: { '*': [spec] } }, entity('hive_table', input)).attributes).toEqual(output);
  });

  it('add~ with a list value gives every entity its own list', () => {
    const a = transform({ hive_table: { '*': ['add~syncInfo=list:cl1'] } }, entity('hive_table', {}));
    const b = transform({ hive_table: { '*': ['add~syncInfo=list:cl1'] } }, entity('hive_table', {}));
    (a.attributes!.syncInfo as string[]).push('x');
    expect(b.attributes!.syncInfo).toEqual(['cl1']);
  });

  it.each<[string, boolean, string[], string[]]>([
    ['addClassification~REPLICATED', false, [], ['REPLICATED']],
    ['addClassification~REPLICATED', false, ['REPLICATED'], ['REPLICATED']], // already there: not added twice
    ['addClassification~REPLICATED', false, ['PII'], ['PII', 'REPLICATED']],
    ['addClassification~TOP~topLevel', true, [], ['TOP']],
    ['addClassification~TOP~topLevel', false, [], []],
    ['removeClassification~PII', false, ['PII', 'X', 'PII'], ['X']],
    ['removeClassification~PII', false, [], []],
  ])('%s (topLevel %s): %j ⇒ %j', (spec, topLevel, before, after) => {
    const e = entity('hive_table', {}, { classifications: before.map((typeName) => ({ typeName, entityGuid: 'g-1', propagate: false })) });
    transform({ hive_table: { '*': [spec] } }, e, topLevel);
    expect(e.classifications!.map((c) => c.typeName)).toEqual(after);
  });

  it('addClassification adds an own classification', () => {
    const e = transform({ hive_table: { '*': ['addClassification~REPLICATED'] } }, entity('hive_table', {}, { classifications: undefined }));
    expect(e.classifications).toEqual([{ typeName: 'REPLICATED', entityGuid: 'g-1', propagate: false, removePropagationsOnEntityDelete: false }]);
  });

  it('setDeleted: status := DELETED', () => {
    expect(transform({ hive_table: { '*': ['setDeleted'] } }, entity('hive_table', {})).status).toBe('DELETED');
  });
});

describe('misplaced specs are no-ops', () => {
  it.each([
    [{ hive_table: { name: ['setDeleted', 'clearAttrValue~name', 'add~x=y', 'addClassification~X'] } }],
    [{ hive_table: { '*': ['lowercase', 'replace~T~x'] } }],
  ])('%j', (option) => {
    const e = transform(option, entity('hive_table', { name: 'T' }));
    expect(e).toEqual(entity('hive_table', { name: 'T' }));
  });
});

describe('application to one entity', () => {
  it('runs `*` first, then attribute keys in declaration order; an attribute is transformed only when present', () => {
    const e = transform(
      { hive_table: { description: ['uppercase'], '*': ['add~description=from star', 'clearAttrValue~owner'], comment: ['uppercase'] } },
      entity('hive_table', { owner: 'x' }),
    );
    expect(e.attributes).toEqual({ owner: null, description: 'FROM STAR' }); // comment absent: not created
  });

  it('transforms an attribute present with a null value (the list sees null)', () => {
    const e = transform({ hive_table: { syncInfo: ['lowercase'] } }, entity('hive_table', { syncInfo: null }));
    expect(e.attributes).toEqual({ syncInfo: null });
  });

  it('entities of other types are untouched', () => {
    const e = transform({ hive_table: { name: ['uppercase'] } }, entity('hive_db', { name: 'x' }));
    expect(e.attributes).toEqual({ name: 'x' });
  });
});

describe('spec 6.1 examples', () => {
  it.each<[unknown, string, Record<string, unknown>, Record<string, unknown>]>([
    [{ hive_table: { qualifiedName: ['lowercase', 'replace~@cl1~@cl2'] } }, 'hive_table', { qualifiedName: 'Sales.Orders@CL1' }, { qualifiedName: 'sales.orders@cl2' }],
    [{ hive_db: { qualifiedName: ['replace~@cl1'] } }, 'hive_db', { qualifiedName: 'default@cl1' }, { qualifiedName: 'default' }],
    [{ hive_db: { qualifiedName: ['replace~@cl1~@cl2'] } }, 'hive_db', { qualifiedName: '@cl11' }, { qualifiedName: '@cl21' }],
    [{ hive_table: { '*': ['add~syncInfo=list:cl1'] } }, 'hive_table', { syncInfo: null }, { syncInfo: ['cl1'] }],
    [{ hive_table: { '*': ['clearAttrValue~replicatedTo,replicatedFrom'] } }, 'hive_table', { replicatedTo: ['s'], replicatedFrom: ['t'] }, { replicatedTo: null, replicatedFrom: null }],
    // spec P3 overrides "spec rejected": the documented colon syntax is accepted
    [{ hive_table: { qualifiedName: ['replace:@cl1:@cl2'] } }, 'hive_table', { qualifiedName: 't@cl1' }, { qualifiedName: 't@cl2' }],
    [{ Asset: { qualifiedName: ['replace~@cl1~@cl2'] }, hive_table: { qualifiedName: ['lowercase'] } }, 'hive_table', { qualifiedName: 'T@cl1' }, { qualifiedName: 't@cl2' }],
  ])('%j on %s %j ⇒ %j', (option, typeName, input, output) => {
    expect(transform(option, entity(typeName, input)).attributes).toEqual(output);
  });
});

describe('shaping: inheritance from declared super-types (spec 6.1 step 2)', () => {
  const keysAndSpecs = (entry: LegacyEntry | undefined) =>
    entry && Object.fromEntries([...entry].map(([k, specs]) => [k, specs.map((s) => s.text)]));
  const shape = (option: unknown, typeName: string) => keysAndSpecs(shapeLegacyEntry(parseLegacyTransforms(option), typeName, types));

  it.each<[string, unknown, string, Record<string, string[]> | undefined]>([
    ['sub-type without own entry uses the super-type entry', { Asset: { qualifiedName: ['lowercase'] } }, 'hive_table', { qualifiedName: ['lowercase'] }],
    ['type itself', { Asset: { qualifiedName: ['lowercase'] } }, 'Asset', { qualifiedName: ['lowercase'] }],
    ['not a sub-type', { Asset: { qualifiedName: ['lowercase'] } }, 'hive_storagedesc', undefined],
    ['Referenceable reaches every entity type', { Referenceable: { '*': ['setDeleted'] } }, 'hive_storagedesc', { '*': ['setDeleted'] }],
    ['unregistered type: exact entry only', { Asset: { name: ['lowercase'] }, my_type: { name: ['uppercase'] } }, 'my_type', { name: ['uppercase'] }],
    ['key in both: super-type list appended after own', { Asset: { qualifiedName: ['replace~a~b'] }, hive_table: { qualifiedName: ['lowercase'] } }, 'hive_table', { qualifiedName: ['lowercase', 'replace~a~b'] }],
    ['key only in the super-type: not applied when S has its own entry', { Asset: { '*': ['setDeleted'], name: ['uppercase'] }, hive_table: { name: ['lowercase'] } }, 'hive_table', { name: ['lowercase', 'uppercase'] }],
    ['several ancestors: nearest first', { Referenceable: { name: ['replace~c~d'] }, DataSet: { name: ['replace~a~b'] }, hive_table: { name: ['lowercase'] } }, 'hive_table', { name: ['lowercase', 'replace~a~b', 'replace~c~d'] }],
    ['several ancestors, none own: nearest entry, then keys in both', { Referenceable: { name: ['replace~c~d'], '*': ['setDeleted'] }, Asset: { name: ['replace~a~b'] } }, 'hive_column', { name: ['replace~a~b', 'replace~c~d'] }],
  ])('%s', (_what, option, typeName, expected) => {
    expect(shape(option, typeName)).toEqual(expected);
  });

  it('shaping does not change the declared entries', () => {
    const parsed = parseLegacyTransforms({ Asset: { name: ['uppercase'] }, hive_table: { name: ['lowercase'] } });
    shapeLegacyEntry(parsed, 'hive_table', types);
    expect(parsed.get('hive_table')!.get('name')!.map((s) => s.text)).toEqual(['lowercase']);
    expect(parsed.get('Asset')!.get('name')!.map((s) => s.text)).toEqual(['uppercase']);
  });
});
