import * as os from 'node:os';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Caller } from '../metadata/model';
import { AuthenticatedUser } from './authenticated-user';

const HOST_NAME = os.hostname();

/** Who is calling, from where, served by which host: what Atlas records in results and audits. */
export function callerOf(req: Request): Caller {
  const user = req.user as AuthenticatedUser | undefined;
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  return {
    userName: user?.userName ?? '',
    // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; Atlas reports a.b.c.d
    clientIpAddress: ip.startsWith('::ffff:') ? ip.slice(7) : ip,
    hostName: HOST_NAME,
  };
}

/** `@CallerInfo() caller: Caller` in a handler (STYLE 2: a param decorator, not a request-scoped provider). */
export const CallerInfo = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => callerOf(ctx.switchToHttp().getRequest<Request>()));
