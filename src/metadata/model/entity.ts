// TypeScript shapes of Atlas instances (spec 2.5, 10.4, 11).

export type EntityStatus = 'ACTIVE' | 'DELETED';

export interface AtlasObjectId {
  guid?: string;
  typeName?: string;
  uniqueAttributes?: Record<string, unknown>;
}

export interface AtlasRelatedObjectId extends AtlasObjectId {
  entityStatus?: EntityStatus;
  displayText?: string;
  relationshipType?: string;
  relationshipGuid?: string;
  relationshipStatus?: EntityStatus;
  relationshipAttributes?: { typeName?: string; attributes?: Record<string, unknown> };
  qualifiedName?: string;
}

export interface TimeBoundary {
  startTime?: string;
  endTime?: string;
  timeZone?: string;
}

export interface AtlasClassification {
  typeName: string;
  attributes?: Record<string, unknown>;
  entityGuid?: string;
  entityStatus?: EntityStatus;
  propagate?: boolean | null;
  removePropagationsOnEntityDelete?: boolean | null;
  validityPeriods?: TimeBoundary[];
}

export interface AtlasEntity {
  typeName: string;
  guid?: string;
  status?: EntityStatus;
  createdBy?: string;
  updatedBy?: string;
  createTime?: number;
  updateTime?: number;
  version?: number;
  attributes?: Record<string, unknown>;
  relationshipAttributes?: Record<string, unknown>;
  classifications?: AtlasClassification[];
  labels?: string[];
  homeId?: string;
  isIncomplete?: boolean;
  provenanceType?: number;
  customAttributes?: Record<string, string>;
  businessAttributes?: Record<string, Record<string, unknown>>;
  proxy?: boolean;
  [extra: string]: unknown;
}

export interface AtlasEntityWithExtInfo {
  entity: AtlasEntity;
  referredEntities?: Record<string, AtlasEntity>;
}

export interface AtlasEntitiesWithExtInfo {
  entities: AtlasEntity[];
  referredEntities?: Record<string, AtlasEntity>;
}

export interface AtlasEntityHeader {
  typeName: string;
  guid: string;
  status?: EntityStatus;
  displayText?: string;
  attributes?: Record<string, unknown>;
  classificationNames?: string[];
  labels?: string[];
}

export interface EntityMutationResponse {
  mutatedEntities?: Partial<Record<'CREATE' | 'UPDATE' | 'PARTIAL_UPDATE' | 'DELETE' | 'PURGE', AtlasEntityHeader[]>>;
  guidAssignments?: Record<string, string>;
}

export function isObjectId(value: unknown): value is AtlasObjectId {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && ('guid' in value || 'uniqueAttributes' in value) && 'typeName' in value;
}
