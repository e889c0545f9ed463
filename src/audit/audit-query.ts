// Query parameters of GET /admin/expimp/audit (spec 9.2) to an AuditSearch: pure, audit-query.spec.ts beside it.
import { AtlasError, ErrorCode } from '../common/errors';
import { firstOfRepeated } from '../common/query-params';
import type { AuditSearch } from './export-import-audit-entry';

export interface AuditPaging {
  /** page size when `limit` is absent or out of range (spec 9.2: 100) */
  defaultLimit: number;
  /** largest accepted page size (spec 9.2: 10000) */
  maxLimit: number;
}

type QueryValue = string | string[] | undefined;

/** Express gives repeated parameters as arrays: the first one counts. Empty strings are ignored (spec 9.2). */
function text(v: unknown): string | undefined {
  const one = firstOfRepeated(v);
  if (one === undefined || one === null) return undefined;
  const s = String(one);
  return s === '' ? undefined : s;
}

function integer(v: unknown): number | undefined {
  const s = text(v)?.trim();
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** startTime / endTime are exact millisecond matches (Atlas behaviour); text that is not a number is a 400. */
function timestamp(name: string, v: unknown): number | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  const n = integer(s);
  if (n === undefined) throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [`${name}: "${s}" is not a timestamp in milliseconds`]);
  return n;
}

export function parseAuditQuery(query: Record<string, QueryValue | unknown>, paging: AuditPaging): AuditSearch {
  const limit = integer(query.limit);
  const offset = integer(query.offset);
  // spec 9.2: absent or < 0 ⇒ 0; a whole number past the safe range is not "absent": a 400, not page 1 again
  const offsetText = text(query.offset)?.trim();
  if (offset === undefined && offsetText !== undefined && /^\+?\d+$/.test(offsetText)) {
    throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [`offset: "${offsetText}" is too large`]);
  }
  return {
    serverName: text(query.serverName),
    userName: text(query.userName),
    operation: text(query.operation),
    startTime: timestamp('startTime', query.startTime),
    endTime: timestamp('endTime', query.endTime),
    // spec 9.2: absent, <= 0 or above the maximum => the default page size
    limit: limit === undefined || limit <= 0 || limit > paging.maxLimit ? paging.defaultLimit : limit,
    offset: offset === undefined || offset < 0 ? 0 : offset,
  };
}
