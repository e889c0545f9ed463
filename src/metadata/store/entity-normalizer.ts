// Pure rules that turn an incoming AtlasEntity into what the store writes (spec 5.7.2, 8.2, 10.2):
// value attributes, references (relationship-backed or plain), own classifications, system fields.
import { AtlasError, ErrorCode } from '../../common/errors';
import { normalizedValue, valueProblem } from './attribute-values';
import type { AtlasClassification, AtlasEntity, AtlasObjectId, AtlasRelatedObjectId, EntityStatus } from '../model';
import type { ResolvedAttribute, ResolvedEntityType, ResolvedRelationshipAttribute, TypeLookup } from '../typesystem/resolved-types';

/** One reference from the entity being written to another entity, oriented as the stored relationship row. */
export interface EntityReference {
  /** attribute name on the writing entity */
  attr: string;
  /** relationshipDef name; undefined for a plain (legacy, non-relationship) reference */
  relationshipType?: string;
  /** end of the relationship the writing entity sits on (plain references: always 1) */
  end: 1 | 2;
  target: AtlasObjectId;
  ordinal: number;
  relationshipGuid?: string;
  relationshipAttributes?: Record<string, unknown>;
  /** which end of the stored row owns the other (composition container / ownedRef) */
  ownerEnd: 1 | 2 | null;
  propagateTags: string;
  /** attribute name on the other end pointing back (relationships only) */
  otherAttr?: string;
}

/** A reference attribute that was present in the input: its stored links not listed any more are removed. */
export interface SuppliedReferenceAttr {
  attr: string;
  relationshipType?: string;
  end: 1 | 2;
}

export interface NormalizedEntity {
  guid: string;
  typeName: string;
  status: EntityStatus;
  /** value attributes present in the input (soft references already in "Type:guid" form) */
  values: Record<string, unknown>;
  references: EntityReference[];
  suppliedReferenceAttrs: SuppliedReferenceAttr[];
  /** own classifications; undefined when the input had no `classifications` member */
  classifications?: AtlasClassification[];
  labels?: string[];
  customAttributes?: Record<string, string>;
  businessAttributes?: Record<string, Record<string, unknown>>;
  homeId?: string;
  provenanceType?: number;
  isIncomplete: boolean;
  createTime?: number;
  createdBy?: string;
  version?: number;
}

export interface NormalizeOptions {
  /** spec 5.7.7: own classifications without `propagate` get false on import, true through the entity API */
  defaultPropagate: boolean;
  /** skip the mandatory-attribute check (shell entities) */
  lenient?: boolean;
}

export function entityTypeOrThrow(types: TypeLookup, typeName: string): ResolvedEntityType {
  const type = typeName ? types.entityType(typeName) : undefined;
  if (!type) throw new AtlasError(ErrorCode.TYPE_NAME_INVALID, ['ENTITY', typeName]);
  return type;
}

