// Rows of `COPY … TO STDOUT (FORMAT binary)` as Buffers. The export reads each page's JSON texts this way: the
// bytes PostgreSQL sends go to the ZIP as they are, never decoded into JavaScript strings and encoded back (that
// cost as much CPU as the deflate and left the heap full of large strings between collections).
//
// Format (PostgreSQL "COPY" binary): 11-byte signature, int32 flags, int32 header-extension length + extension;
// then per tuple int16 field count (-1 ends the data) and per field int32 length (-1 = NULL) + bytes.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

export type CopyRow = Array<Buffer | null>;

/** Parses a binary COPY stream incrementally; a field split over chunks is assembled with one copy. */
export class CopyBinaryRowParser {
  private chunks: Buffer[] = [];
  private length = 0;
  private headerDone = false;
  private ended = false;
  private row: CopyRow = [];
  private fieldsLeft = -1;

  /** Feeds a chunk; returns the rows it completed. */
  push(chunk: Buffer): CopyRow[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.length += chunk.length;
    }
    const rows: CopyRow[] = [];
    for (;;) {
      if (this.ended) {
        this.chunks = [];
        this.length = 0;
        return rows;
      }
      if (!this.headerDone) {
        if (this.length < 19) return rows;
        const head = this.peek(19);
        if (!head.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
        const extension = head.readUInt32BE(15);
        if (this.length < 19 + extension) return rows;
        this.take(19 + extension);
        this.headerDone = true;
        continue;
      }
      if (this.fieldsLeft < 0) {
        if (this.length < 2) return rows;
        const count = this.take(2).readInt16BE(0);
        if (count === -1) {
          this.ended = true;
          continue;
        }
        this.fieldsLeft = count;
        this.row = [];
      }
      while (this.fieldsLeft > 0) {
        if (this.length < 4) return rows;
        const size = this.peek(4).readInt32BE(0);
        if (size === -1) {
          this.take(4);
          this.row.push(null);
        } else {
          if (this.length < 4 + size) return rows;
          this.take(4);
          this.row.push(this.take(size));
        }
        this.fieldsLeft--;
      }
      rows.push(this.row);
      this.fieldsLeft = -1;
    }
  }

  /** True once the end-of-data marker was read. */
  get done(): boolean {
    return this.ended;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    for (let i = 0; at < n; i++) at += this.chunks[i].copy(out, at, 0, Math.min(this.chunks[i].length, n - at));
    return out;
  }

  /** The next n bytes: a view when they lie in one chunk, else one copy. */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0];
        const k = Math.min(c.length, n - at);
        c.copy(out, at, 0, k);
        at += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.length -= n;
    return out;
  }
}

/** The rows of a binary COPY stream, a chunk's worth at a time. */
export async function* copyBinaryRows(stream: AsyncIterable<Buffer>): AsyncGenerator<CopyRow[]> {
  const parser = new CopyBinaryRowParser();
  for await (const chunk of stream) {
    const rows = parser.push(chunk);
    if (rows.length > 0) yield rows;
  }
  if (!parser.done) throw new Error('binary COPY stream ended early');
}
