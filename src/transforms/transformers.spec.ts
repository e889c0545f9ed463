import { describe, it, expect } from 'vitest';
import type { AtlasEntity } from '../metadata/model';
import {
  applyTransformers, parseAction, parseCondition, parseReplacePrefix, parseTransformKey, parseTransformers, selectHandlers,
} from './transformers';
import { fakeTypes } from './testing/fake-types';
import { stocksEntities } from './testing/atlas-zip-fixtures';

const types = fakeTypes();

function entity(typeName: string, attributes: Record<string, unknown>, extra: Partial<AtlasEntity> = {}): AtlasEntity {
  return { typeName, guid: `g-${typeName}`, status: 'ACTIVE', attributes, classifications: [], ...extra };
}

/** parse the transformers (as the JSON array of the option), select handlers, apply to the entity */
function transform(option: unknown[], e: AtlasEntity, topLevel = false): AtlasEntity {
  const transformers = parseTransformers(option);
  applyTransformers(transformers, selectHandlers(transformers), e, { types, isTopLevel: () => topLevel });
  return e;
}

describe('keys', () => {
  it.each([
    ['name', { key: 'name', attributeName: 'name' }],
    [' hive_db.clusterName ', { key: 'hive_db.clusterName', typeName: 'hive_db', attributeName: 'clusterName' }],
    ['__entity.replicatedTo', { key: '__entity.replicatedTo', typeName: '__entity', attributeName: 'replicatedTo' }],
    ['hive_db.', { key: 'hive_db.', typeName: 'hive_db', attributeName: '' }],
  ])('%j', (raw, expected) => {
    expect(parseTransformKey(raw)).toEqual(expected);
  });

  it.each<[string, string, boolean]>([
    ['name', 'hive_column', true], // attr: any entity type
    ['Asset.name', 'hive_db', true], // Type.attr: the type's sub-types
    ['Asset.name', 'Asset', true],
    ['Asset.name', 'hive_storagedesc', false], // not an Asset
    ['hive_db.name', 'hive_table', false],
    ['__entity.name', 'hive_storagedesc', true], // not a registered entity type: any type
    ['unknown_type.name', 'hdfs_path', true],
  ])('SET on %s reaches %s: %s', (key, typeName, reached) => {
    const e = transform([{ action: { [key]: 'SET: renamed' } }], entity(typeName, { name: 'n' }));
    expect(e.attributes!.name).toBe(reached ? 'renamed' : 'n');
  });

  // spec 6.2 "Keys and values are trimmed": Atlas's EntityAttribute trims the type name and the attribute name of
  // `Type.attr` each (StringUtils.trim of both sides of the '.'); the whole trimmed key is what virtual keys match.
  it.each([
    ['hive_db . clusterName', { key: 'hive_db . clusterName', typeName: 'hive_db', attributeName: 'clusterName' }],
    ['Asset. name', { key: 'Asset. name', typeName: 'Asset', attributeName: 'name' }],
  ])('the two sides of %j are trimmed', (raw, expected) => {
    expect(parseTransformKey(raw)).toEqual(expected);
  });

  it('`Asset .name` is scoped to Asset: a non-Asset entity is not renamed', () => {
    const e = transform([{ action: { 'Asset .name': 'SET: renamed' } }], entity('hive_storagedesc', { name: 'n' }));
    expect(e.attributes).toEqual({ name: 'n' });
  });

  it('`Type.` names no attribute: SET writes nothing, conditions on it see no value', () => {
    const e = transform([{ conditions: { 'hive_db.': 'HAS_VALUE:' }, action: { name: 'SET: x' } }, { action: { 'hive_db.': 'SET: y' } }], entity('hive_db', { name: 'n' }));
    expect(e.attributes).toEqual({ name: 'n' });
  });
});

