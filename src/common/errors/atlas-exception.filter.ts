import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AtlasError } from './atlas-error';
import { ErrorCode, ErrorCodeDef, formatMessage } from './error-codes';
import { sendErrorBody } from './error-response';

/**
 * STYLE 5: the one filter. Every failure leaves as `{ errorCode, errorMessage }` with its HTTP status (spec 1.4):
 * AtlasError as catalogued; Nest's HttpExceptions (unknown route, multer limits, guards) mapped onto the
 * catalogue; anything else is a 500 ATLAS-500-00-001 that names only the request id, never internals.
 */
@Catch()
export class AtlasExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) {
      // A streaming response (an export) failed midway: a JSON body can no longer be sent, and ending the
      // response normally would hand the client a truncated archive that looks complete. Cut the connection.
      this.logger.error(`[${req.requestId}] ${req.method} ${req.url} failed after the response started: ${describe(exception)}`);
      res.destroy();
      return;
    }
    if (!req.complete && req.socket.destroyed) {
      // the client left (or was cut for stalling) before its request was whole, an upload mostly: nobody to answer,
      // and nothing went wrong on this side
      this.logger.warn(`[${req.requestId}] ${req.method} ${req.url}: the client went away before its request was complete (${(exception as Error)?.message ?? exception})`);
      return;
    }
    const { status, body } = this.toAtlas(exception, req);
    if (status === 405) res.setHeader('Allow', allowedMethods(req).join(', '));
    sendErrorBody(res, status, body);
  }

  private toAtlas(exception: unknown, req: Request): { status: number; body: Record<string, unknown> } {
    if (exception instanceof AtlasError) {
      if (exception.httpStatus >= 500) this.logger.error(`[${req.requestId}] ${req.method} ${req.url}: ${describe(exception)}`);
      return { status: exception.httpStatus, body: exception.body() };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Nest's router found no route ("Cannot GET /x"), but the path has other methods: 405, as Atlas (Jersey) answers
      const allowed = status === 404 && /^Cannot [A-Z]+ /.test(exception.message) ? allowedMethods(req) : [];
      if (allowed.length > 0) {
        return { status: 405, body: body(ErrorCode.METHOD_NOT_ALLOWED, [req.method, req.path, allowed.join(', ')]) };
      }
      if (status >= 500) this.logger.error(`[${req.requestId}] ${req.method} ${req.url}: ${describe(exception)}`);
      return { status, body: httpExceptionBody(status, exception, req) };
    }
    // errors from express middleware (body-parser) carry a status of their own
    const foreignStatus = statusOf(exception);
    if (foreignStatus !== undefined && foreignStatus >= 400 && foreignStatus < 500) {
      return { status: foreignStatus, body: statusBody(foreignStatus, (exception as Error).message ?? '', req) };
    }
    this.logger.error(`[${req.requestId}] ${req.method} ${req.url}: ${describe(exception)}`);
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: body(ErrorCode.INTERNAL_ERROR, [`(request id ${req.requestId ?? 'unknown'})`]),
    };
  }
}

function httpExceptionBody(status: number, exception: HttpException, req: Request): Record<string, unknown> {
  const response = exception.getResponse();
  let message = exception.message;
  if (typeof response === 'object' && response !== null) {
    const m = (response as { message?: unknown }).message;
    if (Array.isArray(m)) message = m.join('; ');
    else if (typeof m === 'string') message = m;
  } else if (typeof response === 'string') {
    message = response;
  }
  return statusBody(status, message, req);
}

/** a catalogue entry for a bare HTTP status */
function statusBody(status: number, message: string, req: Request): Record<string, unknown> {
  switch (status) {
    case 400:
      return body(ErrorCode.BAD_REQUEST, [message]);
    case 401:
      return body(ErrorCode.UNAUTHENTICATED, []);
    case 404:
      // Nest's router says "Cannot GET /x"; name the resource the Atlas way
      return body(ErrorCode.RESOURCE_NOT_FOUND, [/^Cannot [A-Z]+ /.test(message) ? `${req.method} ${req.path}` : message]);
    case 413:
      return body(ErrorCode.PAYLOAD_TOO_LARGE, [message]);
    default:
      return { errorCode: `ATLAS-${status}-00-000`, errorMessage: message };
  }
}

function body(code: ErrorCodeDef, params: unknown[]): Record<string, unknown> {
  return { errorCode: code.errorCode, errorMessage: formatMessage(code.template, params) };
}

/** Methods the app routes for this path (Express's route table; GET implies HEAD), sorted; [] for an unknown path. */
function allowedMethods(req: Request): string[] {
  type RouteLayer = { route?: { methods: Record<string, boolean> }; match(path: string): boolean };
  const stack = (req.app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || !layer.match(req.path)) continue;
    for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') methods.add(m.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

function statusOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const s = (e as { status?: unknown; statusCode?: unknown }).status ?? (e as { statusCode?: unknown }).statusCode;
  return typeof s === 'number' ? s : undefined;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}