export function normalizeEntity(entity: AtlasEntity, types: TypeLookup, opts: NormalizeOptions): NormalizedEntity {
  const type = entityTypeOrThrow(types, entity.typeName);
  const guid = entity.guid as string;
  const attributes = entity.attributes ?? {};
  const relAttrs: Record<string, unknown> = { ...(entity.relationshipAttributes ?? {}) };
  const values: Record<string, unknown> = {};
  const references: EntityReference[] = [];
  const supplied: SuppliedReferenceAttr[] = [];

  // spec 5.7.2: a relationship attribute given in `attributes` moves to relationshipAttributes
  for (const [name, value] of Object.entries(attributes)) {
    const attrDef = type.attributes.get(name);
    const isRel = type.relationshipAttributes.has(name);
    if (isRel && (!attrDef || attrDef.kind === 'OBJECT_REF')) {
      if (!(name in relAttrs)) relAttrs[name] = value;
      continue;
    }
    if (!attrDef) continue; // unknown names are ignored
    if (attrDef.kind === 'OBJECT_REF') {
      supplied.push({ attr: name, end: 1 });
      pushPlainReferences(references, attrDef, value);
      continue;
    }
    values[name] = storeValue(attrDef, value, types, type.name);
  }

  for (const [name, value] of Object.entries(relAttrs)) {
    const candidates = type.relationshipAttributes.get(name);
    if (!candidates || candidates.length === 0) continue; // obsolete names (hdfs_path1.zip) are ignored
    const targets = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
    const byType = new Map<ResolvedRelationshipAttribute, AtlasRelatedObjectId[]>();
    for (const t of targets) {
      if (!t || typeof t !== 'object') continue;
      const target = t as AtlasRelatedObjectId;
      const rel = pickRelationship(candidates, target, types);
      let list = byType.get(rel);
      if (!list) byType.set(rel, (list = []));
      list.push(target);
    }
    // a supplied (possibly empty) value replaces the stored links of every candidate relationship
    for (const rel of candidates) supplied.push({ attr: name, relationshipType: rel.relationshipType, end: rel.end });
    for (const [rel, list] of byType) {
      const relType = types.relationshipType(rel.relationshipType);
      const ownerEnd: 1 | 2 | null = rel.isOwned ? rel.end : otherEndOwns(rel, types) ? (rel.end === 1 ? 2 : 1) : null;
      list.forEach((target, ordinal) => {
        references.push({
          attr: name,
          relationshipType: rel.relationshipType,
          end: rel.end,
          target: { guid: target.guid, typeName: target.typeName, uniqueAttributes: target.uniqueAttributes },
          ordinal,
          relationshipGuid: target.relationshipGuid,
          relationshipAttributes: target.relationshipAttributes?.attributes,
          ownerEnd,
          propagateTags: relType?.propagateTags ?? 'NONE',
          otherAttr: relType ? (rel.end === 1 ? relType.end2Name : relType.end1Name) : undefined,
        });
      });
    }
  }

  const isIncomplete = entity.isIncomplete === true;
  if (!opts.lenient && !isIncomplete) checkMandatory(type, attributes, relAttrs);

  const classifications = entity.classifications === undefined || entity.classifications === null
    ? undefined
    : ownClassifications(guid, entity.classifications, opts.defaultPropagate);

  return {
    guid,
    typeName: type.name,
    status: entity.status === 'DELETED' ? 'DELETED' : 'ACTIVE',
    values,
    references,
    suppliedReferenceAttrs: supplied,
    classifications,
    labels: Array.isArray(entity.labels) ? entity.labels : undefined,
    customAttributes: entity.customAttributes ?? undefined,
    businessAttributes: entity.businessAttributes ?? undefined,
    homeId: entity.homeId ?? undefined,
    provenanceType: typeof entity.provenanceType === 'number' ? entity.provenanceType : undefined,
    isIncomplete,
    createTime: typeof entity.createTime === 'number' ? entity.createTime : undefined,
    createdBy: entity.createdBy ?? undefined,
    version: typeof entity.version === 'number' ? entity.version : undefined,
  };
}

/** spec 5.7.7: entries propagated from another entity are skipped; defaults filled in. */
export function ownClassifications(guid: string, list: AtlasClassification[], defaultPropagate: boolean): AtlasClassification[] {
  const seen = new Set<string>();
  const own: AtlasClassification[] = [];
  for (const c of list) {
    if (!c || typeof c.typeName !== 'string') continue;
    if (c.propagate === true && c.entityGuid && c.entityGuid !== guid) continue;
    if (seen.has(c.typeName)) continue; // at most one own classification per type name (spec 10.4)
    seen.add(c.typeName);
    own.push({
      typeName: c.typeName,
      attributes: c.attributes ?? {},
      entityGuid: guid,
      entityStatus: c.entityStatus ?? 'ACTIVE',
      propagate: c.propagate ?? defaultPropagate,
      removePropagationsOnEntityDelete: c.removePropagationsOnEntityDelete ?? false,
      validityPeriods: c.validityPeriods ?? [],
    });
  }
  return own;
}

function checkMandatory(type: ResolvedEntityType, attributes: Record<string, unknown>, relAttrs: Record<string, unknown>): void {
  for (const attr of type.attributes.values()) {
    if (attr.isOptional) continue;
    const v = attributes[attr.name];
    if (v !== null && v !== undefined) continue;
    const r = relAttrs[attr.name];
    if (r !== null && r !== undefined) continue;
    throw new AtlasError(ErrorCode.INSTANCE_CRUD_INVALID_PARAMS, [
      `${type.name}.${attr.name}: mandatory attribute value missing in type ${attr.declaringType}`,
    ]);
  }
}

