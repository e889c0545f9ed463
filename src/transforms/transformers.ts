// The `transformers` import option (spec 6.2): a list of AttributeTransform objects
// `{ "conditions": { key: "NAME: operand" }, "action": { key: "NAME: operand" } }`, applied by type handlers.
// Pure functions: parse the list, select the handlers, apply them to one entity.
import type { AtlasEntity } from '../metadata/model';
import type { TypeLookup } from '../metadata/typesystem/resolved-types';
import { addOwnClassification } from './classifications';

/**
 * A condition/action key: `attr` (any entity type), `Type.attr` (entities of Type or its sub-types; any type when
 * Type is not a registered entity type, e.g. the conventional `__entity`), `Type.` (empty attribute name).
 */
export interface TransformKey {
  /** the whole trimmed key, e.g. `hive_db.clusterName`; virtual keys of the handlers are matched on it */
  readonly key: string;
  readonly typeName?: string;
  readonly attributeName: string;
}

export type TransformCondition = { readonly key: TransformKey } & (
  | { readonly kind: 'ALL' }
  | { readonly kind: 'TOPLEVEL' }
  | { readonly kind: 'EQUALS' | 'EQUALS_IGNORE_CASE' | 'STARTS_WITH' | 'STARTS_WITH_IGNORE_CASE'; readonly operand: string }
  | { readonly kind: 'HAS_VALUE' }
);

export type TransformAction = { readonly key: TransformKey } & (
  | { readonly kind: 'SET'; readonly value: string }
  | { readonly kind: 'CLEAR' | 'TO_LOWER' | 'TO_UPPER' }
  /** `from` empty ⇒ no-op */
  | { readonly kind: 'REPLACE_PREFIX'; readonly from: string; readonly to: string }
  | { readonly kind: 'ADD_CLASSIFICATION'; readonly classification: string }
);

export interface EntityTransformer {
  /** all must match (AND); empty ⇒ always matches */
  readonly conditions: readonly TransformCondition[];
  /** executed in the JSON order of the `action` object */
  readonly actions: readonly TransformAction[];
}

export function parseTransformKey(raw: string): TransformKey {
  const key = raw.trim();
  const dot = key.indexOf('.');
  if (dot === -1) return { key, attributeName: key };
  // each side trimmed, as Atlas's EntityAttribute does; virtual keys still match on the whole trimmed key
  return { key, typeName: key.slice(0, dot).trim(), attributeName: key.slice(dot + 1).trim() };
}

/** `NAME: operand` split at the first `:`, both trimmed; no `:` ⇒ no name. */
function splitNameOperand(value: string): { name?: string; operand: string } {
  const colon = value.indexOf(':');
  if (colon === -1) return { operand: value.trim() };
  return { name: value.slice(0, colon).trim().toUpperCase(), operand: value.slice(colon + 1).trim() };
}

export function parseCondition(rawKey: string, rawValue: string): TransformCondition {
  const key = parseTransformKey(rawKey);
  const { name, operand } = splitNameOperand(rawValue);
  switch (name) {
    case undefined:
      return { key, kind: 'EQUALS', operand };
    // issue 5: the documented ENTITY_ALL / ENTITY_TOP_LEVEL are aliases (Atlas treats them as EQUALS and never matches)
    case 'ALL':
    case 'ENTITY_ALL':
      return { key, kind: 'ALL' };
    case 'TOPLEVEL':
    case 'ENTITY_TOP_LEVEL':
    case 'OBJECTID': // operand ignored
      return { key, kind: 'TOPLEVEL' };
    case 'EQUALS':
    case 'EQUALS_IGNORE_CASE':
    case 'STARTS_WITH':
    case 'STARTS_WITH_IGNORE_CASE':
      return { key, kind: name, operand };
    case 'HAS_VALUE':
      return { key, kind: 'HAS_VALUE' };
    default:
      // unknown name: EQUALS against the entire trimmed value (spec 6.2)
      return { key, kind: 'EQUALS', operand: rawValue.trim() };
  }
}

