import { ApiPropertyOptional } from '@nestjs/swagger';
import type { AtlasEntityHeader, EntityMutationResponse } from '../../model';

/** Response shape only (OpenAPI): Atlas's EntityMutationResponse. */
export class EntityMutationResponseDto implements EntityMutationResponse {
  @ApiPropertyOptional({
    type: 'object',
    description: 'operation (CREATE, UPDATE, PARTIAL_UPDATE, DELETE) -> AtlasEntityHeader[] {guid, typeName, status, attributes: {qualifiedName, name}}',
    additionalProperties: { type: 'array', items: { type: 'object' } },
  })
  mutatedEntities?: Partial<Record<'CREATE' | 'UPDATE' | 'PARTIAL_UPDATE' | 'DELETE' | 'PURGE', AtlasEntityHeader[]>>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'placeholder guid (e.g. "-1") -> assigned guid' })
  guidAssignments?: Record<string, string>;
}
