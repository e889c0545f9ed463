import * as http from 'node:http';
import * as os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withRawClient } from '../src/database/raw-client';
import { ADMIN, NON_ADMIN, startTestApp, TestApp } from './helpers/test-app';
import { ProbeModule } from './helpers/probe.module';

const JSON_UTF8 = 'application/json; charset=UTF-8';

describe('foundation over HTTP on PostgreSQL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ JSON_BODY_MAX_BYTES: '64KiB', CLUSTER_NAME: 'cl1' }, { modules: [ProbeModule] });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('admin version and status', () => {
    it('GET /api/atlas/admin/version answers in Atlas shape with the package version', async () => {
      const res = await t.as(ADMIN).get('/api/atlas/admin/version').expect(200);
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(res.body).toEqual({ Version: '0.1.0', Name: 'atlas-expimp', Description: expect.any(String) });
    });

    it('version and status are open to any authenticated user', async () => {
      await t.as(NON_ADMIN).get('/api/atlas/admin/version').expect(200);
      const res = await t.as(NON_ADMIN).get('/api/atlas/admin/status').expect(200);
      expect(res.body).toEqual({ Status: 'ACTIVE' });
    });
  });

  describe('authentication (spec 1.2)', () => {
    it('401 with a Basic challenge and an Atlas body without credentials', async () => {
      const res = await t.request.get('/api/atlas/admin/version').expect(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="atlas"');
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(res.body).toEqual({ errorCode: 'ATLAS-401-00-001', errorMessage: 'Authentication required' });
    });

    it('401 for a wrong password, an unknown user, and a malformed header', async () => {
      await t.as({ user: 'admin', pass: 'wrong' }).get('/api/atlas/admin/version').expect(401);
      await t.as({ user: 'nobody', pass: 'admin' }).get('/api/atlas/admin/version').expect(401);
      await t.request.get('/api/atlas/admin/version').set('Authorization', 'Basic !!!').expect(401);
      await t.request.get('/api/atlas/admin/version').set('Authorization', 'Bearer abc').expect(401);
    });

    it('accepts the Atlas salted SHA-256 form (admin) and the scrypt form (bob), repeatedly', async () => {
      for (let i = 0; i < 3; i++) {
        await t.as(ADMIN).get('/api/atlas/admin/status').expect(200);
        await t.as(NON_ADMIN).get('/api/atlas/admin/status').expect(200);
      }
      await t.as({ user: NON_ADMIN.user, pass: NON_ADMIN.pass + 'x' }).get('/api/atlas/admin/status').expect(401);
    });

    it('@AdminOnly: 403 with the Atlas body for a non-admin, 200 for an admin', async () => {
      const res = await t.as(NON_ADMIN).get('/test/admin-only').expect(403);
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(res.text).toBe('{"errorCode":"ATLAS-403-00-001","errorMessage":"bob is not authorized to perform probe action"}');
      await t.as(ADMIN).get('/test/admin-only').expect(200, { ok: true });
    });

    it('@AdminOnly still answers 401 (not 403) to an anonymous caller', async () => {
      await t.request.get('/test/admin-only').expect(401);
    });

    it('@CallerInfo gives user, client ip and host name', async () => {
      const res = await t.as(NON_ADMIN).get('/test/caller').expect(200);
      expect(res.body).toEqual({ userName: 'bob', clientIpAddress: '127.0.0.1', hostName: os.hostname() });
    });
  });

  describe('errors (spec 1.4)', () => {
    it('an AtlasError keeps its status and body', async () => {
      const res = await t.as(ADMIN).get('/test/atlas-error').expect(404);
      expect(res.body).toEqual({ errorCode: 'ATLAS-404-00-005', errorMessage: 'Given instance guid g-1 is invalid/not found' });
    });

    it('unknown routes are 404 with an Atlas body', async () => {
      const res = await t.as(ADMIN).get('/api/atlas/admin/nothing-here').expect(404);
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(res.body).toEqual({ errorCode: 'ATLAS-404-00-000', errorMessage: 'Resource not found: GET /api/atlas/admin/nothing-here' });
    });

    it('unexpected errors are 500 ATLAS-500-00-001 without internals, with the request id', async () => {
      const res = await t.as(ADMIN).get('/test/boom').expect(500);
      const id = res.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      expect(res.body).toEqual({ errorCode: 'ATLAS-500-00-001', errorMessage: `Internal server error (request id ${id})` });
      expect(res.text).not.toContain('hunter2');
      expect(res.text).not.toContain('secret');
    });

    it('a sane incoming X-Request-Id is kept, an odd one replaced', async () => {
      const kept = await t.as(ADMIN).get('/api/atlas/admin/status').set('X-Request-Id', 'abc-123').expect(200);
      expect(kept.headers['x-request-id']).toBe('abc-123');
      const replaced = await t.as(ADMIN).get('/api/atlas/admin/status').set('X-Request-Id', 'a b<c>').expect(200);
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f]{16}$/);
    });

    it('a failure after the response started cuts the connection instead of appending JSON', async () => {
      const outcome = await new Promise<string>((resolve) => {
        const req = http.get(`${t.url}/test/stream-fail`, { auth: `${ADMIN.user}:${ADMIN.pass}` }, (res) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('aborted', () => resolve(`aborted after ${bytes}`));
          res.on('error', () => resolve(`aborted after ${bytes}`));
          res.on('end', () => resolve(`ended after ${bytes}`));
        });
        req.on('error', (e) => resolve(`request error ${e.message}`));
      });
      expect(outcome).toBe('aborted after 1024');
    });
  });

  describe('validation (STYLE 4)', () => {
    it('a valid body is transformed into the DTO, unknown members stripped', async () => {
      const res = await t
        .as(ADMIN)
        .post('/test/validate')
        .send({ itemsToExport: [{ typeName: 'hive_db', extra: 1 }], options: { fetchType: 'FULL' }, junk: true })
        .expect(201);
      expect(res.body).toEqual({ received: { itemsToExport: [{ typeName: 'hive_db' }], options: { fetchType: 'FULL' } }, isDto: true });
    });

    it('400 ATLAS-400-00-01A naming the nested field', async () => {
      const res = await t
        .as(ADMIN)
        .post('/test/validate')
        .send({ itemsToExport: [{ typeName: 'ok' }, { typeName: 7 }], options: { fetchType: 'SOME' } })
        .expect(400);
      expect(res.body.errorCode).toBe('ATLAS-400-00-01A');
      expect(res.body.errorMessage).toContain('invalid parameters: ');
      expect(res.body.errorMessage).toContain('itemsToExport[1].typeName must be a string');
      expect(res.body.errorMessage).toContain('options.fetchType must be one of the following values: FULL, CONNECTED');
    });

    it('malformed JSON is a 400 with an Atlas body', async () => {
      const res = await t.as(ADMIN).post('/test/validate').set('Content-Type', 'application/json').send('{"itemsToExport": [').expect(400);
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(res.body.errorCode).toBe('ATLAS-400-00-029');
    });

    it('a JSON body over JSON_BODY_MAX_BYTES is a 413 with an Atlas body', async () => {
      const big = { itemsToExport: [{ typeName: 'x'.repeat(70 * 1024) }] };
      const res = await t.as(ADMIN).post('/test/validate').send(big).expect(413);
      expect(res.body.errorCode).toBe('ATLAS-413-00-001');
    });
  });

  describe('swagger', () => {
    it('UI and JSON are reachable without credentials and document Basic auth', async () => {
      const ui = await t.request.get('/api/docs').redirects(1).expect(200);
      expect(ui.text).toContain('swagger');
      const doc = await t.request.get('/api/docs-json').expect(200);
      expect(doc.body.components.securitySchemes.basic).toMatchObject({ type: 'http', scheme: 'basic' });
      expect(doc.body.security).toEqual([{ basic: [] }]);
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/atlas/admin/version', '/api/atlas/admin/status']));
      // every operation documents the 401 the global guard answers without credentials
      const operations = Object.values(doc.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap((p) => Object.values(p));
      expect(operations.length).toBeGreaterThan(20);
      for (const op of operations) expect(op.responses['401']).toEqual({ description: 'ATLAS-401-00-001 — no or wrong HTTP Basic credentials' });
    });
  });

  describe('database', () => {
    it('ran the migrations at start (never synchronize)', async () => {
      const rows: Array<{ name: string }> = await t.db.query(`SELECT name FROM migrations ORDER BY id`);
      expect(rows.map((r) => r.name)).toContain('InitialSchema1764100000000');
      const tables: Array<{ n: string }> = await t.db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'entity'`);
      expect(tables[0].n).toBe(1);
      expect(t.db.options.synchronize).toBe(false);
    });

    it('withRawClient lends a pooled pg client, and discards it when the callback fails', async () => {
      const copied = await withRawClient(t.db, async (c) => (await c.query('SELECT 41 + 1 AS n')).rows[0].n);
      expect(copied).toBe(42);
      let brokenPid = 0;
      await expect(
        withRawClient(t.db, async (c) => {
          brokenPid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          await c.query('BEGIN');
          throw new Error('COPY went wrong');
        }),
      ).rejects.toThrow('COPY went wrong');
      // the session that was left inside a transaction is closed, not handed to the next user
      for (let i = 0; i < 20; i++) {
        const pid = await withRawClient(t.db, async (c) => (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
        expect(pid).not.toBe(brokenPid);
      }
      // the backend exits shortly after its client hangs up
      let alive = 1;
      for (let i = 0; i < 100 && alive > 0; i++) {
        alive = (await t.db.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [brokenPid]))[0].n;
        if (alive > 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(alive).toBe(0);
    });

    it('settings reach the app', () => {
      expect(t.config.clusterName).toBe('cl1');
      expect(t.config.isEmbeddedDatabase).toBe(false);
    });
  });
});
