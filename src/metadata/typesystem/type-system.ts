// The resolved, immutable type system (spec 10.1, 10.3, 11): inheritance, attribute kinds, relationship
// attributes, unique attributes and lineage, computed once from the raw defs.
import { AtlasError, ErrorCode } from '../../common/errors';
import {
  TYPES_DEF_LISTS, emptyTypesDef,
  type AnyTypeDef, type AtlasAttributeDef, type AtlasClassificationDef, type AtlasEntityDef, type AtlasEnumDef,
  type AtlasRelationshipDef, type AtlasStructDef, type AtlasTypesDef, type Cardinality, type TypeCategory,
} from '../model';
import type {
  AttributeKind, ResolvedAttribute, ResolvedEntityType, ResolvedRelationshipAttribute, ResolvedRelationshipType,
  ResolvedStructType, TypeLookup,
} from './resolved-types';
import { isPrimitiveType, leafTypeName, parseTypeName, typeRefText, type TypeRef } from './type-names';

/** Name of the base type whose sub-types are lineage entities (spec 3.4). */
export const PROCESS_TYPE = 'Process';

type DefCategory = Exclude<TypeCategory, 'PRIMITIVE' | 'ARRAY' | 'MAP' | 'OBJECT_ID_TYPE'>;

interface Registered {
  category: DefCategory;
  def: AnyTypeDef;
}

