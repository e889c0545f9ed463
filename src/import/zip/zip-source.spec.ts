import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtlasError } from '../../common/errors';
import { buildRawZip, entityJson, goodEntries, GUID_A, GUID_B, RawEntry } from '../../../test/fixtures/bad/make-bad-zips';
import { sharedZip } from './testing/fixture-paths';
import { ZipLimits, ZipSource } from './zip-source';

const LIMITS: ZipLimits = { maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 16 * 1024 ** 3, maxCompressionRatio: 200, maxEntries: 5_000_000 };

let tmp: string;
let seq = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-source-spec-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tmpFile(bytes: Buffer): string {
  const file = path.join(tmp, `a${seq++}.zip`);
  fs.writeFileSync(file, bytes);
  return file;
}

async function withSource<T>(file: string, fn: (s: ZipSource) => Promise<T>, format: 'standard' | 'zipDirect' = 'standard', limits = LIMITS): Promise<T> {
  const source = await ZipSource.open(file, limits, format);
  try {
    return await fn(source);
  } finally {
    await source.close();
  }
}

async function errorOf(promise: Promise<unknown>): Promise<AtlasError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AtlasError);
    return err as AtlasError;
  }
  throw new Error('expected an AtlasError');
}

async function collect(source: ZipSource, start = 0) {
  const items = [];
  for await (const item of source.entities(start)) items.push(item);
  return items;
}

/** Patch the declared uncompressed size of the first entry (local header and central directory). */
function patchDeclaredSize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  out.writeUInt32LE(size, 22);
  const cd = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  out.writeUInt32LE(size, cd + 24);
  return out;
}

const FIXTURES: Record<string, { order: number; entities: number; entityDefs: number }> = {
  'ctas.zip': { order: 7, entities: 7, entityDefs: 10 },
  'dept-employee-test-utils.zip': { order: 2, entities: 1, entityDefs: 4 },
  'hdfs_path1.zip': { order: 1, entities: 1, entityDefs: 5 },
  'logging-v1-full.zip': { order: 4, entities: 4, entityDefs: 9 },
  'repl_exp_1.zip': { order: 4, entities: 4, entityDefs: 21 },
  'reporting-v1-full.zip': { order: 1, entities: 1, entityDefs: 1 },
  'sales-v1-full.zip': { order: 12, entities: 12, entityDefs: 10 },
  'salesNewTypeAttrs-next.zip': { order: 1, entities: 1, entityDefs: 10 },
  'salesNewTypeAttrs.zip': { order: 1, entities: 1, entityDefs: 10 },
  'stocks-base.zip': { order: 13, entities: 13, entityDefs: 10 },
  'stocks-float.zip': { order: 4, entities: 4, entityDefs: 11 },
  'stocks-glossary.zip': { order: 4, entities: 4, entityDefs: 3 },
  'stocks.zip': { order: 4, entities: 4, entityDefs: 6 },
  'tag-prop-2.zip': { order: 13, entities: 13, entityDefs: 10 },
};

