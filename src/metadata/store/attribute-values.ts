// Does a value fit its attribute type? Atlas checks every value before it writes (AtlasType.validateValue, through
// AtlasEntityGraphDiscoveryV2.validateAndNormalize) and answers with what it found: "<name>=<value>: invalid value for
// type <type>". As lenient as Atlas's own types: numbers may come as numeric strings, booleans as "true"/"false",
// dates as epoch numbers or date strings, a single value where a list is expected; strings take any value. What
// passes is then stored as Atlas's types normalise it (AtlasType.getNormalizedValue): normalizedValue.
import { parseTypeName, type TypeRef } from '../typesystem/type-names';
import type { TypeLookup } from '../typesystem/resolved-types';

const NUMERIC = new Set(['byte', 'short', 'int', 'long', 'float', 'double', 'biginteger', 'bigdecimal']);

/** Why `value` does not fit `typeName` (`<path>=<value>: invalid value for type <t>`), or undefined when it fits. */
export function valueProblem(typeName: string, value: unknown, types: TypeLookup, path: string): string | undefined {
  const ref = parseTypeName(typeName);
  return ref ? check(ref, value, types, path) : undefined;
}

function check(ref: TypeRef, value: unknown, types: TypeLookup, path: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (ref.kind === 'array') {
    const items = Array.isArray(value) ? value : [value];
    for (let i = 0; i < items.length; i++) {
      const problem = check(ref.element, items[i], types, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (ref.kind === 'map') {
    if (typeof value !== 'object' || Array.isArray(value)) return invalid(path, value, ref.text);
    for (const [k, v] of Object.entries(value)) {
      const problem = check(ref.value, v, types, `${path}.${k}`);
      if (problem) return problem;
    }
    return undefined;
  }
  const name = ref.name;
  if (name === 'string') return undefined;
  if (name === 'boolean') return typeof value === 'boolean' || (typeof value === 'string' && /^(true|false)$/i.test(value)) ? undefined : invalid(path, value, name);
  if (NUMERIC.has(name)) return isNumeric(value) ? undefined : invalid(path, value, name);
  if (name === 'date') return typeof value === 'number' || typeof value === 'string' ? undefined : invalid(path, value, name);
  const enumDef = types.enumDef(name);
  if (enumDef) {
    const ok = enumDef.elementDefs.some((e) => e.value === value || (typeof value === 'number' && e.ordinal === value));
    return ok ? undefined : invalid(path, value, name);
  }
  const struct = types.structType(name);
  if (struct) {
    if (typeof value !== 'object' || Array.isArray(value)) return invalid(path, value, name);
    // an AtlasStruct ({typeName, attributes}) or the attribute map itself
    const v = value as Record<string, unknown>;
    const attributes = (typeof v.attributes === 'object' && v.attributes !== null ? v.attributes : v) as Record<string, unknown>;
    for (const [attrName, attr] of struct.attributes) {
      const problem = valueProblem(attr.def.typeName, attributes[attrName], types, `${path}.${attrName}`);
      if (problem) return problem;
    }
    return undefined;
  }
  return undefined; // entity types and unknown names: references are checked where they are resolved
}

function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}

function invalid(path: string, value: unknown, typeName: string): string {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return `${path}=${shown}: invalid value for type ${typeName}`;
}

/**
 * A value that passed valueProblem, as Atlas stores it (AtlasType.getNormalizedValue): numeric strings become numbers
 * (whole numbers for the integral types, as Java's intValue / longValue), "true" / "false" booleans, date strings
 * epoch milliseconds, enum ordinals their element's value, a single value of a list type a list of one; arrays, maps
 * and structs element by element. A number that a JavaScript number cannot hold exactly is left as it came (spec 2.8).
 * Returns `value` itself when nothing changes.
 */
export function normalizedValue(typeName: string, value: unknown, types: TypeLookup): unknown {
  const ref = parseTypeName(typeName);
  return ref ? normalize(ref, value, types) : value;
}

function normalize(ref: TypeRef, value: unknown, types: TypeLookup): unknown {
  if (value === null || value === undefined) return value;
  if (ref.kind === 'array') {
    if (!Array.isArray(value)) return [normalize(ref.element, value, types)];
    return mapIfChanged(value, (v) => normalize(ref.element, v, types));
  }
  if (ref.kind === 'map') return mapValuesIfChanged(value as Record<string, unknown>, (v) => normalize(ref.value, v, types));
  const name = ref.name;
  if (name === 'string') return value;
  if (name === 'boolean') return typeof value === 'string' ? value.toLowerCase() === 'true' : value;
  if (NUMERIC.has(name)) return normalizedNumber(value, name);
  if (name === 'date') return normalizedDate(value);
  const enumDef = types.enumDef(name);
  if (enumDef) return typeof value === 'number' ? enumDef.elementDefs.find((e) => e.ordinal === value)?.value ?? value : value;
  const struct = types.structType(name);
  if (struct) {
    const v = value as Record<string, unknown>;
    const wrapped = typeof v.attributes === 'object' && v.attributes !== null;
    const attributes = (wrapped ? v.attributes : v) as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const [attrName, attr] of struct.attributes) {
      if (!(attrName in attributes)) continue;
      const n = normalizedValue(attr.def.typeName, attributes[attrName], types);
      if (n !== attributes[attrName]) (out ??= { ...attributes })[attrName] = n;
    }
    if (!out) return value;
    return wrapped ? { ...v, attributes: out } : out;
  }
  return value;
}

function normalizedNumber(value: unknown, name: string): unknown {
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return value;
  if (name === 'float' || name === 'double') return n;
  // big numbers and long decimals that a double cannot hold exactly stay as they came
  const exact = typeof value !== 'string' || String(n) === value.trim();
  if (name === 'bigdecimal') return exact ? n : value;
  const whole = Math.trunc(n); // byte, short, int, long, biginteger: Java's intValue / longValue
  return Number.isSafeInteger(whole) && (exact || Number.isSafeInteger(n)) ? whole : value;
}

function normalizedDate(value: unknown): unknown {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (/^[+-]?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : value;
  }
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : value;
}

function mapIfChanged(items: unknown[], fn: (v: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const n = fn(items[i]);
    if (n !== items[i]) (out ??= items.slice())[i] = n;
  }
  return out ?? items;
}

function mapValuesIfChanged(map: Record<string, unknown>, fn: (v: unknown) => unknown): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(map)) {
    const n = fn(map[k]);
    if (n !== map[k]) (out ??= { ...map })[k] = n;
  }
  return out ?? map;
}
