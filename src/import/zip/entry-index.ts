// The archive's central directory as the import keeps it: what reading an entry needs (local header offset,
// sizes, CRC, method, flags) in typed-array columns, the names in one byte arena, and an open-addressing hash
// table from name to entry. All of it lives in ArrayBuffers, off the JS heap: ~100 bytes an entry and nothing
// for the garbage collector to trace, where a JS object, a name string and map slots per entry cost ~300 bytes
// of heap (a 1M-entity hive archive has 109k entries: ~33 MB of heap that made the server's RSS grow with the
// archive). Names are unique in the index: the first occurrence of a name wins (spec 2.1).

export interface EntryInfo {
  readonly name: string;
  /** local header offset */
  readonly offset: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc: number;
  readonly method: number;
  readonly flags: number;
}

const INITIAL_ENTRIES = 1024;
const INITIAL_ARENA_BYTES = 64 * 1024;
const EMPTY = -1;

/** 32-bit FNV-1a over the UTF-16 code units of a string. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export class EntryIndex {
  private count = 0;
  private offsets = new Float64Array(INITIAL_ENTRIES);
  private compressedSizes = new Float64Array(INITIAL_ENTRIES);
  private sizes = new Float64Array(INITIAL_ENTRIES);
  private crcs = new Uint32Array(INITIAL_ENTRIES);
  private methods = new Uint16Array(INITIAL_ENTRIES);
  private flags = new Uint16Array(INITIAL_ENTRIES);
  private hashes = new Int32Array(INITIAL_ENTRIES);
  private nameStarts = new Float64Array(INITIAL_ENTRIES);
  private nameLengths = new Uint32Array(INITIAL_ENTRIES);
  private arena = Buffer.allocUnsafe(INITIAL_ARENA_BYTES);
  private arenaUsed = 0;
  /** slot -> entry index, EMPTY when free; at most half full */
  private slots = new Int32Array(2 * INITIAL_ENTRIES).fill(EMPTY);

  get size(): number {
    return this.count;
  }

  /** Adds an entry; a name already in the index is not added again. Returns whether it was added. */
  add(entry: EntryInfo): boolean {
    const hash = nameHash(entry.name);
    if (this.lookup(entry.name, hash) !== EMPTY) return false;
    if (this.count === this.offsets.length) this.growColumns();
    if (2 * (this.count + 1) > this.slots.length) this.growSlots();
    const i = this.count++;
    this.offsets[i] = entry.offset;
    this.compressedSizes[i] = entry.compressedSize;
    this.sizes[i] = entry.size;
    this.crcs[i] = entry.crc >>> 0;
    this.methods[i] = entry.method;
    this.flags[i] = entry.flags;
    this.hashes[i] = hash;
    const bytes = Buffer.byteLength(entry.name, 'utf8');
    if (this.arenaUsed + bytes > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.arena.length, this.arenaUsed + bytes));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    this.arena.write(entry.name, this.arenaUsed, 'utf8');
    this.nameStarts[i] = this.arenaUsed;
    this.nameLengths[i] = bytes;
    this.arenaUsed += bytes;
    this.place(i, hash);
    return true;
  }

  /** Index of the entry named `name`, or -1. */
  indexOf(name: string): number {
    return this.lookup(name, nameHash(name));
  }

  /** The entry at `index` (a new object each call: callers hold it only while they read the entry). */
  at(index: number): EntryInfo {
    return {
      name: this.nameAt(index),
      offset: this.offsets[index],
      compressedSize: this.compressedSizes[index],
      size: this.sizes[index],
      crc: this.crcs[index],
      method: this.methods[index],
      flags: this.flags[index],
    };
  }

  nameAt(index: number): string {
    const start = this.nameStarts[index];
    return this.arena.toString('utf8', start, start + this.nameLengths[index]);
  }

  /** Names in the order they were added. */
  *names(): IterableIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.nameAt(i);
  }

  /**
   * The name of an entry whose local header starts inside another entry's local header or data, or undefined.
   * Each entry spans at least `localHeaderBytes` + its name + its compressed data. Entries that share or overlap
   * data multiply the work of reading an archive (an "overlapping" ZIP bomb) while each one keeps to the limits.
   * Writers put entries in offset order, so the usual check is one pass; otherwise the offsets are sorted first.
   */
  firstOverlap(localHeaderBytes: number): string | undefined {
    const n = this.count;
    let inOrder = true;
    for (let i = 1; i < n && inOrder; i++) inOrder = this.offsets[i] > this.offsets[i - 1];
    let order: Int32Array | undefined;
    if (!inOrder) {
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((a, b) => this.offsets[a] - this.offsets[b]);
    }
    for (let k = 1; k < n; k++) {
      const prev = order ? order[k - 1] : k - 1;
      const cur = order ? order[k] : k;
      const end = this.offsets[prev] + localHeaderBytes + this.nameLengths[prev] + this.compressedSizes[prev];
      if (this.offsets[cur] < end) return this.nameAt(cur);
    }
    return undefined;
  }

  private lookup(name: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const i = this.slots[s];
      if (i === EMPTY) return EMPTY;
      if (this.hashes[i] === hash && this.nameAt(i) === name) return i;
    }
  }

  private place(index: number, hash: number): void {
    const mask = this.slots.length - 1;
    let s = hash & mask;
    while (this.slots[s] !== EMPTY) s = (s + 1) & mask;
    this.slots[s] = index;
  }

  private growSlots(): void {
    this.slots = new Int32Array(2 * this.slots.length).fill(EMPTY);
    for (let i = 0; i < this.count; i++) this.place(i, this.hashes[i]);
  }

  private growColumns(): void {
    const n = 2 * this.offsets.length;
    const grow = <T extends Float64Array | Uint32Array | Uint16Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.offsets = grow(this.offsets, (k) => new Float64Array(k));
    this.compressedSizes = grow(this.compressedSizes, (k) => new Float64Array(k));
    this.sizes = grow(this.sizes, (k) => new Float64Array(k));
    this.crcs = grow(this.crcs, (k) => new Uint32Array(k));
    this.methods = grow(this.methods, (k) => new Uint16Array(k));
    this.flags = grow(this.flags, (k) => new Uint16Array(k));
    this.hashes = grow(this.hashes, (k) => new Int32Array(k));
    this.nameStarts = grow(this.nameStarts, (k) => new Float64Array(k));
    this.nameLengths = grow(this.nameLengths, (k) => new Uint32Array(k));
  }
}