/**
 * REPLACE_PREFIX operand `S:FROMSTO`: S = trimmed text before the first `:`, FROM = text up to the next S, TO = the
 * rest. No `:` ⇒ FROM = whole operand, TO = ""; S not found ⇒ FROM = text after `:`, TO = "".
 */
export function parseReplacePrefix(operand: string): { from: string; to: string } {
  const colon = operand.indexOf(':');
  if (colon === -1) return { from: operand, to: '' };
  const separator = operand.slice(0, colon).trim();
  const start = colon + 1;
  const next = operand.indexOf(separator, start);
  if (next === -1) return { from: operand.slice(start), to: '' };
  return { from: operand.slice(start, next), to: operand.slice(next + separator.length) };
}

export function parseAction(rawKey: string, rawValue: string): TransformAction {
  const key = parseTransformKey(rawKey);
  const { name, operand } = splitNameOperand(rawValue);
  switch (name) {
    case undefined:
    case 'SET':
      return { key, kind: 'SET', value: operand };
    case 'CLEAR':
    case 'TO_LOWER':
    case 'TO_UPPER':
      return { key, kind: name };
    case 'REPLACE_PREFIX':
      return { key, kind: 'REPLACE_PREFIX', ...parseReplacePrefix(operand) };
    case 'ADD_CLASSIFICATION':
      return { key, kind: 'ADD_CLASSIFICATION', classification: operand };
    default:
      // unknown name: SET with the entire trimmed value (spec 6.2)
      return { key, kind: 'SET', value: rawValue.trim() };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A `conditions` / `action` map of strings (Jackson coerces scalars to text); undefined when it is not one. */
function stringMap(value: unknown): [string, string][] | undefined {
  if (value === null || value === undefined) return [];
  if (!isPlainObject(value)) return undefined;
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') entries.push([k, v]);
    else if (typeof v === 'number' || typeof v === 'boolean') entries.push([k, String(v)]);
    else return undefined;
  }
  return entries;
}

/**
 * The option's content (already JSON-parsed). A non-array value is ignored and elements that are not
 * AttributeTransform objects are skipped (spec 6.2).
 */
export function parseTransformers(value: unknown): EntityTransformer[] {
  if (!Array.isArray(value)) return [];
  const result: EntityTransformer[] = [];
  for (const element of value) {
    if (!isPlainObject(element)) continue;
    const conditions = stringMap(element.conditions);
    const actions = stringMap(element.action);
    if (!conditions || !actions) continue;
    result.push({
      conditions: conditions.map(([k, v]) => parseCondition(k, v)),
      actions: actions.map(([k, v]) => parseAction(k, v)),
    });
  }
  return result;
}

export function transformerClassificationNames(transformers: readonly EntityTransformer[]): string[] {
  const names = new Set<string>();
  for (const t of transformers) {
    for (const a of t.actions) if (a.kind === 'ADD_CLASSIFICATION' && a.classification !== '') names.add(a.classification);
  }
  return [...names];
}

export function transformersUseTopLevel(transformers: readonly EntityTransformer[]): boolean {
  return transformers.some((t) => t.conditions.some((c) => c.kind === 'TOPLEVEL'));
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers

/** The built-in handlers, in the order they run (spec 6.2 table). */
export const HANDLER_TYPES = ['hdfs_path', 'hive_db', 'hive_table', 'hive_column', 'hive_storagedesc'] as const;
export type HandlerType = (typeof HANDLER_TYPES)[number];

export const VIRTUAL_KEYS: Readonly<Record<HandlerType, readonly string[]>> = {
  hdfs_path: ['hdfs_path.name', 'hdfs_path.path', 'hdfs_path.clusterName'],
  hive_db: ['hive_db.name', 'hive_db.clusterName'],
  hive_table: ['hive_db.name', 'hive_table.name', 'hive_db.clusterName'],
  hive_column: ['hive_db.name', 'hive_table.name', 'hive_column.name', 'hive_db.clusterName'],
  hive_storagedesc: ['hive_db.name', 'hive_table.name', 'hive_db.clusterName', 'hive_storagedesc.location'],
};

/**
 * A handler is enabled when any *action* key of any transformer is one of its virtual keys (condition keys do not
 * count). Empty result ⇒ the generic handler applies every transformer to every entity (spec 6.2, copied exactly).
 */
export function selectHandlers(transformers: readonly EntityTransformer[]): HandlerType[] {
  const actionKeys = new Set(transformers.flatMap((t) => t.actions.map((a) => a.key.key)));
  return HANDLER_TYPES.filter((handler) => VIRTUAL_KEYS[handler].some((k) => actionKeys.has(k)));
}

/** What conditions and actions read and write: real attributes, or a handler's derived values. */
interface TransformTarget {
  readonly entity: AtlasEntity;
  get(key: TransformKey): unknown;
  set(key: TransformKey, value: string | null): void;
  /** rebuilds the real attributes once all transformers ran */
  complete(): void;
}

function appliesTo(key: TransformKey, entityType: string, types: TypeLookup): boolean {
  if (key.typeName === undefined || key.typeName === entityType) return true;
  if (!types.entityType(key.typeName)) return true; // `__entity.x`: not a registered entity type ⇒ any type
  return types.isSubTypeOf(entityType, key.typeName);
}

class AttributeTarget implements TransformTarget {
  constructor(readonly entity: AtlasEntity, private readonly types: TypeLookup) {}

  get(key: TransformKey): unknown {
    if (!appliesTo(key, this.entity.typeName, this.types)) return null;
    return this.entity.attributes?.[key.attributeName] ?? null;
  }

  set(key: TransformKey, value: string | null): void {
    // `Type.` names no attribute: nothing to write
    if (key.attributeName === '' || !appliesTo(key, this.entity.typeName, this.types)) return;
    (this.entity.attributes ??= {})[key.attributeName] = value;
  }

  complete(): void {}
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function afterLast(value: string | null, delimiter: string): string {
  if (value === null) return '';
  const i = value.lastIndexOf(delimiter);
  return i === -1 ? '' : value.slice(i + 1);
}

function beforeFirst(value: string | null, delimiter: string): string {
  if (value === null) return '';
  const i = value.indexOf(delimiter);
  return i === -1 ? '' : value.slice(0, i);
}

/**
 * A handler's view of one entity: virtual keys read and write values derived from the entity as it was before the
 * handler ran; other keys address real attributes. `rebuild` runs after all transformers if a trigger key was written.
 */
class DerivedTarget implements TransformTarget {
  private readonly written = new Set<string>();

  constructor(
    private readonly base: AttributeTarget,
    private readonly values: Map<string, string | null>,
    private readonly triggers: readonly string[],
    private readonly rebuild: (values: ReadonlyMap<string, string | null>, written: ReadonlySet<string>) => void,
  ) {}

  get entity(): AtlasEntity {
    return this.base.entity;
  }

  get(key: TransformKey): unknown {
    return this.values.has(key.key) ? this.values.get(key.key) : this.base.get(key);
  }

  set(key: TransformKey, value: string | null): void {
    if (!this.values.has(key.key)) return this.base.set(key, value);
    this.values.set(key.key, value);
    this.written.add(key.key);
  }

  complete(): void {
    if (this.triggers.some((k) => this.written.has(k))) this.rebuild(this.values, this.written);
  }
}

// Rebuilt values are text; a CLEARed virtual value renders as "" (Atlas would have written "null").
const str = (v: string | null | undefined): string => v ?? '';

function handlerTarget(handler: HandlerType, entity: AtlasEntity, types: TypeLookup): TransformTarget {
  const base = new AttributeTarget(entity, types);
  const attributes = entity.attributes ?? {};
  const name = text(attributes.name);
  const qualifiedName = text(attributes.qualifiedName);
  const write = (values: Record<string, unknown>): void => {
    Object.assign((entity.attributes ??= {}), values);
  };

  switch (handler) {
    case 'hdfs_path': {
      const path = text(attributes.path);
      // prefix = part of path before the first occurrence of name
      const at = path !== null && name ? path.indexOf(name) : -1;
      const prefix = path !== null && at !== -1 ? path.slice(0, at) : '';
      const values = new Map<string, string | null>([
        ['hdfs_path.name', name],
        ['hdfs_path.path', path],
        ['hdfs_path.clusterName', afterLast(qualifiedName, '@')],
      ]);
      return new DerivedTarget(base, values, VIRTUAL_KEYS.hdfs_path, (v, written) => {
        const cluster = str(v.get('hdfs_path.clusterName'));
        const newName = v.get('hdfs_path.name') ?? null;
        const newPath = written.has('hdfs_path.path') ? str(v.get('hdfs_path.path')) : prefix ? prefix + str(newName) : str(newName);
        write({ clusterName: cluster, name: newName, path: newPath, qualifiedName: cluster ? `${newPath}@${cluster}` : newPath });
      });
    }
    case 'hive_db': {
      const values = new Map<string, string | null>([
        ['hive_db.name', name],
        ['hive_db.clusterName', afterLast(qualifiedName, '@')],
      ]);
      return new DerivedTarget(base, values, VIRTUAL_KEYS.hive_db, (v) => {
        const database = v.get('hive_db.name') ?? null;
        const cluster = str(v.get('hive_db.clusterName'));
        write({ name: database, clusterName: cluster, qualifiedName: `${str(database)}@${cluster}` });
      });
    }
    case 'hive_table': {
      // db.table@cluster: db before the first '.', cluster after the last '@', the table between
      const dot = qualifiedName?.indexOf('.') ?? -1;
      const at = qualifiedName?.lastIndexOf('@') ?? -1;
      const tableInQN = qualifiedName !== null && dot !== -1 ? qualifiedName.slice(dot + 1, at > dot ? at : undefined) : null;
      const values = new Map<string, string | null>([
        ['hive_db.name', beforeFirst(qualifiedName, '.')],
        ['hive_table.name', name],
        ['hive_db.clusterName', afterLast(qualifiedName, '@')],
      ]);
      return new DerivedTarget(base, values, VIRTUAL_KEYS.hive_table, (v) => {
        const table = v.get('hive_table.name') ?? null;
        // the QN keeps its own table part when it differed from `name` originally
        const x = tableInQN !== null && tableInQN !== name ? tableInQN : str(table);
        write({ name: table, qualifiedName: `${str(v.get('hive_db.name'))}.${x}@${str(v.get('hive_db.clusterName'))}` });
      });
    }
    case 'hive_column': {
      // db.table.column@cluster: table between the 1st and 2nd '.'
      const first = qualifiedName?.indexOf('.') ?? -1;
      const second = qualifiedName !== null && first !== -1 ? qualifiedName.indexOf('.', first + 1) : -1;
      const values = new Map<string, string | null>([
        ['hive_db.name', beforeFirst(qualifiedName, '.')],
        ['hive_table.name', qualifiedName !== null && second !== -1 ? qualifiedName.slice(first + 1, second) : ''],
        ['hive_column.name', name],
        ['hive_db.clusterName', afterLast(qualifiedName, '@')],
      ]);
      return new DerivedTarget(base, values, VIRTUAL_KEYS.hive_column, (v) => {
        const column = v.get('hive_column.name') ?? null;
        write({
          name: column,
          qualifiedName: `${str(v.get('hive_db.name'))}.${str(v.get('hive_table.name'))}.${str(column)}@${str(v.get('hive_db.clusterName'))}`,
        });
      });
    }
    case 'hive_storagedesc': {
      // db.table@cluster_storage
      const dot = qualifiedName?.indexOf('.') ?? -1;
      const at = qualifiedName?.lastIndexOf('@') ?? -1;
      const clusterWithSuffix = afterLast(qualifiedName, '@');
      const suffixAt = clusterWithSuffix.lastIndexOf('_storage');
      const values = new Map<string, string | null>([
        ['hive_db.name', beforeFirst(qualifiedName, '.')],
        ['hive_table.name', qualifiedName !== null && dot !== -1 && at > dot ? qualifiedName.slice(dot + 1, at) : ''],
        ['hive_db.clusterName', suffixAt === -1 ? clusterWithSuffix : clusterWithSuffix.slice(0, suffixAt)],
        ['hive_storagedesc.location', text(attributes.location)],
      ]);
      // writing only hive_storagedesc.location does not trigger a rebuild (spec 6.2): it has no effect
      const triggers = ['hive_db.name', 'hive_table.name', 'hive_db.clusterName'];
      return new DerivedTarget(base, values, triggers, (v) => {
        const table = str(v.get('hive_table.name'));
        const location = v.get('hive_storagedesc.location') ?? null;
        const slash = location?.lastIndexOf('/') ?? -1;
        write({
          location: location !== null && slash !== -1 ? `${location.slice(0, slash)}/${table}` : location,
          qualifiedName: `${str(v.get('hive_db.name'))}.${table}@${str(v.get('hive_db.clusterName'))}_storage`,
        });
      });
    }
  }
}

/** Text of a value the way Atlas compares it (`toString()`); structures as JSON. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

export interface TransformerApplyContext {
  readonly types: TypeLookup;
  isTopLevel(): boolean;
}

function matches(condition: TransformCondition, target: TransformTarget, context: TransformerApplyContext): boolean {
  switch (condition.kind) {
    case 'ALL':
      return true;
    case 'TOPLEVEL':
      return context.isTopLevel();
    default: {
      const value = target.get(condition.key);
      if (value === null || value === undefined) return false;
      const actual = asText(value);
      switch (condition.kind) {
        case 'EQUALS':
          return actual === condition.operand;
        case 'EQUALS_IGNORE_CASE':
          return actual.toLowerCase() === condition.operand.toLowerCase();
        case 'STARTS_WITH':
          return actual.startsWith(condition.operand);
        case 'STARTS_WITH_IGNORE_CASE':
          return actual.toLowerCase().startsWith(condition.operand.toLowerCase());
        case 'HAS_VALUE':
          return actual !== '';
      }
    }
  }
}

function run(action: TransformAction, target: TransformTarget): void {
  switch (action.kind) {
    case 'SET':
      return target.set(action.key, action.value);
    case 'CLEAR': {
      const value = target.get(action.key);
      if (value !== null && value !== undefined) target.set(action.key, null);
      return;
    }
    case 'TO_LOWER':
    case 'TO_UPPER': {
      const value = target.get(action.key);
      if (typeof value === 'string') target.set(action.key, action.kind === 'TO_LOWER' ? value.toLowerCase() : value.toUpperCase());
      return;
    }
    case 'REPLACE_PREFIX': {
      if (action.from === '') return;
      const value = target.get(action.key);
      if (value === null || value === undefined) return;
      const current = asText(value);
      if (current.startsWith(action.from)) target.set(action.key, action.to + current.slice(action.from.length));
      return;
    }
    case 'ADD_CLASSIFICATION':
      if (action.classification !== '') addOwnClassification(target.entity, action.classification);
      return;
  }
}

function transformTarget(transformers: readonly EntityTransformer[], target: TransformTarget, context: TransformerApplyContext): void {
  for (const transformer of transformers) {
    if (transformer.conditions.every((c) => matches(c, target, context))) {
      for (const action of transformer.actions) run(action, target);
    }
  }
  target.complete();
}

/**
 * Applies the transformers to one entity, in place. With `handlers` empty the generic handler transforms every
 * entity; otherwise only an entity whose type name equals an enabled handler's type is transformed (handler
 * exclusivity, spec 6.2: entities of other types stay untouched).
 */
export function applyTransformers(
  transformers: readonly EntityTransformer[],
  handlers: readonly HandlerType[],
  entity: AtlasEntity,
  context: TransformerApplyContext,
): void {
  if (transformers.length === 0) return;
  if (handlers.length === 0) {
    transformTarget(transformers, new AttributeTarget(entity, context.types), context);
    return;
  }
  for (const handler of handlers) {
    if (entity.typeName === handler) transformTarget(transformers, handlerTarget(handler, entity, context.types), context);
  }
}