describe('conditions (spec 6.2 table)', () => {
  it.each([
    ['ALL:', { kind: 'ALL' }],
    ['all:', { kind: 'ALL' }],
    ['ENTITY_ALL:', { kind: 'ALL' }], // issue 5: alias
    ['TOPLEVEL:', { kind: 'TOPLEVEL' }],
    ['topLevel:', { kind: 'TOPLEVEL' }],
    ['ENTITY_TOP_LEVEL:', { kind: 'TOPLEVEL' }], // issue 5: alias
    ['OBJECTID: whatever', { kind: 'TOPLEVEL' }],
    ['EQUALS: cl1', { kind: 'EQUALS', operand: 'cl1' }],
    ['equals:cl1', { kind: 'EQUALS', operand: 'cl1' }],
    ['EQUALS_IGNORE_CASE: CL1', { kind: 'EQUALS_IGNORE_CASE', operand: 'CL1' }],
    ['STARTS_WITH: /aa/bb/', { kind: 'STARTS_WITH', operand: '/aa/bb/' }],
    ['STARTS_WITH_IGNORE_CASE: /AA/', { kind: 'STARTS_WITH_IGNORE_CASE', operand: '/AA/' }],
    ['HAS_VALUE:', { kind: 'HAS_VALUE' }],
    [' cl1 ', { kind: 'EQUALS', operand: 'cl1' }], // no ':' ⇒ EQUALS with the whole value
    ['', { kind: 'EQUALS', operand: '' }],
    ['FOO: bar', { kind: 'EQUALS', operand: 'FOO: bar' }], // unknown name ⇒ EQUALS against the entire trimmed value
    ['EQUALS: a:b', { kind: 'EQUALS', operand: 'a:b' }], // split at the first ':'
  ])('parse %j', (value, expected) => {
    expect(parseCondition('clusterName', value)).toEqual({ key: { key: 'clusterName', attributeName: 'clusterName' }, ...expected });
  });

  // condition on `clusterName`, action sets `mark`: does the condition match this value?
  it.each<[string, unknown, boolean]>([
    ['ALL:', null, true],
    ['ENTITY_ALL:', null, true],
    ['EQUALS: cl1', 'cl1', true],
    ['EQUALS: cl1', 'CL1', false],
    ['EQUALS: cl1', 'cl11', false],
    ['EQUALS: cl1', null, false],
    ['EQUALS: 3', 3, true], // attribute value as text
    ['EQUALS: true', true, true],
    ['EQUALS: ', '', true],
    ['EQUALS: ', null, false],
    ['cl1', 'cl1', true],
    ['EQUALS_IGNORE_CASE: CL1', 'cl1', true],
    ['EQUALS_IGNORE_CASE: CL1', 'cl2', false],
    ['EQUALS_IGNORE_CASE: CL1', null, false],
    ['STARTS_WITH: /aa/bb/', '/aa/bb/employee', true],
    ['STARTS_WITH: /aa/bb/', '/AA/bb/employee', false],
    ['STARTS_WITH: /aa/bb/', '/xx/aa/bb/', false],
    ['STARTS_WITH: /aa/bb/', null, false],
    ['STARTS_WITH_IGNORE_CASE: /aa/BB/', '/AA/bb/employee', true],
    ['STARTS_WITH_IGNORE_CASE: /aa/BB/', '/xx', false],
    ['HAS_VALUE:', 'cl1', true],
    ['HAS_VALUE:', '', false],
    ['HAS_VALUE:', null, false],
    ['HAS_VALUE:', 0, true],
    ['HAS_VALUE:', [], true], // text "[]"
    ['FOO: cl1', 'cl1', false], // unknown name: EQUALS "FOO: cl1"
    ['FOO: cl1', 'FOO: cl1', true],
  ])('%j on value %j ⇒ %s', (condition, value, matched) => {
    const e = transform([{ conditions: { clusterName: condition }, action: { mark: 'SET: yes' } }], entity('hive_process', { clusterName: value }));
    expect(e.attributes!.mark).toBe(matched ? 'yes' : undefined);
  });

  it.each<[string, boolean, boolean]>([
    ['TOPLEVEL:', true, true],
    ['TOPLEVEL:', false, false],
    ['topLevel:', true, true],
    ['ENTITY_TOP_LEVEL:', true, true],
    ['ENTITY_TOP_LEVEL:', false, false],
    ['OBJECTID: ignored', true, true],
    ['OBJECTID: ignored', false, false],
  ])('%j with entity top-level %s ⇒ %s (attribute ignored)', (condition, topLevel, matched) => {
    const e = transform([{ conditions: { __entity: condition }, action: { mark: 'SET: yes' } }], entity('hive_table', {}), topLevel);
    expect(e.attributes!.mark).toBe(matched ? 'yes' : undefined);
  });

  it('all conditions must match (AND); no/empty conditions ⇒ always', () => {
    const run = (conditions: Record<string, string> | undefined) =>
      transform([{ conditions, action: { mark: 'SET: yes' } }], entity('hive_db', { name: 'stocks', clusterName: 'cl1' })).attributes!.mark;
    expect(run({ name: 'EQUALS: stocks', clusterName: 'EQUALS: cl1' })).toBe('yes');
    expect(run({ name: 'EQUALS: stocks', clusterName: 'EQUALS: cl2' })).toBeUndefined();
    expect(run({})).toBe('yes');
    expect(run(undefined)).toBe('yes');
  });

  it('a scoped key yields no value outside its type: value conditions fail', () => {
    const e = transform([{ conditions: { 'hive_db.name': 'HAS_VALUE:' }, action: { mark: 'SET: yes' } }], entity('hive_process', { name: 'p' }));
    expect(e.attributes!.mark).toBeUndefined();
  });

  it('"__entity": "" (documentation) is EQUALS "" on a missing attribute: matches nothing', () => {
    const e = transform([{ conditions: { __entity: '' }, action: { mark: 'SET: yes' } }], entity('hive_table', { name: 't' }));
    expect(e.attributes!.mark).toBeUndefined();
  });
});

