import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DeflateWorkerPool, EntryDeflater } from './deflate';

function noise(n: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = 0x20 + (x & 0x3f);
  }
  return out;
}

describe('EntryDeflater', () => {
  it('uses one shared deflate stream on this Node version', () => {
    const deflater = new EntryDeflater(1);
    expect(deflater.shared).toBe(true);
    deflater.close();
  });

  it('every entry is a complete deflate stream of its own, whatever came before', () => {
    const inputs = [
      Buffer.from('{"entity":{"typeName":"hive_table","guid":"1"}}'),
      Buffer.alloc(0),
      Buffer.from('{"entity":{"typeName":"hive_table","guid":"1"}}'), // identical to the first: no reference back
      noise(300_000, 7), // larger than the scratch buffer: output grows
      Buffer.alloc(100_000, 0x20),
      Buffer.from('ü✓𝄞'.repeat(1000)),
    ];
    const shared = new EntryDeflater(1);
    const outputs = inputs.map((input) => Buffer.from(shared.deflate(input)));
    outputs.forEach((out, i) => expect(zlib.inflateRawSync(out).equals(inputs[i])).toBe(true));
    // the bytes of an entry do not depend on the entries before it
    const fresh = new EntryDeflater(1);
    expect(Buffer.from(fresh.deflate(inputs[2])).equals(outputs[0])).toBe(true);
    expect(outputs[2].equals(outputs[0])).toBe(true);
    shared.close();
    fresh.close();
  });

  it('levels 0-9 all round-trip', () => {
    const input = noise(5000, 3);
    for (let level = 0; level <= 9; level++) {
      const d = new EntryDeflater(level);
      expect(zlib.inflateRawSync(d.deflate(input)).equals(input)).toBe(true);
      d.close();
    }
  });
});

describe('DeflateWorkerPool', () => {
  it('compresses a batch like EntryDeflater does, CRCs included', async () => {
    const pool = new DeflateWorkerPool(1);
    const parts = [Buffer.from('{"a":1}'), Buffer.alloc(0), noise(70_000, 11)];
    const input = new Uint8Array(Buffer.concat(parts));
    const sizes = new Uint32Array(parts.map((p) => p.length));
    const result = await pool.compress(input, sizes, 1);
    const local = new EntryDeflater(1);
    let at = 0;
    parts.forEach((part, i) => {
      const out = result.data.subarray(at, at + result.compressedSizes[i]);
      at += result.compressedSizes[i];
      expect(result.crcs[i]).toBe(zlib.crc32(part));
      expect(out.equals(local.deflate(part))).toBe(true);
    });
    local.close();
    await pool.close();
    await expect(pool.compress(new Uint8Array(1), new Uint32Array([1]), 1)).rejects.toThrow(/closed/);
  });
});
