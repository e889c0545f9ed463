// Typedefs as Atlas's TypesREST returns them: entity and classification defs carry their direct `subTypes`, entity
// defs their `relationshipAttributeDefs` (computed, never stored), and the per-category lookups of
// /types/{kind}/name/{name}.
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
