/** Deepest nesting of arrays and objects a JSON request body may have (Atlas's JSON nests about ten levels). */
export const MAX_JSON_DEPTH = 512;

/**
 * Whether a JSON text nests arrays and objects deeper than `limit` (brackets inside strings do not count). A byte scan
 * that builds nothing: it runs before the body is parsed, so that a small but deep body is refused up front rather
 * than overflowing the stack of whatever walks the parsed value (class-transformer does, recursively).
 * Multi-byte UTF-8 sequences contain no ASCII bytes, so the scan works on the raw bytes.
 */
export function jsonNestsDeeperThan(text: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * Whether a JSON text holds the escape `\u0000` in a string or a member name: U+0000, which PostgreSQL text cannot
 * store (every query with it fails). A byte scan like jsonNestsDeeperThan; a raw 0x00 byte is invalid JSON anyway.
 */
export function jsonHasNulEscape(text: Uint8Array): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c) {
        // \u0000: backslash, 'u' and four '0' digits
        if (text[i + 1] === 0x75 && text[i + 2] === 0x30 && text[i + 3] === 0x30 && text[i + 4] === 0x30 && text[i + 5] === 0x30) return true;
        i++; // the next byte is escaped
      } else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    }
  }
  return false;
}
