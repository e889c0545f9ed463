/**
 * A query parameter as Atlas's JAX-RS @QueryParam reads it: Express hands a repeated parameter over as an array, and
 * the first value counts (`?limit=2&limit=3` is limit 2).
 */
export function firstOfRepeated<T>(value: T | T[]): T {
  return Array.isArray(value) ? value[0] : value;
}