/** true for `"true"` (Atlas options are strings) and, leniently, for a JSON `true`. */
export function isSoftReference(def: AtlasAttributeDef): boolean {
  const v = def.options?.isSoftReference as unknown;
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

export function hasOwnedRefConstraint(def: AtlasAttributeDef): boolean {
  return Array.isArray(def.constraints) && def.constraints.some((c) => c?.type === 'ownedRef');
}

const FALLBACK_REF: TypeRef = { kind: 'named', name: 'string' };

/**
 * Builds and holds the resolved view. `build` is lenient (stored catalogue: an unknown referenced type never stops
 * the server; unknown attribute types behave like `string`, unknown super-types / relationship ends are skipped);
 * `validate` runs the same resolution strictly and throws the Atlas error of the first problem.
 */
export class TypeSystem implements TypeLookup {
  private readonly registered = new Map<string, Registered>();
  private readonly entities = new Map<string, ResolvedEntityType>();
  private readonly structs = new Map<string, ResolvedStructType>();
  private readonly classifications = new Map<string, ResolvedStructType>();
  private readonly businessMetadata = new Map<string, ResolvedStructType>();
  private readonly relationships = new Map<string, ResolvedRelationshipType>();
  private readonly enums = new Map<string, AtlasEnumDef>();
  /** type -> all super-types (entity and classification types) for O(1) isSubTypeOf */
  private readonly superSets = new Map<string, Set<string>>();

  private constructor(readonly version: number, private readonly strict: boolean) {}

  /** Lenient build, used for the stored catalogue. Never throws for dangling references. */
  static build(defs: AtlasTypesDef, version = 0): TypeSystem {
    const ts = new TypeSystem(version, false);
    ts.load(defs);
    return ts;
  }

  /**
   * Strict resolution of a complete, self-contained set of defs: unknown super-type / attribute type / relationship
   * end ⇒ ATLAS-404-00-001; broken attribute type syntax, inheritance cycles ⇒ ATLAS-400-00-011; duplicate
   * names ⇒ ATLAS-409-00-001. Returns the built system for callers that want it.
   */
  static validate(defs: AtlasTypesDef, version = 0): TypeSystem {
    const ts = new TypeSystem(version, true);
    ts.load(defs);
    return ts;
  }

  static empty(version = 0): TypeSystem {
    return TypeSystem.build({}, version);
  }

  // ---------------------------------------------------------------------------------------------- TypeLookup

  categoryOf(name: string): TypeCategory | undefined {
    const r = this.registered.get(name);
    if (r) return r.category;
    return isPrimitiveType(name) ? 'PRIMITIVE' : undefined;
  }

  has(name: string): boolean {
    return this.registered.has(name);
  }

  entityType(name: string): ResolvedEntityType | undefined {
    return this.entities.get(name);
  }

  structType(name: string): ResolvedStructType | undefined {
    return this.structs.get(name);
  }

  classificationType(name: string): ResolvedStructType | undefined {
    return this.classifications.get(name);
  }

  businessMetadataType(name: string): ResolvedStructType | undefined {
    return this.businessMetadata.get(name);
  }

  relationshipType(name: string): ResolvedRelationshipType | undefined {
    return this.relationships.get(name);
  }

  enumDef(name: string): AtlasEnumDef | undefined {
    return this.enums.get(name);
  }

  isSubTypeOf(typeName: string, superName: string): boolean {
    return typeName === superName || (this.superSets.get(typeName)?.has(superName) ?? false);
  }

  canClassify(classificationName: string, entityTypeName: string): boolean {
    const c = this.classifications.get(classificationName);
    if (!c) return false;
    const restriction = (name: string) => (this.classifications.get(name)?.def as AtlasClassificationDef | undefined)?.entityTypes ?? [];
    const own = restriction(c.name);
    const allowed = own.length > 0 ? own : c.allSuperTypes.flatMap(restriction);
    return allowed.length === 0 || allowed.some((t) => this.isSubTypeOf(entityTypeName, t));
  }

  allDefs(): Required<AtlasTypesDef> {
    const out = emptyTypesDef();
    for (const { category, def } of this.registered.values()) {
      (out[LIST_OF[category]] as AnyTypeDef[]).push(def);
    }
    return out;
  }

  def(name: string): AnyTypeDef | undefined {
    return this.registered.get(name)?.def;
  }

  // ---------------------------------------------------------------------------------------------- extras

  /** every registered type name, in registration order (enum, struct, classification, entity, relationship, bm) */
  typeNames(): IterableIterator<string> {
    return this.registered.keys();
  }

  entityTypes(): IterableIterator<ResolvedEntityType> {
    return this.entities.values();
  }

  classificationTypes(): IterableIterator<ResolvedStructType> {
    return this.classifications.values();
  }

  relationshipTypes(): IterableIterator<ResolvedRelationshipType> {
    return this.relationships.values();
  }

  get size(): number {
    return this.registered.size;
  }

  // ---------------------------------------------------------------------------------------------- resolution

  private load(defs: AtlasTypesDef): void {
    this.register(defs);
    this.resolveHierarchy('ENTITY');
    this.resolveHierarchy('CLASSIFICATION');
    this.resolveStructLikes();
    this.resolveEntities();
    this.resolveRelationships();
  }

  private register(defs: AtlasTypesDef): void {
    for (const [list, category] of TYPES_DEF_LISTS) {
      const arr = defs[list] as AnyTypeDef[] | undefined;
      if (!arr) continue;
      for (const def of arr) {
        if (!def || typeof def.name !== 'string' || def.name.length === 0) {
          if (this.strict) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [def?.name ?? JSON.stringify(def)]);
          continue;
        }
        if (this.strict && (this.registered.has(def.name) || isPrimitiveType(def.name))) {
          throw new AtlasError(ErrorCode.TYPE_ALREADY_EXISTS, [def.name]);
        }
        // lenient: a later duplicate replaces the earlier one (keeps a corrupt catalogue loadable)
        this.registered.delete(def.name);
        this.registered.set(def.name, { category, def });
        if (category === 'ENUM') this.enums.set(def.name, def as AtlasEnumDef);
      }
    }
  }

  /** allSuperTypes nearest first (breadth-first), allSubTypes by inversion. */
  private hierarchy = new Map<string, { direct: string[]; all: string[]; subs: string[] }>();

  private resolveHierarchy(category: 'ENTITY' | 'CLASSIFICATION'): void {
    const names: string[] = [];
    for (const [name, r] of this.registered) if (r.category === category) names.push(name);

    for (const name of names) {
      const def = this.registered.get(name)!.def as AtlasEntityDef | AtlasClassificationDef;
      const direct: string[] = [];
      for (const s of def.superTypes ?? []) {
        const sr = this.registered.get(s);
        if (!sr || sr.category !== category) {
          if (this.strict) throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [s]);
          continue;
        }
        if (!direct.includes(s)) direct.push(s);
      }
      this.hierarchy.set(name, { direct, all: [], subs: [] });
    }
    for (const name of names) {
      const h = this.hierarchy.get(name)!;
      const seen = new Set<string>();
      const queue = [...h.direct];
      for (let i = 0; i < queue.length; i++) {
        const s = queue[i];
        if (s === name) {
          if (this.strict) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${name}: cyclic super-types`]);
          continue;
        }
        if (seen.has(s)) continue;
        seen.add(s);
        h.all.push(s);
        queue.push(...this.hierarchy.get(s)!.direct);
      }
      this.superSets.set(name, seen);
    }
    for (const name of names) {
      for (const s of this.hierarchy.get(name)!.all) this.hierarchy.get(s)!.subs.push(name);
    }
  }

  /** own + inherited attributes, super-types first (depth-first over the declared super-type order), memoised. */
  private attributeCache = new Map<string, Map<string, ResolvedAttribute>>();
  private resolving = new Set<string>();

  private attributesOf(name: string): Map<string, ResolvedAttribute> {
    const cached = this.attributeCache.get(name);
    if (cached) return cached;
    const attrs = new Map<string, ResolvedAttribute>();
    if (this.resolving.has(name)) return attrs; // cycle (already reported in strict mode)
    this.resolving.add(name);
    for (const s of this.hierarchy.get(name)?.direct ?? []) {
      for (const [n, a] of this.attributesOf(s)) if (!attrs.has(n)) attrs.set(n, a);
    }
    const def = this.registered.get(name)!.def as AtlasStructDef;
    for (const ad of def.attributeDefs ?? []) {
      if (!ad || typeof ad.name !== 'string') {
        if (this.strict) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [name]);
        continue;
      }
      // own definition wins over an inherited one of the same name
      attrs.set(ad.name, this.resolveAttribute(ad, name));
    }
    this.resolving.delete(name);
    this.attributeCache.set(name, attrs);
    return attrs;
  }

  private resolveAttribute(def: AtlasAttributeDef, declaringType: string): ResolvedAttribute {
    let ref = typeof def.typeName === 'string' ? parseTypeName(def.typeName) : null;
    if (!ref) {
      if (this.strict) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [`${declaringType}.${def.name}: ${def.typeName}`]);
      ref = FALLBACK_REF;
    }
    if (this.strict) this.checkNamedTypes(ref);

    const isArray = ref.kind === 'array';
    const isMap = ref.kind === 'map';
    const leaf = leafTypeName(ref);
    const leafCategory = this.categoryOf(leaf);
    let kind: AttributeKind;
    let elementType: string | undefined;
    if (leafCategory === 'ENTITY') {
      kind = isSoftReference(def) ? 'SOFT_REF' : 'OBJECT_REF';
      elementType = leaf;
    } else if (isArray || isMap) {
      kind = 'COLLECTION';
      elementType = typeRefText(ref.kind === 'array' ? ref.element : (ref as Extract<TypeRef, { kind: 'map' }>).value);
    } else if (leafCategory === 'ENUM') {
      kind = 'ENUM';
    } else if (leafCategory === 'STRUCT' || leafCategory === 'CLASSIFICATION' || leafCategory === 'BUSINESS_METADATA' || leafCategory === 'RELATIONSHIP') {
      // Atlas lets any struct-like type be an attribute type; the value is a struct either way
      kind = 'STRUCT';
    } else {
      kind = 'PRIMITIVE'; // primitives, and (lenient) unknown types behave like string
    }
    return {
      name: def.name,
      def,
      declaringType,
      kind,
      elementType,
      isArray,
      isMap,
      isOptional: def.isOptional === true, // Atlas's AtlasAttributeDef defaults isOptional to false
      isUnique: def.isUnique === true,
      isOwned: kind === 'OBJECT_REF' && hasOwnedRefConstraint(def),
    };
  }

  private checkNamedTypes(ref: TypeRef): void {
    switch (ref.kind) {
      case 'named':
        if (!isPrimitiveType(ref.name) && !this.registered.has(ref.name)) {
          throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [ref.name]);
        }
        return;
      case 'array': return this.checkNamedTypes(ref.element);
      case 'map': this.checkNamedTypes(ref.key); return this.checkNamedTypes(ref.value);
    }
  }

  private resolveStructLikes(): void {
    for (const [name, r] of this.registered) {
      if (r.category !== 'STRUCT' && r.category !== 'CLASSIFICATION' && r.category !== 'BUSINESS_METADATA') continue;
      const h = this.hierarchy.get(name);
      const resolved: ResolvedStructType = {
        name,
        category: r.category,
        def: r.def as AtlasStructDef,
        allSuperTypes: h?.all ?? [],
        allSubTypes: h?.subs ?? [],
        attributes: this.attributesOf(name),
      };
      if (r.category === 'STRUCT') this.structs.set(name, resolved);
      else if (r.category === 'CLASSIFICATION') {
        this.classifications.set(name, resolved);
        if (this.strict) this.checkClassificationEntityTypes(r.def as AtlasClassificationDef);
      } else this.businessMetadata.set(name, resolved);
    }
  }

  private checkClassificationEntityTypes(def: AtlasClassificationDef): void {
    for (const e of def.entityTypes ?? []) {
      if (this.registered.get(e)?.category !== 'ENTITY') throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [e]);
    }
  }

  private resolveEntities(): void {
    for (const [name, r] of this.registered) {
      if (r.category !== 'ENTITY') continue;
      const h = this.hierarchy.get(name)!;
      const attributes = this.attributesOf(name);
      const uniqueAttributes = new Map<string, string>();
      for (const a of attributes.values()) if (a.isUnique) uniqueAttributes.set(a.name, a.declaringType);
      this.entities.set(name, {
        name,
        def: r.def as AtlasEntityDef,
        allSuperTypes: h.all,
        allSubTypes: h.subs,
        attributes,
        relationshipAttributes: new Map(),
        uniqueAttributes,
        isLineage: name === PROCESS_TYPE || this.superSets.get(name)!.has(PROCESS_TYPE),
      });
    }
  }

  private resolveRelationships(): void {
    for (const [name, r] of this.registered) {
      if (r.category !== 'RELATIONSHIP') continue;
      const def = r.def as AtlasRelationshipDef;
      const e1 = def.endDef1;
      const e2 = def.endDef2;
      const end1Ok = !!e1 && this.entities.has(e1.type) && typeof e1.name === 'string' && e1.name.length > 0;
      const end2Ok = !!e2 && this.entities.has(e2.type) && typeof e2.name === 'string' && e2.name.length > 0;
      if (!end1Ok || !end2Ok) {
        if (this.strict) {
          const bad = !end1Ok ? e1 : e2;
          if (!bad || typeof bad.name !== 'string' || !bad.name || typeof bad.type !== 'string') {
            throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [name]);
          }
          throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [bad.type]);
        }
        continue; // lenient: a relationship with a dangling end contributes nothing
      }
      const attributes = this.attributesOf(name);
      const resolved: ResolvedRelationshipType = {
        name,
        def,
        propagateTags: def.propagateTags ?? 'NONE',
        end1Type: e1.type,
        end2Type: e2.type,
        end1Name: e1.name,
        end2Name: e2.name,
        attributes,
      };
      this.relationships.set(name, resolved);

      const composition = def.relationshipCategory === 'COMPOSITION';
      this.contribute(e1.type, {
        name: e1.name, relationshipType: name, end: 1, targetType: e2.type,
        cardinality: cardinalityOf(e1.cardinality), isLegacyAttribute: e1.isLegacyAttribute === true,
        isOwned: composition && e1.isContainer === true,
      });
      // both ends with the same type and name (e.g. AtlasGlossarySynonym) give one attribute, as in Atlas
      if (e1.type === e2.type && e1.name === e2.name) continue;
      this.contribute(e2.type, {
        name: e2.name, relationshipType: name, end: 2, targetType: e1.type,
        cardinality: cardinalityOf(e2.cardinality), isLegacyAttribute: e2.isLegacyAttribute === true,
        isOwned: composition && e2.isContainer === true,
      });
    }
  }

  /** a relationship end applies to its entity type and every sub-type */
  private contribute(typeName: string, attr: ResolvedRelationshipAttribute): void {
    const t = this.entities.get(typeName)!;
    add(t, attr);
    for (const sub of t.allSubTypes) add(this.entities.get(sub)!, attr);

    function add(e: ResolvedEntityType, a: ResolvedRelationshipAttribute): void {
      const list = e.relationshipAttributes.get(a.name);
      if (!list) e.relationshipAttributes.set(a.name, [a]);
      else if (!list.some((x) => x.relationshipType === a.relationshipType)) list.push(a);
    }
  }
}

const LIST_OF: Record<DefCategory, keyof AtlasTypesDef> = {
  ENUM: 'enumDefs',
  STRUCT: 'structDefs',
  CLASSIFICATION: 'classificationDefs',
  ENTITY: 'entityDefs',
  RELATIONSHIP: 'relationshipDefs',
  BUSINESS_METADATA: 'businessMetadataDefs',
};

function cardinalityOf(c: Cardinality | undefined): Cardinality {
  return c === 'LIST' || c === 'SET' ? c : 'SINGLE';
}
