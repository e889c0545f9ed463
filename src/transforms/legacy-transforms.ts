// The legacy `transforms` import option (spec 6.1): `{ "<typeName>": { "<attribute>" | "*": [ "<spec>", … ] } }`.
// Pure functions: parse the option, shape it against the type hierarchy, apply one entry to one entity.
import { AtlasError, ErrorCode } from '../common/errors';
import type { AtlasEntity } from '../metadata/model';
import type { TypeLookup } from '../metadata/typesystem/resolved-types';
import { addOwnClassification, removeClassifications } from './classifications';

/** The key that addresses the entity itself rather than one attribute. */
export const ENTITY_KEY = '*';

export type LegacySpec = { readonly text: string } & (
  | { readonly kind: 'lowercase' }
  | { readonly kind: 'uppercase' }
  | { readonly kind: 'replace'; readonly from: string; readonly to: string }
  | { readonly kind: 'clearAttrValue'; readonly attributes: readonly string[] }
  /** `attribute` undefined: a spec without `=` or with an empty side, which does nothing (spec 6.1) */
  | { readonly kind: 'add'; readonly attribute?: string; readonly raw?: string; readonly listItem?: string }
  | { readonly kind: 'addClassification'; readonly name: string; readonly topLevel: boolean }
  | { readonly kind: 'removeClassification'; readonly name: string }
  | { readonly kind: 'setDeleted' }
);

export type LegacySpecKind = LegacySpec['kind'];

/** attribute name or `*` -> specs, in declaration order */
export type LegacyEntry = ReadonlyMap<string, readonly LegacySpec[]>;
/** type name -> entry, in declaration order */
export type LegacyTransforms = ReadonlyMap<string, LegacyEntry>;

const ATTRIBUTE_SPECS = new Set<LegacySpecKind>(['lowercase', 'uppercase', 'replace']);
const ENTITY_SPECS = new Set<LegacySpecKind>(['clearAttrValue', 'add', 'addClassification', 'removeClassification', 'setDeleted']);

function invalid(what: string): AtlasError {
  return new AtlasError(ErrorCode.INVALID_VALUE, [what]);
}

/**
 * One spec, in the current `name~p1~p2` syntax or the documented `name:p1:p2` syntax (spec P3: both accepted).
 * A spec holding `~` is a `~` spec even when it also holds `:` (`add~syncInfo=list:cl1:import`).
 * Separators collapse and empty tokens are dropped (`replace~~x` ⇒ `replace`, `x`).
 * Anything else — unknown name, missing classification name — is a 400 ATLAS-400-00-028 naming the spec (spec P3).
 */
