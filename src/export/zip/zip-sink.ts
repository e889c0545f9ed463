import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { ownedTempName } from '../../common/temp-files';
import { BatchResult, deflateAsync, DeflateWorkerPool, EntryDeflater } from './deflate';
import {
  centralRecordLength,
  dataDescriptor,
  dosDateTime,
  DosDateTime,
  endRecords,
  EntryRecord,
  FLAG_DATA_DESCRIPTOR,
  FLAG_UTF8,
  localHeader,
  MAX_U16,
  writeCentralRecord,
} from './zip-records';

/** The folder of a spilled central directory: ownedTempName(ZIP_SINK_SPILL_PREFIX) (a crashed process's are removed at start-up). */
export const ZIP_SINK_SPILL_PREFIX = 'zip-sink';

// A streaming ZIP writer into any Writable (the HTTP response of an export, spec 2.1 / 3.10).
//
// Why our own writer and not archiver 7 (measured, docs/zip-library-choice.md): archiver spends ~140 µs per small
// entry on a zlib stream and keeps ~0.5 KB per entry plus a spike at finalize (654 MB RSS at 62k entries), far from
// the export target of 50,000 entities/s within 256 MB. Here an entry costs one deflateRawSync sized to the entry,
// one native CRC-32 and two header writes; memory is bounded whatever the entry count:
//  - output is staged in one buffer and written in large chunks; the writer waits for 'drain' (backpressure);
//  - the central directory is kept in memory up to a bound, then spilled to a temp file and streamed at finalize;
//  - optional deflate worker threads take batches of entries (bounded number in flight).
// Entries are DEFLATEd; zip64 records appear only when needed (> 65,535 entries, > 4 GB), as Java writes them.
//
// Callers await each call (calls are also queued, so un-awaited calls still keep their order). Entry names are not
// checked for duplicates (that would need memory per entry): the export writes each guid once.

export interface ZipSinkOptions {
  /** deflate level 0-9; default 1 (JSON entities: 2 % larger than level 6, ~25 % less CPU) */
  level?: number;
  /**
   * deflate worker threads, started once the archive passes `workerThresholdEntries` entries (small archives never
   * pay for a thread); default 1 when the machine has 2 or more CPUs, else 0 (deflate on the calling thread)
   */
  workers?: number;
  /** entries written on the calling thread before the workers take over; default 1,000 */
  workerThresholdEntries?: number;
  /** entry timestamp; default: when the sink was created */
  modified?: Date;
  /** central-directory bytes held in memory before spilling to a temp file; default 8 MiB (~90k entries) */
  centralDirectoryMemoryBytes?: number;
  /** folder for the spilled central directory; default os.tmpdir() */
  tempDir?: string;
  /** end() the destination once the archive is complete; default true */
  endDestination?: boolean;
  /** size of the output staging buffer; default 256 KiB */
  chunkBytes?: number;
}

/** Entries this large are deflated on libuv's pool (not blocking the event loop), never batched. */
const LARGE_ENTRY_BYTES = 256 * 1024;
const BATCH_MAX_BYTES = 512 * 1024;
const BATCH_MAX_ENTRIES = 512;
const CD_CHUNK_BYTES = 1024 * 1024;

interface InflightBatch {
  names: Buffer[];
  sizes: number[];
  result: Promise<BatchResult>;
}

/** The name as stored: UTF-8, relative, no `..` segment, no backslash or NUL (what our own reader accepts). */
export function entryNameBytes(name: string): Buffer {
  if (
    name.length === 0 ||
    name.includes('\0') ||
    name.includes('\\') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').includes('..')
  ) {
    throw new Error(`invalid ZIP entry name: ${JSON.stringify(name)}`);
  }
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length > MAX_U16) throw new Error(`ZIP entry name longer than ${MAX_U16} bytes`);
  return bytes;
}

export class ZipSink {
  private readonly level: number;
  private readonly when: DosDateTime;
  private readonly chunkBytes: number;
  private readonly cdMemoryLimit: number;
  private readonly tempDir: string;
  private readonly endDestination: boolean;

  private stage: Buffer;
  private stageLength = 0;
  /** bytes of the archive emitted so far (staged included): the offset of the next record */
  private offset = 0;
  private count = 0;
  private needDrain = false;
  private failure?: Error;
  private done = false;
  private queue: Promise<unknown> = Promise.resolve();

