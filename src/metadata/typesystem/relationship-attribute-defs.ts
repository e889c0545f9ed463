// Atlas's computed `relationshipAttributeDefs` of an entity def (AtlasEntityType.getRelationshipAttributeDefs): one
// entry per relationship end the type (or a super-type) sits on. Never stored; the typedef API and the export's
// atlas-typesdef.json show it, and every input path strips it (stripForCreate).
import type { AtlasAttributeDef, AtlasEntityDef, AtlasRelationshipAttributeDef } from '../model';
import type { ResolvedRelationshipAttribute, TypeLookup } from './resolved-types';

/**
 * As AtlasRelationshipType.addRelationshipAttributeToEndType builds them:
 *  - an end whose name is an attribute of the end type (a legacy attribute such as Process.inputs) shows that
 *    attribute's definition as Atlas stores it (counts from its multiplicity), with isLegacyAttribute true;
 *  - any other end: typeName is the other end's type (`array<…>` for SET / LIST), isOptional true except on the
 *    child end of a COMPOSITION, an `ownedRef` constraint on the container end of a COMPOSITION, the Atlas defaults
 *    for the rest (counts -1, searchWeight -1), isLegacyAttribute as the endDef says.
 * Unknown entity type ⇒ [].
 */
export function relationshipAttributeDefs(entityTypeName: string, lookup: TypeLookup): AtlasRelationshipAttributeDef[] {
  const entity = lookup.entityType(entityTypeName);
  if (!entity) return [];
  const out: AtlasRelationshipAttributeDef[] = [];
  for (const ends of entity.relationshipAttributes.values()) {
    for (const end of ends) {
      const def = relationshipAttributeDef(end, lookup);
      if (def) out.push(def);
    }
  }
  return out;
}

function relationshipAttributeDef(end: ResolvedRelationshipAttribute, lookup: TypeLookup): AtlasRelationshipAttributeDef | undefined {
  const rel = lookup.relationshipType(end.relationshipType);
  if (!rel) return undefined;
  const endType = end.end === 1 ? rel.end1Type : rel.end2Type;
  const legacy = lookup.entityType(endType)?.attributes.get(end.name);
  if (legacy) return { ...withAtlasDefaults(legacy.def), ...storedCounts(legacy.def), relationshipTypeName: rel.name, isLegacyAttribute: true };

  const endDef = end.end === 1 ? rel.def.endDef1 : rel.def.endDef2;
  const composition = rel.def.relationshipCategory === 'COMPOSITION';
  const attr: AtlasAttributeDef = {
    name: end.name,
    typeName: end.cardinality === 'SINGLE' ? end.targetType : `array<${end.targetType}>`,
    isOptional: !composition || endDef.isContainer === true,
    cardinality: end.cardinality,
  };
  if (composition && endDef.isContainer === true) attr.constraints = [{ type: 'ownedRef' }];
  return { ...withAtlasDefaults(attr), relationshipTypeName: rel.name, isLegacyAttribute: endDef.isLegacyAttribute === true };
}

/**
 * valuesMinCount / valuesMaxCount of a stored attribute: Atlas keeps a multiplicity (AtlasStructDefStoreV2
 * getMultiplicity) and reads the counts back from it, e.g. an optional SET is 0..2147483647.
 */
function storedCounts(def: AtlasAttributeDef): { valuesMinCount: number; valuesMaxCount: number } {
  const optional = def.isOptional === true;
  if ((def.cardinality ?? 'SINGLE') === 'SINGLE') return { valuesMinCount: optional ? 0 : 1, valuesMaxCount: 1 };
  const min = def.valuesMinCount ?? -1;
  const max = def.valuesMaxCount ?? -1;
  return { valuesMinCount: optional ? 0 : Math.max(min, 1), valuesMaxCount: max < 2 ? 2147483647 : max };
}

/** The members Atlas's AtlasAttributeDef always serialises, with its defaults where a stored def omits them. */
function withAtlasDefaults(def: AtlasAttributeDef): AtlasAttributeDef {
  const { name, typeName, isOptional, cardinality, valuesMinCount, valuesMaxCount, isUnique, isIndexable, includeInNotification, searchWeight, ...rest } = def;
  return {
    name,
    typeName,
    isOptional: isOptional === true,
    cardinality: cardinality ?? 'SINGLE',
    valuesMinCount: valuesMinCount ?? -1,
    valuesMaxCount: valuesMaxCount ?? -1,
    isUnique: isUnique === true,
    isIndexable: isIndexable === true,
    includeInNotification: includeInNotification === true,
    searchWeight: searchWeight ?? -1,
    ...rest,
  };
}

/** Entity defs with their computed relationshipAttributeDefs. */
export function withRelationshipAttributeDefs(defs: AtlasEntityDef[], lookup: TypeLookup): AtlasEntityDef[] {
  return defs.map((d) => ({ ...d, relationshipAttributeDefs: relationshipAttributeDefs(d.name, lookup) }));
}
