// Attribute type names: primitives and the composite forms `array<T>` / `map<K,V>` (spec 10.1).
import { AtlasError, ErrorCode } from '../../common/errors';

export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set([
  'boolean', 'byte', 'short', 'int', 'long', 'float', 'double', 'biginteger', 'bigdecimal', 'string', 'date',
]);

export function isPrimitiveType(name: string): boolean {
  return PRIMITIVE_TYPES.has(name);
}

/** Parsed attribute type name. `named` covers primitives and every registered (or unknown) type name. */
export type TypeRef =
  | { kind: 'named'; name: string }
  | { kind: 'array'; element: TypeRef; /** normalised, no blanks */ text: string }
  | { kind: 'map'; key: TypeRef; value: TypeRef; /** normalised, no blanks */ text: string };

const ARRAY_PREFIX = 'array<';
const MAP_PREFIX = 'map<';

// Parsing is on the hot path of TypeSystem.build (one call per attribute): memoise by the raw string.
const parseCache = new Map<string, TypeRef | null>();

/**
 * Parses `array<map<string,x>>` and friends. Returns null when the syntax is broken (unbalanced brackets, empty
 * element, map without a key/value pair). Like Atlas, element names are trimmed.
 */
export function parseTypeName(typeName: string): TypeRef | null {
  let ref = parseCache.get(typeName);
  if (ref === undefined) {
    ref = parse(typeName.trim());
    if (parseCache.size > 50_000) parseCache.clear();
    parseCache.set(typeName, ref);
  }
  return ref;
}

/** parseTypeName that throws ATLAS-400-00-011 on broken syntax. */
export function parseTypeNameOrThrow(typeName: string): TypeRef {
  const ref = typeof typeName === 'string' ? parseTypeName(typeName) : null;
  if (!ref) throw new AtlasError(ErrorCode.INVALID_TYPE_DEFINITION, [typeName]);
  return ref;
}

function parse(text: string): TypeRef | null {
  if (text.length === 0) return null;
  if (text.startsWith(ARRAY_PREFIX)) {
    if (!text.endsWith('>')) return null;
    const inner = text.slice(ARRAY_PREFIX.length, -1).trim();
    const element = parse(inner);
    return element ? { kind: 'array', element, text: `array<${typeRefText(element)}>` } : null;
  }
  if (text.startsWith(MAP_PREFIX)) {
    if (!text.endsWith('>')) return null;
    const inner = text.slice(MAP_PREFIX.length, -1);
    const comma = topLevelComma(inner);
    if (comma < 0) return null;
    const key = parse(inner.slice(0, comma).trim());
    const value = parse(inner.slice(comma + 1).trim());
    return key && value ? { kind: 'map', key, value, text: `map<${typeRefText(key)},${typeRefText(value)}>` } : null;
  }
  // a plain name may not contain the composite syntax characters
  if (/[<>,]/.test(text)) return null;
  return { kind: 'named', name: text };
}

function topLevelComma(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 60 /* < */) depth++;
    else if (c === 62 /* > */) {
      if (--depth < 0) return -1;
    } else if (c === 44 /* , */ && depth === 0) return i;
  }
  return -1;
}

/** Every plain type name a TypeRef mentions (array elements, map keys and values), outermost first. */
export function namedTypesOf(ref: TypeRef, out: string[] = []): string[] {
  switch (ref.kind) {
    case 'named': out.push(ref.name); break;
    case 'array': namedTypesOf(ref.element, out); break;
    case 'map': namedTypesOf(ref.key, out); namedTypesOf(ref.value, out); break;
  }
  return out;
}

/** Innermost element (array) / value (map) type name: `array<map<string,hive_column>>` ⇒ `hive_column`. */
export function leafTypeName(ref: TypeRef): string {
  while (ref.kind !== 'named') ref = ref.kind === 'array' ? ref.element : ref.value;
  return ref.name;
}

export function typeRefText(ref: TypeRef): string {
  return ref.kind === 'named' ? ref.name : ref.text;
}
