import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EntryInflater, InflateError } from './entry-inflater';

describe('EntryInflater', () => {
  it('reuses one inflate state on this Node version', () => {
    const inflater = new EntryInflater();
    expect(inflater.shared).toBe(true);
    inflater.close();
  });

  it('inflates entries one after another, including after a failure', () => {
    const inflater = new EntryInflater();
    const a = Buffer.from('{"entity":{"typeName":"a"}}'.repeat(50));
    const b = Buffer.alloc(0);
    expect(inflater.inflate(zlib.deflateRawSync(a), a.length).equals(a)).toBe(true);
    expect(inflater.inflate(zlib.deflateRawSync(b), 0).length).toBe(0);
    // corrupt data, then a good entry again
    expect(() => inflater.inflate(Buffer.from([0xff, 0xff, 0xff, 0xff]), 10)).toThrow(InflateError);
    expect(inflater.inflate(zlib.deflateRawSync(a, { level: 9 }), a.length).equals(a)).toBe(true);
    inflater.close();
  });

  it('stops one byte past the declared size (a lying header)', () => {
    const inflater = new EntryInflater();
    const zeros = zlib.deflateRawSync(Buffer.alloc(10_000_000));
    try {
      inflater.inflate(zeros, 1000);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InflateError);
      expect((err as InflateError).kind).toBe('too-large');
    }
    inflater.close();
  });

  it('a truncated stream is corrupt; a short one is returned short (the caller checks the size)', () => {
    const inflater = new EntryInflater();
    const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 90))).join(''));
    const full = zlib.deflateRawSync(data);
    expect(() => inflater.inflate(full.subarray(0, full.length - 10), data.length)).toThrow(/unexpected end/);
    expect(inflater.inflate(full, data.length + 100).length).toBe(data.length);
    inflater.close();
  });
});
