// Typedefs as Atlas's TypesREST returns them: entity and classification defs carry their direct `subTypes`, entity
// defs their `relationshipAttributeDefs` (computed, never stored), and the per-category lookups of
// /types/{kind}/name/{name}.
import { firstOfRepeated } from '../../common/query-params';
import type { AnyTypeDef, AtlasClassificationDef, AtlasEntityDef, AtlasTypesDef, TypeCategory } from '../model';
import { emptyTypesDef } from '../model';
import { withRelationshipAttributeDefs } from '../typesystem/relationship-attribute-defs';
import type { TypeLookup } from '../typesystem/resolved-types';

/** path segment of `/types/{kind}/name/{name}` -> the category it serves (`typedef`: any) */
export const TYPEDEF_KINDS: Readonly<Record<string, TypeCategory | undefined>> = {
  typedef: undefined,
  enumdef: 'ENUM',
  structdef: 'STRUCT',
  classificationdef: 'CLASSIFICATION',
  entitydef: 'ENTITY',
  relationshipdef: 'RELATIONSHIP',
  businessmetadatadef: 'BUSINESS_METADATA',
};

/** The catalogue with `subTypes` filled in on entity and classification defs (direct sub-types, sorted). */
export function withSubTypes(defs: Required<AtlasTypesDef>): Required<AtlasTypesDef> {
  const subs = new Map<string, Set<string>>();
  for (const d of [...defs.entityDefs, ...defs.classificationDefs]) {
    for (const s of d.superTypes ?? []) {
      let set = subs.get(s);
      if (!set) subs.set(s, (set = new Set()));
      set.add(d.name);
    }
  }
  const fill = <T extends AtlasEntityDef | AtlasClassificationDef>(d: T): T => ({ ...d, subTypes: [...(subs.get(d.name) ?? [])].sort() });
  return { ...emptyTypesDef(), ...defs, entityDefs: defs.entityDefs.map(fill), classificationDefs: defs.classificationDefs.map(fill) };
}

/** Every registered def as Atlas answers it: with `subTypes` and entity `relationshipAttributeDefs`. */
export function typesDefView(types: TypeLookup): Required<AtlasTypesDef> {
  const defs = withSubTypes(types.allDefs());
  return { ...defs, entityDefs: withRelationshipAttributeDefs(defs.entityDefs, types) };
}

/** Only the defs named in `names`, in that order (the response of a create / update follows the request). */
export function pickDefs(defs: Required<AtlasTypesDef>, names: readonly string[]): Required<AtlasTypesDef> {
  const rank = new Map(names.map((n, i) => [n, i]));
  const out = emptyTypesDef();
  for (const key of Object.keys(out) as Array<keyof AtlasTypesDef>) {
    (out[key] as AnyTypeDef[]) = (defs[key] as AnyTypeDef[]).filter((d) => rank.has(d.name)).sort((a, b) => rank.get(a.name)! - rank.get(b.name)!);
  }
  return out;
}

/** Atlas's `type=` values (FilterUtil.getTypePredicate) -> category */
const FILTER_TYPES: Readonly<Record<string, TypeCategory>> = {
  CLASS: 'ENTITY', ENTITY: 'ENTITY', TRAIT: 'CLASSIFICATION', CLASSIFICATION: 'CLASSIFICATION', STRUCT: 'STRUCT',
  ENUM: 'ENUM', RELATIONSHIP: 'RELATIONSHIP', BUSINESS_METADATA: 'BUSINESS_METADATA',
};

const firstOf = (v: unknown): string | undefined => {
  const s = firstOfRepeated(v);
  return typeof s === 'string' && s.trim() !== '' ? s : undefined;
};

/**
 * GET /types/typedefs?type=&name=&serviceType=&supertype=&notsupertype=&notServiceType=&notname=…: Atlas's
 * SearchFilter (FilterUtil.getPredicateFromSearchFilter); every given parameter must hold, an unknown `type` matches
 * nothing, `supertype` means any transitive super-type of an entity or classification type.
 */
export function filterTypesDef(defs: Required<AtlasTypesDef>, query: Record<string, unknown>, types: TypeLookup): Required<AtlasTypesDef> {
  const type = firstOf(query.type);
  const name = firstOf(query.name);
  const serviceType = firstOf(query.serviceType);
  const notServiceType = firstOf(query.notServiceType);
  const superType = firstOf(query.supertype);
  const notSuperType = firstOf(query.notsupertype);
  const notNames = new Set((Array.isArray(query.notname) ? query.notname : [query.notname]).filter((v): v is string => typeof v === 'string'));
  if (!type && !name && !serviceType && !notServiceType && !superType && !notSuperType && notNames.size === 0) return defs;
  const superTypesOf = (n: string): string[] => types.entityType(n)?.allSuperTypes ?? types.classificationType(n)?.allSuperTypes ?? [];
  const hasSuper = (n: string, s: string): boolean => {
    const category = types.categoryOf(n);
    return (category === 'ENTITY' || category === 'CLASSIFICATION') && superTypesOf(n).includes(s);
  };
  const keep = (d: AnyTypeDef): boolean =>
    (!type || FILTER_TYPES[type.toUpperCase()] === types.categoryOf(d.name))
    && (!name || d.name === name)
    && (!serviceType || d.serviceType === serviceType)
    && (!notServiceType || d.serviceType !== notServiceType)
    && (!superType || hasSuper(d.name, superType))
    && (!notSuperType || !hasSuper(d.name, notSuperType))
    && !notNames.has(d.name);
  const out = emptyTypesDef();
  for (const key of Object.keys(out) as Array<keyof AtlasTypesDef>) (out[key] as AnyTypeDef[]) = (defs[key] as AnyTypeDef[]).filter(keep);
  return out;
}
