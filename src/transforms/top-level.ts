// The `topLevel` rule shared by legacy `addClassification~NAME~topLevel` (spec 6.1) and the TOPLEVEL / OBJECTID
// conditions of `transformers` (spec 6.2): an entity is top-level when it matches an item of the ZIP's export request.
import type { AtlasEntity, AtlasObjectId } from '../metadata/model';

/**
 * Item guid equals entity guid; or (item without guid) item typeName equals entity typeName and every item
 * `uniqueAttributes` entry equals the entity's attribute value.
 */
export function matchesExportItem(entity: AtlasEntity, item: AtlasObjectId): boolean {
  if (item.guid) return item.guid === entity.guid;
  if (item.typeName !== entity.typeName) return false;
  const attributes = entity.attributes ?? {};
  for (const [name, value] of Object.entries(item.uniqueAttributes ?? {})) {
    if (!sameValue(attributes[name], value)) return false;
  }
  return true;
}

export function isTopLevelEntity(entity: AtlasEntity, items: readonly AtlasObjectId[]): boolean {
  return items.some((item) => matchesExportItem(entity, item));
}

// Atlas compares with Objects.equals; unique attribute values are JSON scalars in practice, structures compare by JSON.
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
