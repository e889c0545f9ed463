import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, ValidateBy, ValidateNested, type ValidationOptions } from 'class-validator';
import type {
  AtlasClassification, AtlasEntitiesWithExtInfo, AtlasEntity, AtlasEntityWithExtInfo, EntityStatus, TimeBoundary,
} from '../../model';

// DTOs mirroring Atlas's instance classes (STYLE 4). Attribute maps stay free-form: what an attribute may hold
// depends on the type system, which the store checks (unknown type 400 ATLAS-400-00-014, missing mandatory
// attribute 404 ATLAS-404-00-007, bad enum value 400 ATLAS-400-00-03C).

const STATUSES: EntityStatus[] = ['ACTIVE', 'DELETED'];

/** A map whose every value is a JSON object (referredEntities: guid -> AtlasEntity). */
function IsMapOfObjects(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isMapOfObjects',
    validator: {
      validate: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value)
        && Object.values(value).every((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
      defaultMessage: (args) => `${args?.property} must be an object whose values are objects`,
    },
  }, options);
}

export class AtlasClassificationDto implements AtlasClassification {
  @ApiProperty({ example: 'PII' }) @IsString()
  typeName: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject()
  attributes?: Record<string, unknown>;

  @ApiPropertyOptional() @IsOptional() @IsString()
  entityGuid?: string;

  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES)
  entityStatus?: EntityStatus;

  @ApiPropertyOptional({ description: 'defaults to true when added through the entity API' }) @IsOptional() @IsBoolean()
  propagate?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  removePropagationsOnEntityDelete?: boolean;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) @IsOptional() @IsArray() @IsObject({ each: true })
  validityPeriods?: TimeBoundary[];
}

export class AtlasEntityDto implements AtlasEntity {
  @ApiProperty({ example: 'hive_table' }) @IsString()
  typeName: string;

  @ApiPropertyOptional({ description: 'absent or negative (e.g. "-1"): a placeholder, replaced by a new guid' }) @IsOptional() @IsString()
  guid?: string;

  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES)
  status?: EntityStatus;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { qualifiedName: 'sales.orders@cl1', name: 'orders' } })
  @IsOptional() @IsObject()
  attributes?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject()
  relationshipAttributes?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [AtlasClassificationDto] }) @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => AtlasClassificationDto)
  classifications?: AtlasClassificationDto[];

  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true })
  labels?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) @IsOptional() @IsObject()
  customAttributes?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject()
  businessAttributes?: Record<string, Record<string, unknown>>;

  @ApiPropertyOptional() @IsOptional() @IsString()
  homeId?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  isIncomplete?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsInt()
  provenanceType?: number;

  // system attributes: read-only through the API (the store stamps them), accepted so GET output can be posted back
  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString()
  createdBy?: string;

  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString()
  updatedBy?: string;

  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsNumber()
  createTime?: number;

  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsNumber()
  updateTime?: number;

  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsNumber()
  version?: number;

  [extra: string]: unknown;
}

export class AtlasEntityWithExtInfoDto implements AtlasEntityWithExtInfo {
  @ApiProperty({ type: AtlasEntityDto }) @IsDefined() @ValidateNested() @Type(() => AtlasEntityDto)
  entity: AtlasEntityDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'object' }, description: 'guid -> AtlasEntity' })
  @IsOptional() @IsMapOfObjects()
  referredEntities?: Record<string, AtlasEntity>;
}

export class AtlasEntitiesWithExtInfoDto implements AtlasEntitiesWithExtInfo {
  @ApiProperty({ type: [AtlasEntityDto] }) @IsArray() @ValidateNested({ each: true }) @Type(() => AtlasEntityDto)
  entities: AtlasEntityDto[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'object' }, description: 'guid -> AtlasEntity' })
  @IsOptional() @IsMapOfObjects()
  referredEntities?: Record<string, AtlasEntity>;
}
