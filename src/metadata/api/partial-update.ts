// PUT /v2/entity/uniqueAttribute/type/{typeName}: Atlas's partial update. The body names only what changes, so
// mandatory attributes it leaves out keep their stored values instead of failing ATLAS-404-00-007.
import type { AtlasEntity } from '../model';
import type { ResolvedEntityType } from '../typesystem/resolved-types';

const isSet = (v: unknown): boolean => v !== null && v !== undefined;

/** `update` for entity `guid`, with every mandatory attribute it lacks taken from `stored`. */
export function partialUpdateOf(update: AtlasEntity, stored: AtlasEntity, type: ResolvedEntityType): AtlasEntity {
  const attributes = { ...(update.attributes ?? {}) };
  const relationshipAttributes = update.relationshipAttributes;
  for (const attr of type.attributes.values()) {
    if (attr.isOptional || isSet(attributes[attr.name]) || isSet(relationshipAttributes?.[attr.name])) continue;
    const kept = stored.attributes?.[attr.name] ?? stored.relationshipAttributes?.[attr.name];
    if (isSet(kept)) attributes[attr.name] = kept;
  }
  return { ...update, typeName: stored.typeName, guid: stored.guid, attributes };
}
