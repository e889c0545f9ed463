// The resolved view of the type system that the store, import and export work against.
// Built from the raw defs by `TypeSystem.build` (type-system.ts); immutable once built.
import type {
  AtlasAttributeDef, AtlasClassificationDef, AtlasEntityDef, AtlasEnumDef, AtlasRelationshipDef,
  AtlasStructDef, AtlasBusinessMetadataDef, AtlasTypesDef, Cardinality, PropagateTags, TypeCategory,
} from '../model';

/** How an attribute's value is stored (spec 8.2, 10.1). */
export type AttributeKind =
  | 'PRIMITIVE'        // boolean, byte, short, int, long, float, double, biginteger, bigdecimal, string, date
  | 'ENUM'
  | 'STRUCT'
  | 'OBJECT_REF'       // entity type, array<entity>, map<string, entity> without isSoftReference: stored as links
  | 'SOFT_REF'         // entity reference flagged isSoftReference: stored as "Type:guid" strings
  | 'COLLECTION';      // array<T> / map<K,V> of primitives, enums or structs

export interface ResolvedAttribute {
  name: string;
  def: AtlasAttributeDef;
  /** type that declares this attribute (for inherited attributes: the super-type) */
  declaringType: string;
  kind: AttributeKind;
  /** for OBJECT_REF / SOFT_REF: the referenced entity type; for arrays/maps the element / value type */
  elementType?: string;
  isArray: boolean;
  isMap: boolean;
  isOptional: boolean;
  isUnique: boolean;
  /** ownedRef constraint: the target travels in referredEntities and is deleted with the owner */
  isOwned: boolean;
}

/** A relationship attribute contributed to an entity type by one end of a relationshipDef (spec 10.1). */
export interface ResolvedRelationshipAttribute {
  name: string;
  relationshipType: string;
  /** which end of the relationshipDef this entity type sits on */
  end: 1 | 2;
  /** the other end's entity type */
  targetType: string;
  /** SINGLE ⇒ one AtlasObjectId, LIST/SET ⇒ array */
  cardinality: Cardinality;
  isLegacyAttribute: boolean;
  /** container end of a COMPOSITION relationship: targets are owned (embedded in referredEntities) */
  isOwned: boolean;
}

export interface ResolvedRelationshipType {
  name: string;
  def: AtlasRelationshipDef;
  propagateTags: PropagateTags;
  end1Type: string;
  end2Type: string;
  end1Name: string; // attribute on end1's type pointing at end2
  end2Name: string; // attribute on end2's type pointing at end1
  attributes: Map<string, ResolvedAttribute>;
}

export interface ResolvedEntityType {
  name: string;
  def: AtlasEntityDef;
  /** all super-types, transitively, nearest first */
  allSuperTypes: string[];
  /** all sub-types, transitively */
  allSubTypes: string[];
  /** own + inherited attributes, in declaration order (super-types first) */
  attributes: Map<string, ResolvedAttribute>;
  /** own + inherited relationship attributes; one name may map to several relationship types */
  relationshipAttributes: Map<string, ResolvedRelationshipAttribute[]>;
  /** unique attributes: name -> declaring type (uniqueness scope, spec 10.3) */
  uniqueAttributes: Map<string, string>;
  /** sub-type of Process (spec 3.4) */
  isLineage: boolean;
}

export interface ResolvedStructType {
  name: string;
  category: 'STRUCT' | 'CLASSIFICATION' | 'BUSINESS_METADATA';
  def: AtlasStructDef | AtlasClassificationDef | AtlasBusinessMetadataDef;
  allSuperTypes: string[];
  allSubTypes: string[];
  attributes: Map<string, ResolvedAttribute>;
}

/**
 * Read-only view over the registered types. Implemented by TypeSystem (type-system.ts);
 * TypeRegistry (the Nest provider) holds the current TypeSystem and reloads it when another process changes types.
 */
export interface TypeLookup {
  readonly version: number;
  categoryOf(name: string): TypeCategory | undefined;
  has(name: string): boolean;
  entityType(name: string): ResolvedEntityType | undefined;
  structType(name: string): ResolvedStructType | undefined;
  classificationType(name: string): ResolvedStructType | undefined;
  relationshipType(name: string): ResolvedRelationshipType | undefined;
  enumDef(name: string): AtlasEnumDef | undefined;
  /** true when `typeName` is `superName` or one of its sub-types (entity or classification types) */
  isSubTypeOf(typeName: string, superName: string): boolean;
  /**
   * Atlas's canApplyToEntityType: a classification restricted by `entityTypes` (its own, else its super-types')
   * applies to those entity types and their sub-types only; an unrestricted one to any.
   */
  canClassify(classificationName: string, entityTypeName: string): boolean;
  /** every registered def as an AtlasTypesDef */
  allDefs(): Required<AtlasTypesDef>;
  /** the raw def of one type, any category */
  def(name: string): AtlasEnumDef | AtlasStructDef | AtlasEntityDef | AtlasClassificationDef | AtlasRelationshipDef | AtlasBusinessMetadataDef | undefined;
}
