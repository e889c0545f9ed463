// TypeScript shapes of Atlas type definitions (spec 10.1, 11). Unknown members are carried, not interpreted.

export type TypeCategory = 'PRIMITIVE' | 'ENUM' | 'STRUCT' | 'CLASSIFICATION' | 'ENTITY' | 'RELATIONSHIP' | 'BUSINESS_METADATA' | 'ARRAY' | 'MAP' | 'OBJECT_ID_TYPE';

export type Cardinality = 'SINGLE' | 'LIST' | 'SET';

export interface AtlasConstraintDef {
  type: string; // 'ownedRef' | 'inverseRef' | ...
  params?: Record<string, unknown>;
}

export interface AtlasAttributeDef {
  name: string;
  typeName: string;
  isOptional?: boolean;
  cardinality?: Cardinality;
  valuesMinCount?: number;
  valuesMaxCount?: number;
  isUnique?: boolean;
  isIndexable?: boolean;
  includeInNotification?: boolean;
  defaultValue?: string;
  description?: string;
  searchWeight?: number;
  constraints?: AtlasConstraintDef[];
  options?: Record<string, string>;
  [extra: string]: unknown;
}

/** Atlas's AtlasRelationshipAttributeDef: a relationship end as an entity type shows it (computed, never stored). */
export interface AtlasRelationshipAttributeDef extends AtlasAttributeDef {
  relationshipTypeName: string;
  isLegacyAttribute: boolean;
}

export interface AtlasBaseTypeDef {
  category?: TypeCategory;
  name: string;
  description?: string;
  typeVersion?: string;
  serviceType?: string;
  options?: Record<string, string>;
  guid?: string;
  createdBy?: string;
  updatedBy?: string;
  createTime?: number;
  updateTime?: number;
  version?: number;
  [extra: string]: unknown;
}

export interface AtlasEnumElementDef {
  value: string;
  ordinal?: number;
  description?: string;
}

export interface AtlasEnumDef extends AtlasBaseTypeDef {
  elementDefs: AtlasEnumElementDef[];
  defaultValue?: string;
}

export interface AtlasStructDef extends AtlasBaseTypeDef {
  attributeDefs: AtlasAttributeDef[];
}

export interface AtlasClassificationDef extends AtlasStructDef {
  superTypes?: string[];
  entityTypes?: string[];
  subTypes?: string[];
}

export interface AtlasEntityDef extends AtlasStructDef {
  superTypes?: string[];
  subTypes?: string[];
  relationshipAttributeDefs?: AtlasRelationshipAttributeDef[];
  businessAttributeDefs?: unknown;
}

export type RelationshipCategory = 'ASSOCIATION' | 'AGGREGATION' | 'COMPOSITION';
export type PropagateTags = 'NONE' | 'ONE_TO_TWO' | 'TWO_TO_ONE' | 'BOTH';

export interface AtlasRelationshipEndDef {
  type: string;
  name: string;
  isContainer?: boolean;
  cardinality?: Cardinality;
  isLegacyAttribute?: boolean;
  description?: string;
}

export interface AtlasRelationshipDef extends AtlasStructDef {
  relationshipCategory?: RelationshipCategory;
  relationshipLabel?: string;
  propagateTags?: PropagateTags;
  endDef1: AtlasRelationshipEndDef;
  endDef2: AtlasRelationshipEndDef;
}

export interface AtlasBusinessMetadataDef extends AtlasStructDef {}

export interface AtlasTypesDef {
  enumDefs?: AtlasEnumDef[];
  structDefs?: AtlasStructDef[];
  classificationDefs?: AtlasClassificationDef[];
  entityDefs?: AtlasEntityDef[];
  relationshipDefs?: AtlasRelationshipDef[];
  businessMetadataDefs?: AtlasBusinessMetadataDef[];
}

export type AnyTypeDef = AtlasEnumDef | AtlasStructDef | AtlasClassificationDef | AtlasEntityDef | AtlasRelationshipDef | AtlasBusinessMetadataDef;

/** AtlasTypesDef list member -> category, in the order Atlas processes them (spec 5.6). */
export const TYPES_DEF_LISTS = [
  ['enumDefs', 'ENUM'],
  ['structDefs', 'STRUCT'],
  ['classificationDefs', 'CLASSIFICATION'],
  ['entityDefs', 'ENTITY'],
  ['relationshipDefs', 'RELATIONSHIP'],
  ['businessMetadataDefs', 'BUSINESS_METADATA'],
] as const satisfies ReadonlyArray<readonly [keyof AtlasTypesDef, TypeCategory]>;

export function emptyTypesDef(): Required<AtlasTypesDef> {
  return { enumDefs: [], structDefs: [], classificationDefs: [], entityDefs: [], relationshipDefs: [], businessMetadataDefs: [] };
}
