// Typedef rules as pure functions (STYLE 7): validation of incoming defs, the import merge plan (spec 5.6, P2),
// model files and patches applied at start-up (spec 10.1), and the type closure written by export (spec 3.7).
import { AtlasError, ErrorCode } from '../../common/errors';
import {
  TYPES_DEF_LISTS, emptyTypesDef,
  type AnyTypeDef, type AtlasAttributeDef, type AtlasClassificationDef, type AtlasEntityDef, type AtlasEnumDef,
  type AtlasEnumElementDef, type AtlasRelationshipDef, type AtlasStructDef, type AtlasTypesDef, type TypeCategory,
} from '../model';
import { withRelationshipAttributeDefs } from './relationship-attribute-defs';
import type { ResolvedAttribute, TypeLookup } from './resolved-types';
import { isPrimitiveType, namedTypesOf, parseTypeName, typeRefText, type TypeRef } from './type-names';

type DefCategory = (typeof TYPES_DEF_LISTS)[number][1];
type DefList = (typeof TYPES_DEF_LISTS)[number][0];

const LIST_OF = Object.fromEntries(TYPES_DEF_LISTS.map(([list, cat]) => [cat, list])) as Record<DefCategory, DefList>;

/** Every def of a typesdef with its category, in Atlas's processing order (spec 5.6). */
export function* defsWithCategory(defs: AtlasTypesDef): Generator<[DefCategory, AnyTypeDef]> {
  for (const [list, category] of TYPES_DEF_LISTS) {
    for (const def of (defs[list] ?? []) as AnyTypeDef[]) yield [category, def];
  }
}

function isStructLike(c: DefCategory | TypeCategory | undefined): boolean {
  return c === 'STRUCT' || c === 'CLASSIFICATION' || c === 'ENTITY' || c === 'RELATIONSHIP' || c === 'BUSINESS_METADATA';
}

/** `map<string, string>` and `map<string,string>` are the same type. */
export function normalizeTypeName(typeName: string): string {
  const ref = typeof typeName === 'string' ? parseTypeName(typeName) : null;
  return ref ? typeRefText(ref) : String(typeName);
}

// ================================================================================================ validation

export type TypesDefMode = 'create' | 'update' | 'createOrUpdate';

/**
 * Checks a typesdef against the registered types before it is written (typedef REST API and import):
 *  - create: a name already registered (or twice in the batch) ⇒ 409 ATLAS-409-00-001;
 *  - update: a name not registered ⇒ 404 ATLAS-404-00-001;
 *  - a super-type, attribute type, classification entity type or relationship end type that is neither registered
 *    nor in the batch ⇒ 404 ATLAS-404-00-001 naming it;
 *  - broken attribute type syntax, missing names, wrong-category super-types / ends, inheritance cycles
 *    ⇒ 400 ATLAS-400-00-011.
 */
