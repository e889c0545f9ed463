// The byte layout of the ZIP records our writer emits (PKWARE APPNOTE 6.3.x, sections 4.3 and 4.5), as pure
// functions. Zip64 fields are written only when a value does not fit (spec 2.1: archives stay readable by every
// ordinary reader; > 65,535 entries or > 4 GB switch to zip64 the way Java's ZipOutputStream does).

export const MAX_U16 = 0xffff;
export const MAX_U32 = 0xffffffff;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_END = 0x06054b50;

const VERSION_DEFLATE = 20;
const VERSION_ZIP64 = 45;
/** made by: Unix (3), spec 4.5 — lets unzip apply the external attributes below */
const VERSION_MADE_BY = (3 << 8) | VERSION_ZIP64;
/** regular file, rw-r--r-- */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

export const METHOD_DEFLATED = 8;
/** bit 3: sizes and CRC follow the data in a data descriptor */
export const FLAG_DATA_DESCRIPTOR = 0x0008;
/** bit 11: the name is UTF-8 */
export const FLAG_UTF8 = 0x0800;

const ZIP64_EXTRA_ID = 0x0001;

export interface DosDateTime {
  time: number;
  date: number;
}

/** MS-DOS date and time in local time, as Java's ZipOutputStream writes them. */
export function dosDateTime(d: Date): DosDateTime {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

function writeU64(buf: Buffer, value: number, at: number): void {
  // offsets and sizes stay below 2^53 (Number.MAX_SAFE_INTEGER)
  buf.writeUInt32LE(value % 0x100000000, at);
  buf.writeUInt32LE(Math.floor(value / 0x100000000), at + 4);
}

export interface EntryRecord {
  name: Buffer;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** local header offset */
  offset: number;
}

/**
 * Local file header. With a data descriptor (sizes unknown up front) CRC and sizes are 0, as Java writes them.
 * Known sizes that do not fit 32 bits go into a zip64 extra field (both sizes, as APPNOTE 4.5.3 requires).
 */
export function localHeader(e: Omit<EntryRecord, 'offset'>, when: DosDateTime): Buffer {
  const streamed = (e.flags & FLAG_DATA_DESCRIPTOR) !== 0;
  const zip64 = !streamed && (e.size >= MAX_U32 || e.compressedSize >= MAX_U32);
  const extraLength = zip64 ? 20 : 0;
  const buf = Buffer.allocUnsafe(30 + e.name.length + extraLength);
  buf.writeUInt32LE(SIG_LOCAL, 0);
  buf.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFLATE, 4);
  buf.writeUInt16LE(e.flags, 6);
  buf.writeUInt16LE(METHOD_DEFLATED, 8);
  buf.writeUInt16LE(when.time, 10);
  buf.writeUInt16LE(when.date, 12);
  buf.writeUInt32LE(streamed ? 0 : e.crc >>> 0, 14);
  buf.writeUInt32LE(streamed ? 0 : zip64 ? MAX_U32 : e.compressedSize, 18);
  buf.writeUInt32LE(streamed ? 0 : zip64 ? MAX_U32 : e.size, 22);
  buf.writeUInt16LE(e.name.length, 26);
  buf.writeUInt16LE(extraLength, 28);
  e.name.copy(buf, 30);
  if (zip64) {
    const at = 30 + e.name.length;
    buf.writeUInt16LE(ZIP64_EXTRA_ID, at);
    buf.writeUInt16LE(16, at + 2);
    writeU64(buf, e.size, at + 4);
    writeU64(buf, e.compressedSize, at + 12);
  }
  return buf;
}

/** Data descriptor after a streamed entry; 64-bit sizes only when needed (Java's and Go's rule). */
export function dataDescriptor(crc: number, compressedSize: number, size: number): Buffer {
  const zip64 = size >= MAX_U32 || compressedSize >= MAX_U32;
  const buf = Buffer.allocUnsafe(zip64 ? 24 : 16);
  buf.writeUInt32LE(SIG_DESCRIPTOR, 0);
  buf.writeUInt32LE(crc >>> 0, 4);
  if (zip64) {
    writeU64(buf, compressedSize, 8);
    writeU64(buf, size, 16);
  } else {
    buf.writeUInt32LE(compressedSize, 8);
    buf.writeUInt32LE(size, 12);
  }
  return buf;
}

/** Size of the central directory record for this entry. */
export function centralRecordLength(e: EntryRecord): number {
  const n = (e.size >= MAX_U32 ? 1 : 0) + (e.compressedSize >= MAX_U32 ? 1 : 0) + (e.offset >= MAX_U32 ? 1 : 0);
  return 46 + e.name.length + (n > 0 ? 4 + 8 * n : 0);
}

