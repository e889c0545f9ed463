import * as zlib from 'node:zlib';
import { NativeZlibStream, type ZlibHandle } from '../../common/zlib-native';

// Inflates small ZIP entries into a buffer of exactly their declared size. inflateRawSync builds a new zlib stream
// (Transform object, native state, 32 KB window, 16 KB output buffer) per call, which is most of the cost of a
// 1-6 KB entity; here one native inflate state is reset between entries (zlib's inflateReset, the public
// `reset()`), and the output goes straight into the result buffer. Node has no public synchronous write on a
// stream, so this drives its native handle as node:zlib's own processChunkSync does; a self-test at start-up
// falls back to inflateRawSync if those internals ever change.

export class InflateError extends Error {
  constructor(
    readonly kind: 'too-large' | 'corrupt',
    message: string,
  ) {
    super(message);
    this.name = 'InflateError';
  }
}

export class EntryInflater extends NativeZlibStream<zlib.InflateRaw> {
  private usable = true;

  constructor() {
    super();
    try {
      const input = Buffer.from('{"entity":{"typeName":"probe"}}');
      const compressed = zlib.deflateRawSync(input);
      for (let i = 0; i < 2; i++) {
        if (!this.inflate(compressed, input.length).equals(input)) throw new Error('self-test mismatch');
      }
      this.inflate(compressed, 5);
    } catch (err) {
      // the last probe must fail as too large; anything else means the internals differ
      if (!(err instanceof InflateError && err.kind === 'too-large')) this.disable();
    }
    if (!this.handle && this.usable) this.disable();
  }

  /** true when one inflate state is reused (false: inflateRawSync per entry) */
  get shared(): boolean {
    return this.usable;
  }

  /**
   * Inflate one entry whose uncompressed size is declared as `size`. Never produces more than size + 1 bytes
   * (a header must not be trusted); the result has exactly `size` bytes or an InflateError is thrown.
   */
  inflate(compressed: Buffer, size: number): Buffer {
    if (!this.usable) return fallbackInflate(compressed, size);
    if (!this.handle) this.open();
    const handle = this.handle as ZlibHandle;
    const state = this.state as Uint32Array;
    const out = Buffer.allocUnsafe(size + 1);
    this.failure = undefined;
    handle.writeSync(zlib.constants.Z_FINISH, compressed, 0, compressed.length, out, 0, out.length);
    const failure = this.failure as Error | undefined;
    if (failure) {
      // node:zlib destroys a stream after an error: start afresh next time
      this.close();
      throw new InflateError('corrupt', failure.message);
    }
    const produced = out.length - state[0];
    this.stream?.reset();
    if (produced > size) throw new InflateError('too-large', `the data inflates beyond the declared size of ${size} bytes`);
    return produced === size ? out.subarray(0, size) : out.subarray(0, produced);
  }

  private open(): void {
    const handle = this.attach(zlib.createInflateRaw()) as ZlibHandle & { onerror?: (message: string, errno: number) => void };
    // errors are reported synchronously through the handle's onerror, which node:zlib wires to 'error'
    const original = handle.onerror;
    handle.onerror = (message: string, errno: number): void => {
      this.failure = new Error(message);
      original?.call(handle, message, errno);
    };
  }

  private disable(): void {
    this.close();
    this.usable = false;
  }
}

function fallbackInflate(compressed: Buffer, size: number): Buffer {
  let out: Buffer;
  try {
    out = zlib.inflateRawSync(compressed, { maxOutputLength: size + 1 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InflateError('too-large', `the data inflates beyond the declared size of ${size} bytes`);
    }
    throw new InflateError('corrupt', err instanceof Error ? err.message : String(err));
  }
  if (out.length > size) throw new InflateError('too-large', `the data inflates beyond the declared size of ${size} bytes`);
  return out;
}
