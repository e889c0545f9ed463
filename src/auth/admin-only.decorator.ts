import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AtlasError, ErrorCode } from '../common/errors';
import { AuthenticatedUser } from './authenticated-user';

export const ADMIN_ACTION = 'atlas:admin-action';

/**
 * Spec 1.2: only admins; anyone else gets 403 ATLAS-403-00-001 "<user> is not authorized to perform <action>".
 * The action is Atlas's text: `export`, `importData`, `importFile`, `get server`, `export import audit`, …
 */
export const AdminOnly = (action: string) =>
  applyDecorators(
    SetMetadata(ADMIN_ACTION, action),
    UseGuards(AdminGuard),
    ApiForbiddenResponse({ description: `ATLAS-403-00-001 — the user is not an admin (action "${action}")` }),
  );

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const action = this.reflector.getAllAndOverride<string | undefined>(ADMIN_ACTION, [context.getHandler(), context.getClass()]);
    if (action === undefined) return true;
    const user = context.switchToHttp().getRequest<Request>().user as AuthenticatedUser | undefined;
    if (!user) throw new AtlasError(ErrorCode.UNAUTHENTICATED);
    if (!user.isAdmin) throw new AtlasError(ErrorCode.UNAUTHORIZED_ACCESS, [user.userName, action]);
    return true;
  }
}
