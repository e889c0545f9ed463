import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

declare module 'express-serve-static-core' {
  interface Request {
    /** set by requestIdMiddleware on every request; logged with failures and returned in X-Request-Id */
    requestId?: string;
  }
}

const ACCEPTABLE = /^[A-Za-z0-9._-]{1,64}$/;

/** Gives every request an id (the caller's X-Request-Id if it is sane, else 16 hex digits) and echoes it. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header(REQUEST_ID_HEADER);
  const id = incoming && ACCEPTABLE.test(incoming) ? incoming : randomBytes(8).toString('hex');
  req.requestId = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}
