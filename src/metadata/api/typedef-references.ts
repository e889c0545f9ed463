// Which remaining types still use a type that is about to be deleted (DELETE /v2/types/typedefs). Atlas refuses
// to delete a type that other types refer to or that has instances: 409 ATLAS-409-00-002 "Given type X has references".
import type { AtlasClassificationDef, AtlasEntityDef, AtlasRelationshipDef, AtlasStructDef, AtlasTypesDef } from '../model';
import { defsWithCategory } from '../typesystem/typedef-rules';
import { namedTypesOf, parseTypeName } from '../typesystem/type-names';

/**
 * For each name of `deleting` that a def outside `deleting` refers to (super-type, attribute type, classification
 * entityTypes, relationship end), one referring type name. Names nothing refers to are absent.
 */
export function referencesToDeletedTypes(deleting: ReadonlySet<string>, catalogue: AtlasTypesDef): Map<string, string> {
  const out = new Map<string, string>();
  const note = (used: string | undefined, by: string) => {
    if (used && deleting.has(used) && !out.has(used)) out.set(used, by);
  };
  for (const [category, def] of defsWithCategory(catalogue)) {
    if (!def || deleting.has(def.name)) continue;
    if (category === 'ENUM') continue;
    for (const attr of (def as AtlasStructDef).attributeDefs ?? []) {
      const ref = typeof attr?.typeName === 'string' ? parseTypeName(attr.typeName) : null;
      if (ref) for (const n of namedTypesOf(ref)) note(n, def.name);
    }
    if (category === 'ENTITY' || category === 'CLASSIFICATION') {
      for (const s of (def as AtlasEntityDef).superTypes ?? []) note(s, def.name);
    }
    if (category === 'CLASSIFICATION') {
      for (const e of (def as AtlasClassificationDef).entityTypes ?? []) note(e, def.name);
    }
    if (category === 'RELATIONSHIP') {
      const rel = def as AtlasRelationshipDef;
      note(rel.endDef1?.type, def.name);
      note(rel.endDef2?.type, def.name);
    }
  }
  return out;
}
