// Spec 5.12 / P10: asynchronous import over HTTP — jobs in PostgreSQL, the worker, status, list and abort.
import archiver from 'archiver';
import StreamZip from 'node-stream-zip';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ImportService } from '../src/import/import.service';
import { OperationLockService } from '../src/operation-lock';
import { hiveModelsDir, resetRepository, zipPath } from './helpers/fixtures';
import { ADMIN, NON_ADMIN, startTestApp, type TestApp } from './helpers/test-app';

const BASE = '/api/atlas/admin/async/import';
const DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const PROCESS = 'c13648d9-2eb5-44a9-b2a0-01c9f7593935';
const TERMINAL = ['SUCCESSFUL', 'PARTIAL_SUCCESS', 'FAILED', 'ABORTED'];

function submit(t: TestApp, file: string, request?: unknown) {
  const r = t.as(ADMIN).post(BASE).attach('data', path.isAbsolute(file) ? file : zipPath(file));
  return request === undefined ? r : r.field('request', JSON.stringify(request));
}

async function waitForEnd(t: TestApp, importId: string, timeoutMs = 30_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.as(ADMIN).get(`${BASE}/status/${importId}`);
    expect(res.status).toBe(200);
    if (TERMINAL.includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`${importId} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The MD5 over every entry's uncompressed bytes in archive order, read with whole-entry buffers (not streams). */
async function md5OfEntries(file: string): Promise<string> {
  const zip = new StreamZip.async({ file });
  try {
    const hash = createHash('md5');
    const entries = Object.values(await zip.entries()).sort((a, b) => a.offset - b.offset);
    for (const e of entries) if (!e.isDirectory) hash.update(await zip.entryData(e));
    return hash.digest('hex');
  } finally {
    await zip.close();
  }
}

async function zipOf(entries: Record<string, string>): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-t-async-')), 'a.zip');
  const archive = archiver('zip');
  const done = new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(file);
    out.on('close', () => resolve());
    archive.on('error', reject);
    archive.pipe(out);
  });
  for (const [name, text] of Object.entries(entries)) archive.append(text, { name });
  await archive.finalize();
  await done;
  return file;
}

async function userEntityCount(t: TestApp): Promise<number> {
  const [row] = await t.db.query(`SELECT count(*)::int AS n FROM entity WHERE type_name <> 'AtlasServer'`);
  return row.n;
}

function spooledFiles(t: TestApp): string[] {
  const dir = path.join(t.config.tempDir, 'async-imports');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('async import in Repo(hive)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // one unit per batch: the abort-while-processing case needs more than one batch boundary
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_BATCH_ENTITIES: '1' });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await resetRepository(t);
    await t.db.query(`TRUNCATE async_import`);
  });

  it('stocks.zip: queued, run by the worker to SUCCESSFUL, entities in the repository, archive removed', async () => {
    const res = await submit(t, 'stocks.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const importId = await md5OfEntries(zipPath('stocks.zip'));
    expect(res.body).toMatchObject({
      importId,
      status: 'WAITING',
      importDetails: { publishedEntityCount: 4, totalEntitiesCount: 4, importedEntitiesCount: 0, failedEntitiesCount: 0, failedEntities: [], importProgress: 0, failures: {} },
      processingStartTime: 0,
      completedTime: 0,
      // spec 1.1 (no null members) / 5.12: the AtlasImportResult of the registration, not null
      importResult: { request: { options: {}, sizeOption: 1 }, userName: 'admin', metrics: {}, processedEntities: [], operationStatus: 'FAIL' },
    });
    expect(res.body.guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.receivedTime).toBeGreaterThan(0);
    expect(res.body.stagedTime).toBeGreaterThanOrEqual(res.body.receivedTime);

    const done = await waitForEnd(t, importId);
    expect(done.status).toBe('SUCCESSFUL');
    expect(done.guid).toBe(res.body.guid);
    // progress is counted in import units (the 4 entries of the export order); the units hold 12 entities
    expect(done.importDetails).toMatchObject({ totalEntitiesCount: 4, importedEntitiesCount: 4, importProgress: 100 });
    expect(done.processingStartTime).toBeGreaterThan(0);
    expect(done.completedTime).toBeGreaterThanOrEqual(done.processingStartTime);
    expect(done.importResult.operationStatus).toBe('SUCCESS');
    expect(done.importResult.processedEntities).toHaveLength(12);
    expect(done.importResult.userName).toBe('admin');
    expect(await userEntityCount(t)).toBe(12);
    expect(spooledFiles(t)).toEqual([]);

    // a finished job cannot be aborted: 409, not Atlas's wrapping 500
    const abort = await t.as(ADMIN).delete(`${BASE}/${importId}`);
    expect(abort.status).toBe(409);
    expect(abort.body).toEqual({ errorCode: 'ATLAS-409-00-016', errorMessage: `Import id ${importId} is currently in state SUCCESSFUL, cannot be aborted` });

    // a terminal job submitted again starts afresh: a new request under the same importId
    const again = await submit(t, 'stocks.zip');
    expect(again.body).toMatchObject({ importId, status: 'WAITING' });
    expect(again.body.guid).not.toBe(res.body.guid);
    expect((await waitForEnd(t, importId)).status).toBe('SUCCESSFUL');
  });

  it('while an import holds the operation lock the job waits; re-submit returns it; list pages; abort ⇒ ABORTED', async () => {
    const lock = await t.app.get(OperationLockService).tryAcquire();
    expect(lock).toBeDefined();
    try {
      const first = await submit(t, 'stocks.zip');
      expect(first.body.status).toBe('WAITING');
      const resubmit = await submit(t, 'stocks.zip', { options: { startPosition: '1' } });
      expect(resubmit.status).toBe(200);
      expect(resubmit.body).toEqual(first.body);
      const second = await submit(t, 'stocks-base.zip');
      expect(second.body.status).toBe('WAITING');
      expect(second.body.importId).not.toBe(first.body.importId);

      // polls go by and nothing runs
      await new Promise((r) => setTimeout(r, 1200));
      expect((await t.as(ADMIN).get(`${BASE}/status/${first.body.importId}`)).body.status).toBe('WAITING');
      expect(await userEntityCount(t)).toBe(0);

      const page = await t.as(ADMIN).get(`${BASE}/status?offset=0&limit=1`);
      expect(page.status).toBe(200);
      expect(page.body).toEqual({
        list: [{ importId: second.body.importId, status: 'WAITING', importRequestReceivedTime: new Date(second.body.receivedTime).toISOString(), importRequestUser: 'admin' }],
        startIndex: 0, pageSize: 1, totalCount: 2, sortType: 'NONE',
      });
      const next = await t.as(ADMIN).get(`${BASE}/status?offset=1&limit=1`);
      expect(next.body.list.map((e: { importId: string }) => e.importId)).toEqual([first.body.importId]);
      const all = await t.as(ADMIN).get(`${BASE}/status`);
      expect(all.body).toMatchObject({ startIndex: 0, pageSize: 50, totalCount: 2 });
      expect((await t.as(ADMIN).get(`${BASE}/status?limit=x`)).status).toBe(400);

      for (const id of [first.body.importId, second.body.importId]) {
        const abort = await t.as(ADMIN).delete(`${BASE}/${id}`);
        expect(abort.status).toBe(204);
        expect(abort.text).toBe('');
        const after = await t.as(ADMIN).get(`${BASE}/status/${id}`);
        expect(after.body.status).toBe('ABORTED');
        expect(after.body.completedTime).toBeGreaterThan(0);
      }
      const twice = await t.as(ADMIN).delete(`${BASE}/${first.body.importId}`);
      expect(twice.status).toBe(409);
      expect(twice.body.errorCode).toBe('ATLAS-409-00-016');
      expect(spooledFiles(t)).toEqual([]);
    } finally {
      await lock!.release();
    }
    await new Promise((r) => setTimeout(r, 800));
    expect(await userEntityCount(t)).toBe(0);
  });

  it('abort of a PROCESSING job stops it at the next batch boundary: committed batches stay, resume point recorded', async () => {
    const imports = t.app.get(ImportService);
    const original = imports.run;
    let firstBatch!: () => void;
    const firstBatchCommitted = new Promise<void>((r) => (firstBatch = r));
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    imports.run = (req) =>
      original.call(imports, {
        ...req,
        onProgress: async (p) => {
          await req.onProgress?.(p);
          if (p.committedUnits === 1) {
            firstBatch();
            await gate;
          }
        },
      });
    try {
      const res = await submit(t, 'stocks.zip');
      await firstBatchCommitted;
      const running = await t.as(ADMIN).get(`${BASE}/status/${res.body.importId}`);
      expect(running.body.status).toBe('PROCESSING');
      expect(running.body.importDetails).toMatchObject({ importedEntitiesCount: 1, importProgress: 25 });
      expect((await t.as(ADMIN).delete(`${BASE}/${res.body.importId}`)).status).toBe(204);
      openGate();
      const done = await waitForEnd(t, res.body.importId);
      expect(done.status).toBe('ABORTED');
      expect(done.importDetails.importedEntitiesCount).toBe(1);
      expect(done.error).toMatchObject({ lastCommittedPosition: 0, lastCommittedGuid: DB });
      const guids = (await t.db.query(`SELECT guid FROM entity`)).map((r: { guid: string }) => r.guid);
      expect(guids).toContain(DB);
      expect(guids).not.toContain(PROCESS);
      expect(spooledFiles(t)).toEqual([]);
    } finally {
      openGate();
      imports.run = original;
    }
  });

  it('unknown importId ⇒ 404; non-admin ⇒ 403; empty ZIP ⇒ 400 08A; not a ZIP ⇒ 400 09F', async () => {
    for (const res of [await t.as(ADMIN).get(`${BASE}/status/nope`), await t.as(ADMIN).delete(`${BASE}/nope`)]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ errorCode: 'ATLAS-404-00-017', errorMessage: 'Import id nope is not found' });
    }
    const denied = [
      [await t.as(NON_ADMIN).post(BASE).attach('data', zipPath('stocks.zip')), 'asyncImportData'],
      [await t.as(NON_ADMIN).get(`${BASE}/status`), 'async import status'],
      [await t.as(NON_ADMIN).get(`${BASE}/status/x`), 'async import status by id'],
      [await t.as(NON_ADMIN).delete(`${BASE}/x`), 'abort async import'],
    ] as const;
    for (const [res, action] of denied) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ errorCode: 'ATLAS-403-00-001', errorMessage: `bob is not authorized to perform ${action}` });
    }
    const empty = await submit(t, await zipOf({ 'atlas-typesdef.json': '{}', 'atlas-export-order.json': '[]' }));
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({ errorCode: 'ATLAS-400-00-08A', errorMessage: 'Attempting to import empty ZIP file.' });
    const notZip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-t-async-')), 'x.zip');
    fs.writeFileSync(notZip, 'not a zip at all');
    const bad = await submit(t, notZip);
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('ATLAS-400-00-09F');
    expect((await t.as(ADMIN).get(`${BASE}/status`)).body.totalCount).toBe(0);
    expect(spooledFiles(t)).toEqual([]);
  });

  // spec 5.12 (same parts as /import), P5 and P3: what /import refuses before writing anything is refused at
  // submit time too, with the same error, and no job is registered
  it('refused like /import: an entry that is not JSON ⇒ 400 09F naming it (P5); transforms that do not parse ⇒ 400 028 naming them (P3)', async () => {
    const badJson = await submit(t, path.resolve(__dirname, 'fixtures/bad/bad-json.zip'));
    expect(badJson.status, JSON.stringify(badJson.body)).toBe(400);
    expect(badJson.body.errorCode).toBe('ATLAS-400-00-09F');
    expect(badJson.body.errorMessage).toContain('0a1b2c3d-0000-4000-8000-00000000000b.json');

    const legacy = await submit(t, 'stocks.zip', { options: { transforms: JSON.stringify({ hive_db: { qualifiedName: ['frobnicate:x'] } }) } });
    expect(legacy.status, JSON.stringify(legacy.body)).toBe(400);
    expect(legacy.body.errorCode).toBe('ATLAS-400-00-028');
    expect(legacy.body.errorMessage).toContain('frobnicate:x');

    const transformers = await submit(t, 'stocks.zip', { options: { transformers: '[{"action": ' } });
    expect(transformers.status, JSON.stringify(transformers.body)).toBe(400);
    expect(transformers.body.errorCode).toBe('ATLAS-400-00-028');

    expect((await t.as(ADMIN).get(`${BASE}/status`)).body.totalCount).toBe(0);
    expect(spooledFiles(t)).toEqual([]);
    expect(await userEntityCount(t)).toBe(0);
  });
});

describe('async import in Repo(base)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('dept-employee-test-utils.zip (case 30) ⇒ FAILED with the error body', async () => {
    const res = await submit(t, 'dept-employee-test-utils.zip');
    expect(res.status).toBe(200);
    const done = await waitForEnd(t, res.body.importId);
    expect(done.status).toBe('FAILED');
    expect(done.importDetails.importedEntitiesCount).toBe(0);
    expect(done.importResult).toMatchObject({ userName: 'admin', metrics: {}, processedEntities: [], operationStatus: 'FAIL' });
    expect(done.error.errorCode).toBe('ATLAS-404-00-007');
    expect(done.error.errorMessage).toContain('Manager.subordinates');
    expect(done.completedTime).toBeGreaterThan(0);
    expect(spooledFiles(t)).toEqual([]);
  });

  it('a job left PROCESSING by a dead process after committed units ends PARTIAL_SUCCESS with its resume point when the lock is next free', async () => {
    await t.db.query(
      `INSERT INTO async_import (import_id, guid, status, file_path, user_name, received_time, processing_start_time,
                                 total_entities_count, imported_entities_count, last_committed_position, last_committed_guid)
       VALUES ('dead', 'g', 'PROCESSING', '/nonexistent/x.zip', 'admin', 1, 2, 4, 2, 1, 'x')`);
    const res = await submit(t, 'stocks-base.zip');
    await waitForEnd(t, res.body.importId);
    const dead = await t.as(ADMIN).get(`${BASE}/status/dead`);
    // spec 5.12: "PARTIAL_SUCCESS (some imported), FAILED (none imported)": 2 of its 4 units were committed
    expect(dead.body).toMatchObject({ status: 'PARTIAL_SUCCESS', importDetails: { importedEntitiesCount: 2 } });
    expect(dead.body.error).toMatchObject({ errorCode: 'ATLAS-500-00-021', lastCommittedPosition: 1, lastCommittedGuid: 'x' });
    expect(dead.body.error.errorMessage).toContain('startPosition=1');
    expect(dead.body.importResult).toMatchObject({ operationStatus: 'PARTIAL_SUCCESS', lastCommittedPosition: 1 });
  });

  // spec 5.12: "PARTIAL_SUCCESS (some imported), FAILED (none imported)"
  it('a job left PROCESSING by a dead process before any unit was committed ends FAILED', async () => {
    await t.db.query(
      `INSERT INTO async_import (import_id, guid, status, file_path, user_name, received_time, processing_start_time,
                                 total_entities_count, imported_entities_count)
       VALUES ('dead0', 'g0', 'PROCESSING', '/nonexistent/y.zip', 'admin', 1, 2, 4, 0)`);
    await t.db.query(`DELETE FROM async_import WHERE import_id <> 'dead0'`);
    const res = await submit(t, 'stocks-base.zip');
    await waitForEnd(t, res.body.importId);
    const dead = await t.as(ADMIN).get(`${BASE}/status/dead0`);
    expect(dead.body).toMatchObject({ status: 'FAILED', importDetails: { importedEntitiesCount: 0 } });
    expect(dead.body.error.errorCode).toBe('ATLAS-500-00-021');
  });
});
