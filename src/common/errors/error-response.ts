import type { Response } from 'express';

export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

/** Writes an Atlas error body; Basic auth challenges go with every 401. */
export function sendErrorBody(res: Response, status: number, body: Record<string, unknown>): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="atlas"');
  res.status(status);
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.end(JSON.stringify(body));
}