describe('ZipSource over the shared Atlas fixtures', () => {
  for (const [name, facts] of Object.entries(FIXTURES)) {
    it(`${name}: order, typesdef, export info and every entity are readable`, async () => {
      await withSource(sharedZip(name), async (source) => {
        expect(await source.isEmpty()).toBe(false);
        const order = [...(await source.exportOrder())];
        expect(order).toHaveLength(facts.order);
        expect(source.entityEntryCount).toBe(facts.entities);
        const typesDef = await source.typesDef();
        expect(typesDef.entityDefs).toHaveLength(facts.entityDefs);
        expect(Array.isArray(typesDef.relationshipDefs)).toBe(true);
        expect(Array.isArray(typesDef.businessMetadataDefs)).toBe(true);
        const info = await source.exportInfo();
        expect(info?.operationStatus).toBeDefined();
        const items = await collect(source);
        expect(items.map((i) => i.guid)).toEqual(order);
        expect(items.map((i) => i.position)).toEqual(order.map((_, i) => i));
        for (const item of items) {
          expect(item.value?.entity.guid).toBe(item.guid);
          expect(source.hasEntity(item.guid)).toBe(true);
        }
        await source.validate();
      });
    });
  }

  it('stocks-base.zip: the 16 __MACOSX entries are ignored', async () => {
    await withSource(sharedZip('stocks-base.zip'), async (source) => {
      expect(source.entryNames.filter((n) => n.startsWith('__MACOSX/'))).toHaveLength(16);
      expect(source.entityEntryCount).toBe(13);
      expect((await collect(source)).every((i) => i.value !== undefined)).toBe(true);
    });
  });

  it('dept-employee-test-utils.zip: a guid listed twice is yielded twice', async () => {
    await withSource(sharedZip('dept-employee-test-utils.zip'), async (source) => {
      const items = await collect(source);
      expect(items.map((i) => [i.position, i.guid])).toEqual([
        [0, 'ee26d916-0a69-4c51-945b-b69ae81278fd'],
        [1, 'ee26d916-0a69-4c51-945b-b69ae81278fd'],
      ]);
      expect(items[1].value).toEqual(items[0].value);
    });
  });

  it('numbers beyond double precision are read as the nearest double (spec 2.8, documented)', async () => {
    const dept = await withSource(sharedZip('dept-employee-test-utils.zip'), (s) => s.readEntity('ee26d916-0a69-4c51-945b-b69ae81278fd'));
    expect(JSON.stringify(dept)).toContain('"numberOfStarsEstimate":1e+21');
    const floats = await withSource(sharedZip('stocks-float.zip'), async (s) => JSON.stringify(await collect(s)));
    expect(floats).toContain('3.4028235e+38');
  });

  it('entities(startIndex) starts at that position of the order', async () => {
    await withSource(sharedZip('stocks.zip'), async (source) => {
      const order = [...(await source.exportOrder())];
      const items = await collect(source, 2);
      expect(items.map((i) => i.position)).toEqual([2, 3]);
      expect(items.map((i) => i.guid)).toEqual(order.slice(2));
      expect(await collect(source, 99)).toEqual([]);
    });
  });

  it('empty.zip (22 bytes) is a valid, empty archive', async () => {
    await withSource(sharedZip('empty.zip'), async (source) => {
      expect(await source.isEmpty()).toBe(true);
      expect([...(await source.exportOrder())]).toEqual([]);
      expect((await source.typesDef()).entityDefs).toEqual([]);
      expect(await source.exportInfo()).toBeUndefined();
    });
  });

  it('zip-direct-1.zip as zipDirect: typesdef read, but no entities.json next ⇒ empty (spec 12.1 case 5)', async () => {
    await withSource(
      sharedZip('zip-direct-1.zip'),
      async (source) => {
        expect(await source.isEmpty()).toBe(true);
        expect((await source.typesDef()).entityDefs?.length).toBe(82);
        expect(await source.exportInfo()).toBeUndefined();
        expect([...(await source.exportOrder())]).toEqual([]);
        expect(await collect(source)).toEqual([]);
      },
      'zipDirect',
    );
  });
});

