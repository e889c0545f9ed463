// A streaming splitter for one top-level JSON array of objects (the zipDirect `entities.json`, spec 2.7).
// entities.json can be gigabytes, so it is never parsed as a whole: the splitter finds where each element starts
// and ends (tracking strings, escapes and brace depth over the raw UTF-8 bytes) and hands out the bytes of one
// element at a time; the caller JSON.parses each. Memory is bounded by the largest element.
//
// Splitting on bytes is safe for UTF-8: every structural character is ASCII and no byte of a multi-byte sequence
// is below 0x80.

const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COMMA = 0x2c; // ,

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** A structural problem of the array; `element` is the zero-based index of the element concerned. */
export class JsonArrayError extends Error {
  constructor(message: string, readonly element: number) {
    super(message);
    this.name = 'JsonArrayError';
  }
}

const enum State {
  BeforeArray,
  BeforeFirst,
  InElement,
  AfterElement,
  BeforeNext,
  Done,
}

export class JsonArraySplitter {
  private state = State.BeforeArray;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** bytes of the current element that arrived in earlier chunks */
  private parts: Buffer[] = [];
  private elementBytes = 0;
  private index = 0;
  private atStart = true;

  constructor(private readonly maxElementBytes: number) {}

  /** true once the closing `]` was seen */
  get done(): boolean {
    return this.state === State.Done;
  }

  /** number of complete elements handed out so far */
  get elementCount(): number {
    return this.index;
  }

  /** Feed the next chunk; returns the complete elements it closed (possibly none). */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let i = 0;
    const n = chunk.length;
    if (this.atStart) {
      this.atStart = false;
      // a UTF-8 byte order mark is tolerated, as Atlas's Jackson parser does
      if (n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    let start = this.state === State.InElement ? 0 : -1;
    while (i < n) {
      const c = chunk[i];
      switch (this.state) {
        case State.InElement: {
          // tight loop over the element body: only strings and brackets matter
          let depth = this.depth;
          let inString = this.inString;
          let escaped = this.escaped;
          for (; i < n; i++) {
            const b = chunk[i];
            if (inString) {
              if (escaped) escaped = false;
              else if (b === BACKSLASH) escaped = true;
              else if (b === QUOTE) inString = false;
            } else if (b === QUOTE) {
              inString = true;
            } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
              depth++;
            } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
              depth--;
              if (depth === 0) break;
            }
          }
          this.depth = depth;
          this.inString = inString;
          this.escaped = escaped;
          if (i < n) {
            // element closed at i
            const tail = chunk.subarray(start, i + 1);
            this.checkSize(tail.length);
            out.push(this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]));
            this.parts = [];
            this.elementBytes = 0;
            this.index++;
            this.state = State.AfterElement;
            start = -1;
            i++;
          }
          continue;
        }
        case State.BeforeArray:
          if (c === OPEN_BRACKET) this.state = State.BeforeFirst;
          else if (!isJsonWhitespace(c)) throw new JsonArrayError('expected a JSON array', 0);
          break;
        case State.BeforeFirst:
        case State.BeforeNext:
          if (c === OPEN_BRACE) {
            this.state = State.InElement;
            this.depth = 1;
            this.inString = false;
            this.escaped = false;
            start = i;
          } else if (c === CLOSE_BRACKET && this.state === State.BeforeFirst) {
            this.state = State.Done;
          } else if (!isJsonWhitespace(c)) {
            throw new JsonArrayError(`element ${this.index} is not a JSON object`, this.index);
          }
          break;
        case State.AfterElement:
          if (c === COMMA) this.state = State.BeforeNext;
          else if (c === CLOSE_BRACKET) this.state = State.Done;
          else if (!isJsonWhitespace(c)) {
            throw new JsonArrayError(`expected ',' or ']' after element ${this.index - 1}`, this.index - 1);
          }
          break;
        case State.Done:
          // whatever follows the array is not read (spec 2.7: parsing stops at the end of the array)
          return out;
      }
      i++;
    }
    if (this.state === State.InElement && start >= 0 && start < n) {
      const rest = chunk.subarray(start);
      this.checkSize(rest.length);
      // copy: the caller may reuse its chunk buffer
      this.parts.push(Buffer.from(rest));
      this.elementBytes += rest.length;
    }
    return out;
  }

  /** Call at end of input: throws when the array was not closed. */
  end(): void {
    if (this.state === State.Done) return;
    if (this.state === State.BeforeArray) throw new JsonArrayError('expected a JSON array, found no content', 0);
    throw new JsonArrayError(`unexpected end of the array at element ${this.index}`, this.index);
  }

  private checkSize(more: number): void {
    if (this.elementBytes + more > this.maxElementBytes) {
      throw new JsonArrayError(`element ${this.index} is larger than the limit of ${this.maxElementBytes} bytes`, this.index);
    }
  }
}

/** Split an async byte source holding one JSON array into the raw bytes of its elements. */
export async function* splitJsonArray(source: AsyncIterable<Buffer>, maxElementBytes: number): AsyncGenerator<Buffer> {
  const splitter = new JsonArraySplitter(maxElementBytes);
  for await (const chunk of source) {
    for (const element of splitter.push(chunk)) yield element;
    if (splitter.done) return;
  }
  splitter.end();
}