describe('actions (spec 6.2 table)', () => {
  it.each([
    ['SET: cl2', { kind: 'SET', value: 'cl2' }],
    ['set:cl2', { kind: 'SET', value: 'cl2' }],
    [' cl2 ', { kind: 'SET', value: 'cl2' }], // no ':' ⇒ SET with the whole value
    ['CLEAR:', { kind: 'CLEAR' }],
    ['TO_LOWER:', { kind: 'TO_LOWER' }],
    ['TO_UPPER:', { kind: 'TO_UPPER' }],
    ['REPLACE_PREFIX: = :/aa/bb/=/xx/yy/', { kind: 'REPLACE_PREFIX', from: '/aa/bb/', to: '/xx/yy/' }],
    ['ADD_CLASSIFICATION: cl1_replicated', { kind: 'ADD_CLASSIFICATION', classification: 'cl1_replicated' }],
    ['FOO: bar', { kind: 'SET', value: 'FOO: bar' }], // unknown name ⇒ SET with the entire trimmed value
    ['SET: a:b', { kind: 'SET', value: 'a:b' }],
  ])('parse %j', (value, expected) => {
    expect(parseAction('name', value)).toEqual({ key: { key: 'name', attributeName: 'name' }, ...expected });
  });

  it.each([
    [' = :/aa/bb/=/xx/yy/', { from: '/aa/bb/', to: '/xx/yy/' }],
    ['#:/aa/#/xx/', { from: '/aa/', to: '/xx/' }],
    ['==:a==b', { from: 'a', to: 'b' }], // multi-character separator
    ['/aa/bb/', { from: '/aa/bb/', to: '' }], // no ':' ⇒ FROM whole operand, TO ""
    ['=:/aa/bb/', { from: '/aa/bb/', to: '' }], // S not found ⇒ TO ""
    [':/aa/', { from: '', to: '/aa/' }], // empty S ⇒ empty FROM ⇒ no-op when applied
    ['', { from: '', to: '' }],
  ])('REPLACE_PREFIX operand %j', (operand, expected) => {
    expect(parseReplacePrefix(operand)).toEqual(expected);
  });

  it.each<[string, unknown, unknown]>([
    ['SET: renamed', 'old', 'renamed'],
    ['SET: renamed', null, 'renamed'],
    ['SET: renamed', undefined, 'renamed'], // absent attribute is created
    ['SET: 42', 1, '42'], // always a string
    ['SET:', 'old', ''],
    ['renamed', 'old', 'renamed'],
    ['FOO: bar', 'old', 'FOO: bar'],
    ['CLEAR:', 'old', null],
    ['CLEAR:', ['a'], null],
    ['CLEAR:', undefined, undefined], // only when it currently has a value
    ['TO_LOWER:', 'MiXeD', 'mixed'],
    ['TO_LOWER:', 7, 7],
    ['TO_LOWER:', null, null],
    ['TO_UPPER:', 'MiXeD', 'MIXED'],
    ['TO_UPPER:', false, false],
    ['REPLACE_PREFIX: = :/aa/bb/=/xx/yy/', '/aa/bb/employee', '/xx/yy/employee'],
    ['REPLACE_PREFIX: = :/aa/bb/=/xx/yy/', '/aa/bb/aa/bb/', '/xx/yy/aa/bb/'], // first occurrence only
    ['REPLACE_PREFIX: = :/aa/bb/=/xx/yy/', '/zz/aa/bb/', '/zz/aa/bb/'], // not a prefix
    ['REPLACE_PREFIX: = :/aa/bb/=/xx/yy/', null, null],
    ['REPLACE_PREFIX: /aa/', '/aa/bb', 'bb'], // TO ""
    ['REPLACE_PREFIX: =:=x', 'abc', 'abc'], // empty FROM ⇒ no-op
    ['REPLACE_PREFIX: = :a=$&', 'abc', '$&bc'], // TO is plain text
  ])('%j on %j ⇒ %j', (action, before, after) => {
    const e = transform([{ action: { name: action } }], entity('hive_process', before === undefined ? {} : { name: before }));
    expect(e.attributes!.name).toEqual(after);
  });

  it.each<[string[], string[]]>([
    [[], ['cl1_replicated']],
    [['PII'], ['PII', 'cl1_replicated']],
    [['cl1_replicated'], ['cl1_replicated']], // unless present
  ])('ADD_CLASSIFICATION on %j ⇒ %j (key irrelevant)', (before, after) => {
    const e = entity('hive_table', {}, { classifications: before.map((typeName) => ({ typeName })) });
    transform([{ action: { whatever: 'ADD_CLASSIFICATION: cl1_replicated' } }], e);
    expect(e.classifications!.map((c) => c.typeName)).toEqual(after);
    expect(e.attributes).toEqual({});
  });

  it('ADD_CLASSIFICATION adds an own classification', () => {
    const e = transform([{ action: { __entity: 'ADD_CLASSIFICATION: X' } }], entity('hive_table', {}, { guid: 'g-7', classifications: undefined }));
    expect(e.classifications).toEqual([{ typeName: 'X', entityGuid: 'g-7', propagate: false, removePropagationsOnEntityDelete: false }]);
  });

  it('actions run in the JSON order of the action object', () => {
    const e = transform([{ action: { name: 'SET: Abc', 'hive_process.name': 'TO_UPPER:' } }], entity('hive_process', {}));
    expect(e.attributes!.name).toBe('ABC');
    const f = transform([{ action: { 'hive_process.name': 'TO_UPPER:', name: 'SET: Abc' } }], entity('hive_process', {}));
    expect(f.attributes!.name).toBe('Abc');
  });

  it('transformers run in list order, later conditions see earlier actions (generic handler)', () => {
    const e = transform([
      { action: { name: 'SET: b' } },
      { conditions: { name: 'EQUALS: b' }, action: { mark: 'SET: yes' } },
    ], entity('hive_process', { name: 'a' }));
    expect(e.attributes).toEqual({ name: 'b', mark: 'yes' });
  });
});

