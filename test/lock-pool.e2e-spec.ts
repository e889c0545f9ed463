// The smallest pool the settings allow still completes an export and frees the lock (spec P1: "released when the
// request ends"): the operation lock holds one pooled connection and the export another while its after-export work
// needs a third (with DB_POOL_SIZE=2 the export waited forever with the lock held; the minimum is now 4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { Client } from 'pg';
import { ADMIN, SERVER_DATABASE_URL, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';

describe('an export with the smallest pool (DB_POOL_SIZE=4) on PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), DB_POOL_SIZE: '4' });
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
  });
  afterAll(async () => {
    // the hung export keeps a pool connection: do not wait on it forever
    await Promise.race([t?.close(), new Promise((r) => setTimeout(r, 5000))]);
    if (t?.databaseUrl) {
      const c = new Client({ connectionString: SERVER_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${new URL(t.databaseUrl).pathname.slice(1)}" WITH (FORCE)`).catch(() => undefined);
      await c.end();
    }
    if (t) for (const f of [t.config.tempDir, t.config.usersFile]) if (f) fs.rmSync(f, { recursive: true, force: true });
  });

  it('an export completes and frees the lock', async () => {
    const exporting = t.as(ADMIN).post('/api/atlas/admin/export')
      .send({ itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }], options: { fetchType: 'full' } })
      .buffer(true).parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); })
      .then((r) => r.status, () => -1);
    const status = await Promise.race([exporting, new Promise((r) => setTimeout(() => r('timeout after 15 s'), 15_000))]);
    expect(status).toBe(200);
    // and the lock is free for the next import
    const next = await importZip(t, 'stocks.zip');
    expect(next.status).toBe(200);
  }, 40_000);
});
