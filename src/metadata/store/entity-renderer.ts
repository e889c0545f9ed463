// Stored rows -> AtlasEntity in Atlas's v2 shape (spec 3.6, 10.2): every attribute of the type (null when unset),
// legacy relationship ends also in `attributes`, relationship attributes as AtlasRelatedObjectId (ACTIVE and
// DELETED), own and propagated classifications.
import type { AtlasClassification, AtlasEntity, AtlasObjectId, AtlasRelatedObjectId } from '../model';
import type { TypeLookup } from '../typesystem/resolved-types';
import { renderSoftRef } from './entity-normalizer';

export interface EntityRow {
  guid: string;
  type_name: string;
  status: 'ACTIVE' | 'DELETED';
  attributes: Record<string, unknown>;
  created_by: string | null;
  updated_by: string | null;
  create_time: string | number;
  update_time: string | number;
  version: string | number;
  home_id: string | null;
  provenance_type: number | null;
  is_incomplete: boolean;
  custom_attributes: Record<string, string> | null;
  labels: string[] | null;
  business_attributes: Record<string, Record<string, unknown>> | null;
}

/** One stored link seen from `self`. */
export interface RelationshipView {
  self: string;
  attr: string | null;
  self_end: number;
  guid: string;
  type_name: string | null;
  status: 'ACTIVE' | 'DELETED';
  attributes: Record<string, unknown> | null;
  ordinal: number;
  other_guid: string;
  other_type: string;
  other_status: 'ACTIVE' | 'DELETED';
  other_qn: string | null;
  other_name: string | null;
}

export interface ClassificationRow {
  holder: string;
  entity_guid: string;
  type_name: string;
  attributes: Record<string, unknown> | null;
  propagate: boolean;
  remove_propagations_on_entity_delete: boolean;
  validity_periods: unknown[] | null;
  entity_status: 'ACTIVE' | 'DELETED';
}

export function renderEntity(row: EntityRow, links: RelationshipView[], classes: ClassificationRow[], types: TypeLookup): AtlasEntity {
  const type = types.entityType(row.type_name);
  const attributes: Record<string, unknown> = {};
  const relationshipAttributes: Record<string, unknown> = {};
  const sorted = [...links].sort((a, b) => a.ordinal - b.ordinal || (a.other_guid < b.other_guid ? -1 : 1));

  if (type) {
    for (const attr of type.attributes.values()) {
      if (attr.kind === 'OBJECT_REF') continue; // filled from links below
      const v = row.attributes[attr.name];
      attributes[attr.name] = attr.kind === 'SOFT_REF' ? renderSoftRef(v) : v ?? null;
    }
    for (const attr of type.attributes.values()) {
      if (attr.kind !== 'OBJECT_REF') continue;
      const own = sorted.filter((l) => l.attr === attr.name && l.status === 'ACTIVE');
      const ids = own.map((l): AtlasObjectId => ({ guid: l.other_guid, typeName: l.other_type }));
      // an unset attribute is null, an empty list included (spec 3.6; Atlas writes "partitionKeys": null)
      attributes[attr.name] = ids.length === 0 ? null : attr.isArray || attr.isMap ? ids : ids[0];
    }
    for (const [name, rels] of type.relationshipAttributes) {
      const relNames = new Set(rels.map((r) => r.relationshipType));
      const mine = sorted.filter((l) => l.attr === name && l.type_name !== null && relNames.has(l.type_name));
      const related = mine.map((l) => relatedObjectId(l));
      const isCollection = rels.some((r) => r.cardinality !== 'SINGLE');
      const single = isCollection ? undefined : related.find((r) => r.relationshipStatus === 'ACTIVE') ?? related[related.length - 1];
      if (isCollection) relationshipAttributes[name] = related;
      else if (single) relationshipAttributes[name] = single;
      // legacy ends are also plain references inside `attributes` (spec 2.5): the same links, whatever their status,
      // as Atlas writes them (tag-prop-2.zip: a DELETED table's db, sd and columns); none is null
      if (rels.some((r) => r.isLegacyAttribute)) {
        const id = (r: AtlasRelatedObjectId): AtlasObjectId => ({ guid: r.guid, typeName: r.typeName });
        attributes[name] = isCollection ? (related.length > 0 ? related.map(id) : null) : single ? id(single) : null;
      }
    }
  } else {
    Object.assign(attributes, row.attributes);
  }

  const entity: AtlasEntity = {
    typeName: row.type_name,
    guid: row.guid,
    status: row.status,
    createdBy: row.created_by ?? undefined,
    updatedBy: row.updated_by ?? undefined,
    createTime: Number(row.create_time),
    updateTime: Number(row.update_time),
    version: Number(row.version),
    attributes,
    relationshipAttributes,
    classifications: classes.map(renderClassification),
    labels: row.labels ?? [],
  };
  if (row.home_id) entity.homeId = row.home_id;
  if (row.provenance_type !== null && row.provenance_type !== undefined) entity.provenanceType = row.provenance_type;
  if (row.custom_attributes) entity.customAttributes = row.custom_attributes;
  if (row.business_attributes) entity.businessAttributes = row.business_attributes;
  if (row.is_incomplete) entity.isIncomplete = true;
  return entity;
}

function relatedObjectId(l: RelationshipView): AtlasRelatedObjectId {
  const r: AtlasRelatedObjectId = {
    guid: l.other_guid,
    typeName: l.other_type,
    entityStatus: l.other_status,
    displayText: l.other_name ?? l.other_qn ?? l.other_guid,
    relationshipType: l.type_name ?? undefined,
    relationshipGuid: l.guid,
    relationshipStatus: l.status,
    relationshipAttributes: l.attributes ? { typeName: l.type_name ?? undefined, attributes: l.attributes } : { typeName: l.type_name ?? undefined },
  };
  if (l.other_qn) r.qualifiedName = l.other_qn;
  return r;
}

function renderClassification(c: ClassificationRow): AtlasClassification {
  return {
    typeName: c.type_name,
    attributes: c.attributes ?? {},
    entityGuid: c.entity_guid,
    entityStatus: c.entity_status,
    propagate: c.propagate,
    removePropagationsOnEntityDelete: c.remove_propagations_on_entity_delete,
    validityPeriods: (c.validity_periods ?? []) as AtlasClassification['validityPeriods'],
  };
}