describe('parseTransformers: the option list', () => {
  it('a non-array value is ignored', () => {
    expect(parseTransformers({ action: { name: 'SET: x' } })).toEqual([]);
    expect(parseTransformers('x')).toEqual([]);
    expect(parseTransformers(null)).toEqual([]);
  });

  it('unparseable elements are skipped', () => {
    const parsed = parseTransformers([
      'x', 1, null, [],
      { conditions: 'EQUALS: x', action: { name: 'SET: a' } },
      { action: ['SET: a'] },
      { action: { name: { nested: true } } },
      { conditions: { position: 3 }, action: { name: 'SET: ok' } }, // scalars are text, as Jackson reads them
    ]);
    expect(parsed).toHaveLength(1);
    expect(parsed[0].conditions[0]).toMatchObject({ kind: 'EQUALS', operand: '3' });
  });
});

describe('handler selection (spec 6.2, copied exactly)', () => {
  it.each<[Record<string, string>[], string[]]>([
    [[{ name: 'SET: x' }], []],
    [[{ 'Asset.name': 'SET: x' }], []],
    [[{ 'hive_db.description': 'SET: x' }], []],
    [[{ __entity: 'ADD_CLASSIFICATION: X' }], []],
    [[{ 'hdfs_path.name': 'SET: x' }], ['hdfs_path']],
    [[{ 'hdfs_path.path': 'SET: x' }], ['hdfs_path']],
    [[{ 'hdfs_path.clusterName': 'SET: x' }], ['hdfs_path']],
    [[{ 'hive_db.name': 'SET: x' }], ['hive_db', 'hive_table', 'hive_column', 'hive_storagedesc']],
    [[{ 'hive_db.clusterName': 'SET: x' }], ['hive_db', 'hive_table', 'hive_column', 'hive_storagedesc']],
    [[{ 'hive_table.name': 'SET: x' }], ['hive_table', 'hive_column', 'hive_storagedesc']],
    [[{ 'hive_column.name': 'SET: x' }], ['hive_column']],
    [[{ 'hive_storagedesc.location': 'SET: x' }], ['hive_storagedesc']],
    [[{ __entity: 'ADD_CLASSIFICATION: X' }, { 'hdfs_path.clusterName': 'SET: x', 'hive_column.name': 'SET: x' }], ['hdfs_path', 'hive_column']],
  ])('actions %j ⇒ %j', (actions, handlers) => {
    expect(selectHandlers(parseTransformers(actions.map((action) => ({ action }))))).toEqual(handlers);
  });

  it('condition keys do not enable a handler', () => {
    expect(selectHandlers(parseTransformers([{ conditions: { 'hive_db.clusterName': 'EQUALS: cl1' }, action: { 'hive_db.description': 'SET: x' } }]))).toEqual([]);
  });

  it('once a handler is enabled, entities of other types are untouched', () => {
    const option = [{ action: { __entity: 'ADD_CLASSIFICATION: X', description: 'SET: d' } }, { action: { 'hive_column.name': 'TO_UPPER:' } }];
    const process = transform(option, entity('hive_process', { name: 'p' }));
    expect(process.attributes).toEqual({ name: 'p' });
    expect(process.classifications).toEqual([]);
    const column = transform(option, entity('hive_column', { name: 'c', qualifiedName: 'db.t.c@cl1' }));
    expect(column.attributes).toEqual({ name: 'C', qualifiedName: 'db.t.C@cl1', description: 'd' });
    expect(column.classifications!.map((c) => c.typeName)).toEqual(['X']);
  });

  it('inside a handler the rebuild wins over a real-attribute write of the same attribute', () => {
    const option = [{ action: { name: 'SET: renamed', 'hive_column.name': 'TO_UPPER:' } }];
    expect(transform(option, entity('hive_column', { name: 'c', qualifiedName: 'db.t.c@cl1' })).attributes)
      .toEqual({ name: 'C', qualifiedName: 'db.t.C@cl1' });
  });

  it('sub-types of a handler type are not handled by it (exact type name)', () => {
    const sub = fakeTypes({ hive_db: [], my_db: ['hive_db'] });
    const transformers = parseTransformers([{ action: { 'hive_db.clusterName': 'SET: cl2' } }]);
    const e = entity('my_db', { qualifiedName: 'x@cl1', clusterName: 'cl1' });
    applyTransformers(transformers, selectHandlers(transformers), e, { types: sub, isTopLevel: () => false });
    expect(e.attributes).toEqual({ qualifiedName: 'x@cl1', clusterName: 'cl1' });
  });
});