describe('ZipSource: zipDirect (spec 2.7)', () => {
  const e1 = JSON.parse(entityJson(GUID_A, 'a'));
  const e2 = JSON.parse(entityJson(GUID_B, 'b'));

  function direct(entities: string, withTypes = true, extra: RawEntry[] = []): string {
    return tmpFile(
      buildRawZip([
        ...(withTypes ? [{ name: 'atlas-typesdef.json', data: '{}' }] : []),
        { name: 'entities.json', data: entities },
        { name: 'atlas-export-info.json', data: '{}' },
        ...extra,
      ]),
    );
  }

  it('stops at the first {} (spec 12.1 case 6)', async () => {
    const file = direct(JSON.stringify([e1, {}, e2]));
    await withSource(
      file,
      async (source) => {
        expect(await source.isEmpty()).toBe(false);
        const items = await collect(source);
        expect(items).toEqual([{ position: 0, guid: GUID_A, value: e1 }]);
        expect((await source.typesDef()).entityDefs).toEqual([]);
        expect(source.hasEntity(GUID_A)).toBe(false);
      },
      'zipDirect',
    );
  });

  it('reads every element up to the end of the array, and startIndex skips elements', async () => {
    const many = Array.from({ length: 50 }, (_, i) => JSON.parse(entityJson(`g-${i}`, `n${i}`)));
    const file = direct(JSON.stringify(many), false);
    await withSource(
      file,
      async (source) => {
        expect((await collect(source)).map((i) => i.guid)).toEqual(many.map((m) => m.entity.guid));
        const tail = await collect(source, 47);
        expect(tail.map((i) => i.position)).toEqual([47, 48, 49]);
        await source.validate();
      },
      'zipDirect',
    );
  });

  it('a large entities.json is streamed (entry bigger than the per-entry limit, elements within it)', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => JSON.parse(entityJson(`g-${i}`, `n${i}`)));
    const text = JSON.stringify(many);
    const file = direct(text);
    const limits = { ...LIMITS, maxEntryBytes: 64 * 1024 };
    expect(text.length).toBeGreaterThan(limits.maxEntryBytes * 10);
    const count = await withSource(file, async (s) => (await collect(s)).length, 'zipDirect', limits);
    expect(count).toBe(3000);
  });

  it('entities.json that is not the entry after the typesdef ⇒ empty', async () => {
    const file = tmpFile(
      buildRawZip([
        { name: 'atlas-typesdef.json', data: '{}' },
        { name: 'atlas-export-info.json', data: '{}' },
        { name: 'entities.json', data: JSON.stringify([e1]) },
      ]),
    );
    expect(await withSource(file, (s) => s.isEmpty(), 'zipDirect')).toBe(true);
    expect(await withSource(tmpFile(buildRawZip([])), (s) => s.isEmpty(), 'zipDirect')).toBe(true);
  });

  it('bad JSON inside entities.json ⇒ 09F naming entities.json', async () => {
    const bad = direct(`[${JSON.stringify(e1)},{"entity":{"typeName":}}]`);
    const err = await errorOf(withSource(bad, (s) => collect(s), 'zipDirect'));
    expect(err.errorCode).toBe('ATLAS-400-00-09F');
    expect(err.message).toMatch(/^entities\.json: invalid zip entry\. Reason: invalid JSON at element 1: /);
    const notArray = await errorOf(withSource(direct('{"a":1}'), (s) => collect(s), 'zipDirect'));
    expect(notArray.message).toBe('entities.json: invalid zip entry. Reason: invalid JSON: expected a JSON array');
    const notEntity = await errorOf(withSource(direct('[{"a":1}]'), (s) => collect(s), 'zipDirect'));
    expect(notEntity.message).toContain('entities.json[0]: invalid zip entry. Reason: expected an AtlasEntityWithExtInfo');
    const unterminated = await errorOf(withSource(direct(`[${JSON.stringify(e1)},`), (s) => collect(s), 'zipDirect'));
    expect(unterminated.message).toContain('unexpected end of the array at element 1');
  });
});

