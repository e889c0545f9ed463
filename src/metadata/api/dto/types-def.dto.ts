import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsObject, IsOptional } from 'class-validator';
import type {
  AtlasBusinessMetadataDef, AtlasClassificationDef, AtlasEntityDef, AtlasEnumDef, AtlasRelationshipDef, AtlasStructDef, AtlasTypesDef,
} from '../../model';

const defList = (description: string) => ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description });

/**
 * AtlasTypesDef. Only the six lists are checked here: the defs themselves are carried whole (Atlas keeps members it
 * does not interpret, spec 10.1) and validated by the typedef rules, which answer with Atlas's error codes.
 */
export class AtlasTypesDefDto implements AtlasTypesDef {
  @defList('AtlasEnumDef: name, elementDefs [{value, ordinal}]') @IsOptional() @IsArray() @IsObject({ each: true })
  enumDefs?: AtlasEnumDef[];

  @defList('AtlasStructDef: name, attributeDefs') @IsOptional() @IsArray() @IsObject({ each: true })
  structDefs?: AtlasStructDef[];

  @defList('AtlasClassificationDef: name, superTypes, entityTypes, attributeDefs') @IsOptional() @IsArray() @IsObject({ each: true })
  classificationDefs?: AtlasClassificationDef[];

  @defList('AtlasEntityDef: name, superTypes, attributeDefs') @IsOptional() @IsArray() @IsObject({ each: true })
  entityDefs?: AtlasEntityDef[];

  @defList('AtlasRelationshipDef: name, relationshipCategory, propagateTags, endDef1, endDef2') @IsOptional() @IsArray() @IsObject({ each: true })
  relationshipDefs?: AtlasRelationshipDef[];

  @defList('AtlasBusinessMetadataDef: name, attributeDefs (options.applicableEntityTypes)') @IsOptional() @IsArray() @IsObject({ each: true })
  businessMetadataDefs?: AtlasBusinessMetadataDef[];
}
