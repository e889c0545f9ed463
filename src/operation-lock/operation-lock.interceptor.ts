import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { finalize, Observable } from 'rxjs';
import { AtlasError, ErrorCode } from '../common/errors';
import { EXCLUSIVE_OPERATION } from './exclusive-operation.decorator';
import { OperationLockService } from './operation-lock.service';

/**
 * Takes the operation lock for handlers marked @ExclusiveOperation(). It is released when the response ends
 * (success or error body, or cut by a failed export), or, when the client disconnects first, once the handler has
 * stopped too (an import stops at its next batch boundary): until then the work goes on and no other import or
 * export may start (spec P1: one at a time). A client that stops sending its upload or reading the response is cut
 * after CLIENT_IDLE_TIMEOUT (cutStalledClients, app-wide), which counts as a disconnect.
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
    // res.destroy() (a cut export) likewise.
    const release = () => lock.release();
    const end = res.end;
    const destroy = res.destroy;
    // the first end() or destroy() waits for the unlock; calls meanwhile (a sink that destroys its destination, then
    // the service that destroys the response) must not finish the response ahead of it
    let finishing = false;
    const afterUnlock = (finish: (...a: unknown[]) => unknown, args: unknown[]) => {
      if (finishing) return;
      finishing = true;
      void release().finally(() => {
        res.end = end;
        res.destroy = destroy;
        finish.apply(res, args);
      });
    };
    res.end = function endAfterUnlock(this: Response, ...args: unknown[]) {
      afterUnlock(end as (...a: unknown[]) => unknown, args);
      return res;
    } as Response['end'];
    res.destroy = function destroyAfterUnlock(this: Response, ...args: unknown[]) {
      afterUnlock(destroy as (...a: unknown[]) => unknown, args);
      return res;
    } as Response['destroy'];
    if (res.closed || res.destroyed || req.socket.destroyed) {
      // the client left while the lock was being taken: 'close' has fired already and nobody waits for a result
      res.end = end;
      res.destroy = destroy;
      void release();
      throw new AtlasError(ErrorCode.BAD_REQUEST, ['client disconnected']);
    }
    // a client that leaves first: released once the handler has stopped as well
    let handlerDone = false;
    let clientGone = false;
    const releaseWhenBoth = () => {
      if (handlerDone && clientGone) void release();
    };
    res.once('close', () => {
      clientGone = true;
      releaseWhenBoth();
    });
    return next.handle().pipe(
      finalize(() => {
        handlerDone = true;
        releaseWhenBoth();
      }),
    );
  }
}
