import * as fs from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import StreamZip from 'node-stream-zip';
import { AtlasError, ErrorCode } from '../../common/errors';
import { jsonHasNulEscape } from '../../common/json-depth';
import type { AtlasEntityWithExtInfo, AtlasExportResult, AtlasTypesDef } from '../../metadata/model';
import { TYPES_DEF_LISTS } from '../../metadata/model';
import { EntryIndex, EntryInfo } from './entry-index';
import { EntryInflater, InflateError } from './entry-inflater';
import { printableEntryName, unsafeEntryNameReason } from './entry-name';
import { JsonArrayError, splitJsonArray } from './json-array-splitter';

// Reads an uploaded export archive (spec 2) from a file on disk, defensively.
//
// Library: node-stream-zip reads the central directory (zip64 included) once; entry data is then read by this
// class itself with positional reads, so that every inflate is bounded by the entry's declared size and every
// CRC is checked with the native zlib.crc32 — headers are never trusted (see docs/zip-library-choice.md).
//
// Bad archives (spec P5, overriding 2.6): bytes that are not a ZIP, a truncated file and a zero-length file are
// all `400 ATLAS-400-00-09F "<archive>: invalid zip entry. Reason: not a ZIP archive …"` — not "empty". A valid
// ZIP without entities is empty (isEmpty()); the caller answers IMPORT_ATTEMPTING_EMPTY_ZIP (08A).
//
// JSON numbers (spec 2.8): entries are parsed with plain JSON.parse, so integers beyond 2^53 and decimals beyond
// double precision (e.g. 1000000000000000000000, 3.4028235E38) are read as the nearest double. Node 20 has no
// source-text access in JSON.parse; a lossless parser would cost several times the parse time on every entity.

export interface ZipLimits {
  /** largest uncompressed size of one entry (for zipDirect's entities.json: of one array element) */
  readonly maxEntryBytes: number;
  /** largest sum of the declared uncompressed sizes of all entries */
  readonly maxTotalBytes: number;
  /** largest uncompressed/compressed ratio of one entry larger than RATIO_GRACE_BYTES (zip-bomb guard) */
  readonly maxCompressionRatio: number;
  /** largest number of entries (directories and ignored entries included) */
  readonly maxEntries: number;
}

export type ZipFormat = 'standard' | 'zipDirect';

/** One unit of the entity phase: its position in the export order (or zipDirect array) and its content. */
export interface ZipEntityItem {
  position: number;
  guid: string;
  /** undefined when the order lists a guid without a `{guid}.json` entry (spec 2.4: skipped with a warning) */
  value: AtlasEntityWithExtInfo | undefined;
}

/** Name used in 09F errors about the archive as a whole. */
export const ARCHIVE_NAME = '<archive>';
export const EXPORT_ORDER_ENTRY = 'atlas-export-order.json';
export const TYPESDEF_ENTRY = 'atlas-typesdef.json';
export const EXPORT_INFO_ENTRY = 'atlas-export-info.json';
/** the name the Atlas documentation gives the export-info entry; no real archive uses it (spec 2.2) */
export const EXPORT_RESULT_ENTRY = 'atlas-export-result.json';
export const ZIP_DIRECT_ENTITIES_ENTRY = 'entities.json';

const WELL_KNOWN = new Set([EXPORT_ORDER_ENTRY, TYPESDEF_ENTRY, EXPORT_INFO_ENTRY, EXPORT_RESULT_ENTRY]);

/** Entries up to this size (compressed and uncompressed) are read synchronously in one go. */
const SYNC_READ_MAX_BYTES = 1024 * 1024;
/** Read-ahead of the synchronous path when entries are read in file order. */
const READ_AHEAD_BYTES = 512 * 1024;
/** Read size of the streaming path. */
const RAW_CHUNK_BYTES = 256 * 1024;
/** The compression-ratio limit applies to entries larger than this: small entries cannot hurt, and short,
 * repetitive JSON legitimately compresses very well. */
