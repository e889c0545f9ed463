// AtlasExportRequest.options (spec 3.2), normalised in one place (STYLE 4). Atlas silently turns a bad value into
// the default (or fails with 500 on a bad changeMarker); the product answers 400 ATLAS-400-00-01A naming the option
// when a value has the wrong type, and keeps Atlas's defaults for recognised types with unrecognised values
// (fetchType "foo" ⇒ full, matchType "CONTAINS" ⇒ exact match).
import { serverReferenceProblem } from '../atlas-server/server-name';
import { AtlasError, ErrorCode } from '../common/errors';
import type { AttributeMatch } from '../metadata/store/export-reader';

export type FetchType = 'full' | 'connected' | 'incremental';

export const OPTION_FETCH_TYPE = 'fetchType';
export const OPTION_MATCH_TYPE = 'matchType';
export const OPTION_SKIP_LINEAGE = 'skipLineage';
export const OPTION_CHANGE_MARKER = 'changeMarker';
export const OPTION_REPLICATED_TO = 'replicatedTo';
export const OPTION_SKIP_UPDATE_REPLICATION_ATTR = 'skipUpdateReplicationAttr';
export const OPTION_OMIT_ZIP_RESPONSE_FOR_EMPTY_EXPORT = 'omitZipResponseForEmptyExport';

export const MATCH_TYPE_FOR_TYPE = 'forType';
const ATTRIBUTE_MATCHES: readonly AttributeMatch[] = ['startsWith', 'endsWith', 'contains', 'matches'];
const FETCH_TYPES: readonly FetchType[] = ['full', 'connected', 'incremental'];

export interface ExportOptions {
  fetchType: FetchType;
  /** the matchType as given (converted to text), when given */
  matchType?: string;
  /** spec 3.3 (2): exactly `forType` */
  forType: boolean;
  /** spec 3.3 (3): the predicate for typeName + uniqueAttributes items */
  attributeMatch: AttributeMatch;
  skipLineage: boolean;
  /** spec 3.5 / P8: only read for incremental exports, 0 otherwise */
  changeMarker: number;
  replicatedTo?: string;
  skipUpdateReplicationAttr: boolean;
  omitZipResponseForEmptyExport: boolean;
}

export function parseExportOptions(options: Record<string, unknown> | undefined | null): ExportOptions {
  const o = options ?? {};
  const fetchType = parseFetchType(o[OPTION_FETCH_TYPE]);
  const matchType = parseMatchType(o[OPTION_MATCH_TYPE]);
  return {
    fetchType,
    matchType,
    forType: matchType === MATCH_TYPE_FOR_TYPE,
    attributeMatch: ATTRIBUTE_MATCHES.includes(matchType as AttributeMatch) ? (matchType as AttributeMatch) : 'exact',
    skipLineage: parseBoolean(OPTION_SKIP_LINEAGE, o[OPTION_SKIP_LINEAGE]),
    // Atlas reads the marker only for incremental exports (AtlasExportRequest.getChangeTokenFromOptions)
    changeMarker: fetchType === 'incremental' ? parseChangeMarker(o[OPTION_CHANGE_MARKER]) : 0,
    replicatedTo: serverReference(OPTION_REPLICATED_TO, parseString(OPTION_REPLICATED_TO, o[OPTION_REPLICATED_TO])),
    skipUpdateReplicationAttr: parseBoolean(OPTION_SKIP_UPDATE_REPLICATION_ATTR, o[OPTION_SKIP_UPDATE_REPLICATION_ATTR]),
    omitZipResponseForEmptyExport: parseBoolean(OPTION_OMIT_ZIP_RESPONSE_FOR_EMPTY_EXPORT, o[OPTION_OMIT_ZIP_RESPONSE_FOR_EMPTY_EXPORT]),
  };
}

function bad(option: string, expected: string, value: unknown): AtlasError {
  return new AtlasError(ErrorCode.INVALID_PARAMETERS, [`options.${option} must be ${expected} (got ${JSON.stringify(value)})`]);
}

/** compared case-insensitively; absent or unrecognised text ⇒ full (spec 3.2) */
function parseFetchType(v: unknown): FetchType {
  if (v === undefined || v === null) return 'full';
  if (typeof v !== 'string') throw bad(OPTION_FETCH_TYPE, 'one of "full", "connected", "incremental"', v);
  const lower = v.toLowerCase() as FetchType;
  return FETCH_TYPES.includes(lower) ? lower : 'full';
}

/** case-sensitive; numbers and booleans become their text, as Atlas's toString() does (spec 3.2) */
function parseMatchType(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw bad(OPTION_MATCH_TYPE, 'a string', v);
}

function parseBoolean(option: string, v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const lower = v.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false' || lower === '') return false;
  }
  throw bad(option, 'true or false', v);
}

/** a long, as a JSON number or numeric text (spec 3.2); Atlas fails with 500 on anything else, we answer 400 */
function parseChangeMarker(v: unknown): number {
  if (v === undefined || v === null) return 0;
  // within a long and a safe JavaScript integer: change sequences are far below either
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v.trim()) : NaN;
  if (Number.isSafeInteger(n)) return Math.max(0, n);
  throw bad(OPTION_CHANGE_MARKER, 'a whole number (the changeMarker of an earlier export result)', v);
}

function serverReference(option: string, v: string | undefined): string | undefined {
  const problem = serverReferenceProblem(v);
  if (problem) throw bad(option, problem, `${v!.slice(0, 40)}…`);
  return v;
}

function parseString(option: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  throw bad(option, 'a string', v);
}
