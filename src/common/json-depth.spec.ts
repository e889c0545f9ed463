import { describe, expect, it } from 'vitest';
import { jsonHasNulEscape, jsonNestsDeeperThan } from './json-depth';

const deep = (n: number) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`);

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects, up to and past the limit', () => {
    expect(jsonNestsDeeperThan(deep(3), 3)).toBe(false);
    expect(jsonNestsDeeperThan(deep(4), 3)).toBe(true);
    expect(jsonNestsDeeperThan(Buffer.from('{"a":{"b":[{"c":1}]}}'), 4)).toBe(false);
    expect(jsonNestsDeeperThan(Buffer.from('{"a":{"b":[{"c":[1]}]}}'), 4)).toBe(true);
  });

  it('siblings do not add up', () => {
    expect(jsonNestsDeeperThan(Buffer.from('[[1],[2],[3],{"a":4}]'), 2)).toBe(false);
  });

  it('brackets inside strings, escaped quotes included, do not count', () => {
    expect(jsonNestsDeeperThan(Buffer.from('["[[[[{{{{", "\\"[[[[", "\\\\", "é[["]'), 1)).toBe(false);
    expect(jsonNestsDeeperThan(Buffer.from('["\\\\", [[1]]]'), 2)).toBe(true);
  });
});

describe('jsonHasNulEscape', () => {
  it('finds \\u0000 in values and member names, not an escaped backslash before "u0000"', () => {
    expect(jsonHasNulEscape(Buffer.from('{"a":"x\\u0000y"}'))).toBe(true);
    expect(jsonHasNulEscape(Buffer.from('{"a\\u0000":1}'))).toBe(true);
    expect(jsonHasNulEscape(Buffer.from('{"a":"x\\\\u0000y"}'))).toBe(false);
    expect(jsonHasNulEscape(Buffer.from('{"a":"x\\u0001 \\"\\u00001"}'))).toBe(true);
    expect(jsonHasNulEscape(Buffer.from('{"a":"\\u00e9","u0000":"\\n"}'))).toBe(false);
  });
});
