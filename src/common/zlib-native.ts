// Synchronous writes on one long-lived zlib stream, as node:zlib's own processChunkSync does: Node has no public
// API for it, and a new stream per ZIP entry (deflateRawSync / inflateRawSync) is most of the cost of a small
// entry. Used by the ZIP writer (export) and the entry inflater (import); each checks itself at start-up and falls
// back to the public *Sync functions if these internals ever change.
import type * as zlib from 'node:zlib';

export interface ZlibHandle {
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
}

interface ZlibInternals {
  _handle?: ZlibHandle | null;
  _writeState?: Uint32Array;
}

/**
 * The native handle of `stream` and its write state ([0] = bytes of output room left, [1] = input left after a
 * writeSync). Throws (and closes the stream) when node:zlib's internals are not as expected.
 */
export function nativeHandleOf(stream: zlib.DeflateRaw | zlib.InflateRaw): { handle: ZlibHandle; state: Uint32Array } {
  const internals = stream as unknown as ZlibInternals;
  if (!internals._handle || typeof internals._handle.writeSync !== 'function' || !(internals._writeState instanceof Uint32Array)) {
    stream.close();
    throw new Error('node:zlib internals not as expected');
  }
  return { handle: internals._handle, state: internals._writeState };
}

/**
 * One long-lived zlib stream driven through its native handle (EntryDeflater, EntryInflater): the stream, its
 * handle and write state, and the error the stream last reported.
 */
export abstract class NativeZlibStream<S extends zlib.DeflateRaw | zlib.InflateRaw> {
  protected stream?: S;
  protected handle?: ZlibHandle;
  protected state?: Uint32Array;
  protected failure?: Error;

  /** Takes over `stream`: its errors land in `failure`; throws when node:zlib's internals are not as expected. */
  protected attach(stream: S): ZlibHandle {
    stream.on('error', (err: Error) => {
      this.failure = err;
    });
    const { handle, state } = nativeHandleOf(stream);
    this.stream = stream;
    this.handle = handle;
    this.state = state;
    return handle;
  }

  close(): void {
    this.stream?.close();
    this.stream = undefined;
    this.handle = undefined;
    this.state = undefined;
  }
}
