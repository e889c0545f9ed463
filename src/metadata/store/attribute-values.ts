// Does a value fit its attribute type? Atlas checks every value before it writes (AtlasType.validateValue, through
// AtlasEntityGraphDiscoveryV2.validateAndNormalize) and answers with what it found: "<name>=<value>: invalid value for
// type <type>". As lenient as Atlas's own types: numbers may come as numeric strings, booleans as "true"/"false",
// dates as epoch numbers or date strings, a single value where a list is expected; strings take any value.
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