export function validateTypesDef(incoming: AtlasTypesDef, existing: TypeLookup, mode: TypesDefMode): void {
  const batch = new Map<string, DefCategory>();
  for (const [category, def] of defsWithCategory(incoming)) {
    if (!def || typeof def.name !== 'string' || def.name.trim().length === 0) {
      throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [def?.name ?? JSON.stringify(def)]);
    }
    if (batch.has(def.name) || isPrimitiveType(def.name)) throw new AtlasError(ErrorCode.TYPE_ALREADY_EXISTS, [def.name]);
    const registered = existing.categoryOf(def.name);
    if (mode === 'create' && registered) throw new AtlasError(ErrorCode.TYPE_ALREADY_EXISTS, [def.name]);
    if (mode === 'update' && !registered) throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [def.name]);
    if (registered && registered !== category) {
      throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}: is a ${registered} type, not ${category}`]);
    }
    batch.set(def.name, category);
  }
  const categoryOf = (name: string): TypeCategory | undefined => batch.get(name) ?? existing.categoryOf(name);

  for (const [category, def] of defsWithCategory(incoming)) {
    if (category === 'ENUM') {
      checkEnum(def as AtlasEnumDef);
      continue;
    }
    const attrs = (def as AtlasStructDef).attributeDefs;
    if (attrs !== undefined && attrs !== null && !Array.isArray(attrs)) {
      throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}: attributeDefs`]);
    }
    const seen = new Set<string>();
    for (const attr of attrs ?? []) {
      checkAttributeDef(def.name, attr, categoryOf);
      if (seen.has(attr.name)) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}.${attr.name}: duplicate attribute`]);
      seen.add(attr.name);
    }
    if (category === 'ENTITY' || category === 'CLASSIFICATION') {
      for (const s of (def as AtlasEntityDef).superTypes ?? []) {
        const c = categoryOf(s);
        if (!c) throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [s]);
        if (c !== category) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}: super-type ${s} is not a ${category} type`]);
      }
    }
    if (category === 'BUSINESS_METADATA') for (const attr of attrs ?? []) checkBusinessAttributeDef(def.name, attr, categoryOf);
    if (category === 'CLASSIFICATION') {
      for (const e of (def as AtlasClassificationDef).entityTypes ?? []) {
        const c = categoryOf(e);
        if (!c) throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [e]);
        if (c !== 'ENTITY') throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}: entityType ${e} is not an entity type`]);
      }
    }
    if (category === 'RELATIONSHIP') {
      const rel = def as AtlasRelationshipDef;
      for (const end of [rel.endDef1, rel.endDef2]) {
        if (!end || typeof end.type !== 'string' || typeof end.name !== 'string' || end.name.length === 0) {
          throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}: endDef1 and endDef2 need a type and a name`]);
        }
        const c = categoryOf(end.type);
        if (!c) throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [end.type]);
        if (c !== 'ENTITY') throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}: end type ${end.type} is not an entity type`]);
      }
    }
  }
  checkNoInheritanceCycle(incoming, existing);
}

function checkEnum(def: AtlasEnumDef): void {
  if (!Array.isArray(def.elementDefs)) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}: elementDefs`]);
  const seen = new Set<string>();
  for (const e of def.elementDefs) {
    if (!e || typeof e.value !== 'string' || e.value.length === 0) {
      throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}: enum element without value`]);
    }
    if (seen.has(e.value)) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${def.name}: duplicate enum value ${e.value}`]);
    seen.add(e.value);
  }
}

function checkAttributeDef(typeName: string, attr: AtlasAttributeDef, categoryOf: (n: string) => TypeCategory | undefined): void {
  if (!attr || typeof attr.name !== 'string' || attr.name.length === 0) {
    throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${typeName}: attribute without name`]);
  }
  const ref = typeof attr.typeName === 'string' ? parseTypeName(attr.typeName) : null;
  if (!ref) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${typeName}.${attr.name}: ${attr.typeName}`]);
  for (const n of namedTypesOf(ref)) {
    if (isPrimitiveType(n)) continue;
    if (!categoryOf(n)) throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [n]);
  }
}

/**
 * Atlas's AtlasBusinessMetadataType.resolveReferences: a business attribute holds primitive or enum values only
 * (400 ATLAS-400-00-094), and each of its `applicableEntityTypes` is an entity type (404 ATLAS-404-00-001).
 */
function checkBusinessAttributeDef(typeName: string, attr: AtlasAttributeDef, categoryOf: (n: string) => TypeCategory | undefined): void {
  for (const n of namedTypesOf(parseTypeName(attr.typeName)!)) {
    if (!isPrimitiveType(n) && categoryOf(n) !== 'ENUM') {
      throw new AtlasError(ErrorCode.BUSINESS_METADATA_DEF_ATTRIBUTE_TYPE_INVALID, [typeName, attr.name]);
    }
  }
  for (const e of applicableEntityTypes(attr)) {
    if (categoryOf(e) !== 'ENTITY') throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [e]);
  }
}