describe('built-in handlers: virtual keys and rebuild (spec 6.2)', () => {
  it.each<[string, Record<string, unknown>, Record<string, string>, Record<string, string> | undefined, Record<string, unknown>]>([
    // hdfs_path: clusterName after the last '@' of qualifiedName; prefix = path before name
    ['hdfs_path', { name: '/aa/bb/employee', path: 'hdfs://nn:8020/aa/bb/employee', qualifiedName: 'hdfs://nn:8020/aa/bb/employee@cl1', clusterName: 'cl1' },
      { 'hdfs_path.clusterName': 'SET: cl2' }, { 'hdfs_path.clusterName': 'EQUALS: cl1' },
      { name: '/aa/bb/employee', path: 'hdfs://nn:8020/aa/bb/employee', qualifiedName: 'hdfs://nn:8020/aa/bb/employee@cl2', clusterName: 'cl2' }],
    ['hdfs_path', { name: '/aa/bb/employee', path: 'hdfs://nn:8020/aa/bb/employee', qualifiedName: 'hdfs://nn:8020/aa/bb/employee@cl1' },
      { 'hdfs_path.path': 'SET: hdfs://other/x' }, undefined,
      { name: '/aa/bb/employee', path: 'hdfs://other/x', qualifiedName: 'hdfs://other/x@cl1', clusterName: 'cl1' }],
    ['hdfs_path', { name: '/root/appl_daily.csv', path: 'hdfs://h:8020/root/appl_daily.csv', qualifiedName: 'hdfs://h:8020/root/appl_daily.csv', clusterName: null },
      { 'hdfs_path.name': 'TO_UPPER:' }, undefined, // no '@': cluster "", qualifiedName = path
      { name: '/ROOT/APPL_DAILY.CSV', path: 'hdfs://h:8020/ROOT/APPL_DAILY.CSV', qualifiedName: 'hdfs://h:8020/ROOT/APPL_DAILY.CSV', clusterName: '' }],
    ['hdfs_path', { name: 'n', path: 'p', qualifiedName: 'p@cl1' },
      { 'hdfs_path.name': 'SET: m' }, undefined, // name not in path: no prefix, path = name
      { name: 'm', path: 'm', qualifiedName: 'm@cl1', clusterName: 'cl1' }],
    ['hdfs_path', { name: 'n', path: 'p', qualifiedName: 'p@cl1' },
      { 'hdfs_path.clusterName': 'SET: cl2' }, { 'hdfs_path.clusterName': 'EQUALS: cl9' }, // condition fails: no write, no rebuild
      { name: 'n', path: 'p', qualifiedName: 'p@cl1' }],
    // hive_db: database = name, cluster after the last '@'
    ['hive_db', { name: 'stocks', qualifiedName: 'stocks@cl1', clusterName: 'cl1' },
      { 'hive_db.name': 'SET: stocks2' }, undefined,
      { name: 'stocks2', qualifiedName: 'stocks2@cl1', clusterName: 'cl1' }],
    ['hive_db', { name: 'stocks', qualifiedName: 'stocks@cl1', clusterName: 'stale' },
      { 'hive_db.description': 'SET: d', 'hive_db.clusterName': 'TO_UPPER:' }, { 'hive_db.clusterName': 'EQUALS: cl1' }, // virtual value comes from the QN
      { name: 'stocks', qualifiedName: 'stocks@CL1', clusterName: 'CL1', description: 'd' }],
    ['hive_db', { name: 'stocks', qualifiedName: 'stocks@cl1', clusterName: 'cl1' },
      { 'hive_db.description': 'SET: d' }, undefined, // no virtual key written: no rebuild (hive_db handler is not even enabled here)
      { name: 'stocks', qualifiedName: 'stocks@cl1', clusterName: 'cl1', description: 'd' }],
    // hive_table: db.table@cluster; X = the QN's table part if it differed from name, else the table name
    ['hive_table', { name: 'employees', qualifiedName: 'hr.employees@cl1' },
      { 'hive_table.name': 'SET: employees_backup' }, undefined,
      { name: 'employees_backup', qualifiedName: 'hr.employees_backup@cl1' }],
    ['hive_table', { name: 'Employees', qualifiedName: 'hr.employees@cl1' },
      { 'hive_db.clusterName': 'SET: cl2' }, undefined,
      { name: 'Employees', qualifiedName: 'hr.employees@cl2' }],
    ['hive_table', { name: 'employees', qualifiedName: 'hr.employees@cl1' },
      { 'hive_db.name': 'SET: hr2' }, { 'hive_db.name': 'EQUALS: hr' },
      { name: 'employees', qualifiedName: 'hr2.employees@cl1' }],
    // hive_column: db.table.column@cluster
    ['hive_column', { name: 'age', qualifiedName: 'hr.employees.age@cl1' },
      { 'hive_column.name': 'SET: years' }, undefined,
      { name: 'years', qualifiedName: 'hr.employees.years@cl1' }],
    ['hive_column', { name: 'age', qualifiedName: 'hr.employees.age@cl1' },
      { 'hive_db.name': 'SET: hr2' }, undefined,
      { name: 'age', qualifiedName: 'hr2.employees.age@cl1' }],
    // hive_storagedesc: db.table@cluster_storage; location = up to its last '/' + '/' + table
    ['hive_storagedesc', { qualifiedName: 'hr.employees@cl1_storage', location: 'hdfs://nn/warehouse/hr.db/employees' },
      { 'hive_table.name': 'SET: staff' }, undefined,
      { qualifiedName: 'hr.staff@cl1_storage', location: 'hdfs://nn/warehouse/hr.db/staff' }],
    ['hive_storagedesc', { qualifiedName: 'hr.employees@cl1_storage', location: 'hdfs://nn/warehouse/hr.db/employees' },
      { 'hive_storagedesc.location': 'SET: hdfs://elsewhere/x' }, undefined, // location alone: no rebuild, no effect
      { qualifiedName: 'hr.employees@cl1_storage', location: 'hdfs://nn/warehouse/hr.db/employees' }],
    ['hive_storagedesc', { qualifiedName: 'hr.employees@cl1_storage', location: 'hdfs://nn/warehouse/hr.db/employees' },
      { 'hive_storagedesc.location': 'SET: hdfs://elsewhere/x', 'hive_db.clusterName': 'SET: cl2' }, undefined,
      { qualifiedName: 'hr.employees@cl2_storage', location: 'hdfs://elsewhere/employees' }],
    ['hive_storagedesc', { qualifiedName: 'hr.employees@cl1_storage', location: null },
      { 'hive_db.clusterName': 'SET: cl2' }, { 'hive_storagedesc.location': 'HAS_VALUE:' }, // virtual location read
      { qualifiedName: 'hr.employees@cl1_storage', location: null }],
  ])('%s %j, action %j if %j ⇒ %j', (typeName, before, action, conditions, after) => {
    expect(transform([{ conditions, action }], entity(typeName, before)).attributes).toEqual(after);
  });
});

