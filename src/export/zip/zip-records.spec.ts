import { describe, expect, it } from 'vitest';
import {
  centralRecordLength,
  dataDescriptor,
  dosDateTime,
  endRecords,
  FLAG_DATA_DESCRIPTOR,
  FLAG_UTF8,
  localHeader,
  MAX_U32,
  writeCentralRecord,
} from './zip-records';

const WHEN = dosDateTime(new Date(2024, 4, 17, 13, 45, 31));
const NAME = Buffer.from('a.json');
const GB5 = 5 * 1024 ** 3;

function u64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x100000000;
}

describe('zip records', () => {
  it('DOS date and time', () => {
    expect(WHEN.date).toBe(((2024 - 1980) << 9) | (5 << 5) | 17);
    expect(WHEN.time).toBe((13 << 11) | (45 << 5) | 15);
  });

  it('a small entry: plain 32-bit local header, no extra field', () => {
    const h = localHeader({ name: NAME, flags: FLAG_UTF8, crc: 0xcafebabe, compressedSize: 10, size: 20 }, WHEN);
    expect(h.readUInt32LE(0)).toBe(0x04034b50);
    expect(h.readUInt16LE(4)).toBe(20);
    expect(h.readUInt16LE(8)).toBe(8);
    expect(h.readUInt32LE(14)).toBe(0xcafebabe);
    expect([h.readUInt32LE(18), h.readUInt32LE(22), h.readUInt16LE(28)]).toEqual([10, 20, 0]);
    expect(h.subarray(30).toString()).toBe('a.json');
  });

  it('a known size over 4 GB: 0xFFFFFFFF in the local header and both sizes in a zip64 extra', () => {
    const h = localHeader({ name: NAME, flags: FLAG_UTF8, crc: 1, compressedSize: 123, size: GB5 }, WHEN);
    expect(h.readUInt16LE(4)).toBe(45);
    expect([h.readUInt32LE(18), h.readUInt32LE(22), h.readUInt16LE(28)]).toEqual([MAX_U32, MAX_U32, 20]);
    const extra = 30 + NAME.length;
    expect([h.readUInt16LE(extra), h.readUInt16LE(extra + 2), u64(h, extra + 4), u64(h, extra + 12)]).toEqual([1, 16, GB5, 123]);
  });

  it('a streamed entry: zeros in the local header, 32- or 64-bit data descriptor by actual size', () => {
    const h = localHeader({ name: NAME, flags: FLAG_UTF8 | FLAG_DATA_DESCRIPTOR, crc: 0, compressedSize: 0, size: 0 }, WHEN);
    expect([h.readUInt16LE(6), h.readUInt32LE(14), h.readUInt32LE(18), h.readUInt32LE(22)]).toEqual([0x0808, 0, 0, 0]);
    const small = dataDescriptor(7, 100, 200);
    expect([small.length, small.readUInt32LE(0), small.readUInt32LE(4), small.readUInt32LE(8), small.readUInt32LE(12)]).toEqual([16, 0x08074b50, 7, 100, 200]);
    const big = dataDescriptor(7, 100, GB5);
    expect([big.length, u64(big, 8), u64(big, 16)]).toEqual([24, 100, GB5]);
  });

  it('central record: only the overflowing fields go into the zip64 extra, in APPNOTE order', () => {
    const e = { name: NAME, flags: FLAG_UTF8, crc: 9, compressedSize: 50, size: GB5, offset: GB5 + 7 };
    const buf = Buffer.alloc(centralRecordLength(e));
    expect(writeCentralRecord(buf, 0, e, WHEN)).toBe(buf.length);
    expect(buf.readUInt32LE(0)).toBe(0x02014b50);
    expect(buf.readUInt16LE(6)).toBe(45);
    expect([buf.readUInt32LE(20), buf.readUInt32LE(24), buf.readUInt32LE(42)]).toEqual([50, MAX_U32, MAX_U32]);
    const extra = 46 + NAME.length;
    expect([buf.readUInt16LE(extra), buf.readUInt16LE(extra + 2), u64(buf, extra + 4), u64(buf, extra + 12)]).toEqual([1, 16, GB5, GB5 + 7]);
    const plain = { ...e, size: 60, offset: 0 };
    expect(centralRecordLength(plain)).toBe(46 + NAME.length);
  });

  it('end records: classic below the limits, zip64 record + locator from 65,535 entries', () => {
    const plain = endRecords(3, 1000, 200);
    expect(plain.length).toBe(22);
    expect([plain.readUInt16LE(10), plain.readUInt32LE(12), plain.readUInt32LE(16)]).toEqual([3, 200, 1000]);
    const many = endRecords(70_000, 5_000_000, 6_000_000);
    expect(many.length).toBe(56 + 20 + 22);
    expect(many.readUInt32LE(0)).toBe(0x06064b50);
    expect([u64(many, 24), u64(many, 32), u64(many, 40), u64(many, 48)]).toEqual([70_000, 70_000, 6_000_000, 5_000_000]);
    expect(many.readUInt32LE(56)).toBe(0x07064b50);
    expect(u64(many, 64)).toBe(11_000_000);
    expect([many.readUInt16LE(76 + 8), many.readUInt16LE(76 + 10)]).toEqual([0xffff, 0xffff]);
    const far = endRecords(10, GB5, 500);
    expect(far.readUInt32LE(76 + 16)).toBe(MAX_U32);
    expect(far.readUInt16LE(76 + 10)).toBe(10);
  });
});
