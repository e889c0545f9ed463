import type { NextFunction, Request, Response } from 'express';
import { JSON_CONTENT_TYPE } from './errors/error-response';

/**
 * Spec 1.1: JSON responses are `application/json; charset=UTF-8`. Express writes the charset in lower case
 * (res.json → res.send), so the header is rewritten as it is set.
 */
export function jsonCharsetMiddleware(_req: Request, res: Response, next: NextFunction): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) => {
    if (typeof value === 'string' && name.toLowerCase() === 'content-type' && /^application\/json;\s*charset=utf-8$/i.test(value)) {
      return setHeader(name, JSON_CONTENT_TYPE);
    }
    return setHeader(name, value);
  }) as Response['setHeader'];
  next();
}