export function parseLegacySpec(text: string): LegacySpec {
  const separator = text.includes('~') ? '~' : text.includes(':') ? ':' : undefined;
  const tokens = separator === undefined ? [text] : text.split(separator).filter((t) => t !== '');
  const name = (tokens[0] ?? '').trim();
  const params = tokens.slice(1);
  // parameters that may themselves contain the separator (`add:syncInfo=list:cl1`) are re-joined, as Atlas did
  const rest = params.join(separator ?? '');

  switch (name) {
    case 'lowercase':
    case 'uppercase':
    case 'setDeleted':
      return { text, kind: name };
    case 'replace':
      return { text, kind: 'replace', from: params[0] ?? '', to: params[1] ?? '' };
    case 'clearAttrValue':
      return { text, kind: 'clearAttrValue', attributes: rest.split(',').map((a) => a.trim()).filter((a) => a !== '') };
    case 'add': {
      const eq = rest.indexOf('=');
      const attribute = eq > 0 ? rest.slice(0, eq) : '';
      const raw = eq > 0 ? rest.slice(eq + 1) : '';
      if (attribute === '' || raw === '') return { text, kind: 'add' };
      return { text, kind: 'add', attribute, raw, ...(raw.startsWith('list:') ? { listItem: raw.slice('list:'.length) } : {}) };
    }
    case 'addClassification': {
      const [classification, scope, ...extra] = params.map((p) => p.trim());
      if (!classification || extra.length > 0 || (scope !== undefined && scope !== 'topLevel')) throw invalid(text);
      return { text, kind: 'addClassification', name: classification, topLevel: scope === 'topLevel' };
    }
    case 'removeClassification': {
      const classification = rest.trim();
      if (classification === '') throw invalid(text);
      return { text, kind: 'removeClassification', name: classification };
    }
    default:
      throw invalid(text);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The option's content (already JSON-parsed). Type entries with an empty/absent map and attribute entries with an
 * empty/absent list are ignored (spec 6.1); a value of the wrong JSON kind is a 400 naming where it is.
 */
export function parseLegacyTransforms(value: unknown, optionName = 'transforms'): LegacyTransforms {
  const result = new Map<string, LegacyEntry>();
  if (value === null || value === undefined) return result;
  if (!isPlainObject(value)) throw invalid(`${optionName}: expected an object keyed by type name`);

  for (const [typeName, attributeMap] of Object.entries(value)) {
    if (attributeMap === null || attributeMap === undefined) continue;
    if (!isPlainObject(attributeMap)) throw invalid(`${optionName}.${typeName}: expected an object keyed by attribute name`);
    const entry = new Map<string, LegacySpec[]>();
    for (const [attribute, specs] of Object.entries(attributeMap)) {
      if (specs === null || specs === undefined) continue;
      if (!Array.isArray(specs)) throw invalid(`${optionName}.${typeName}.${attribute}: expected a list of transforms`);
      const parsed = specs.map((spec) => {
        if (typeof spec !== 'string') throw invalid(`${optionName}.${typeName}.${attribute}: ${JSON.stringify(spec)}`);
        return parseLegacySpec(spec);
      });
      if (parsed.length > 0) entry.set(attribute, parsed);
    }
    if (entry.size > 0) result.set(typeName, entry);
  }
  return result;
}

/** Every `addClassification` name, in declaration order, without repeats (under any key: spec 6.1 shaping step 1). */
export function legacyClassificationNames(transforms: LegacyTransforms): string[] {
  const names = new Set<string>();
  for (const entry of transforms.values()) {
    for (const specs of entry.values()) {
      for (const spec of specs) if (spec.kind === 'addClassification') names.add(spec.name);
    }
  }
  return [...names];
}

/** True when some spec needs to know whether an entity is top-level. */
export function legacyUsesTopLevel(transforms: LegacyTransforms): boolean {
  for (const entry of transforms.values()) {
    for (const spec of entry.get(ENTITY_KEY) ?? []) if (spec.kind === 'addClassification' && spec.topLevel) return true;
  }
  return false;
}

/**
 * The shaped entry for entities of exactly `typeName` (spec 6.1 shaping step 2): transforms declared for a
 * super-type T also apply to its sub-types S. S without an entry of its own takes T's entry; S with its own entry
 * gets T's list appended after its own for every key present in both, while keys only in T's entry are not applied
 * to S (Atlas behaviour, kept on purpose). Declared ancestors are processed from the nearest outwards.
 */
export function shapeLegacyEntry(transforms: LegacyTransforms, typeName: string, types: TypeLookup): LegacyEntry | undefined {
  const own = transforms.get(typeName);
  const ancestors = (types.entityType(typeName)?.allSuperTypes ?? [])
    .filter((superType) => superType !== typeName && transforms.has(superType));
  if (ancestors.length === 0) return own;

  let shaped: Map<string, readonly LegacySpec[]> | undefined = own ? new Map(own) : undefined;
  for (const ancestor of ancestors) {
    const inherited = transforms.get(ancestor)!;
    if (!shaped) {
      shaped = new Map(inherited);
      continue;
    }
    for (const [key, specs] of inherited) {
      const current = shaped.get(key);
      if (current) shaped.set(key, [...current, ...specs]);
    }
  }
  return shaped;
}

/** Context the entity-level specs need: whether the entity matches an item of the ZIP's export request. */
export interface LegacyApplyContext {
  isTopLevel(): boolean;
}

/**
 * Applies one (shaped) entry to the entity, in place (spec 6.1 "Application to one entity"): the `*` list in order on
 * the entity, then for each attribute key in declaration order that the entity's `attributes` map contains (even with
 * a null value), the value fed through the list and the final value stored. Entity-level specs under an attribute key
 * and attribute-level specs under `*` are no-ops.
 */
export function applyLegacyEntry(entry: LegacyEntry, entity: AtlasEntity, context: LegacyApplyContext): void {
  for (const spec of entry.get(ENTITY_KEY) ?? []) {
    if (ENTITY_SPECS.has(spec.kind)) applyEntitySpec(spec, entity, context);
  }
  for (const [key, specs] of entry) {
    if (key === ENTITY_KEY) continue;
    const attributes = entity.attributes;
    if (!attributes || !Object.hasOwn(attributes, key)) continue;
    let value = attributes[key];
    for (const spec of specs) {
      if (ATTRIBUTE_SPECS.has(spec.kind)) value = applyAttributeSpec(spec, value);
    }
    attributes[key] = value;
  }
}

/** lowercase / uppercase / replace on one attribute value; non-string values pass through unchanged. */
export function applyAttributeSpec(spec: LegacySpec, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  switch (spec.kind) {
    case 'lowercase':
      return value.toLowerCase();
    case 'uppercase':
      return value.toUpperCase();
    case 'replace':
      // every occurrence; empty FROM ⇒ no change, missing TO ⇒ FROM deleted
      return spec.from === '' ? value : value.split(spec.from).join(spec.to);
    default:
      return value;
  }
}

function applyEntitySpec(spec: LegacySpec, entity: AtlasEntity, context: LegacyApplyContext): void {
  switch (spec.kind) {
    case 'clearAttrValue': {
      const attributes = entity.attributes ?? (entity.attributes = {});
      for (const name of spec.attributes) attributes[name] = null;
      return;
    }
    case 'add': {
      if (spec.attribute === undefined || spec.raw === undefined) return;
      const attributes = entity.attributes ?? (entity.attributes = {});
      const existing = attributes[spec.attribute];
      // a fresh list per entity: Atlas shared one list object between all entities it touched
      const value = spec.listItem !== undefined ? [spec.listItem] : spec.raw;
      if (existing === null || existing === undefined) attributes[spec.attribute] = value;
      else if (Array.isArray(existing)) attributes[spec.attribute] = [...existing, ...(Array.isArray(value) ? value : [value])];
      else attributes[spec.attribute] = spec.raw;
      return;
    }
    case 'addClassification':
      if (!spec.topLevel || context.isTopLevel()) addOwnClassification(entity, spec.name);
      return;
    case 'removeClassification':
      removeClassifications(entity, spec.name);
      return;
    case 'setDeleted':
      entity.status = 'DELETED';
      return;
    default:
      return;
  }
}
