import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { NativeZlibStream } from '../../common/zlib-native';

// Raw DEFLATE for ZIP entries. Most of the cost of a small entry is zlib's per-stream set-up, not compressing:
// a window and hash table sized to the entry (an entity is 0.4–6 KB) cut it, and the output is a standard
// deflate stream every inflater reads. Measured in docs/zip-library-choice.md.

export interface DeflateSettings {
  level: number;
}

const OPTIONS_CACHE = new Map<string, zlib.ZlibOptions>();

/** zlib options for an input of `size` bytes: the window covers the whole input, so nothing is lost. */
export function deflateOptions(size: number, level: number): zlib.ZlibOptions {
  // windowBits 11..15 (2 KB .. 32 KB); memLevel scaled with it
  const windowBits = size <= 2048 ? 11 : size <= 4096 ? 12 : size <= 8192 ? 13 : size <= 16384 ? 14 : 15;
  const memLevel = windowBits === 15 ? 8 : windowBits - 8;
  const key = `${windowBits}/${level}`;
  let options = OPTIONS_CACHE.get(key);
  if (!options) {
    options = { level, windowBits, memLevel, chunkSize: windowBits === 15 ? 64 * 1024 : 16 * 1024 };
    OPTIONS_CACHE.set(key, options);
  }
  return options;
}

export function deflateSync(data: Buffer, level: number): Buffer {
  return zlib.deflateRawSync(data, deflateOptions(data.length, level));
}

/** Deflate on libuv's thread pool: for large entries, so the event loop is not blocked. */
export function deflateAsync(data: Buffer, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) => zlib.deflateRaw(data, deflateOptions(data.length, level), (err, out) => (err ? reject(err) : resolve(out))));
}

// ---- one deflate stream for all small entries ------------------------------------------------------------------
//
// Creating a zlib stream per entry (what deflateRawSync and archiver do) is most of an entity's cost: a Transform
// object, a native state with window and hash table, a 16 KB output buffer, and the garbage of all that. Instead
// one raw deflate state is kept for the whole archive and every entry ends with Z_FULL_FLUSH: the full flush
// byte-aligns the output and resets the match state, so nothing after it refers to data before it (zlib.h: "so
// that decompression can restart from this point"). Appending an empty final block (bits 1,01,0000000 = 03 00)
// turns each entry's bytes into a complete, independent deflate stream, which every inflater reads (pigz
// produces independent blocks the same way).
//
// Node has no public synchronous API on a persistent stream, so this drives the stream's native handle the way
// node:zlib's own processChunkSync does (`_handle.writeSync` + `_writeState`). It checks itself at start-up and
// falls back to deflateRawSync per entry if the internals ever change.

/** An empty final fixed-Huffman block. */
const FINAL_EMPTY_BLOCK = [0x03, 0x00];

/** Deflates entries one after another; `deflate()` returns a view valid until the next call. */
export class EntryDeflater extends NativeZlibStream<zlib.DeflateRaw> {
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(private readonly level: number) {
    super();
    try {
      this.open();
      const probe = [Buffer.from('{"entity":{"typeName":"probe","guid":"a"}}'), Buffer.from('{"entity":{"typeName":"probe","guid":"b"}}')];
      for (const input of probe) {
        if (!zlib.inflateRawSync(this.deflate(input)).equals(input)) throw new Error('self-test mismatch');
      }
      // start the archive's entries from a fresh state
      this.close();
      this.open();
    } catch {
      this.close();
    }
  }

  /** true when entries share one deflate stream (false: deflateRawSync per entry) */
  get shared(): boolean {
    return this.handle !== undefined;
  }

  deflate(input: Buffer): Buffer {
    if (!this.handle || !this.state) return deflateSync(input, this.level);
    let inOff = 0;
    let availIn = input.length;
    let outLength = 0;
    for (;;) {
      if (this.scratch.length - outLength < 1024) this.grow(outLength);
      const room = this.scratch.length - outLength;
      this.handle.writeSync(zlib.constants.Z_FULL_FLUSH, input, inOff, availIn, this.scratch, outLength, room);
      if (this.failure) throw this.failure;
      const availOut = this.state[0];
      const availInAfter = this.state[1];
      outLength += room - availOut;
      inOff += availIn - availInAfter;
      availIn = availInAfter;
      // zlib filled the output: there may be more to come
      if (availOut !== 0) break;
    }
    if (this.scratch.length - outLength < FINAL_EMPTY_BLOCK.length) this.grow(outLength);
    this.scratch[outLength++] = FINAL_EMPTY_BLOCK[0];
    this.scratch[outLength++] = FINAL_EMPTY_BLOCK[1];
    return this.scratch.subarray(0, outLength);
  }

  private open(): void {
    this.attach(zlib.createDeflateRaw({ level: this.level, windowBits: 15, memLevel: 8 }));
  }

