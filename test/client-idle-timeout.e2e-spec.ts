// spec P1: one import or export at a time, every other one gets 409 meanwhile. A client that stops reading its export,
// or stops half-way through its upload, must not hold the operation lock (and an export's snapshot transaction) for
// as long as it keeps its connection open: after CLIENT_IDLE_TIMEOUT without progress the connection is cut and the
// operation stops as if the client had left. A server that is busy itself (nothing waiting for the client) is not
// cut, however long it works.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportHooks } from '../src/export/export-hooks';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, zipPath } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const IDLE_TIMEOUT_MS = 500;
// every hive_db: ~12 MB of ZIP, more than the socket buffers of both ends of a loopback connection hold (~4 MB + ~128 KB)
const ALL_DBS = { itemsToExport: [{ typeName: 'hive_db' }], options: { matchType: 'forType' } };
const ONE_DB = { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'big0@cl1' } }], options: { fetchType: 'full' } };
const AUTH = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.pass}`).toString('base64')}`;

/** A raw client that sends `head` and `body`, then neither reads nor sends anything more. */
function stalledClient(t: TestApp, head: string, body: Buffer): Promise<net.Socket> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.pause();
      socket.write(Buffer.concat([Buffer.from(head), body]), () => resolve(socket));
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** A multipart body with stocks.zip as part `data`. */
function stocksUpload(boundary: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="stocks.zip"\r\nContent-Type: application/zip\r\n\r\n`),
    fs.readFileSync(zipPath('stocks.zip')),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** Resolves when the server closes the connection, with how long that took. */
function closedByServer(socket: net.Socket): Promise<number> {
  const started = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  // a paused socket never sees its end
  socket.resume();
  return closed;
}

/** Polls (for up to a second) until an export is refused with 409: an operation holds the lock. */
async function lockTaken(t: TestApp): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if ((await exportZip(t, ONE_DB)).status === 409) return true;
    await sleep(20);
  }
  return false;
}

/** Polls until another export gets the lock (200), for at most `ms`; the statuses seen. */
async function exportUntilGranted(t: TestApp, ms: number): Promise<{ granted: boolean; refused: number; afterMs: number }> {
  const started = Date.now();
  let refused = 0;
  while (Date.now() - started < ms) {
    const status = (await exportZip(t, ONE_DB)).status;
    if (status === 200) return { granted: true, refused, afterMs: Date.now() - started };
    expect(status).toBe(409);
    refused++;
    await sleep(100);
  }
  return { granted: false, refused, afterMs: Date.now() - started };
}

async function idleInTransaction(t: TestApp): Promise<number> {
  const rows = await t.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`);
  return rows[0].n;
}

describe('CLIENT_IDLE_TIMEOUT: a client that stalls an import or export (PostgreSQL)', () => {
  let t: TestApp;
  let hookDelayMs = 0;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), CLIENT_IDLE_TIMEOUT: `${IDLE_TIMEOUT_MS}ms` });
    // incompressible descriptions: the archive is as large as its JSON
    const entities = Array.from({ length: 12 }, (_, i) => ({
      typeName: 'hive_db', guid: `-${i + 1}`,
      attributes: { qualifiedName: `big${i}@cl1`, name: `big${i}`, clusterName: 'cl1', description: randomBytes(1_000_000).toString('base64') },
    }));
    const res = await t.as(ADMIN).post('/api/atlas/v2/entity/bulk').send({ entities });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    t.app.get(ExportHooks).register('test: a slow after-export step', async () => {
      if (hookDelayMs > 0) await sleep(hookDelayMs);
    });
  }, 60_000);
  afterAll(async () => t?.close());

  it('an export whose client never reads the response is cut: the lock and its transaction are freed', async () => {
    const body = Buffer.from(JSON.stringify(ALL_DBS));
    const client = await stalledClient(
      t,
      `POST /api/atlas/admin/export HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    try {
      // the export is under way, its socket buffers filling up
      expect(await lockTaken(t), 'the stalled export never held the lock').toBe(true);
      const next = await exportUntilGranted(t, 10_000);
      expect(next.granted, `the next export was refused (409) ${next.refused} times in ${next.afterMs} ms`).toBe(true);
      // the cut export's snapshot transaction is closed before the lock is free
      expect(await idleInTransaction(t)).toBe(0);
    } finally {
      client.destroy();
    }
  }, 30_000);

  it('an import whose upload stops half-way is cut: the lock is freed and the spooled part removed', async () => {
    const boundary = 'stalled-upload-boundary';
    const part = stocksUpload(boundary);
    const client = await stalledClient(
      t,
      `POST /api/atlas/admin/import HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${part.length}\r\n\r\n`,
      part.subarray(0, part.length >> 1),
    );
    try {
      expect(await lockTaken(t), 'the stalled upload never held the lock').toBe(true);
      // Node's own requestTimeout (300 s) would free it only after minutes
      const next = await exportUntilGranted(t, 10_000);
      expect(next.granted, `the next export was refused (409) ${next.refused} times in ${next.afterMs} ms`).toBe(true);
      expect(fs.readdirSync(t.config.tempDir).filter((f) => f.startsWith('atlas-upload-'))).toEqual([]);
    } finally {
      client.destroy();
    }
  }, 30_000);

  it('an upload that keeps coming in is never cut, however long it takes as a whole; Node\'s 300 s limit on a request is off', async () => {
    expect((t.app.getHttpServer() as Server).requestTimeout).toBe(0);
    const boundary = 'slow-upload-boundary';
    const part = stocksUpload(boundary);
    const { port } = new URL(t.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let response = '';
    socket.on('data', (d) => (response += d.toString('latin1')));
    const ended = new Promise((r) => socket.once('end', r));
    socket.write(`POST /api/atlas/admin/import HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nConnection: close\r\n`
      + `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${part.length}\r\n\r\n`);
    // 8 pieces, 60 % of the idle timeout apart: 5 timeouts in all
    const pieces = 8;
    const size = Math.ceil(part.length / pieces);
    for (let i = 0; i < pieces; i++) {
      await sleep(IDLE_TIMEOUT_MS * 0.6);
      socket.write(part.subarray(i * size, (i + 1) * size));
    }
    await ended;
    expect(response.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(response).toContain('"operationStatus":"SUCCESS"');
  }, 30_000);

  it('an asynchronous import whose upload stops half-way is cut (no lock there) and its spooled part removed', async () => {
    const boundary = 'stalled-async-boundary';
    const part = stocksUpload(boundary);
    const client = await stalledClient(
      t,
      `POST /api/atlas/admin/async/import HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${part.length}\r\n\r\n`,
      part.subarray(0, part.length >> 1),
    );
    try {
      const closedAfter = await closedByServer(client);
      // one to two timeouts (Node's timer), never Node's 300 s request limit
      expect(closedAfter).toBeLessThan(10 * IDLE_TIMEOUT_MS);
      await sleep(100);
      expect(fs.readdirSync(t.config.tempDir).filter((f) => f.startsWith('atlas-upload-'))).toEqual([]);
    } finally {
      client.destroy();
    }
  }, 30_000);

  it('a server busy for longer than the timeout, with nothing waiting for the client, is not cut', async () => {
    hookDelayMs = 3 * IDLE_TIMEOUT_MS;
    try {
      const a = await exportZip(t, ONE_DB);
      expect(a.status).toBe(200);
      expect(a.info.operationStatus).toBe('SUCCESS');
    } finally {
      hookDelayMs = 0;
    }
  }, 30_000);
});