describe('spec 6.2 examples', () => {
  const byQualifiedName = (qn: string) => stocksEntities().find((e) => e.attributes!.qualifiedName === qn)!;
  const clusterChange = [{ conditions: { 'hive_db.clusterName': 'EQUALS: cl1' }, action: { 'hive_db.clusterName': 'SET: cl2' } }];

  it.each<[string, Record<string, unknown>]>([
    ['stocks@cl1', { qualifiedName: 'stocks@cl2', clusterName: 'cl2', name: 'stocks' }],
    ['stocks.appl_daily_1@cl1', { qualifiedName: 'stocks.appl_daily_1@cl2', name: 'appl_daily_1' }],
    ['stocks.appl_daily_1.low@cl1', { qualifiedName: 'stocks.appl_daily_1.low@cl2', name: 'low' }],
    ['stocks.appl_daily_1@cl1_storage', {
      qualifiedName: 'stocks.appl_daily_1@cl2_storage',
      location: 'hdfs://localhost.localdomain:8020/apps/hive/warehouse/stocks.db/appl_daily_1', // unchanged: already ends in /appl_daily_1
    }],
  ])('hive_db.clusterName EQUALS cl1 → SET cl2 on %s (stocks.zip)', (qn, expected) => {
    expect(transform(clusterChange, byQualifiedName(qn)).attributes).toMatchObject(expected);
  });

  it('same: hive_process and hdfs_path unchanged (no handler for them)', () => {
    for (const e of stocksEntities().filter((x) => x.typeName === 'hive_process' || x.typeName === 'hdfs_path')) {
      const before = structuredClone(e);
      expect(transform(clusterChange, e)).toEqual(before);
    }
  });

  it('hive_db.name EQUALS hr and hive_table.name EQUALS employees → hive_table.name SET employees_backup on a hive_column', () => {
    const option = [{
      conditions: { 'hive_db.name': 'EQUALS: hr', 'hive_table.name': 'EQUALS: employees' },
      action: { 'hive_table.name': 'SET: employees_backup' },
    }];
    expect(transform(option, entity('hive_column', { name: 'age', qualifiedName: 'hr.employees.age@cl1' })).attributes)
      .toEqual({ name: 'age', qualifiedName: 'hr.employees_backup.age@cl1' });
  });

  it('hdfs_path.name STARTS_WITH /aa/bb/ → REPLACE_PREFIX', () => {
    const option = [{ conditions: { 'hdfs_path.name': 'STARTS_WITH: /aa/bb/' }, action: { 'hdfs_path.name': 'REPLACE_PREFIX: = :/aa/bb/=/xx/yy/' } }];
    const e = entity('hdfs_path', { name: '/aa/bb/employee', path: 'hdfs://nn:8020/aa/bb/employee', qualifiedName: 'hdfs://nn:8020/aa/bb/employee@cl1' });
    expect(transform(option, e).attributes).toEqual({
      name: '/xx/yy/employee', path: 'hdfs://nn:8020/xx/yy/employee', qualifiedName: 'hdfs://nn:8020/xx/yy/employee@cl1', clusterName: 'cl1',
    });
  });

  it.each<[string, string]>([
    ['Asset', 'renamed'],
    ['hive_db', 'renamed'],
    ['hive_storagedesc', 'old'], // not an Asset
  ])('Asset.name SET renamed (generic handler) on %s ⇒ %s', (typeName, name) => {
    expect(transform([{ action: { 'Asset.name': 'SET: renamed' } }], entity(typeName, { name: 'old' })).attributes!.name).toBe(name);
  });

  it.each(['hive_db', 'hive_storagedesc', 'hdfs_path', 'Referenceable'])('name SET renamed on %s ⇒ renamed', (typeName) => {
    expect(transform([{ action: { name: 'SET: renamed' } }], entity(typeName, { name: 'old' })).attributes!.name).toBe('renamed');
  });

  it('hive_table.replicatedTo HAS_VALUE → CLEAR', () => {
    const option = [{ conditions: { 'hive_table.replicatedTo': 'HAS_VALUE:' }, action: { 'hive_table.replicatedTo': 'CLEAR:' } }];
    expect(transform(option, entity('hive_table', { replicatedTo: [{ guid: 's' }] })).attributes).toEqual({ replicatedTo: null });
  });
});
