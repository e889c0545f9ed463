import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AtlasError, ErrorCode } from '../common/errors';
import { AuthenticatedUser } from './authenticated-user';
import { BASIC_STRATEGY } from './basic.strategy';
import { IS_PUBLIC } from './public.decorator';

/**
 * Global guard: every route needs valid Basic credentials unless marked @Public(). Swagger (/api/docs,
 * /api/docs-json) is mounted outside Nest's router and so is never guarded.
 */
@Injectable()
export class BasicAuthGuard extends AuthGuard(BASIC_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  // the filter renders this as 401 with `WWW-Authenticate: Basic realm="atlas"`
  override handleRequest<TUser = AuthenticatedUser>(err: unknown, user: TUser | false): TUser {
    if (err) throw err;
    if (!user) throw new AtlasError(ErrorCode.UNAUTHENTICATED);
    return user;
  }
}
