import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import type { AtlasExportRequest, AtlasObjectId } from '../../metadata/model';

// AtlasExportRequest (spec 3.1). Unknown top-level members are dropped (Atlas ignores them); `options` stays a
// free-form map so unknown keys are kept and echoed in the result; the known ones are checked by
// parseExportOptions (export-options.ts), which names a bad one in a 400.

export class ExportItemDto implements AtlasObjectId {
  @ApiPropertyOptional({ description: 'when set, typeName and uniqueAttributes are ignored' }) @IsOptional() @IsString()
  guid?: string;

  @ApiPropertyOptional({ example: 'hive_db', description: 'with matchType forType: a comma-separated list of type names' })
  @IsOptional() @IsString()
  typeName?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { qualifiedName: 'stocks@cl1' } })
  @IsOptional() @IsObject()
  uniqueAttributes?: Record<string, unknown>;
}

export class ExportRequestDto implements AtlasExportRequest {
  @ApiPropertyOptional({ type: [ExportItemDto] }) @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => ExportItemDto)
  itemsToExport?: ExportItemDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { fetchType: 'full', matchType: 'startsWith', skipLineage: false, changeMarker: 0, replicatedTo: 'cl2', omitZipResponseForEmptyExport: false },
    description: 'fetchType full|connected|incremental; matchType startsWith|endsWith|contains|matches|forType; skipLineage; changeMarker (incremental); replicatedTo; skipUpdateReplicationAttr; omitZipResponseForEmptyExport',
  })
  @IsOptional() @IsObject()
  options?: Record<string, unknown>;

  [extra: string]: unknown;
}
