import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.factory';
import { AppConfig } from '../src/config/app-config';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';
import { ProbeModule } from './helpers/probe.module';

// Smoke test of the default mode of `npm start`: no DATABASE_URL ⇒ embedded PGlite in DATA_DIR, built-in admin/admin.
describe('embedded database (no DATABASE_URL)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-t-embedded-'));
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_URL: '', DATA_DIR: dataDir, USERS_FILE: '', NODE_ENV: 'development' }, { modules: [ProbeModule] });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /api/atlas/admin/version for the built-in admin/admin', async () => {
    expect(t.config.isEmbeddedDatabase).toBe(true);
    const res = await t.as(ADMIN).get('/api/atlas/admin/version').expect(200);
    expect(res.body).toMatchObject({ Name: 'atlas-expimp', Version: '0.1.0' });
    await t.as({ user: 'admin', pass: 'nope' }).get('/api/atlas/admin/version').expect(401);
  });

  it('ran the same migrations', async () => {
    const rows: Array<{ name: string }> = await t.db.query('SELECT name FROM migrations');
    expect(rows.map((r) => r.name)).toContain('InitialSchema1764100000000');
  });

  it('the operation lock excludes within the process (advisory locks do not exclude on one PGlite backend)', async () => {
    const holder = fetch(`${t.url}/test/lock/hold`, { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from('admin:admin').toString('base64') } });
    for (let i = 0; i < 200 && (await t.as(ADMIN).get('/test/lock/holding')).body.holding !== 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await t.as(ADMIN).get('/test/lock/quick')).text).toContain('"errorCode":"ATLAS-500-00-006"');
    await t.as(ADMIN).get('/test/lock/quick').expect(409);
    await t.as(ADMIN).post('/test/lock/release').expect(201, { released: 1 });
    expect((await holder).status).toBe(201);
    await t.as(ADMIN).get('/test/lock/quick').expect(200);
  });

  it('a second server on the same DATA_DIR is refused by the lockfile', async () => {
    const config = AppConfig.fromEnv({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATA_DIR: dataDir });
    await expect(createApp(config)).rejects.toThrow(/DATA_DIR .* is in use by process \d+/);
    expect(fs.existsSync(path.join(dataDir, 'atlas-expimp.lock'))).toBe(true);
  });
});