  private cdChunk: Buffer;
  private cdChunkLength = 0;
  private cdChunks: Buffer[] = [];
  private cdChunksBytes = 0;
  private cdSize = 0;
  private spillDir?: string;
  private spillFd?: number;
  private spilledBytes = 0;

  private readonly deflater: EntryDeflater;
  private pool?: DeflateWorkerPool;
  private readonly workers: number;
  private readonly workerThreshold: number;
  private readonly maxInflight: number;
  private batchNames: Buffer[] = [];
  private batchData: Buffer[] = [];
  private batchBytes = 0;
  private inflight: InflightBatch[] = [];

  constructor(
    private readonly out: Writable,
    options: ZipSinkOptions = {},
  ) {
    this.level = options.level ?? 1;
    this.when = dosDateTime(options.modified ?? new Date());
    this.chunkBytes = options.chunkBytes ?? 256 * 1024;
    this.cdMemoryLimit = options.centralDirectoryMemoryBytes ?? 8 * 1024 * 1024;
    this.tempDir = options.tempDir ?? os.tmpdir();
    this.endDestination = options.endDestination ?? true;
    this.stage = Buffer.allocUnsafe(this.chunkBytes);
    this.cdChunk = Buffer.allocUnsafe(CD_CHUNK_BYTES);
    this.deflater = new EntryDeflater(this.level);
    this.workers = options.workers ?? (os.availableParallelism() >= 2 ? 1 : 0);
    this.workerThreshold = options.workerThresholdEntries ?? 1000;
    this.maxInflight = Math.max(2, 2 * this.workers);
    // stay subscribed: a destination error must never go unhandled, and a client that goes away ends the export
    out.on('error', (err: Error) => this.fail(err));
    out.on('close', () => {
      if (!this.done) this.fail(new Error('the destination was closed before the archive was complete'));
    });
  }

  /** entries written so far */
  get entryCount(): number {
    return this.count;
  }

  /** archive bytes produced so far */
  get bytesWritten(): number {
    return this.offset;
  }

  /** Add an entry whose content is at hand (an entity, the typesdef …). */
  addEntry(name: string, content: string | Buffer): Promise<void> {
    let nameBytes: Buffer;
    try {
      nameBytes = entryNameBytes(name);
    } catch (err) {
      return Promise.reject(err);
    }
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    return this.run(() => this.writeEntry(nameBytes, data));
  }

