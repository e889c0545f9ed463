import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeHiveArchive } from '../bench/hive-archive';
import { hiveModelsDir } from './helpers/fixtures';
import { basicAuth, ServerProcess, startServerProcess } from './helpers/server-process';
import { ADMIN, createTestDatabase, startTestApp, TestApp } from './helpers/test-app';

// spec P9 / P11 when the process running a synchronous import dies (kill -9, out of memory): the committed batches
// are whole, and the audit says where to resume, though the process could not write its failure audit itself; the
// upload it had spooled is removed when a server starts again.
const ENTITIES = 10_000;
const BATCH = 100;
/** hive_tables without their 8 columns or their storage descriptor */
const BROKEN_TABLES = `SELECT t.guid FROM entity t WHERE t.type_name = 'hive_table' AND (
  (SELECT count(*) FROM relationship r WHERE r.end1_guid = t.guid AND r.type_name = 'hive_table_columns') <> 8
  OR NOT EXISTS (SELECT 1 FROM relationship r WHERE r.end1_guid = t.guid AND r.type_name = 'hive_table_storagedesc'))`;

describe('an import whose server process is killed', () => {
  let dir: string;
  let models: string;
  let archived: number;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ServerProcess | undefined;
  let t: TestApp | undefined;
  let sql: Client;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-crash-'));
    fs.mkdirSync(path.join(dir, 'import'));
    archived = (await writeHiveArchive(path.join(dir, 'import/hive.zip'), ENTITIES)).entities;
    models = hiveModelsDir();
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(models, { recursive: true, force: true });
  });
  // each test on a database of its own
  beforeEach(async () => {
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
  });
  afterEach(async () => {
    await server?.kill();
    server = undefined;
    await t?.close();
    t = undefined;
    await sql.end().catch(() => undefined);
    await db.drop();
  });

  it('is audited as FAIL with the resume point of its last committed batch; resuming there completes the catalogue', async () => {
    const env = { IMPORT_DIR: path.join(dir, 'import'), MODELS_DIR: models, IMPORT_BATCH_ENTITIES: String(BATCH) };
    server = await startServerProcess({ ...env, DATABASE_URL: db.url, TEMP_DIR: path.join(dir, 'tmp') });
    const importing = fetch(`${server.url}/api/atlas/admin/importfile`, {
      method: 'POST',
      headers: { Authorization: basicAuth(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ options: { fileName: 'hive.zip' } }),
    }).catch(() => 'cut');
    await sql.connect();
    const count = async (where = '') => Number((await sql.query(`SELECT count(*) AS n FROM entity ${where}`)).rows[0].n);
    // a few dozen batches in: killed while it writes, well before its end
    for (let i = 0; (await count()) < 2_000; i++) {
      if (i > 1_000) throw new Error('the import did not get going');
      await new Promise((r) => setTimeout(r, 10));
    }
    await server.kill();
    server = undefined;
    expect(await importing).toBe('cut');

    const units = await count(`WHERE type_name IN ('hive_db', 'hive_table', 'hive_process')`);
    expect(units).toBeGreaterThan(0);
    expect(await count()).toBeLessThan(archived);
    // P11: every committed table whole (8 columns and a storage descriptor each)
    expect((await sql.query(BROKEN_TABLES)).rows).toEqual([]);

    // the restart finds what the dead process left and audits it, with the exact resume point (P9)
    t = await startTestApp({ ...env, TEMP_DIR: path.join(dir, 'tmp') }, { databaseUrl: db.url });
    const audit = (await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=IMPORT').expect(200)).body;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ operation: 'IMPORT', operationStatus: 'FAIL', userName: 'admin', resumePosition: units - 1 });
    expect(JSON.parse(audit[0].resultSummary)).toMatchObject({
      operationStatus: 'FAIL', errorCode: 'ATLAS-500-00-001', lastCommittedPosition: units - 1, request: { options: { fileName: 'hive.zip' } },
    });
    expect(audit[0].resumeGuid).toBe((await sql.query(`SELECT guid FROM entity WHERE type_name IN ('hive_db', 'hive_table', 'hive_process') ORDER BY change_seq DESC LIMIT 1`)).rows[0].guid);

    // the lock is free and resuming where the audit says completes the catalogue exactly
    const resumed = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: 'hive.zip', startPosition: String(audit[0].resumePosition) } });
    expect(resumed.status).toBe(200);
    expect(await count(`WHERE type_name <> 'AtlasServer'`)).toBe(archived);
    expect((await sql.query(BROKEN_TABLES)).rows).toEqual([]);
    expect(Number((await sql.query(`SELECT count(*) AS n FROM entity_unique`)).rows[0].n)).toBe(archived + 1);
  });

  it('is removed from TEMP_DIR when a server starts again', async () => {
    const tempDir = path.join(dir, 'tmp-spool');
    const env = { MODELS_DIR: models, IMPORT_BATCH_ENTITIES: String(BATCH), TEMP_DIR: tempDir };
    server = await startServerProcess({ ...env, DATABASE_URL: db.url });
    const form = new FormData();
    form.append('data', new Blob([fs.readFileSync(path.join(dir, 'import/hive.zip'))]), 'hive.zip');
    const importing = fetch(`${server.url}/api/atlas/admin/import`, { method: 'POST', headers: { Authorization: basicAuth() }, body: form }).catch(() => 'cut');
    await sql.connect();
    for (let i = 0; Number((await sql.query(`SELECT count(*) AS n FROM entity`)).rows[0].n) < 2_000; i++) {
      if (i > 1_000) throw new Error('the import did not get going');
      await new Promise((r) => setTimeout(r, 10));
    }
    await server.kill();
    server = undefined;
    expect(await importing).toBe('cut');
    const spools = () => fs.readdirSync(tempDir).filter((f) => f.startsWith('atlas-upload-'));
    // the killed process could not remove its spool
    expect(spools()).toHaveLength(1);

    t = await startTestApp(env, { databaseUrl: db.url });
    expect(spools()).toEqual([]);
  });
});
