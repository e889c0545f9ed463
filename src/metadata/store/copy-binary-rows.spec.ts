import { describe, expect, it } from 'vitest';
import { copyBinaryRows, CopyBinaryRowParser } from './copy-binary-rows';

/** A binary COPY stream of text rows, as PostgreSQL writes it. */
function copyStream(rows: Array<Array<string | null>>): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), u32(0), u32(0)];
  for (const row of rows) {
    const n = Buffer.alloc(2);
    n.writeInt16BE(row.length);
    parts.push(n);
    for (const f of row) {
      if (f === null) parts.push(i32(-1));
      else {
        const b = Buffer.from(f, 'utf8');
        parts.push(i32(b.length), b);
      }
    }
  }
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1);
  parts.push(end);
  return Buffer.concat(parts);
}
function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
}
function i32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}

const ROWS = [['a', '{"x":"é"}'], ['b', null], ['', 'x'.repeat(20_000)]];
const text = (rows: Array<Array<Buffer | null>>) => rows.map((r) => r.map((f) => (f === null ? null : f.toString('utf8'))));

describe('binary COPY rows', () => {
  it('parses rows from one chunk', () => {
    const p = new CopyBinaryRowParser();
    expect(text(p.push(copyStream(ROWS)))).toEqual(ROWS);
    expect(p.done).toBe(true);
  });

  it('parses rows split at every possible chunk size', async () => {
    const bytes = copyStream(ROWS);
    for (const size of [1, 2, 3, 5, 7, 19, 20, 1000, 65_536]) {
      async function* chunks() {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      const out: Array<Array<Buffer | null>> = [];
      for await (const batch of copyBinaryRows(chunks())) out.push(...batch);
      expect(text(out), `chunk size ${size}`).toEqual(ROWS);
    }
  });

  it('an empty result and a cut stream', async () => {
    expect(new CopyBinaryRowParser().push(copyStream([]))).toEqual([]);
    const bytes = copyStream(ROWS);
    async function* cut() {
      yield bytes.subarray(0, bytes.length - 2);
    }
    await expect(async () => {
      for await (const _ of copyBinaryRows(cut())) void _;
    }).rejects.toThrow('ended early');
    expect(() => new CopyBinaryRowParser().push(Buffer.from('not a copy stream at all'))).toThrow('not a binary COPY');
  });
});