/** Write the central directory record of an entry into `buf` at `at`; returns the next position. */
export function writeCentralRecord(buf: Buffer, at: number, e: EntryRecord, when: DosDateTime): number {
  const bigSize = e.size >= MAX_U32;
  const bigCompressed = e.compressedSize >= MAX_U32;
  const bigOffset = e.offset >= MAX_U32;
  const n = (bigSize ? 1 : 0) + (bigCompressed ? 1 : 0) + (bigOffset ? 1 : 0);
  const extraLength = n > 0 ? 4 + 8 * n : 0;
  buf.writeUInt32LE(SIG_CENTRAL, at);
  buf.writeUInt16LE(VERSION_MADE_BY, at + 4);
  buf.writeUInt16LE(n > 0 ? VERSION_ZIP64 : VERSION_DEFLATE, at + 6);
  buf.writeUInt16LE(e.flags, at + 8);
  buf.writeUInt16LE(METHOD_DEFLATED, at + 10);
  buf.writeUInt16LE(when.time, at + 12);
  buf.writeUInt16LE(when.date, at + 14);
  buf.writeUInt32LE(e.crc >>> 0, at + 16);
  buf.writeUInt32LE(bigCompressed ? MAX_U32 : e.compressedSize, at + 20);
  buf.writeUInt32LE(bigSize ? MAX_U32 : e.size, at + 24);
  buf.writeUInt16LE(e.name.length, at + 28);
  buf.writeUInt16LE(extraLength, at + 30);
  buf.writeUInt16LE(0, at + 32); // comment length
  buf.writeUInt16LE(0, at + 34); // disk number start
  buf.writeUInt16LE(0, at + 36); // internal attributes
  buf.writeUInt32LE(EXTERNAL_ATTRIBUTES, at + 38);
  buf.writeUInt32LE(bigOffset ? MAX_U32 : e.offset, at + 42);
  e.name.copy(buf, at + 46);
  let p = at + 46 + e.name.length;
  if (n > 0) {
    // APPNOTE 4.5.3: only the fields that overflowed, in this order
    buf.writeUInt16LE(ZIP64_EXTRA_ID, p);
    buf.writeUInt16LE(8 * n, p + 2);
    p += 4;
    if (bigSize) {
      writeU64(buf, e.size, p);
      p += 8;
    }
    if (bigCompressed) {
      writeU64(buf, e.compressedSize, p);
      p += 8;
    }
    if (bigOffset) {
      writeU64(buf, e.offset, p);
      p += 8;
    }
  }
  return p;
}

/**
 * The end records after the central directory: zip64 end record + locator when the entry count, the directory
 * size or its offset do not fit, then the classic end record (with 0xFFFF / 0xFFFFFFFF in the overflowing fields).
 */
export function endRecords(entryCount: number, cdOffset: number, cdSize: number): Buffer {
  const zip64 = entryCount >= MAX_U16 || cdSize >= MAX_U32 || cdOffset >= MAX_U32;
  const parts: Buffer[] = [];
  if (zip64) {
    const end64 = Buffer.alloc(56);
    end64.writeUInt32LE(SIG_ZIP64_END, 0);
    writeU64(end64, 44, 4); // size of the rest of this record
    end64.writeUInt16LE(VERSION_MADE_BY, 12);
    end64.writeUInt16LE(VERSION_ZIP64, 14);
    end64.writeUInt32LE(0, 16); // this disk
    end64.writeUInt32LE(0, 20); // disk with the central directory
    writeU64(end64, entryCount, 24);
    writeU64(end64, entryCount, 32);
    writeU64(end64, cdSize, 40);
    writeU64(end64, cdOffset, 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
    locator.writeUInt32LE(0, 4);
    writeU64(locator, cdOffset + cdSize, 8);
    locator.writeUInt32LE(1, 16); // total disks
    parts.push(end64, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  const count16 = entryCount >= MAX_U16 ? MAX_U16 : entryCount;
  end.writeUInt16LE(count16, 8);
  end.writeUInt16LE(count16, 10);
  end.writeUInt32LE(cdSize >= MAX_U32 ? MAX_U32 : cdSize, 12);
  end.writeUInt32LE(cdOffset >= MAX_U32 ? MAX_U32 : cdOffset, 16);
  parts.push(end);
  return parts.length === 1 ? end : Buffer.concat(parts);
}
