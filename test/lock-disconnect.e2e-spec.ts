// spec P1: "only one import or export runs at a time"; the lock "is released when the request ends, also when the
// client disconnects". A client that leaves does not end the work at once: an import stops at its next batch
// boundary (then propagation and its audit), an export when it next writes. The lock goes to another operation only
// once the work has stopped. A batch write (or the export's start) is held up here by an outside session holding the
// change fence, as any long batch or row-lock wait would be.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHiveArchive } from '../bench/hive-archive';
import { CHANGE_FENCE_KEY } from '../src/metadata/store/change-fence';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir } from './helpers/fixtures';
import { ProbeModule } from './helpers/probe.module';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = async (t: TestApp) => (await t.db.query(`SELECT count(*)::int AS n FROM entity`))[0].n as number;

describe('a client that disconnects during an import or export (PostgreSQL)', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-disconnect-'));
    await writeHiveArchive(path.join(dir, 'big.zip'), 2_000);
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_DIR: dir, IMPORT_BATCH_ENTITIES: '1000' }, { modules: [ProbeModule] });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the lock goes to another operation only once the disconnected import has stopped', async () => {
    const fence = new Client({ connectionString: t.databaseUrl });
    await fence.connect();
    try {
      await fence.query('SELECT pg_advisory_lock($1)', [CHANGE_FENCE_KEY.toString()]);
      const req = http.request(new URL('/api/atlas/admin/importfile', t.url), { method: 'POST', auth: `${ADMIN.user}:${ADMIN.pass}`, headers: { 'Content-Type': 'application/json' } });
      req.on('error', () => undefined);
      req.end(JSON.stringify({ options: { fileName: 'big.zip' } }));
      // the first batch is being written (waiting at the fence)
      for (let i = 0; i < 500; i++) {
        const { rows } = await fence.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'`);
        if (rows[0].n > 0) break;
        await sleep(20);
      }
      req.destroy();
      let granted = false;
      for (let i = 0; i < 100 && !granted; i++) {
        granted = (await t.as(ADMIN).get('/test/lock/quick')).status === 200;
        if (!granted) await sleep(20);
      }
      const grantedWhileImportWriting = granted;
      await fence.query('SELECT pg_advisory_unlock($1)', [CHANGE_FENCE_KEY.toString()]);
      let audits: unknown[] = [];
      for (let i = 0; i < 200 && audits.length === 0; i++) {
        await sleep(50);
        audits = (await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=IMPORT')).body;
      }
      const n = await count(t);
      expect(grantedWhileImportWriting, `another exclusive request got the lock while the disconnected import was still writing; that import then committed ${n} entities and audited ${audits.length}`).toBe(false);
    } finally {
      await fence.end();
    }
  });

  it('the lock goes to another operation only once the export whose client left has stopped', async () => {
    const fence = new Client({ connectionString: t.databaseUrl });
    await fence.connect();
    try {
      // a writer in flight: the export waits at its change fence (as behind any entity write)
      await fence.query('BEGIN');
      await fence.query('SELECT pg_advisory_xact_lock_shared($1)', [CHANGE_FENCE_KEY.toString()]);
      const req = http.request(new URL('/api/atlas/admin/export', t.url), { method: 'POST', auth: `${ADMIN.user}:${ADMIN.pass}`, headers: { 'Content-Type': 'application/json' } });
      req.on('error', () => undefined);
      req.end(JSON.stringify({ itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'db0@bench' } }], options: { fetchType: 'full' } }));
      const exportWaiting = async () => (await fence.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'`)).rows[0].n > 0;
      for (let i = 0; i < 500 && !(await exportWaiting()); i++) await sleep(20);
      req.destroy();
      let granted = false;
      for (let i = 0; i < 100 && !granted; i++) {
        granted = (await t.as(ADMIN).get('/test/lock/quick')).status === 200;
        if (!granted) await sleep(20);
      }
      const exportStillRunning = await exportWaiting();
      await fence.query('COMMIT');
      expect(granted && exportStillRunning, 'another exclusive request got the lock while the export was still running').toBe(false);
    } finally {
      await fence.end();
    }
  });
});
