import { spawn } from 'node:child_process';
import * as http from 'node:http';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_LOCK_KEY } from '../src/operation-lock/operation-lock.service';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';
import { ProbeModule } from './helpers/probe.module';

// spec P1: one import or export at a time across every process on the database; never waits; released when the
// request ends or fails, when the client disconnects, and (PostgreSQL) when the holding process dies.
const CONFLICT =
  '{"errorCode":"ATLAS-500-00-006","errorMessage":"Another import or export is in progress. Please try again.","ATLAS5005E":"Another import or export is in progress. Please try again."}';

/** starts POST /test/lock/hold and resolves once its handler runs, i.e. holds the lock (polling must not take the lock itself) */
async function hold(t: TestApp): Promise<http.ClientRequest> {
  const req = http.request(`${t.url}/test/lock/hold`, { method: 'POST', auth: `${ADMIN.user}:${ADMIN.pass}`, agent: false });
  req.on('error', () => undefined);
  req.end();
  await eventually(async () => (await t.as(ADMIN).get('/test/lock/holding')).body.holding === 1);
  return req;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('operation lock on PostgreSQL', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({}, { modules: [ProbeModule] });
    // a second server process's worth of app on the same database
    b = await startTestApp({}, { modules: [ProbeModule], databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a free lock lets exclusive requests through, one after another, with no 409 in between', async () => {
    await a.as(ADMIN).get('/test/lock/quick').expect(200, { ok: true });
    // the lock is released before the client sees the end of a response, so the next request never races it
    for (let i = 0; i < 20; i++) {
      await a.as(ADMIN).get('/test/lock/quick').expect(200);
      await b.as(ADMIN).get('/test/lock/quick').expect(200);
      await a.as(ADMIN).get('/test/lock/fail').expect(400);
    }
  });

  it('while one request holds it, others get 409 with the P1 body at once, in this and in the other app', async () => {
    const holder = await hold(a);
    const started = Date.now();
    const same = await a.as(ADMIN).get('/test/lock/quick').expect(409);
    const other = await b.as(ADMIN).get('/test/lock/quick').expect(409);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(same.text).toBe(CONFLICT);
    expect(other.text).toBe(CONFLICT);
    expect(other.headers['content-type']).toBe('application/json; charset=UTF-8');
    // routes without @ExclusiveOperation are not affected
    await b.as(ADMIN).get('/api/atlas/admin/status').expect(200);

    await a.as(ADMIN).post('/test/lock/release').expect(201, { released: 1 });
    await eventually(async () => (await b.as(ADMIN).get('/test/lock/quick')).status === 200);
    holder.destroy();
  });

  it('a dropped client connection frees the lock', async () => {
    const holder = await hold(b);
    await a.as(ADMIN).get('/test/lock/quick').expect(409);
    holder.destroy();
    await eventually(async () => (await a.as(ADMIN).get('/test/lock/quick')).status === 200);
    await b.as(ADMIN).post('/test/lock/release').expect(201, { released: 0 });
  });

  it('a failing exclusive request releases the lock', async () => {
    await a.as(ADMIN).get('/test/lock/fail').expect(400);
    await b.as(ADMIN).get('/test/lock/quick').expect(200);
    await a.as(ADMIN).get('/test/lock/quick').expect(200);
  });

  it('a streamed response (@Res) keeps the lock until the last byte, then frees it', async () => {
    const streaming = a.as(ADMIN).get('/test/lock/stream').buffer(true);
    const pending = streaming.then((r) => r);
    await eventually(async () => (await a.as(ADMIN).get('/test/lock/holding')).body.streaming === 1);
    // the handler has returned; the body is still being written: the lock is held
    await b.as(ADMIN).get('/test/lock/quick').expect(409);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(String(res.text ?? res.body)).toContain('chunk 5');
    // released before the client saw the end of the response: no retry needed
    await b.as(ADMIN).get('/test/lock/quick').expect(200);
  });

  it('another PostgreSQL session holding the advisory lock excludes the apps, and its end frees it', async () => {
    const other = new Client({ connectionString: a.databaseUrl });
    await other.connect();
    try {
      const { rows } = await other.query('SELECT pg_try_advisory_lock($1) AS locked', [OPERATION_LOCK_KEY.toString()]);
      expect(rows[0].locked).toBe(true);
      expect((await a.as(ADMIN).get('/test/lock/quick').expect(409)).text).toBe(CONFLICT);
      await b.as(ADMIN).get('/test/lock/quick').expect(409);
    } finally {
      await other.end();
    }
    await eventually(async () => (await a.as(ADMIN).get('/test/lock/quick')).status === 200);
  });

  it('a process killed while holding the lock does not keep it (session lock)', async () => {
    const script = `
      const { Client } = require('pg');
      const c = new Client({ connectionString: process.argv[1] });
      c.connect().then(() => c.query('SELECT pg_advisory_lock($1)', [process.argv[2]])).then(() => console.log('locked'));
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script, a.databaseUrl!, OPERATION_LOCK_KEY.toString()], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      child.on('exit', () => reject(new Error('child exited early')));
    });
    await a.as(ADMIN).get('/test/lock/quick').expect(409);
    child.kill('SIGKILL');
    await eventually(async () => (await a.as(ADMIN).get('/test/lock/quick')).status === 200);
  });
});