describe('ZipSource: bad archives (spec P5)', () => {
  it('a zero-length file is not a ZIP (09F), not an empty archive', async () => {
    const err = await errorOf(ZipSource.open(tmpFile(Buffer.alloc(0)), LIMITS));
    expect(err.errorCode).toBe('ATLAS-400-00-09F');
    expect(err.message).toBe('<archive>: invalid zip entry. Reason: not a ZIP archive: the file is empty');
  });

  it('random bytes and a text file are not ZIPs', async () => {
    for (const bytes of [Buffer.from('hello, this is not a zip'), Buffer.alloc(100_000, 7)]) {
      const err = await errorOf(ZipSource.open(tmpFile(bytes), LIMITS));
      expect(err.message).toContain('<archive>: invalid zip entry. Reason: not a ZIP archive');
    }
  });

  it('a file that does not exist is a file-system error, not 09F', async () => {
    await expect(ZipSource.open(path.join(tmp, 'nope.zip'), LIMITS)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('unsafe entry names ⇒ 09F naming the entry', async () => {
    const cases: Array<[string, RegExp]> = [
      ['../evil.json', /parent-directory/],
      ['a/../../evil.json', /parent-directory/],
      ['/etc/passwd', /absolute path/],
      ['C:/evil.json', /absolute path/],
      ['dir\\evil.json', /backslash/],
      ['evil\0.json', /NUL/],
    ];
    for (const [name, reason] of cases) {
      const err = await errorOf(ZipSource.open(tmpFile(buildRawZip([...goodEntries(), { name, data: '{}' }])), LIMITS));
      expect(err.errorCode).toBe('ATLAS-400-00-09F');
      expect(err.message.startsWith(`${name.replace('\0', '\\0')}: invalid zip entry. Reason: `)).toBe(true);
      expect(err.message).toMatch(reason);
    }
  });

  it('entries whose data overlap (one local header read as several entries: an overlapping ZIP bomb) ⇒ 09F naming the entry', async () => {
    const bytes = buildRawZip([...goodEntries(), { name: 'copy.json', data: '{}' }]);
    // point the central-directory record of copy.json at the first entry's local header
    const name = Buffer.from('copy.json');
    const record = bytes.indexOf(name, bytes.indexOf(name) + 1) - 46;
    bytes.writeUInt32LE(0, record + 42);
    const err = await errorOf(ZipSource.open(tmpFile(bytes), LIMITS));
    expect(err.errorCode).toBe('ATLAS-400-00-09F');
    expect(err.message).toBe("copy.json: invalid zip entry. Reason: its data overlaps another entry's");
  });

  it('the export order keeps duplicates and guids without an entry; indexOf finds the first position of either', async () => {
    const order = [GUID_A, 'no-such-entity', GUID_B, GUID_A, 'no-such-entity', 'atlas-typesdef'];
    const entries = goodEntries().map((e) => (e.name === 'atlas-export-order.json' ? { ...e, data: JSON.stringify(order) } : e));
    await withSource(tmpFile(buildRawZip(entries)), async (s) => {
      const read = await s.exportOrder();
      expect([...read]).toEqual(order);
      expect(read).toHaveLength(6);
      expect(order.map((g) => read.indexOf(g))).toEqual([0, 1, 2, 0, 1, 5]);
      expect(read.indexOf('unknown')).toBe(-1);
      expect([read.at(-1), read.at(6)]).toEqual([undefined, undefined]);
      // a well-known entry's name is not an entity, even when the order lists it
      expect(s.hasEntity('atlas-typesdef')).toBe(false);
      expect((await collect(s)).map((i) => [i.guid, i.value?.entity.guid])).toEqual([
        [GUID_A, GUID_A], ['no-such-entity', undefined], [GUID_B, GUID_B], [GUID_A, GUID_A], ['no-such-entity', undefined], ['atlas-typesdef', undefined],
      ]);
    });
  });

  it('a name that merely contains dots is fine', async () => {
    const file = tmpFile(buildRawZip([...goodEntries(), { name: 'notes..v2.json', data: '{}' }, { name: 'dir/..hidden', data: 'x' }]));
    await withSource(file, async (s) => expect([...(await s.exportOrder())]).toEqual([GUID_A, GUID_B]));
  });

  it('limits: entry count, entry size, total size, compression ratio ⇒ 09F naming the entry and the limit', async () => {
    const good = tmpFile(buildRawZip(goodEntries()));
    let err = await errorOf(ZipSource.open(good, { ...LIMITS, maxEntries: 3 }));
    expect(err.message).toBe('atlas-typesdef.json: invalid zip entry. Reason: the archive has more entries than the limit of 3');
    err = await errorOf(ZipSource.open(good, { ...LIMITS, maxEntryBytes: 300 }));
    expect(err.message).toMatch(/^0a1b2c3d-0000-4000-8000-00000000000a\.json: .*exceeds the limit of 300 bytes per entry/);
    const firstSize = Buffer.byteLength(entityJson(GUID_A, 'a'));
    err = await errorOf(ZipSource.open(good, { ...LIMITS, maxTotalBytes: firstSize + 1 }));
    expect(err.message).toBe(`${GUID_B}.json: invalid zip entry. Reason: total uncompressed size of the archive exceeds the limit of ${firstSize + 1} bytes`);
    const zeros = tmpFile(buildRawZip([{ name: 'big.json', data: Buffer.alloc(3 * 1024 * 1024, 0x20) }]));
    err = await errorOf(ZipSource.open(zeros, LIMITS));
    expect(err.message).toMatch(/^big\.json: invalid zip entry\. Reason: compression ratio \d+ exceeds the limit of 200$/);
    // small entries are not held to the ratio (RATIO_GRACE_BYTES)
    await withSource(tmpFile(buildRawZip([{ name: 'small.json', data: Buffer.alloc(100_000, 0x20) }])), async () => undefined);
  });

  it('an entry that inflates beyond its declared size is cut off (small and streamed paths)', async () => {
    const small = tmpFile(patchDeclaredSize(buildRawZip([{ name: `${GUID_A}.json`, data: entityJson(GUID_A, 'a') }]), 50));
    let err = await errorOf(withSource(small, (s) => s.readEntity(GUID_A)));
    expect(err.message).toBe(`${GUID_A}.json: invalid zip entry. Reason: the data inflates beyond the declared size of 50 bytes`);
    // 3 MiB of poorly compressible data declared as 2 MiB: read through the streaming path
    const noise = randomish(3 * 1024 * 1024);
    const streamed = tmpFile(patchDeclaredSize(buildRawZip([{ name: `${GUID_B}.json`, data: noise }]), 2 * 1024 * 1024));
    err = await errorOf(withSource(streamed, (s) => s.readEntity(GUID_B)));
    expect(err.message).toBe(`${GUID_B}.json: invalid zip entry. Reason: the data inflates beyond the declared size of 2097152 bytes`);
  });

  it('a CRC mismatch is found on both paths', async () => {
    const big = JSON.stringify({ entity: { typeName: 't', guid: GUID_A, attributes: { pad: randomish(1_500_000).toString('hex') } } });
    for (const data of [entityJson(GUID_A, 'a'), big]) {
      const file = tmpFile(buildRawZip([{ name: `${GUID_A}.json`, data, crcOverride: 0x12345678 }]));
      const err = await errorOf(withSource(file, (s) => s.readEntity(GUID_A)));
      expect(err.message).toMatch(new RegExp(`^${GUID_A}\\.json: invalid zip entry\\. Reason: CRC mismatch: declared 12345678, computed [0-9a-f]{8}$`));
    }
  });

  it('corrupt deflate data ⇒ 09F naming the entry', async () => {
    const zip = buildRawZip([{ name: `${GUID_A}.json`, data: entityJson(GUID_A, 'a') }]);
    const nameEnd = 30 + `${GUID_A}.json`.length;
    zip.fill(0xff, nameEnd, nameEnd + 8);
    const err = await errorOf(withSource(tmpFile(zip), (s) => s.readEntity(GUID_A)));
    expect(err.message).toMatch(new RegExp(`^${GUID_A}\\.json: invalid zip entry\\. Reason: corrupt compressed data: `));
  });

  it('entity entries that are not AtlasEntityWithExtInfo ⇒ 09F', async () => {
    const file = tmpFile(buildRawZip([{ name: `${GUID_A}.json`, data: '[1,2]' }, { name: 'atlas-export-order.json', data: '{"a":1}' }]));
    await withSource(file, async (s) => {
      expect((await errorOf(s.readEntity(GUID_A))).message).toContain('expected an AtlasEntityWithExtInfo object');
      expect((await errorOf(s.exportOrder())).message).toBe('atlas-export-order.json: invalid zip entry. Reason: expected a JSON array of guid strings');
    });
  });
});

describe('ZipSource: layout rules', () => {
  it('duplicate names keep the first; stored entries are read; a missing entity is undefined', async () => {
    const file = tmpFile(
      buildRawZip([
        { name: `${GUID_A}.json`, data: entityJson(GUID_A, 'first'), method: 0 },
        { name: `${GUID_A}.json`, data: entityJson(GUID_A, 'second') },
        { name: 'atlas-export-order.json', data: JSON.stringify([GUID_A, GUID_B]) },
        { name: 'atlas-export-order.json', data: '[]' },
      ]),
    );
    await withSource(file, async (s) => {
      expect(await s.isEmpty()).toBe(false);
      const items = await collect(s);
      expect(items[0].value?.entity.attributes?.name).toBe('first');
      expect(items[1]).toEqual({ position: 1, guid: GUID_B, value: undefined });
      expect(await s.exportInfo()).toBeUndefined();
      expect((await s.typesDef()).classificationDefs).toEqual([]);
    });
  });

  it('accepts the documented atlas-export-result.json name', async () => {
    const file = tmpFile(buildRawZip([...goodEntries().filter((e) => e.name !== 'atlas-export-info.json'), { name: 'atlas-export-result.json', data: '{"operationStatus":"SUCCESS"}' }]));
    expect(await withSource(file, (s) => s.exportInfo())).toEqual({ operationStatus: 'SUCCESS' });
  });

  it('isEmpty: no entity entries, or an order that is exactly [] (spec 2.6)', async () => {
    const onlyTypes = tmpFile(buildRawZip([{ name: 'atlas-typesdef.json', data: '{}' }, { name: 'atlas-export-order.json', data: `["${GUID_A}"]` }]));
    expect(await withSource(onlyTypes, (s) => s.isEmpty())).toBe(true);
    const noOrder = tmpFile(buildRawZip([{ name: `${GUID_A}.json`, data: entityJson(GUID_A, 'a') }]));
    expect(await withSource(noOrder, async (s) => [await s.isEmpty(), [...(await s.exportOrder())]])).toEqual([false, []]);
    const spacedEmpty = tmpFile(buildRawZip([...goodEntries().filter((e) => e.name !== 'atlas-export-order.json'), { name: 'atlas-export-order.json', data: ' [ ] ' }]));
    expect(await withSource(spacedEmpty, (s) => s.isEmpty())).toBe(true);
  });

  it('a large entity is read through the streaming path', async () => {
    const pad = randomish(1_200_000).toString('base64');
    const data = JSON.stringify({ entity: { typeName: 't', guid: GUID_A, attributes: { pad } } });
    const file = tmpFile(buildRawZip([{ name: `${GUID_A}.json`, data }, { name: 'atlas-export-order.json', data: `["${GUID_A}"]` }]));
    const value = await withSource(file, (s) => s.readEntity(GUID_A));
    expect(value?.entity.attributes?.pad).toBe(pad);
  });

  it('close() is idempotent and later reads fail', async () => {
    const source = await ZipSource.open(sharedZip('stocks.zip'), LIMITS);
    await source.close();
    await source.close();
    await expect(source.readEntity('886c5e9c-3ac6-40be-8201-fb0cebb64783')).rejects.toThrow(/closed/);
  });
});

/** Deterministic, poorly compressible bytes. */
function randomish(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
