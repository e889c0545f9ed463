import { describe, expect, it } from 'vitest';
import { copyField, copyLine } from './copy-rows';

describe('COPY text encoding', () => {
  it.each([
    [null, '\\N'],
    [undefined, '\\N'],
    ['plain', 'plain'],
    ['tab\there', 'tab\\there'],
    ['line\nbreak\r', 'line\\nbreak\\r'],
    ['back\\slash', 'back\\\\slash'],
    [42, '42'],
    [true, 'true'],
    [{ a: 'x\ty', b: '"q"' }, '{"a":"x\\\\ty","b":"\\\\"q\\\\""}'],
    // JSON escapes control characters itself: the COPY text only doubles its backslashes
    [{ a: 'line\nbreak\r', b: ['back\\slash'] }, '{"a":"line\\\\nbreak\\\\r","b":["back\\\\\\\\slash"]}'],
    [{ plain: 'no escapes' }, '{"plain":"no escapes"}'],
  ])('%j -> %s', (value, encoded) => {
    expect(copyField(value)).toBe(encoded);
  });

  it('joins fields with tabs and ends the line', () => {
    expect(copyLine(['a', null, 1])).toBe('a\t\\N\t1\n');
  });
});
