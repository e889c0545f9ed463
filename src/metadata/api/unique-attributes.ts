// Atlas's `attr:<name>=<value>` query convention (EntityREST.getAttributes) and the Java Map text its error
// messages print, e.g. `Instance hive_db with unique attribute {qualifiedName=sales@cl1} does not exist`.
import { AtlasError, ErrorCode } from '../../common/errors';
import { firstOfRepeated } from '../../common/query-params';
import type { ResolvedEntityType } from '../typesystem/resolved-types';

export const UNIQUE_ATTRIBUTE_PREFIX = 'attr:';

/** `{ 'attr:qualifiedName': 'x' }` -> `{ qualifiedName: 'x' }`; a repeated parameter keeps its first value, as Atlas. */
export function uniqueAttributesFromQuery(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(query ?? {})) {
    if (!key.startsWith(UNIQUE_ATTRIBUTE_PREFIX)) continue;
    const name = key.slice(UNIQUE_ATTRIBUTE_PREFIX.length);
    const value = firstOfRepeated(raw);
    if (name.length > 0 && typeof value === 'string') out[name] = value;
  }
  return out;
}

/** Java's `AbstractMap.toString()`: `{a=1, b=2}`. */
export function javaMapText(map: Record<string, unknown>): string {
  return `{${Object.entries(map).map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

/** `?guid=a&guid=b` and `?guid=a` alike; blanks dropped, order kept, duplicates removed. */
export function queryList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return [...new Set(list.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}

/**
 * Atlas's EntityREST.validateUniqueAttribute: at least one attribute, each a unique attribute of the type
 * (own or inherited), else 400 ATLAS-400-00-013.
 */
export function checkUniqueAttributes(type: ResolvedEntityType, attrs: Record<string, unknown>): void {
  const names = Object.keys(attrs);
  if (names.length === 0) throw new AtlasError(ErrorCode.ATTRIBUTE_UNIQUE_INVALID, [type.name, '']);
  for (const name of names) {
    if (!type.attributes.get(name)?.isUnique) throw new AtlasError(ErrorCode.ATTRIBUTE_UNIQUE_INVALID, [type.name, name]);
  }
}
