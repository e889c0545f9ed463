import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import StreamZip from 'node-stream-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipSource } from '../../import/zip/zip-source';
import { javaZip, pythonZipfile, unzipTest } from './testing/zip-readers';
import { ZipSink, ZipSinkOptions } from './zip-sink';

const LIMITS = { maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 16 * 1024 ** 3, maxCompressionRatio: 200, maxEntries: 5_000_000 };
const MODIFIED = new Date(2024, 0, 2, 3, 4, 6);

let tmp: string;
let seq = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-sink-spec-'));
});
// a test's output stream may still be closing under load: retry instead of failing on ENOTEMPTY
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

function tmpPath(): string {
  return path.join(tmp, `out${seq++}.zip`);
}

function guid(i: number): string {
  return `7c1e0b9a-5d2f-4a8e-9b3c-${i.toString(16).padStart(12, '0')}`;
}

function entity(i: number): string {
  return JSON.stringify({
    entity: { typeName: 'hive_column', guid: guid(i), status: 'ACTIVE', attributes: { qualifiedName: `db.t.c${i}@cl1`, name: `c${i}`, comment: 'ü ✓ '.repeat(i % 5) } },
    referredEntities: {},
  });
}

/** Write an export-shaped archive with n entities; returns its path. */
async function writeExport(n: number, options: ZipSinkOptions = {}, file = tmpPath()): Promise<string> {
  const out = fs.createWriteStream(file);
  const sink = new ZipSink(out, { modified: MODIFIED, ...options });
  for (let i = 0; i < n; i++) await sink.addEntry(`${guid(i)}.json`, entity(i));
  const order = Array.from({ length: n }, (_, i) => guid(i));
  await sink.addEntryStream('atlas-export-order.json', Readable.from([JSON.stringify(order)]));
  await sink.addEntry('atlas-typesdef.json', Buffer.from('{"entityDefs":[]}'));
  await sink.addEntry('atlas-export-info.json', '{"operationStatus":"SUCCESS"}');
  await sink.finalize();
  expect(sink.entryCount).toBe(n + 3);
  expect(sink.bytesWritten).toBe(fs.statSync(file).size);
  return file;
}

async function readBack(file: string, n: number): Promise<void> {
  const source = await ZipSource.open(file, LIMITS);
  try {
    const order = await source.exportOrder();
    expect(order).toHaveLength(n);
    let i = 0;
    for await (const item of source.entities()) {
      expect(item.guid).toBe(guid(i));
      expect(item.value).toEqual(JSON.parse(entity(i)));
      i++;
    }
    expect(i).toBe(n);
    expect(await source.exportInfo()).toEqual({ operationStatus: 'SUCCESS' });
  } finally {
    await source.close();
  }
}

function expectThirdPartyReadersAccept(file: string, entries: number, last = 'atlas-export-info.json'): void {
  const unzip = unzipTest(file);
  if (unzip) expect(unzip.ok, unzip.output).toBe(true);
  const python = pythonZipfile(file);
  if (python) {
    expect(python.ok, python.output).toBe(true);
    expect(JSON.parse(python.output)).toMatchObject({ bad: null, count: entries, last });
  }
  const java = javaZip(file, tmp);
  if (java) {
    expect(java.ok, java.output).toBe(true);
    expect(JSON.parse(java.output)).toMatchObject({ zipFile: entries, zipInputStream: entries });
  }
}

