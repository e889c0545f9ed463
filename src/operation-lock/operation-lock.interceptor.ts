import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable } from 'rxjs';
import { AtlasError, ErrorCode } from '../common/errors';
import { EXCLUSIVE_OPERATION } from './exclusive-operation.decorator';
import { OperationLockService } from './operation-lock.service';

/**
 * Takes the operation lock for handlers marked @ExclusiveOperation(). The lock is tied to the HTTP exchange,
 * not to the handler's observable: export handlers stream through @Res(), possibly returning before the
 * archive is written. It is released when the response ends (success or error body) and when the client
 * disconnects (the response's 'close').
 */
@Injectable()
export class OperationLockInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly locks: OperationLockService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const exclusive = this.reflector.getAllAndOverride<boolean>(EXCLUSIVE_OPERATION, [context.getHandler(), context.getClass()]);
    if (!exclusive || context.getType() !== 'http') return next.handle();

    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const lock = await this.locks.tryAcquire();
    if (!lock) {
      const error = new AtlasError(ErrorCode.FAILED_TO_OBTAIN_IMPORT_EXPORT_LOCK);
      // spec P1: the body also carries the code Atlas's documentation shows
      error.extra = { ATLAS5005E: error.message };
      throw error;
    }
    // The lock must be free before the client sees the end of the response, or a client that sends its next
    // import right after an export could get a 409 (Atlas releases in a finally before the response completes).
    // So the final res.end() waits for the unlock; 'close' covers a client that disconnects first.
    const release = () => lock.release();
    const end = res.end;
    res.end = function endAfterUnlock(this: Response, ...args: unknown[]) {
      res.end = end;
      void release().finally(() => (end as (...a: unknown[]) => Response).apply(res, args));
      return res;
    } as Response['end'];
    res.once('close', () => void release());
    if (res.closed || res.destroyed || req.socket.destroyed) {
      // the client left while the lock was being taken: 'close' has fired already and nobody waits for a result
      res.end = end;
      void release();
      throw new AtlasError(ErrorCode.BAD_REQUEST, ['client disconnected']);
    }
    return next.handle();
  }
}
