import { describe, expect, it } from 'vitest';
import { EntryIndex, EntryInfo, nameHash } from './entry-index';

function entry(name: string, n: number): EntryInfo {
  return { name, offset: n * 1000 + 2 ** 33, compressedSize: n, size: n * 3, crc: (0xfedcba98 + n) >>> 0, method: n % 2 ? 8 : 0, flags: n % 4 };
}

describe('EntryIndex', () => {
  it('finds every entry by name with all its fields, across growth of columns, slots and name arena', () => {
    const index = new EntryIndex();
    const names = Array.from({ length: 20_000 }, (_, i) => `${i.toString(16).padStart(8, '0')}-4a5b-8c9d-${'e'.repeat(i % 50)}.json`);
    names.forEach((name, i) => expect(index.add(entry(name, i))).toBe(true));
    expect(index.size).toBe(names.length);
    names.forEach((name, i) => {
      const at = index.indexOf(name);
      expect(at).toBe(i);
      expect(index.at(at)).toEqual(entry(name, i));
    });
    expect(index.indexOf('missing.json')).toBe(-1);
    expect([...index.names()]).toEqual(names);
  });

  it('finds an entry whose local header starts inside another entry, in or out of offset order', () => {
    const at = (name: string, offset: number, compressedSize: number): EntryInfo => ({ name, offset, compressedSize, size: compressedSize, crc: 0, method: 0, flags: 0 });
    const indexOf = (...entries: EntryInfo[]) => {
      const index = new EntryIndex();
      for (const e of entries) index.add(e);
      return index;
    };
    // a.json spans 30 + 6 + 100 bytes from 0
    expect(indexOf(at('a.json', 0, 100), at('b.json', 136, 5)).firstOverlap(30)).toBeUndefined();
    expect(indexOf(at('a.json', 0, 100), at('b.json', 135, 5)).firstOverlap(30)).toBe('b.json');
    expect(indexOf(at('b.json', 136, 5), at('a.json', 0, 100)).firstOverlap(30)).toBeUndefined();
    expect(indexOf(at('c.json', 500, 5), at('b.json', 0, 5), at('a.json', 0, 100)).firstOverlap(30)).toMatch(/^[ab]\.json$/);
    expect(indexOf().firstOverlap(30)).toBeUndefined();
  });

  it('keeps the first occurrence of a name (spec 2.1)', () => {
    const index = new EntryIndex();
    expect(index.add(entry('a.json', 1))).toBe(true);
    expect(index.add(entry('a.json', 2))).toBe(false);
    expect(index.size).toBe(1);
    expect(index.at(index.indexOf('a.json')).size).toBe(3);
  });

  it('tells apart names whose hashes collide, and non-ASCII names', () => {
    // two names with the same 32-bit hash (found by search: ~2^16 names by the birthday bound), so a lookup meets
    // an entry whose hash matches and whose name does not
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const name = `n${i}`;
      const h = nameHash(name);
      const other = seen.get(h);
      if (other) pair = [other, name];
      else seen.set(h, name);
    }
    const index = new EntryIndex();
    index.add(entry(pair[0], 1));
    index.add(entry(pair[1], 2));
    index.add(entry('tablé-ü-€.json', 3));
    expect(index.at(index.indexOf(pair[0])).compressedSize).toBe(1);
    expect(index.at(index.indexOf(pair[1])).compressedSize).toBe(2);
    expect(index.nameAt(index.indexOf('tablé-ü-€.json'))).toBe('tablé-ü-€.json');
  });
});
