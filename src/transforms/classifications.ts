// Adding an own classification to an entity being imported (spec 6.1 addClassification, 6.2 ADD_CLASSIFICATION).
import type { AtlasEntity } from '../metadata/model';

/** Adds an own classification `name` unless the entity already carries one of that type name. */
export function addOwnClassification(entity: AtlasEntity, name: string): void {
  const classifications = entity.classifications ?? (entity.classifications = []);
  if (classifications.some((c) => c.typeName === name)) return;
  classifications.push({
    typeName: name,
    // own, not propagated: the entity being imported is its source
    ...(entity.guid !== undefined ? { entityGuid: entity.guid } : {}),
    propagate: false,
    removePropagationsOnEntityDelete: false,
  });
}

export function removeClassifications(entity: AtlasEntity, name: string): void {
  if (!entity.classifications?.length) return;
  entity.classifications = entity.classifications.filter((c) => c.typeName !== name);
}
