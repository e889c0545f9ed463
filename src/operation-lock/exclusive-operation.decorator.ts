import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiConflictResponse } from '@nestjs/swagger';

export const EXCLUSIVE_OPERATION = 'atlas:exclusive-operation';

/**
 * Spec P1: the handler runs only while holding the operation lock shared by every server process; otherwise
 * 409 ATLAS-500-00-006 at once. The lock is held until the response ends or the client disconnects.
 */
export const ExclusiveOperation = () =>
  applyDecorators(
    SetMetadata(EXCLUSIVE_OPERATION, true),
    ApiConflictResponse({ description: 'ATLAS-500-00-006 — another import or export is in progress' }),
  );