describe('ZipSink', () => {
  it('writes an export-shaped archive readable by ZipSource, unzip, Python and Java', async () => {
    const file = await writeExport(50);
    await readBack(file, 50);
    expectThirdPartyReadersAccept(file, 53);
    // spec 2.1 write order: entities, then order, typesdef, info
    const zip = new StreamZip.async({ file });
    const names = Object.keys(await zip.entries());
    await zip.close();
    expect(names.slice(-3)).toEqual(['atlas-export-order.json', 'atlas-typesdef.json', 'atlas-export-info.json']);
  });

  it('switches to zip64 past 65,535 entries (and every reader still agrees)', async () => {
    const n = 70_000;
    const file = await writeExport(n);
    const bytes = fs.readFileSync(file);
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBeGreaterThan(0); // zip64 end record
    const zip = new StreamZip.async({ file });
    expect(await zip.entriesCount).toBe(n + 3);
    await zip.close();
    await readBack(file, n);
    expectThirdPartyReadersAccept(file, n + 3);
  }, 180_000);

  it('a small archive has no zip64 records', async () => {
    const bytes = fs.readFileSync(await writeExport(3));
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(-1);
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(-1);
  });

  it('spills the central directory to a temp file beyond its memory bound, and removes it', async () => {
    const spillDir = fs.mkdtempSync(path.join(tmp, 'spill-'));
    const file = await writeExport(3000, { centralDirectoryMemoryBytes: 4096, tempDir: spillDir });
    expect(fs.readdirSync(spillDir)).toEqual([]);
    await readBack(file, 3000);
    expectThirdPartyReadersAccept(file, 3003);
  });

  it('deflate worker threads produce the same bytes as the calling thread', async () => {
    const inThread = fs.readFileSync(await writeExport(1500, { workers: 0 }));
    // workers from the first entry, and workers taking over after 1,000 entries (the default threshold)
    const withWorkers = fs.readFileSync(await writeExport(1500, { workers: 2, workerThresholdEntries: 0 }));
    const takingOver = fs.readFileSync(await writeExport(1500, { workers: 1 }));
    expect(withWorkers.equals(inThread)).toBe(true);
    expect(takingOver.equals(inThread)).toBe(true);
  });

  it('large entries and long streams (beyond the staging buffer) round-trip', async () => {
    const file = tmpPath();
    const sink = new ZipSink(fs.createWriteStream(file), { modified: MODIFIED, chunkBytes: 16 * 1024 });
    const big = JSON.stringify({ entity: { typeName: 't', guid: guid(1), attributes: { pad: 'x'.repeat(600_000), n: Math.PI } } });
    await sink.addEntry(`${guid(1)}.json`, big);
    async function* parts(): AsyncGenerator<string> {
      yield '[';
      for (let i = 0; i < 20_000; i++) yield `${i ? ',' : ''}"${guid(i)}"`;
      yield ']';
    }
    await sink.addEntryStream('atlas-export-order.json', parts());
    await sink.addEntryStream('atlas-typesdef.json', Readable.from(['{', '}']));
    await sink.addEntryStream('empty.txt', Readable.from([]));
    await sink.finalize();
    const source = await ZipSource.open(file, LIMITS);
    expect(JSON.stringify(await source.readEntity(guid(1)))).toBe(big);
    expect((await source.exportOrder()).at(19_999)).toBe(guid(19_999));
    expect((await source.typesDef()).entityDefs).toEqual([]);
    await source.close();
    expectThirdPartyReadersAccept(file, 4, 'empty.txt');
  });

  it('respects backpressure: a slow destination never holds more than a few chunks', async () => {
    let maxBuffered = 0;
    const written: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _enc, cb) {
        written.push(chunk);
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
        setTimeout(cb, 1);
      },
    });
    const sink = new ZipSink(slow, { modified: MODIFIED, chunkBytes: 32 * 1024 });
    for (let i = 0; i < 3000; i++) await sink.addEntry(`${guid(i)}.json`, entity(i) + ' '.repeat(2000));
    // the central directory is written at finalize in chunks that are in memory already
    expect(maxBuffered).toBeLessThanOrEqual(64 * 1024 + 32 * 1024);
    await sink.finalize();
    const file = tmpPath();
    fs.writeFileSync(file, Buffer.concat(written));
    const unzip = unzipTest(file);
    if (unzip) expect(unzip.ok, unzip.output).toBe(true);
  });

  it('rejects unsafe entry names without breaking the archive', async () => {
    const file = tmpPath();
    const sink = new ZipSink(fs.createWriteStream(file), { modified: MODIFIED });
    for (const bad of ['../x.json', '/x.json', 'a\\b.json', '', 'a/../../b', 'nul\0.json']) {
      await expect(sink.addEntry(bad, '{}')).rejects.toThrow(/invalid ZIP entry name/);
    }
    await sink.addEntry('ok.json', '{}');
    await sink.finalize();
    expectThirdPartyReadersAccept(file, 1, 'ok.json');
  });

  it('keeps the order of calls that are not awaited one by one', async () => {
    const file = tmpPath();
    const sink = new ZipSink(fs.createWriteStream(file), { modified: MODIFIED });
    await Promise.all(Array.from({ length: 200 }, (_, i) => sink.addEntry(`${guid(i)}.json`, entity(i))));
    await sink.finalize();
    const zip = new StreamZip.async({ file });
    expect(Object.keys(await zip.entries())).toEqual(Array.from({ length: 200 }, (_, i) => `${guid(i)}.json`));
    await zip.close();
  });

  it('abort() destroys the destination; later calls fail', async () => {
    const out = fs.createWriteStream(tmpPath());
    const sink = new ZipSink(out, { workers: 1, workerThresholdEntries: 0 });
    await sink.addEntry('a.json', '{}');
    await sink.abort(new Error('database went away'));
    expect(out.destroyed).toBe(true);
    await expect(sink.addEntry('b.json', '{}')).rejects.toThrow(/database went away/);
    await expect(sink.finalize()).rejects.toThrow(/database went away/);
    await closed(out);
  });

  it('a destination that fails or closes early fails the next call', async () => {
    const failing = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error('socket reset'));
      },
    });
    const sink = new ZipSink(failing, { chunkBytes: 1024 });
    await expect(
      (async () => {
        for (let i = 0; i < 100; i++) await sink.addEntry(`${guid(i)}.json`, entity(i) + ' '.repeat(1000));
        await sink.finalize();
      })(),
    ).rejects.toThrow(/socket reset|no longer writable|closed/);

    const closing = new Writable({ write: (_c, _e, cb) => cb() });
    const sink2 = new ZipSink(closing);
    closing.destroy();
    await new Promise((r) => setImmediate(r));
    await expect(sink2.addEntry('a.json', '{}')).rejects.toThrow(/closed|no longer writable/);
  });

  it('a failing source stream fails the sink', async () => {
    const out = fs.createWriteStream(tmpPath());
    const sink = new ZipSink(out);
    async function* broken(): AsyncGenerator<string> {
      yield '[';
      throw new Error('cursor failed');
    }
    await expect(sink.addEntryStream('atlas-export-order.json', broken())).rejects.toThrow(/cursor failed/);
    await expect(sink.addEntry('a.json', '{}')).rejects.toThrow(/cursor failed/);
    await sink.abort(new Error('cleanup'));
    await closed(out);
  });
});

/** A destroyed file stream still opens (and then closes) its file: wait, so the temp folder can be removed. */
function closed(stream: fs.WriteStream): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}