  /** Add an entry streamed from `source` (e.g. a long atlas-export-order.json); sizes go in a data descriptor. */
  addEntryStream(name: string, source: Readable | AsyncIterable<string | Buffer>): Promise<void> {
    let nameBytes: Buffer;
    try {
      nameBytes = entryNameBytes(name);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.run(() => this.writeStreamedEntry(nameBytes, source));
  }

  /** Write the central directory and end records, flush, and end the destination (unless told not to). */
  finalize(): Promise<void> {
    return this.run(async () => {
      await this.flushBatches();
      const cdOffset = this.offset;
      await this.emitCentralDirectory();
      this.emit(endRecords(this.count, cdOffset, this.cdSize));
      this.flushStage();
      await this.drained();
      this.done = true;
      await this.release();
      if (this.endDestination) await endWritable(this.out);
    });
  }

  /** Stop: the destination is destroyed (a client sees a broken download, never a truncated archive as complete). */
  async abort(err: Error = new Error('archive aborted')): Promise<void> {
    this.fail(err);
    this.done = true;
    await this.release();
    if (!this.out.destroyed) this.out.destroy(err);
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  /** Runs operations one after another; a failed operation leaves the archive unusable, so the sink fails. */
  private run(op: () => Promise<void>): Promise<void> {
    const result = this.queue.then(async () => {
      if (this.failure) throw this.failure;
      if (this.done) throw new Error('the archive is already finalized');
      if (this.out.destroyed || this.out.writableEnded) throw new Error('the destination is no longer writable');
      try {
        await op();
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    if (this.pool) void this.pool.close();
  }

  private async writeEntry(name: Buffer, data: Buffer): Promise<void> {
    if (data.length >= LARGE_ENTRY_BYTES) {
      await this.flushBatches();
      const crc = zlib.crc32(data);
      this.writeCompressed(name, crc, data.length, await deflateAsync(data, this.level));
    } else if (this.usePool()) {
      this.batchNames.push(name);
      this.batchData.push(data);
      this.batchBytes += data.length;
      if (this.batchBytes >= BATCH_MAX_BYTES || this.batchNames.length >= BATCH_MAX_ENTRIES) this.submitBatch();
      while (this.inflight.length >= this.maxInflight) await this.writeFirstBatch();
    } else {
      // the deflater's output is a view into its scratch buffer: writeCompressed copies it before the next call
      this.writeCompressed(name, zlib.crc32(data), data.length, this.deflater.deflate(data), true);
    }
    await this.drained();
  }

  private async writeStreamedEntry(name: Buffer, source: Readable | AsyncIterable<string | Buffer>): Promise<void> {
    await this.flushBatches();
    const offset = this.offset;
    const flags = FLAG_UTF8 | FLAG_DATA_DESCRIPTOR;
    this.emit(localHeader({ name, flags, crc: 0, compressedSize: 0, size: 0 }, this.when));
    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    const measure = async function* (chunks: AsyncIterable<string | Buffer>): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        crc = zlib.crc32(bytes, crc);
        size += bytes.length;
        yield bytes;
      }
    };
    const write = async (chunks: AsyncIterable<Buffer>): Promise<void> => {
      for await (const chunk of chunks) {
        compressedSize += chunk.length;
        this.emit(chunk);
        await this.drained();
      }
    };
    await pipeline(source, measure, zlib.createDeflateRaw({ level: this.level, chunkSize: 64 * 1024 }), write);
    this.emit(dataDescriptor(crc, compressedSize, size));
    this.recordCentral({ name, flags, crc, compressedSize, size, offset });
    await this.drained();
  }

  private writeCompressed(name: Buffer, crc: number, size: number, compressed: Buffer, transient = false): void {
    const offset = this.offset;
    const record = { name, flags: FLAG_UTF8, crc, compressedSize: compressed.length, size, offset };
    this.emit(localHeader(record, this.when));
    // a large transient view would be handed to the destination as is: copy it first
    this.emit(transient && compressed.length >= this.chunkBytes >> 1 ? Buffer.from(compressed) : compressed);
    this.recordCentral(record);
  }

  /** Whether small entries go to the workers; starts them once the archive is large enough to be worth it. */
  private usePool(): boolean {
    if (this.pool) return true;
    if (this.workers === 0 || this.count < this.workerThreshold || this.failure) return false;
    // same bytes either way (deflate.spec.ts): switching in the middle of an archive is invisible
    this.pool = new DeflateWorkerPool(this.workers);
    return true;
  }

  private submitBatch(): void {
    if (this.batchNames.length === 0 || !this.pool) return;
    const names = this.batchNames;
    const data = this.batchData;
    const input = new Uint8Array(this.batchBytes);
    const sizes = new Uint32Array(data.length);
    let at = 0;
    for (let i = 0; i < data.length; i++) {
      input.set(data[i], at);
      at += data[i].length;
      sizes[i] = data[i].length;
    }
    const result = this.pool.compress(input, sizes, this.level);
    // awaited in order later; a failure meanwhile must not count as unhandled
    result.catch(() => undefined);
    this.inflight.push({ names, sizes: data.map((d) => d.length), result });
    this.batchNames = [];
    this.batchData = [];
    this.batchBytes = 0;
  }

  private async writeFirstBatch(): Promise<void> {
    const batch = this.inflight.shift();
    if (!batch) return;
    const result = await batch.result;
    let at = 0;
    for (let i = 0; i < batch.names.length; i++) {
      const compressedSize = result.compressedSizes[i];
      this.writeCompressed(batch.names[i], result.crcs[i], batch.sizes[i], result.data.subarray(at, at + compressedSize));
      at += compressedSize;
    }
    await this.drained();
  }

  private async flushBatches(): Promise<void> {
    this.submitBatch();
    while (this.inflight.length > 0) await this.writeFirstBatch();
  }

  private emit(bytes: Buffer): void {
    this.offset += bytes.length;
    if (bytes.length >= this.chunkBytes >> 1) {
      this.flushStage();
      this.write(bytes);
      return;
    }
    if (this.stageLength + bytes.length > this.stage.length) this.flushStage();
    bytes.copy(this.stage, this.stageLength);
    this.stageLength += bytes.length;
  }

  private flushStage(): void {
    if (this.stageLength === 0) return;
    const chunk = this.stage.subarray(0, this.stageLength);
    // the destination may hold on to the chunk: never reuse it
    this.stage = Buffer.allocUnsafe(this.chunkBytes);
    this.stageLength = 0;
    this.write(chunk);
  }

  private write(chunk: Buffer): void {
    if (!this.out.write(chunk)) this.needDrain = true;
  }

  private async drained(): Promise<void> {
    if (!this.needDrain) return;
    this.needDrain = false;
    if (!this.out.writableNeedDrain) return;
    const out = this.out;
    await new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        out.off('drain', onDrain);
        out.off('close', onClose);
        out.off('error', onError);
      };
      const onDrain = (): void => {
        cleanup();
        resolve();
      };
      const onClose = (): void => {
        cleanup();
        reject(this.failure ?? new Error('the destination was closed before the archive was complete'));
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      out.on('drain', onDrain);
      out.on('close', onClose);
      out.on('error', onError);
    });
  }

  private recordCentral(e: EntryRecord): void {
    const length = centralRecordLength(e);
    if (this.cdChunkLength + length > this.cdChunk.length) this.rotateCentralChunk(length);
    writeCentralRecord(this.cdChunk, this.cdChunkLength, e, this.when);
    this.cdChunkLength += length;
    this.cdSize += length;
    this.count++;
  }

  private rotateCentralChunk(atLeast: number): void {
    if (this.cdChunkLength > 0) {
      this.cdChunks.push(this.cdChunk.subarray(0, this.cdChunkLength));
      this.cdChunksBytes += this.cdChunkLength;
    }
    this.cdChunk = Buffer.allocUnsafe(Math.max(CD_CHUNK_BYTES, atLeast));
    this.cdChunkLength = 0;
    if (this.cdChunksBytes >= this.cdMemoryLimit) this.spillCentralChunks();
  }

  /** Bounded memory for any entry count: full central-directory chunks go to a temp file. */
  private spillCentralChunks(): void {
    if (this.spillFd === undefined) {
      this.spillDir = path.join(this.tempDir, ownedTempName(ZIP_SINK_SPILL_PREFIX));
      fs.mkdirSync(this.spillDir, { mode: 0o700 });
      this.spillFd = fs.openSync(path.join(this.spillDir, 'central-directory'), 'w+');
    }
    for (const chunk of this.cdChunks) {
      let done = 0;
      while (done < chunk.length) done += fs.writeSync(this.spillFd, chunk, done, chunk.length - done, this.spilledBytes + done);
      this.spilledBytes += chunk.length;
    }
    this.cdChunks = [];
    this.cdChunksBytes = 0;
  }

  private async emitCentralDirectory(): Promise<void> {
    if (this.spillFd !== undefined) {
      const fd = this.spillFd;
      for (let at = 0; at < this.spilledBytes; ) {
        const chunk = Buffer.allocUnsafe(Math.min(CD_CHUNK_BYTES, this.spilledBytes - at));
        const got = await new Promise<number>((resolve, reject) =>
          fs.read(fd, chunk, 0, chunk.length, at, (err, n) => (err ? reject(err) : resolve(n))),
        );
        if (got === 0) throw new Error('spilled central directory is shorter than written');
        at += got;
        this.emit(got === chunk.length ? chunk : chunk.subarray(0, got));
        await this.drained();
      }
    }
    for (const chunk of this.cdChunks) {
      this.emit(chunk);
      await this.drained();
    }
    this.emit(this.cdChunk.subarray(0, this.cdChunkLength));
    this.cdChunks = [];
  }

  private async release(): Promise<void> {
    this.deflater.close();
    this.batchNames = [];
    this.batchData = [];
    this.inflight = [];
    if (this.pool) await this.pool.close();
    if (this.spillFd !== undefined) {
      fs.closeSync(this.spillFd);
      this.spillFd = undefined;
    }
    if (this.spillDir) {
      fs.rmSync(this.spillDir, { recursive: true, force: true });
      this.spillDir = undefined;
    }
  }
}

function endWritable(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (out.writableFinished) return resolve();
    const onError = (err: Error): void => reject(err);
    out.once('error', onError);
    out.end(() => {
      out.off('error', onError);
      resolve();
    });
  });
}