function checkNoInheritanceCycle(incoming: AtlasTypesDef, existing: TypeLookup): void {
  const supers = new Map<string, string[]>();
  for (const [category, def] of defsWithCategory(incoming)) {
    if (category === 'ENTITY' || category === 'CLASSIFICATION') supers.set(def.name, (def as AtlasEntityDef).superTypes ?? []);
  }
  const superOf = (n: string): string[] => {
    const s = supers.get(n);
    if (s) return s;
    const d = existing.def(n) as AtlasEntityDef | undefined;
    return d?.superTypes ?? [];
  };
  const done = new Set<string>();
  const visit = (n: string, path: Set<string>): void => {
    if (done.has(n)) return;
    if (path.has(n)) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${n}: cyclic super-types`]);
    path.add(n);
    for (const s of superOf(n)) visit(s, path);
    path.delete(n);
    done.add(n);
  };
  for (const n of supers.keys()) visit(n, new Set());
}

/**
 * Atlas's AtlasStructDefStoreV2.updateVertexPreUpdate for an update through the typedef API (struct, classification,
 * entity, relationship and business-metadata defs alike), checked before anything is written:
 *  - an attribute of `current` missing from `next` ⇒ 400 ATLAS-400-00-00D (stored values would lose their definition);
 *  - an attribute new in `next` that is not optional ⇒ 400 ATLAS-400-00-00C (existing entities have no value for it);
 *  - an attribute whose typeName changes ⇒ 400 ATLAS-400-00-029 "Data type update for attribute is not supported"
 *    (Atlas throws BAD_REQUEST with that text; stored values are never converted);
 *  - a super-type of `current` missing from `next` (entity and classification defs) ⇒ 400 ATLAS-400-00-00E
 *    (Atlas's createSuperTypeEdges: inherited attributes and stored values would lose their definition).
 * The import merge (planTypeDefImport, spec 5.6) has its own rules: it only ever adds attributes.
 */
export function checkTypeDefUpdate(current: AnyTypeDef, next: AnyTypeDef): void {
  const have = new Map<string, AtlasAttributeDef>();
  for (const a of (current as AtlasStructDef).attributeDefs ?? []) have.set(a.name, a);
  const incoming = (next as AtlasStructDef).attributeDefs ?? [];
  const kept = new Set(incoming.map((a) => a.name));
  for (const name of have.keys()) {
    if (!kept.has(name)) throw new AtlasError(ErrorCode.ATTRIBUTE_DELETION_NOT_SUPPORTED, [current.name, name]);
  }
  for (const a of incoming) {
    const existing = have.get(a.name);
    if (!existing) {
      // Atlas's AtlasAttributeDef defaults isOptional to false
      if (a.isOptional !== true) throw new AtlasError(ErrorCode.CANNOT_ADD_MANDATORY_ATTRIBUTE, [current.name, a.name]);
    } else if (normalizeTypeName(existing.typeName) !== normalizeTypeName(a.typeName)) {
      throw new AtlasError(ErrorCode.BAD_REQUEST, ['Data type update for attribute is not supported']);
    }
  }
  const superTypes = new Set((next as { superTypes?: string[] }).superTypes ?? []);
  for (const s of (current as { superTypes?: string[] }).superTypes ?? []) {
    if (!superTypes.has(s)) throw new AtlasError(ErrorCode.SUPERTYPE_REMOVAL_NOT_SUPPORTED, []);
  }
}

// ================================================================================================ import plan

export interface TypeDefImportPlan {
  /** definitions to create, all categories in Atlas order; guid / timestamps / version / computed members stripped */
  toCreate: AnyTypeDef[];
  /** existing definitions with the incoming attributes / enum elements merged in (existing members kept) */
  toUpdate: AnyTypeDef[];
  /** `typedef:*` metrics exactly as spec 5.4 */
  metrics: Record<string, number>;
}

/** Metric key of created types per category, in the order Atlas reports them (spec 5.4). */
const CREATE_METRIC: Record<DefCategory, string> = {
  CLASSIFICATION: 'typedef:classification',
  ENUM: 'typedef:enum',
  ENTITY: 'typedef:entitydef',
  STRUCT: 'typedef:struct',
  RELATIONSHIP: 'typedef:relationship',
  BUSINESS_METADATA: 'typedef:businessmetadata',
};
const CREATE_METRIC_ORDER: DefCategory[] = ['CLASSIFICATION', 'ENUM', 'ENTITY', 'STRUCT', 'RELATIONSHIP', 'BUSINESS_METADATA'];

const UPDATE_METRIC: Record<DefCategory, string> = {
  ENUM: 'typedef:enum:update',
  STRUCT: 'typedef:struct:update',
  CLASSIFICATION: 'typedef:classification:update',
  ENTITY: 'typedef:entitydef:update',
  RELATIONSHIP: 'typedef:relationshipdef:update',
  BUSINESS_METADATA: 'typedef:businessmetadatadef:update',
};

/** Members the store assigns or computes; never taken from an archive. */
const STORE_MEMBERS = ['guid', 'createTime', 'updateTime', 'version', 'createdBy', 'updatedBy'] as const;
const COMPUTED_MEMBERS = ['subTypes', 'relationshipAttributeDefs', 'businessAttributeDefs', 'namespaceAttributeDefs'] as const;

/** A def as it may be created: store-assigned and computed members removed, `category` set. */
export function stripForCreate<T extends AnyTypeDef>(def: T, category?: DefCategory): T {
  const out = { ...def } as Record<string, unknown>;
  for (const k of STORE_MEMBERS) delete out[k];
  for (const k of COMPUTED_MEMBERS) delete out[k];
  if (category) out.category = category;
  return out as T;
}

/**
 * Spec 5.6 with product decision P2. Pure: decides what to create and what to update; the caller writes
 * `toCreate` (one batch) and then `toUpdate`. Throws before returning anything, so a failure changes nothing:
 *  - an attribute present in an existing def with another typeName ⇒ 400 ATLAS-400-00-050 (P2);
 *  - a created def (or a merged attribute) referencing a type neither registered nor in the batch ⇒ 404 ATLAS-404-00-001.
 * Identical types produce neither a create nor an update (and so no metric).
 */
export function planTypeDefImport(incoming: AtlasTypesDef, existing: TypeLookup): TypeDefImportPlan {
  const toCreate: AnyTypeDef[] = [];
  const created = new Map<string, DefCategory>();
  const merges: Array<[DefCategory, AnyTypeDef, AnyTypeDef]> = []; // category, existing, incoming

  for (const [category, def] of defsWithCategory(incoming)) {
    if (!def || typeof def.name !== 'string') continue;
    if (created.has(def.name)) continue; // first definition of a name in the archive wins
    const existingCategory = existing.categoryOf(def.name);
    if (!existingCategory) {
      created.set(def.name, category);
      toCreate.push(stripForCreate(def, category));
    } else if (existingCategory === category) {
      merges.push([category, existing.def(def.name)!, def]);
    }
    // a name registered under another category is left alone, as in Atlas
  }

  // relationship-end names contributed by the relationshipDefs this import creates, per end type (spec 5.6: never
  // re-added as attributes); an existing relationshipDef keeps its ends, which resolved types already know
  const incomingEnds = new Map<string, Set<string>>();
  for (const rel of incoming.relationshipDefs ?? []) {
    if (!rel || existing.categoryOf(rel.name)) continue;
    for (const end of [rel.endDef1, rel.endDef2]) {
      if (!end || typeof end.type !== 'string' || typeof end.name !== 'string') continue;
      let s = incomingEnds.get(end.type);
      if (!s) incomingEnds.set(end.type, (s = new Set()));
      s.add(end.name);
    }
  }
  const isRelationshipEnd = (typeName: string, attrName: string): boolean => {
    const resolved = existing.entityType(typeName);
    if (resolved?.relationshipAttributes.has(attrName)) return true;
    for (const t of [typeName, ...(resolved?.allSuperTypes ?? [])]) if (incomingEnds.get(t)?.has(attrName)) return true;
    return false;
  };

  const toUpdate: AnyTypeDef[] = [];
  const updated = new Map<DefCategory, number>();
  const addedAttributes: Array<[string, AtlasAttributeDef]> = [];
  for (const [category, current, next] of merges) {
    let merged: AnyTypeDef | undefined;
    if (category === 'ENUM') {
      const elementDefs = mergeEnumElements((current as AtlasEnumDef).elementDefs, (next as AtlasEnumDef).elementDefs);
      if (elementDefs) merged = { ...(current as AtlasEnumDef), elementDefs };
    } else {
      const inherited = inheritedAttributes(existing, category, current.name);
      const own = new Map<string, AtlasAttributeDef>();
      for (const a of (current as AtlasStructDef).attributeDefs ?? []) own.set(a.name, a);
      const added: AtlasAttributeDef[] = [];
      for (const a of (next as AtlasStructDef).attributeDefs ?? []) {
        if (!a || typeof a.name !== 'string') continue;
        const have = own.get(a.name);
        if (have) {
          if (normalizeTypeName(have.typeName) !== normalizeTypeName(a.typeName)) {
            // spec P2: the documented Atlas behaviour, abort before anything is written
            throw new AtlasError(ErrorCode.INVALID_IMPORT_ATTRIBUTE_TYPE_CHANGED, [current.name, a.name, have.typeName, a.typeName]);
          }
          continue;
        }
        if (category === 'ENTITY' && isRelationshipEnd(current.name, a.name)) continue; // spec 5.6: all ends exempt
        if (inherited?.has(a.name)) continue; // would shadow a super-type's attribute
        own.set(a.name, a);
        added.push(a);
      }
      if (added.length > 0) {
        merged = { ...(current as AtlasStructDef), attributeDefs: [...((current as AtlasStructDef).attributeDefs ?? []), ...added] };
        for (const a of added) addedAttributes.push([current.name, a]);
      }
    }
    if (merged) {
      toUpdate.push(merged);
      updated.set(category, (updated.get(category) ?? 0) + 1);
    }
  }

  // creations may reference each other and registered types; merged attributes may reference created types
  if (toCreate.length > 0) {
    const batch = emptyTypesDef();
    for (const d of toCreate) (batch[LIST_OF[created.get(d.name)!]] as AnyTypeDef[]).push(d);
    validateTypesDef(batch, existing, 'create');
  }
  const categoryOf = (n: string): TypeCategory | undefined => created.get(n) ?? existing.categoryOf(n);
  for (const [typeName, attr] of addedAttributes) checkAttributeDef(typeName, attr, categoryOf);

  const metrics: Record<string, number> = {};
  if (toCreate.length > 0) {
    for (const c of CREATE_METRIC_ORDER) metrics[CREATE_METRIC[c]] = 0;
    for (const c of created.values()) metrics[CREATE_METRIC[c]]++;
  }
  for (const [, category] of TYPES_DEF_LISTS) {
    const n = updated.get(category) ?? 0;
    if (n > 0) metrics[UPDATE_METRIC[category]] = n;
  }
  return { toCreate, toUpdate, metrics };
}

function inheritedAttributes(existing: TypeLookup, category: DefCategory, name: string): Map<string, ResolvedAttribute> | undefined {
  const resolved = category === 'ENTITY' ? existing.entityType(name) : category === 'CLASSIFICATION' ? existing.classificationType(name) : undefined;
  if (!resolved) return undefined;
  const out = new Map<string, ResolvedAttribute>();
  for (const [n, a] of resolved.attributes) if (a.declaringType !== name) out.set(n, a);
  return out;
}

/** existing elements kept, incoming values that are absent appended; undefined when nothing is missing */
function mergeEnumElements(current: AtlasEnumElementDef[] | undefined, incoming: AtlasEnumElementDef[] | undefined): AtlasEnumElementDef[] | undefined {
  const have = new Set((current ?? []).map((e) => e.value));
  const missing = (incoming ?? []).filter((e) => e && typeof e.value === 'string' && !have.has(e.value) && have.add(e.value));
  return missing.length > 0 ? [...(current ?? []), ...missing] : undefined;
}

// ================================================================================================ model files

/** One entry of an Atlas model patch file (`models/**\/patches/*.json`). */
export interface AtlasTypeDefPatch {
  id?: string;
  description?: string;
  action: string; // ADD_ATTRIBUTE | ADD_SUPER_TYPES | UPDATE_ENUMDEF | (ignored:) SET_SERVICE_TYPE, UPDATE_ATTRIBUTE_METADATA, …
  typeName: string;
  applyToVersion?: string;
  updateToVersion?: string;
  params?: Record<string, unknown> | null;
  attributeDefs?: AtlasAttributeDef[];
  superTypes?: string[];
  elementDefs?: AtlasEnumElementDef[];
  [extra: string]: unknown;
}

export interface AtlasTypeDefPatchFile {
  patches: AtlasTypeDefPatch[];
}

export interface ModelMergeResult {
  /** the whole catalogue after the merge (unchanged defs are the same objects) */
  defs: Required<AtlasTypesDef>;
  /** new defs, to be created */
  created: AnyTypeDef[];
  /** changed existing defs (final state of each, once) */
  updated: AnyTypeDef[];
}

/** Mutable by-name view of a catalogue used by the start-up merges; copy-on-write per def. */
class Catalogue {
  private readonly byName = new Map<string, { category: DefCategory; def: AnyTypeDef }>();
  readonly created = new Set<string>();
  readonly updated = new Set<string>();

  constructor(defs: AtlasTypesDef) {
    for (const [category, def] of defsWithCategory(defs)) if (def && typeof def.name === 'string') this.byName.set(def.name, { category, def });
  }

  get(name: string): { category: DefCategory; def: AnyTypeDef } | undefined {
    return this.byName.get(name);
  }

  create(category: DefCategory, def: AnyTypeDef): void {
    this.byName.set(def.name, { category, def: stripForCreate(def, category) });
    this.created.add(def.name);
  }

  replace(def: AnyTypeDef): void {
    this.byName.get(def.name)!.def = def;
    if (!this.created.has(def.name)) this.updated.add(def.name);
  }

  result(): ModelMergeResult {
    const defs = emptyTypesDef();
    for (const { category, def } of this.byName.values()) (defs[LIST_OF[category]] as AnyTypeDef[]).push(def);
    const created: AnyTypeDef[] = [];
    const updated: AnyTypeDef[] = [];
    for (const [category, def] of defsWithCategory(defs)) {
      void category;
      if (this.created.has(def.name)) created.push(def);
      else if (this.updated.has(def.name)) updated.push(def);
    }
    return { defs, created, updated };
  }
}

function appendMissingAttributes(def: AtlasStructDef, attrs: AtlasAttributeDef[] | undefined): AtlasStructDef | undefined {
  const have = new Set((def.attributeDefs ?? []).map((a) => a.name));
  const add = (attrs ?? []).filter((a) => a && typeof a.name === 'string' && !have.has(a.name) && have.add(a.name));
  return add.length > 0 ? { ...def, attributeDefs: [...(def.attributeDefs ?? []), ...add] } : undefined;
}

/**
 * Like Atlas's model loader at start-up: types of the file that are missing are created, existing types get the
 * attributes (and enum elements) they lack. Existing attribute definitions always win; no conflict errors.
 */
export function mergeModelFile(existing: AtlasTypesDef, fileDefs: AtlasTypesDef): ModelMergeResult {
  const cat = new Catalogue(existing);
  for (const [category, def] of defsWithCategory(fileDefs)) {
    if (!def || typeof def.name !== 'string') continue;
    const have = cat.get(def.name);
    if (!have) {
      cat.create(category, def);
      continue;
    }
    if (have.category !== category) continue;
    if (category === 'ENUM') {
      const elementDefs = mergeEnumElements((have.def as AtlasEnumDef).elementDefs, (def as AtlasEnumDef).elementDefs);
      if (elementDefs) cat.replace({ ...(have.def as AtlasEnumDef), elementDefs });
    } else if (isStructLike(category)) {
      const merged = appendMissingAttributes(have.def as AtlasStructDef, (def as AtlasStructDef).attributeDefs);
      if (merged) cat.replace(merged);
    }
  }
  return cat.result();
}

/**
 * Applies an Atlas patch file (spec 10.1): ADD_ATTRIBUTE (attributes that exist are skipped), ADD_SUPER_TYPES,
 * UPDATE_ENUMDEF (missing elements appended). Other actions are ignored, as is a patch whose type does not exist.
 * Patches are idempotent, so `applyToVersion` is not checked; an applied patch sets `typeVersion` to `updateToVersion`.
 */
export function applyModelPatch(defs: AtlasTypesDef, patch: AtlasTypeDefPatchFile): ModelMergeResult {
  const cat = new Catalogue(defs);
  for (const p of patch?.patches ?? []) {
    if (!p || typeof p.typeName !== 'string') continue;
    const have = cat.get(p.typeName);
    if (!have) continue;
    let changed: AnyTypeDef | undefined;
    switch (p.action) {
      case 'ADD_ATTRIBUTE':
        if (isStructLike(have.category)) changed = appendMissingAttributes(have.def as AtlasStructDef, p.attributeDefs);
        break;
      case 'ADD_SUPER_TYPES':
        if (have.category === 'ENTITY' || have.category === 'CLASSIFICATION') {
          const current = (have.def as AtlasEntityDef).superTypes ?? [];
          const add = (p.superTypes ?? []).filter((s, i, all) => typeof s === 'string' && s !== p.typeName && !current.includes(s) && all.indexOf(s) === i);
          if (add.length > 0) changed = { ...(have.def as AtlasEntityDef), superTypes: [...current, ...add] };
        }
        break;
      case 'UPDATE_ENUMDEF':
        if (have.category === 'ENUM') {
          const elementDefs = mergeEnumElements((have.def as AtlasEnumDef).elementDefs, p.elementDefs);
          if (elementDefs) changed = { ...(have.def as AtlasEnumDef), elementDefs };
        }
        break;
      default:
        break; // SET_SERVICE_TYPE, UPDATE_ATTRIBUTE_METADATA, UPDATE_TYPEDEF_OPTIONS, UPDATE_ATTRIBUTE, REMOVE_LEGACY_REF_ATTRIBUTES
    }
    if (changed) {
      if (typeof p.updateToVersion === 'string') changed.typeVersion = p.updateToVersion;
      cat.replace(changed);
    }
  }
  return cat.result();
}

// ================================================================================================ export closure

/**
 * The type definitions an export writes (spec 3.7): the given entity types with all super-types; for every collected
 * entity type its attribute types (array/map unwrapped; enums, structs recursively, entity types, classifications),
 * every relationshipDef it (or a super-type) takes part in, with the relationship's attribute types and both end
 * types, and the business-metadata defs applicable to it; for every classification its super-types and attribute
 * types. Primitives are skipped. Each list follows the registry's order, so the output is deterministic. Entity defs
 * carry Atlas's computed relationshipAttributeDefs.
 * `typeNames` may also name non-entity types (they are added with their dependencies).
 */
export function collectTypeClosure(typeNames: Iterable<string>, classificationNames: Iterable<string>, lookup: TypeLookup): Required<AtlasTypesDef> {
  const picked = new Set<string>();
  const entities = new Set<string>();

  const addAttributeTypes = (attrs: Iterable<ResolvedAttribute>): void => {
    for (const a of attrs) {
      const ref: TypeRef | null = parseTypeName(a.def.typeName);
      if (ref) for (const n of namedTypesOf(ref)) addType(n);
    }
  };
  const addType = (name: string): void => {
    if (picked.has(name) || isPrimitiveType(name)) return;
    switch (lookup.categoryOf(name)) {
      case 'ENTITY': {
        const e = lookup.entityType(name);
        if (!e) return;
        picked.add(name);
        entities.add(name);
        addAttributeTypes(e.attributes.values());
        for (const list of e.relationshipAttributes.values()) for (const r of list) addType(r.relationshipType);
        for (const s of e.allSuperTypes) addType(s);
        return;
      }
      case 'RELATIONSHIP': {
        const r = lookup.relationshipType(name);
        if (!r) return;
        picked.add(name);
        addAttributeTypes(r.attributes.values());
        addType(r.end1Type);
        addType(r.end2Type);
        return;
      }
      case 'CLASSIFICATION':
      case 'STRUCT': {
        const s = lookup.classificationType(name) ?? lookup.structType(name);
        if (!s) return;
        picked.add(name);
        for (const sup of s.allSuperTypes) addType(sup);
        addAttributeTypes(s.attributes.values());
        return;
      }
      case 'ENUM':
        picked.add(name);
        return;
      case 'BUSINESS_METADATA': {
        const bm = lookup.def(name) as AtlasStructDef | undefined;
        if (!bm) return;
        picked.add(name);
        for (const a of bm.attributeDefs ?? []) {
          const ref = parseTypeName(a.typeName);
          if (ref) for (const n of namedTypesOf(ref)) addType(n);
        }
        return;
      }
      default:
        return;
    }
  };

  for (const n of typeNames) addType(n);
  for (const n of classificationNames) addType(n);

  // business metadata applicable to a collected entity type (its applicableEntityTypes name it or a super-type,
  // and every super-type of a collected type is collected); repeat while that pulls in more entity types
  const all = lookup.allDefs();
  for (let more = true; more;) {
    more = false;
    for (const bm of all.businessMetadataDefs) {
      if (picked.has(bm.name)) continue;
      if ((bm.attributeDefs ?? []).some((a) => applicableEntityTypes(a).some((t) => entities.has(t)))) {
        addType(bm.name);
        more = true;
      }
    }
  }

  const out = emptyTypesDef();
  for (const [list] of TYPES_DEF_LISTS) {
    (out[list] as AnyTypeDef[]) = (all[list] as AnyTypeDef[]).filter((d) => picked.has(d.name));
  }
  // as in Atlas's exported typesdef; every relationship they name is in the closure, and import strips them
  out.entityDefs = withRelationshipAttributeDefs(out.entityDefs, lookup);
  return out;
}

/** `options.applicableEntityTypes` of a business-metadata attribute: a JSON array in a string (Atlas). */
export function applicableEntityTypes(attr: AtlasAttributeDef): string[] {
  const raw = attr?.options?.applicableEntityTypes as unknown;
  if (Array.isArray(raw)) return raw.filter((x): x is string => typeof x === 'string');
  if (typeof raw !== 'string') return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
