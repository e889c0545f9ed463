import { describe, expect, it } from 'vitest';
import { JsonArrayError, JsonArraySplitter, splitJsonArray } from './json-array-splitter';

function splitAll(text: string | Buffer, chunkSize: number, max = 1 << 20): unknown[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const splitter = new JsonArraySplitter(max);
  const out: unknown[] = [];
  for (let i = 0; i < bytes.length && !splitter.done; i += chunkSize) {
    for (const element of splitter.push(bytes.subarray(i, i + chunkSize))) out.push(JSON.parse(element.toString('utf8')));
  }
  splitter.end();
  return out;
}

const TRICKY = [
  { entity: { typeName: 't', guid: 'g1', attributes: { s: 'brace } and ] and { [ inside', q: 'quote \\" escaped \\\\', n: [1, [2, { x: 3 }]] } } },
  { entity: { typeName: 't', guid: 'g2', attributes: { u: 'ünïcødé ✓ 𝄞', e: '' } }, referredEntities: {} },
  { entity: { typeName: 't', guid: 'g3', attributes: { backslashAtEnd: 'a\\' } } },
];

describe('JsonArraySplitter', () => {
  it('splits an array of objects at every chunk size, strings and escapes included', () => {
    const text = ` \n[ ${TRICKY.map((o) => JSON.stringify(o)).join(' ,\n ')} ] `;
    for (const size of [1, 2, 3, 5, 7, 64, 100000]) {
      expect(splitAll(text, size)).toEqual(TRICKY);
    }
  });

  it('reads an empty array', () => {
    expect(splitAll('[]', 1)).toEqual([]);
    expect(splitAll(' [ \n ] ', 2)).toEqual([]);
  });

  it('tolerates a UTF-8 byte order mark', () => {
    expect(splitAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')]), 4)).toEqual([{ a: 1 }]);
  });

  it('ignores what follows the closing bracket', () => {
    expect(splitAll('[{"a":1}] trailing garbage {', 3)).toEqual([{ a: 1 }]);
  });

  it('hands out `{}` like any other element (the caller decides to stop)', () => {
    expect(splitAll('[{"a":1},{},{"b":2}]', 4)).toEqual([{ a: 1 }, {}, { b: 2 }]);
  });

  it('rejects what is not an array of objects', () => {
    expect(() => splitAll('{"a":1}', 4)).toThrow(/expected a JSON array/);
    expect(() => splitAll('[1,2]', 4)).toThrow(/element 0 is not a JSON object/);
    expect(() => splitAll('[{"a":1},"x"]', 4)).toThrow(/element 1 is not a JSON object/);
    expect(() => splitAll('[{"a":1} {"b":2}]', 4)).toThrow(/expected ',' or ']' after element 0/);
    expect(() => splitAll('[{"a":1},]', 4)).toThrow(/element 1 is not a JSON object/);
    expect(() => splitAll('', 4)).toThrow(/found no content/);
  });

  it('rejects an unterminated array or element', () => {
    expect(() => splitAll('[{"a":1},{"b":', 3)).toThrow(/unexpected end of the array at element 1/);
    expect(() => splitAll('[{"a":1}', 3)).toThrow(JsonArrayError);
  });

  it('bounds the size of one element', () => {
    const big = JSON.stringify({ pad: 'x'.repeat(1000) });
    expect(() => splitAll(`[${big}]`, 100, 500)).toThrow(/element 0 is larger than the limit of 500 bytes/);
    expect(() => splitAll(`[${big}]`, 5000, 500)).toThrow(/larger than the limit/);
    expect(splitAll(`[${big}]`, 100, 2000)).toHaveLength(1);
  });

  it('splitJsonArray stops reading at the end of the array', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      for (const part of ['[{"a":1},', '{"b":2}]', 'never read']) {
        pulled++;
        yield Buffer.from(part);
      }
    }
    const out: unknown[] = [];
    for await (const element of splitJsonArray(source(), 1000)) out.push(JSON.parse(element.toString()));
    expect(out).toEqual([{ a: 1 }, { b: 2 }]);
    expect(pulled).toBe(2);
  });
});