  private grow(keep: number): void {
    const bigger = Buffer.allocUnsafe(this.scratch.length * 2);
    this.scratch.copy(bigger, 0, 0, keep);
    this.scratch = bigger;
  }
}

export interface BatchResult {
  /** the compressed entries, back to back */
  data: Buffer;
  compressedSizes: Uint32Array;
  crcs: Uint32Array;
}

// The worker runs this source (eval: no separate file, so it works alike from dist/ and under vitest). It keeps one
// deflate stream with a full flush per entry, like EntryDeflater, and falls back to deflateRawSync the same way.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
let stream, handle, state, failure, scratch = Buffer.allocUnsafe(65536), level = -1;
function open(l) {
  if (stream) stream.close();
  stream = zlib.createDeflateRaw({ level: l, windowBits: 15, memLevel: 8 });
  stream.on('error', (err) => { failure = err; });
  handle = stream._handle; state = stream._writeState;
  if (!handle || typeof handle.writeSync !== 'function' || !(state instanceof Uint32Array)) { stream.close(); stream = handle = state = undefined; }
  level = l;
}
function grow(keep) { const b = Buffer.allocUnsafe(scratch.length * 2); scratch.copy(b, 0, 0, keep); scratch = b; }
function deflate(input) {
  if (!handle) return zlib.deflateRawSync(input, { level });
  let inOff = 0, availIn = input.length, outLength = 0;
  for (;;) {
    if (scratch.length - outLength < 1024) grow(outLength);
    const room = scratch.length - outLength;
    handle.writeSync(zlib.constants.Z_FULL_FLUSH, input, inOff, availIn, scratch, outLength, room);
    if (failure) throw failure;
    const availOut = state[0], availInAfter = state[1];
    outLength += room - availOut; inOff += availIn - availInAfter; availIn = availInAfter;
    if (availOut !== 0) break;
  }
  if (scratch.length - outLength < 2) grow(outLength);
  scratch[outLength++] = 0x03; scratch[outLength++] = 0x00;
  return scratch.subarray(0, outLength);
}
function start(l) {
  open(l);
  try {
    for (const probe of ['{"entity":{"guid":"a"}}', '{"entity":{"guid":"b"}}']) {
      const input = Buffer.from(probe);
      if (!zlib.inflateRawSync(deflate(input)).equals(input)) throw new Error('self-test mismatch');
    }
    open(l);
  } catch (err) {
    if (stream) stream.close();
    stream = handle = state = undefined;
  }
}
parentPort.on('message', (m) => {
  try {
    if (m.level !== level) start(m.level);
    const input = Buffer.from(m.input.buffer, m.input.byteOffset, m.input.byteLength);
    const n = m.sizes.length;
    const compressedSizes = new Uint32Array(n);
    const crcs = new Uint32Array(n);
    let data = new Uint8Array(Math.max(1024, input.length + (input.length >> 3) + 64 * n));
    let at = 0, p = 0;
    for (let i = 0; i < n; i++) {
      const slice = input.subarray(at, at + m.sizes[i]);
      at += m.sizes[i];
      crcs[i] = zlib.crc32(slice);
      const out = deflate(slice);
      if (p + out.length > data.length) { const d = new Uint8Array((p + out.length) * 2); d.set(data.subarray(0, p)); data = d; }
      data.set(out, p);
      p += out.length;
      compressedSizes[i] = out.length;
    }
    const result = data.slice(0, p);
    parentPort.postMessage({ id: m.id, data: result, compressedSizes, crcs }, [result.buffer, compressedSizes.buffer, crcs.buffer]);
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.stack || err) });
  }
});
`;

interface Pending {
  resolve(result: BatchResult): void;
  reject(err: Error): void;
}

interface WorkerReply {
  id: number;
  data?: Uint8Array;
  compressedSizes?: Uint32Array;
  crcs?: Uint32Array;
  error?: string;
}

/** A few worker threads that deflate batches of entries; results come back per batch. */
export class DeflateWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private next = 0;
  private failure?: Error;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      // a small heap: the worker only holds one batch at a time
      const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 } });
      worker.on('message', (reply: WorkerReply) => this.onReply(reply));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`deflate worker exited with code ${code}`));
      });
      // do not keep the process alive for idle workers
      worker.unref();
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Compress `sizes.length` entries laid back to back in `input` (the buffer is transferred, not copied). */
  compress(input: Uint8Array, sizes: Uint32Array, level: number): Promise<BatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[this.next];
    this.next = (this.next + 1) % this.workers.length;
    return new Promise<BatchResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, input, sizes, level }, [input.buffer as ArrayBuffer, sizes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('deflate worker pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private onReply(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
    if (reply.error !== undefined || !reply.data || !reply.compressedSizes || !reply.crcs) {
      pending.reject(new Error(`deflate worker failed: ${reply.error ?? 'no result'}`));
      return;
    }
    pending.resolve({
      data: Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength),
      compressedSizes: reply.compressedSizes,
      crcs: reply.crcs,
    });
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
