// A client that disconnects mid-import: the lock is freed (spec P1) and the import stops at the next batch
// boundary, leaving whole batches (P11) and an audit entry with the resume point (P9).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHiveArchive } from '../bench/hive-archive';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir } from './helpers/fixtures';

describe('client disconnect during an import', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-disconnect-'));
    await writeHiveArchive(path.join(dir, 'big.zip'), 20_000);
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_DIR: dir, IMPORT_BATCH_ENTITIES: '500' });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops at a batch boundary, is audited with its resume point, and frees the lock', async () => {
    const url = new URL('/api/atlas/admin/importfile', t.url);
    const req = http.request(url, { method: 'POST', auth: `${ADMIN.user}:${ADMIN.pass}`, headers: { 'Content-Type': 'application/json' } });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ options: { fileName: 'big.zip' } }));
    // wait until some batches are committed, then hang up
    for (let i = 0; i < 200; i++) {
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM entity WHERE type_name = 'hive_table'`);
      if (n > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    req.destroy();

    let audit: Array<{ operationStatus?: string; resumePosition?: number; resumeGuid?: string }> = [];
    for (let i = 0; i < 400 && audit.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      audit = (await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=IMPORT')).body;
    }
    expect(audit).toHaveLength(1);
    expect(audit[0].operationStatus).toBe('FAIL');
    expect(audit[0].resumePosition).toBeGreaterThanOrEqual(0);
    // whole batches only: every committed table has its 8 columns and storage descriptor
    const [{ tables, columns, sds }] = await t.db.query(
      `SELECT count(*) FILTER (WHERE type_name = 'hive_table')::int AS tables,
              count(*) FILTER (WHERE type_name = 'hive_column')::int AS columns,
              count(*) FILTER (WHERE type_name = 'hive_storagedesc')::int AS sds FROM entity`);
    expect(tables).toBeGreaterThan(0);
    expect(tables).toBeLessThan(2000); // stopped early
    expect(columns).toBe(tables * 8);
    expect(sds).toBe(tables);

    // the lock is free: resuming from the audited position completes the archive
    const resumed = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: 'big.zip', startPosition: String(audit[0].resumePosition) } });
    expect(resumed.status, JSON.stringify(resumed.body).slice(0, 300)).toBe(200);
    const [{ total }] = await t.db.query(`SELECT count(*)::int AS total FROM entity WHERE type_name LIKE 'hive_%'`);
    expect(total).toBe(20_000);
  });
});

describe('a large import', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-large-'));
    await writeHiveArchive(path.join(dir, 'large.zip'), 25_000);
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_DIR: dir, IMPORT_BATCH_ENTITIES: '2000' });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams processedEntities past the inline limit: every guid once, as in the database', async () => {
    const res = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: 'large.zip' } });
    expect(res.status).toBe(200);
    expect(res.body.operationStatus).toBe('SUCCESS');
    const processed: string[] = res.body.processedEntities;
    expect(processed).toHaveLength(25_000);
    expect(new Set(processed).size).toBe(25_000);
    const rows: Array<{ guid: string }> = await t.db.query(`SELECT guid FROM entity WHERE type_name LIKE 'hive_%'`);
    expect(new Set(rows.map((r) => r.guid))).toEqual(new Set(processed));
    const created = Object.entries(res.body.metrics).filter(([k]) => k.endsWith(':created')).reduce((n, [, v]) => n + (v as number), 0);
    expect(created).toBe(25_000);
  });
});