export const RATIO_GRACE_BYTES = 1024 * 1024;

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const FLAG_ENCRYPTED = 0x1;

function invalidEntry(entryName: string, reason: string): AtlasError {
  return new AtlasError(ErrorCode.IMPORT_INVALID_ZIP_ENTRY, [printableEntryName(entryName), reason]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What node-stream-zip's open errors mean, for the 09F reason. */
function openFailureReason(err: unknown): string {
  const message = errorMessage(err);
  if (message === 'Bad archive') return 'not a ZIP archive or truncated: end of central directory record not found';
  if (message === 'Archive read error') return 'not a ZIP archive: the file is empty';
  return `not a ZIP archive or truncated: ${message}`;
}

function readAsync(fd: number, buffer: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buffer, 0, buffer.length, position, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead))),
  );
}

function openFd(filePath: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(filePath, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
}

/** The guids of an export order, as the import reads them (an array of guids is one too). */
export interface OrderedGuids extends Iterable<string> {
  readonly length: number;
  at(position: number): string | undefined;
  indexOf(guid: string): number;
}

/**
 * atlas-export-order.json as the import keeps it: each position as the index of its `{guid}.json` entry in the
 * EntryIndex (4 bytes, off the heap), a guid without an entry in a side list. Duplicates are kept (spec 2.4).
 */
export class ExportOrder implements OrderedGuids {
  constructor(
    /** entry index, or -(k + 1) for missing[k] */
    private readonly positions: Int32Array,
    private readonly missing: readonly string[],
    private readonly entryGuid: (entryIndex: number) => string,
    private readonly entryOf: (guid: string) => number,
  ) {}

  get length(): number {
    return this.positions.length;
  }

  at(position: number): string | undefined {
    if (position < 0 || position >= this.positions.length) return undefined;
    const p = this.positions[position];
    return p >= 0 ? this.entryGuid(p) : this.missing[-p - 1];
  }

  indexOf(guid: string): number {
    const entry = this.entryOf(guid);
    if (entry >= 0) return this.positions.indexOf(entry);
    const k = this.missing.indexOf(guid);
    return k < 0 ? -1 : this.positions.indexOf(-(k + 1));
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.positions.length; i++) yield this.at(i)!;
  }
}

/** A top-level `<guid>.json` that is not one of the well-known entries (spec 2.1): an entity. */
function isEntityEntryName(name: string): boolean {
  return name.endsWith('.json') && !name.includes('/') && !WELL_KNOWN.has(name);
}

export class ZipSource {
  private closed = false;
  private closing?: Promise<void>;
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly inflater = new EntryInflater();
  /** the last bytes read by readRange */
  private window?: { start: number; bytes: Buffer };

  private constructor(
    private readonly zip: StreamZip,
    private readonly fd: number,
    private readonly fileSize: number,
    readonly format: ZipFormat,
    private readonly limits: ZipLimits,
    /** first occurrence of each name (spec 2.1: duplicate names keep the first) */
    private readonly index: EntryIndex,
    /** number of `{guid}.json` entries (standard format) */
    readonly entityEntryCount: number,
    /** zipDirect: the typesdef entry when it is the first entry, and entities.json when it comes next */
    private readonly direct: { typesDef?: EntryInfo; entities?: EntryInfo },
  ) {}

  private named(name: string): EntryInfo | undefined {
    const i = this.index.indexOf(name);
    return i < 0 ? undefined : this.index.at(i);
  }

  /** Index of the `{guid}.json` entry, or -1 (always -1 for zipDirect). */
  private entityIndex(guid: string): number {
    const name = `${guid}.json`;
    return this.format === 'standard' && isEntityEntryName(name) ? this.index.indexOf(name) : -1;
  }

