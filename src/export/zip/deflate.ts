import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';

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

export interface BatchResult {
  /** the compressed entries, back to back */
  data: Buffer;
  compressedSizes: Uint32Array;
  crcs: Uint32Array;
}

/** Compress a batch on the calling thread. */
export function deflateBatchSync(input: Buffer, sizes: ArrayLike<number>, level: number): BatchResult {
  const parts: Buffer[] = [];
  const compressedSizes = new Uint32Array(sizes.length);
  const crcs = new Uint32Array(sizes.length);
  let at = 0;
  for (let i = 0; i < sizes.length; i++) {
    const slice = input.subarray(at, at + sizes[i]);
    at += sizes[i];
    crcs[i] = zlib.crc32(slice);
    const out = deflateSync(slice, level);
    compressedSizes[i] = out.length;
    parts.push(out);
  }
  return { data: Buffer.concat(parts), compressedSizes, crcs };
}

// The worker runs this source (eval: no separate file, so it works alike from dist/ and under vitest).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const cache = new Map();
function options(size, level) {
  const windowBits = size <= 2048 ? 11 : size <= 4096 ? 12 : size <= 8192 ? 13 : size <= 16384 ? 14 : 15;
  const key = windowBits + '/' + level;
  let o = cache.get(key);
  if (!o) { o = { level, windowBits, memLevel: windowBits === 15 ? 8 : windowBits - 8, chunkSize: windowBits === 15 ? 65536 : 16384 }; cache.set(key, o); }
  return o;
}
parentPort.on('message', (m) => {
  try {
    const input = Buffer.from(m.input.buffer, m.input.byteOffset, m.input.byteLength);
    const n = m.sizes.length;
    const compressedSizes = new Uint32Array(n);
    const crcs = new Uint32Array(n);
    const outs = new Array(n);
    let at = 0, total = 0;
    for (let i = 0; i < n; i++) {
      const slice = input.subarray(at, at + m.sizes[i]);
      at += m.sizes[i];
      crcs[i] = zlib.crc32(slice);
      const out = zlib.deflateRawSync(slice, options(slice.length, m.level));
      outs[i] = out;
      compressedSizes[i] = out.length;
      total += out.length;
    }
    const data = new Uint8Array(total);
    let p = 0;
    for (const out of outs) { data.set(out, p); p += out.length; }
    parentPort.postMessage({ id: m.id, data, compressedSizes, crcs }, [data.buffer, compressedSizes.buffer, crcs.buffer]);
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
      const worker = new Worker(WORKER_SOURCE, { eval: true });
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