function pickRelationship(candidates: ResolvedRelationshipAttribute[], target: AtlasRelatedObjectId, types: TypeLookup): ResolvedRelationshipAttribute {
  if (candidates.length === 1) return candidates[0];
  if (target.relationshipType) {
    const byName = candidates.find((c) => c.relationshipType === target.relationshipType);
    if (byName) return byName;
  }
  if (target.typeName) {
    const byTarget = candidates.find((c) => types.isSubTypeOf(target.typeName as string, c.targetType));
    if (byTarget) return byTarget;
  }
  return candidates[0];
}

/** For the non-container end of a COMPOSITION, the other end owns this entity. */
function otherEndOwns(rel: ResolvedRelationshipAttribute, types: TypeLookup): boolean {
  const def = types.relationshipType(rel.relationshipType)?.def;
  if (!def || def.relationshipCategory !== 'COMPOSITION') return false;
  const other = rel.end === 1 ? def.endDef2 : def.endDef1;
  return other.isContainer === true;
}

function pushPlainReferences(out: EntityReference[], attr: ResolvedAttribute, value: unknown): void {
  if (value === null || value === undefined) return;
  const list = Array.isArray(value) ? value : typeof value === 'object' && !isObjectIdLike(value) ? Object.values(value as object) : [value];
  list.forEach((t, ordinal) => {
    if (!t || typeof t !== 'object') return;
    const target = t as AtlasObjectId;
    out.push({
      attr: attr.name,
      end: 1,
      target: { guid: target.guid, typeName: target.typeName ?? attr.elementType, uniqueAttributes: target.uniqueAttributes },
      ordinal,
      ownerEnd: attr.isOwned ? 1 : null,
      propagateTags: 'NONE',
    });
  });
}

function isObjectIdLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null && ('guid' in v || 'uniqueAttributes' in v);
}

/** Value as stored: soft references become "Type:guid" strings (spec 8.2); other values are checked against their type and normalised as Atlas stores them. */
function storeValue(attr: ResolvedAttribute, value: unknown, types: TypeLookup, entityType: string): unknown {
  if (value === null || value === undefined) return null;
  if (attr.kind === 'SOFT_REF') return softRefValue(value, attr.elementType);
  if (attr.kind === 'ENUM') {
    const def = types.enumDef(attr.def.typeName);
    if (def && typeof value === 'string' && !def.elementDefs.some((e) => e.value === value)) {
      throw new AtlasError(ErrorCode.INSTANCE_ATTRIBUTE_VALUE_INVALID, [value, `${entityType}.${attr.name}`]);
    }
  }
  const problem = valueProblem(attr.def.typeName, value, types, `${entityType}.${attr.name}`);
  if (problem) throw new AtlasError(ErrorCode.INSTANCE_CRUD_INVALID_PARAMS, [problem]);
  return normalizedValue(attr.def.typeName, value, types);
}

export function softRefValue(value: unknown, typeName?: string): unknown {
  const one = (v: unknown): unknown => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && 'guid' in v) {
      const id = v as AtlasObjectId;
      return `${id.typeName ?? typeName ?? ''}:${id.guid}`;
    }
    return v;
  };
  if (Array.isArray(value)) return value.map(one);
  if (value && typeof value === 'object' && !('guid' in value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, one(v)]));
  }
  return one(value);
}

/** Stored "Type:guid" form back to AtlasObjectId (spec 8.2). */
export function renderSoftRef(value: unknown): unknown {
  const one = (v: unknown): unknown => {
    if (typeof v !== 'string') return v;
    const i = v.indexOf(':');
    return i < 0 ? { guid: v } : { guid: v.slice(i + 1), typeName: v.slice(0, i) };
  };
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(one);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, one(v)]));
  return one(value);
}

/** Text form of a unique attribute value for entity_unique. */
export function uniqueValueText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