  /**
   * Open the archive at `filePath` and check its central directory against the limits.
   * Throws AtlasError 09F for anything that is not a sound ZIP; file-system errors (e.g. ENOENT) pass through.
   */
  static async open(filePath: string, limits: ZipLimits, format: ZipFormat = 'standard'): Promise<ZipSource> {
    const fd = await openFd(filePath);
    let fileSize: number;
    try {
      fileSize = fs.fstatSync(fd).size;
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    if (fileSize === 0) {
      // a zero-length upload is "bytes that are not a ZIP" (spec P5), not an empty archive
      fs.closeSync(fd);
      throw invalidEntry(ARCHIVE_NAME, 'not a ZIP archive: the file is empty');
    }
    const index = new EntryIndex();
    let entityEntries = 0;
    // zipDirect (spec 2.7) is read as a stream, so the physical order counts: the first two top-level entries
    const firstTwo: EntryInfo[] = [];
    let count = 0;
    let totalBytes = 0;
    const zip = new StreamZip({ fd, storeEntries: false, skipEntryNameValidation: true });
    try {
      await new Promise<void>((resolve, reject) => {
        // an exception thrown here surfaces as the 'error' event and stops reading the central directory
        zip.on('entry', (e: StreamZip.ZipEntry) => {
          const name = e.name;
          if (++count > limits.maxEntries) {
            throw invalidEntry(name, `the archive has more entries than the limit of ${limits.maxEntries}`);
          }
          const unsafe = unsafeEntryNameReason(name);
          if (unsafe) throw invalidEntry(name, unsafe);
          if (e.isDirectory) return;
          const isDirectEntities = format === 'zipDirect' && name === ZIP_DIRECT_ENTITIES_ENTRY;
          // zipDirect's entities.json is streamed element by element: the per-entry limit applies to each element
          if (e.size > limits.maxEntryBytes && !isDirectEntities) {
            throw invalidEntry(name, `uncompressed size ${e.size} bytes exceeds the limit of ${limits.maxEntryBytes} bytes per entry`);
          }
          totalBytes += e.size;
          if (totalBytes > limits.maxTotalBytes) {
            throw invalidEntry(name, `total uncompressed size of the archive exceeds the limit of ${limits.maxTotalBytes} bytes`);
          }
          const ratio = e.size / Math.max(1, e.compressedSize);
          if (e.size > RATIO_GRACE_BYTES && ratio > limits.maxCompressionRatio) {
            throw invalidEntry(name, `compression ratio ${Math.round(ratio)} exceeds the limit of ${limits.maxCompressionRatio}`);
          }
          if (e.offset + LOCAL_HEADER_BYTES + e.compressedSize > fileSize) {
            throw invalidEntry(name, 'truncated: the entry data extends beyond the end of the file');
          }
          const entry: EntryInfo = { name, offset: e.offset, compressedSize: e.compressedSize, size: e.size, crc: e.crc, method: e.method, flags: e.flags };
          // top-level `<guid>.json` only: `__MACOSX/._x.json` and other folders are ignored (spec 2.1)
          if (index.add(entry) && format === 'standard' && isEntityEntryName(name)) entityEntries++;
          if (format === 'zipDirect' && !name.includes('/')) {
            firstTwo.push(entry);
            firstTwo.sort((a, b) => a.offset - b.offset);
            if (firstTwo.length > 2) firstTwo.pop();
          }
        });
        zip.on('ready', () => resolve());
        zip.on('error', (err: unknown) => reject(err));
      });
    } catch (err) {
      zip.close();
      if (err instanceof AtlasError) throw err;
      throw invalidEntry(ARCHIVE_NAME, openFailureReason(err));
    }
    const overlap = index.firstOverlap(LOCAL_HEADER_BYTES);
    if (overlap !== undefined) {
      zip.close();
      throw invalidEntry(overlap, "its data overlaps another entry's");
    }
    const direct: { typesDef?: EntryInfo; entities?: EntryInfo } = {};
    let next = 0;
    if (firstTwo[0]?.name === TYPESDEF_ENTRY) direct.typesDef = firstTwo[next++];
    if (firstTwo[next]?.name === ZIP_DIRECT_ENTITIES_ENTRY) direct.entities = firstTwo[next];
    return new ZipSource(zip, fd, fileSize, format, limits, index, entityEntries, direct);
  }

  /** Every entry name of the archive (first occurrences), in central-directory order. */
  get entryNames(): string[] {
    return [...this.index.names()];
  }

  /**
   * Spec 2.6 / 2.7. Standard: no `{guid}.json` entry at all, or an export order that is exactly `[]`.
   * zipDirect: no entities.json right after the optional typesdef.
   */
  async isEmpty(): Promise<boolean> {
    if (this.format === 'zipDirect') return this.direct.entities === undefined;
    if (this.entityEntryCount === 0) return true;
    return this.index.indexOf(EXPORT_ORDER_ENTRY) >= 0 && (await this.exportOrder()).length === 0;
  }

  /** `atlas-export-info.json` (or the documented `atlas-export-result.json`); undefined when absent and for zipDirect. */
  exportInfo(): Promise<AtlasExportResult | undefined> {
    return this.once('exportInfo', async () => {
      if (this.format === 'zipDirect') return undefined;
      const entry = this.named(EXPORT_INFO_ENTRY) ?? this.named(EXPORT_RESULT_ENTRY);
      if (!entry) return undefined;
      const value = this.parseJson(entry, await this.readBytes(entry));
      if (!isRecord(value)) throw invalidEntry(entry.name, 'expected a JSON object (AtlasExportResult)');
      return value as AtlasExportResult;
    });
  }

  /** `atlas-typesdef.json`; missing ⇒ an empty AtlasTypesDef (spec 2.3, 13). Missing lists read as []. */
  typesDef(): Promise<AtlasTypesDef> {
    return this.once('typesDef', async () => {
      const entry = this.format === 'zipDirect' ? this.direct.typesDef : this.named(TYPESDEF_ENTRY);
      const typesDef: Record<string, unknown> = {};
      if (entry) {
        const value = this.parseJson(entry, await this.readBytes(entry));
        if (!isRecord(value)) throw invalidEntry(entry.name, 'expected a JSON object (AtlasTypesDef)');
        Object.assign(typesDef, value);
      }
      for (const [list] of TYPES_DEF_LISTS) {
        if (typesDef[list] === undefined || typesDef[list] === null) typesDef[list] = [];
        else if (!Array.isArray(typesDef[list])) throw invalidEntry(TYPESDEF_ENTRY, `${list} is not a JSON array`);
      }
      return typesDef as AtlasTypesDef;
    });
  }

  /** `atlas-export-order.json`; missing ⇒ empty (spec 2.4). Always empty for zipDirect. Duplicates are kept. */
  exportOrder(): Promise<ExportOrder> {
    return this.once('exportOrder', async () => {
      const entry = this.format === 'standard' ? this.named(EXPORT_ORDER_ENTRY) : undefined;
      const guids = entry ? this.parseJson(entry, await this.readBytes(entry)) : [];
      if (!Array.isArray(guids) || guids.some((guid) => typeof guid !== 'string')) {
        throw invalidEntry(EXPORT_ORDER_ENTRY, 'expected a JSON array of guid strings');
      }
      const positions = new Int32Array(guids.length);
      const missing = new Map<string, number>();
      guids.forEach((guid: string, i) => {
        const e = this.entityIndex(guid);
        if (e >= 0) positions[i] = e;
        else {
          let k = missing.get(guid);
          if (k === undefined) missing.set(guid, (k = missing.size));
          positions[i] = -(k + 1);
        }
      });
      return new ExportOrder(positions, [...missing.keys()], (e) => this.index.nameAt(e).slice(0, -'.json'.length), (guid) => this.entityIndex(guid));
    });
  }

  /** Whether a `{guid}.json` entry exists (standard format; always false for zipDirect). */
  hasEntity(guid: string): boolean {
    return this.entityIndex(guid) >= 0;
  }

  /** The `{guid}.json` entry, or undefined when the archive has none (always undefined for zipDirect). */
  async readEntity(guid: string): Promise<AtlasEntityWithExtInfo | undefined> {
    const i = this.entityIndex(guid);
    if (i < 0) return undefined;
    const entry = this.index.at(i);
    return this.toEntity(entry.name, this.parseJson(entry, await this.readBytes(entry)));
  }

  /**
   * The entities in import order, from `startIndex` on, one at a time (memory: one entity).
   * Standard: positions of the export order, duplicates included (spec 2.4), value undefined for a guid without
   * an entry; the caller turns startGuid / startPosition into startIndex (spec 5.8).
   * zipDirect: positions of the entities.json array; stops at the end of the array or at the first `{}`.
   */
  async *entities(startIndex = 0): AsyncGenerator<ZipEntityItem> {
    if (this.format === 'zipDirect') {
      yield* this.directEntityItems(startIndex);
      return;
    }
    const order = await this.exportOrder();
    for (let position = Math.max(0, startIndex); position < order.length; position++) {
      const guid = order.at(position)!;
      yield { position, guid, value: await this.readEntity(guid) };
    }
  }

  /**
   * Read and check every entry the import would read (CRC, size, JSON, shape) without keeping the values, so a
   * caller can reject a bad archive before writing anything (spec P5).
   */
  async validate(): Promise<void> {
    await this.exportInfo();
    await this.typesDef();
    if (this.format === 'zipDirect') {
      // the whole entry first: the elements are read only up to the end of the array or the first `{}` (spec 2.7),
      // its size and CRC are checked at its end
      if (this.direct.entities) for await (const chunk of this.inflatedChunks(this.direct.entities)) void chunk;
      for await (const item of this.directEntityItems(0)) void item;
      return;
    }
    // each entry once, however often the order lists it (a bit per entry, not a set of guids)
    const seen = new Uint8Array(this.index.size);
    for (const guid of await this.exportOrder()) {
      const i = this.entityIndex(guid);
      if (i < 0 || seen[i]) continue;
      seen[i] = 1;
      await this.readEntity(guid);
    }
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.inflater.close();
      this.window = undefined;
      this.closing = new Promise<void>((resolve) => this.zip.close(() => resolve()));
    }
    return this.closing;
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  private once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let promise = this.memo.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = compute();
      this.memo.set(key, promise);
    }
    return promise;
  }

  private async *directEntityItems(startIndex: number): AsyncGenerator<ZipEntityItem> {
    const entry = this.direct.entities;
    if (!entry) return;
    let position = -1;
    try {
      for await (const bytes of splitJsonArray(this.inflatedChunks(entry), this.limits.maxEntryBytes)) {
        position++;
        // an element that cannot be `{}` (whatever blanks it holds) need not be parsed when it is skipped
        if (position < startIndex && !isEmptyObjectText(bytes)) continue;
        const value = this.parseJson(entry, bytes, position);
        // spec 2.7: parsing stops at the first empty object
        if (isRecord(value) && Object.keys(value).length === 0) return;
        if (position < startIndex) continue;
        const entity = this.toEntity(`${entry.name}[${position}]`, value);
        yield { position, guid: typeof entity.entity.guid === 'string' ? entity.entity.guid : '', value: entity };
      }
    } catch (err) {
      if (err instanceof JsonArrayError) throw invalidEntry(entry.name, `invalid JSON: ${err.message}`);
      throw err;
    }
  }

  private toEntity(entryName: string, value: unknown): AtlasEntityWithExtInfo {
    if (!isRecord(value) || !isRecord(value.entity)) {
      throw invalidEntry(entryName, 'expected an AtlasEntityWithExtInfo object with an "entity" member');
    }
    if (typeof value.entity.typeName !== 'string') throw invalidEntry(entryName, 'the entity has no "typeName" string');
    const referred = value.referredEntities;
    if (referred !== undefined && referred !== null) {
      if (!isRecord(referred)) throw invalidEntry(entryName, '"referredEntities" is not a JSON object');
      for (const [key, e] of Object.entries(referred)) {
        if (!isRecord(e) || typeof e.typeName !== 'string') throw invalidEntry(entryName, `referred entity "${key}" is not an entity with a "typeName" string`);
      }
    }
    return value as unknown as AtlasEntityWithExtInfo;
  }

  private parseJson(entry: EntryInfo, bytes: Buffer, element?: number): unknown {
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const where = element === undefined ? '' : ` at element ${element}`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw invalidEntry(entry.name, `invalid JSON${where}: ${errorMessage(err)}`);
    }
    // JSON.parse takes `\u0000`, PostgreSQL cannot store it: the import would fail after committed batches
    if (text.includes('\\u0000') && jsonHasNulEscape(bytes)) {
      throw invalidEntry(entry.name, `the JSON${where} holds the NUL character (\\u0000), which cannot be stored`);
    }
    return value;
  }

  private checkReadable(entry: EntryInfo): void {
    if (this.closed) throw new Error('ZipSource is closed');
    if (entry.flags & FLAG_ENCRYPTED) throw invalidEntry(entry.name, 'encrypted entries are not supported');
    if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
      throw invalidEntry(entry.name, `unsupported compression method ${entry.method}`);
    }
  }

  /** Parse the local header at `buffer[0..]` (read from entry.offset) and return the offset of the data. */
  private dataOffset(entry: EntryInfo, header: Buffer): number {
    if (header.length < LOCAL_HEADER_BYTES) throw invalidEntry(entry.name, 'truncated: local header missing');
    if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) throw invalidEntry(entry.name, 'invalid local header signature');
    const dataOffset = entry.offset + LOCAL_HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (dataOffset + entry.compressedSize > this.fileSize) {
      throw invalidEntry(entry.name, 'truncated: the entry data extends beyond the end of the file');
    }
    return dataOffset;
  }

  private readAt(buffer: Buffer, position: number): number {
    let done = 0;
    while (done < buffer.length) {
      const n = fs.readSync(this.fd, buffer, done, buffer.length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /** The compressed bytes of the entry, by positional reads on the shared descriptor. */
  private async *rawChunks(entry: EntryInfo, dataOffset: number): AsyncGenerator<Buffer> {
    let done = 0;
    while (done < entry.compressedSize) {
      const want = Math.min(RAW_CHUNK_BYTES, entry.compressedSize - done);
      const buffer = Buffer.allocUnsafe(want);
      const got = await readAsync(this.fd, buffer, dataOffset + done);
      if (got === 0) throw invalidEntry(entry.name, 'truncated: the entry data extends beyond the end of the file');
      done += got;
      yield got === want ? buffer : buffer.subarray(0, got);
    }
  }

  /** The whole uncompressed content of the entry, size and CRC checked. */
  private async readBytes(entry: EntryInfo): Promise<Buffer> {
    this.checkReadable(entry);
    if (entry.size <= SYNC_READ_MAX_BYTES && entry.compressedSize <= SYNC_READ_MAX_BYTES) return this.readBytesSync(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of this.inflatedChunks(entry)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /**
   * `length` bytes from `position` (fewer at end of file). Entries are usually read in file order (exporters write
   * them in export order), so a sequential miss reads ahead a whole window; a random one reads just what it needs.
   */
  private readRange(position: number, length: number): Buffer {
    const w = this.window;
    if (w && position >= w.start && position + length <= w.start + w.bytes.length) {
      return w.bytes.subarray(position - w.start, position - w.start + length);
    }
    const sequential = w !== undefined && position >= w.start && position <= w.start + w.bytes.length + READ_AHEAD_BYTES;
    const want = Math.min(Math.max(length, sequential ? READ_AHEAD_BYTES : 0), this.fileSize - position);
    const bytes = Buffer.allocUnsafe(Math.max(want, 0));
    const got = this.readAt(bytes, position);
    this.window = { start: position, bytes: got === bytes.length ? bytes : bytes.subarray(0, got) };
    return this.window.bytes.subarray(0, Math.min(length, got));
  }

  private readBytesSync(entry: EntryInfo): Buffer {
    // one read for header + data in the common case (local extra fields are short or absent)
    const buffer = this.readRange(entry.offset, LOCAL_HEADER_BYTES + 1024 + entry.compressedSize);
    const got = buffer.length;
    const dataOffset = this.dataOffset(entry, buffer);
    const start = dataOffset - entry.offset;
    let compressed: Buffer;
    if (start + entry.compressedSize <= got) {
      compressed = buffer.subarray(start, start + entry.compressedSize);
    } else {
      compressed = Buffer.allocUnsafe(entry.compressedSize);
      if (this.readAt(compressed, dataOffset) !== entry.compressedSize) {
        throw invalidEntry(entry.name, 'truncated: the entry data extends beyond the end of the file');
      }
    }
    let data: Buffer;
    if (entry.method === METHOD_STORED) {
      data = compressed;
    } else {
      try {
        // never trust the header: inflating stops one byte past the declared size
        data = this.inflater.inflate(compressed, entry.size);
      } catch (err) {
        if (err instanceof InflateError && err.kind === 'too-large') throw invalidEntry(entry.name, err.message);
        throw invalidEntry(entry.name, `corrupt compressed data: ${errorMessage(err)}`);
      }
    }
    this.checkContent(entry, data.length, zlib.crc32(data));
    return data;
  }

  private checkContent(entry: EntryInfo, size: number, crc: number): void {
    if (size !== entry.size) {
      throw invalidEntry(entry.name, `size mismatch: declared ${entry.size} bytes, found ${size}`);
    }
    if (crc >>> 0 !== entry.crc >>> 0) {
      throw invalidEntry(entry.name, `CRC mismatch: declared ${hex(entry.crc)}, computed ${hex(crc)}`);
    }
  }

  /**
   * The uncompressed content as a stream of chunks; aborts as soon as it inflates past the declared size, and
   * checks size and CRC at the end. Stopping early (break) releases the underlying streams.
   */
  private async *inflatedChunks(entry: EntryInfo): AsyncGenerator<Buffer> {
    this.checkReadable(entry);
    const header = Buffer.allocUnsafe(LOCAL_HEADER_BYTES);
    const dataOffset = this.dataOffset(entry, header.subarray(0, this.readAt(header, entry.offset)));
    // not fs.createReadStream({ fd }): destroying such a stream closes the shared descriptor
    const raw = Readable.from(this.rawChunks(entry, dataOffset), { objectMode: false });
    const source: Readable =
      entry.method === METHOD_STORED ? raw : pipeline(raw, zlib.createInflateRaw({ chunkSize: 64 * 1024 }), () => undefined);
    let size = 0;
    let crc = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > entry.size) {
          throw invalidEntry(entry.name, `the data inflates beyond the declared size of ${entry.size} bytes`);
        }
        crc = zlib.crc32(chunk, crc);
        yield chunk;
      }
    } catch (err) {
      // zlib errors carry Z_* codes (Z_DATA_ERROR, Z_BUF_ERROR …); anything else is not about the data
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && code.startsWith('Z_')) {
        throw invalidEntry(entry.name, `corrupt compressed data: ${errorMessage(err)}`);
      }
      throw err;
    } finally {
      source.destroy();
      raw.destroy();
    }
    this.checkContent(entry, size, crc);
  }
}

/** `{}` with only JSON blanks inside: the end marker of a zipDirect array (spec 2.7). */
function isEmptyObjectText(bytes: Buffer): boolean {
  let i = 0;
  let j = bytes.length - 1;
  const blank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  while (i <= j && blank(bytes[i])) i++;
  while (j >= i && blank(bytes[j])) j--;
  if (bytes[i] !== 0x7b || bytes[j] !== 0x7d || j <= i) return false;
  for (let k = i + 1; k < j; k++) if (!blank(bytes[k])) return false;
  return true;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
