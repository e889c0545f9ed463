// AtlasImportRequest parsing (spec 5.1, 5.3, P4): option values are strings in Atlas; we also take numbers and
// booleans (as their text) and, for `transforms` / `transformers`, JSON objects or arrays.
import { serverReferenceProblem } from '../atlas-server/server-name';
import { AtlasError, ErrorCode } from '../common/errors';

/** Options as Atlas would see them: every value a string, except transforms / transformers kept as given. */
export interface ImportOptions {
  raw: Record<string, unknown>;
  /** echo for the result: every value a string (spec 5.3) */
  echo: Record<string, string>;
  transforms?: unknown;
  transformers?: unknown;
  updateTypeDefinition: boolean;
  startGuid?: string;
  startPosition?: number;
  replicatedFrom?: string;
  skipUpdateReplicationAttr: boolean;
  fileName?: string;
  format: 'standard' | 'zipDirect';
  size: number;
}

const JSON_VALUED = new Set(['transforms', 'transformers']);

/** Parses the `request` part / importfile body. Absent or blank ⇒ `{}`. */
export function parseImportRequest(input: unknown): ImportOptions {
  let request: unknown = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    const text = input.toString().trim();
    if (text === '') request = {};
    else {
      try {
        request = JSON.parse(text);
      } catch (e) {
        throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [`request: not valid JSON (${(e as Error).message})`]);
      }
    }
  }
  if (request === undefined || request === null) request = {};
  if (typeof request !== 'object' || Array.isArray(request)) {
    throw new AtlasError(ErrorCode.INVALID_PARAMETERS, ['request: must be a JSON object with an "options" map']);
  }
  const body = request as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  // unknown top-level scalar members are options too (spec 5.1)
  for (const [k, v] of Object.entries(body)) {
    if (k === 'options' || k === 'sizeOption') continue;
    if (v === null || typeof v !== 'object') raw[k] = v;
  }
  const options = body.options;
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object' || Array.isArray(options)) {
      throw new AtlasError(ErrorCode.INVALID_PARAMETERS, ['options: must be a map of option name to value']);
    }
    Object.assign(raw, options);
  }
  return normaliseOptions(raw);
}

export function normaliseOptions(raw: Record<string, unknown>): ImportOptions {
  const echo: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || v === null) continue;
    // U+0000 cannot be stored (PostgreSQL text): refused before anything is written
    if (`${k}${typeof v === 'string' ? v : ''}`.includes('\0')) {
      throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [`${k.replaceAll('\0', '\\u0000')}: the option holds the NUL character (\\u0000)`]);
    }
    if (typeof v === 'string') echo[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') echo[k] = String(v);
    else if (JSON_VALUED.has(k)) echo[k] = JSON.stringify(v);
    else throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [`${k}: option values must be strings, numbers or booleans`]);
  }
  // spec 5.8: startGuid wins when both are given (zipDirect ignores startGuid): then startPosition is not read
  const positionUsed = echo.format === 'zipDirect' || blankToUndefined(echo.startGuid) === undefined;
  const startPosition = !positionUsed || echo.startPosition === undefined || echo.startPosition.trim() === '' ? undefined : integerOption('startPosition', echo.startPosition);
  const size = echo.size === undefined || echo.size.trim() === '' ? 1 : integerOption('size', echo.size);
  return {
    raw,
    echo,
    transforms: raw.transforms ?? undefined,
    transformers: raw.transformers ?? undefined,
    // spec 5.3: absent or exactly "true" imports types; any other value skips the type step
    updateTypeDefinition: echo.updateTypeDefinition === undefined || echo.updateTypeDefinition === 'true',
    startGuid: blankToUndefined(echo.startGuid),
    startPosition,
    replicatedFrom: serverReference(blankToUndefined(echo.replicatedFrom)),
    skipUpdateReplicationAttr: echo.skipUpdateReplicationAttr === 'true',
    fileName: blankToUndefined(echo.fileName),
    format: echo.format === 'zipDirect' ? 'zipDirect' : 'standard',
    size,
  };
}

function integerOption(name: string, text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [`${name}: "${text}" is not an integer`]);
  return Number(text.trim());
}

function serverReference(v: string | undefined): string | undefined {
  const problem = serverReferenceProblem(v);
  if (problem) throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [`replicatedFrom: ${problem}, not "${v!.slice(0, 40)}…"`]);
  return v;
}

function blankToUndefined(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

/**
 * spec 5.8: the index of the first unit to import. `startGuid` wins: start after its first occurrence (not found ⇒
 * 0). `startPosition` n ⇒ n + 1 (the index of the last unit already imported). zipDirect: startPosition n skips n.
 */
/**
 * spec P9: the `lastCommittedPosition` a result, an error body or an audit reports, as the `startPosition` that
 * resumes after the unit at `position`: its index in the export order (5.8: "treated as the index of the last entity
 * already imported"), or for zipDirect the number of array elements done (5.8: "skips the first n array elements").
 */
export function resumePosition(format: ImportOptions['format'], position: number): number {
  return format === 'zipDirect' ? position + 1 : position;
}

export function startIndex(options: ImportOptions, order: { indexOf(guid: string): number }): number {
  if (options.format === 'zipDirect') return Math.max(0, options.startPosition ?? 0);
  if (options.startGuid !== undefined) {
    const i = order.indexOf(options.startGuid);
    return i < 0 ? 0 : i + 1;
  }
  if (options.startPosition !== undefined) return Math.max(0, options.startPosition + 1);
  return 0;
}
