import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepQueueRunning } from './pglite-queue-guard';

// The embedded database's socket server, real PGlite in memory: one query that PGlite throws on must not stop the
// queries of every other connection (pglite-socket 0.2.17 left its queue flagged busy for good).
describe('keepQueueRunning', () => {
  let db: PGlite;
  let server: PGLiteSocketServer;
  let port: number;
  beforeAll(async () => {
    db = await PGlite.create();
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
    keepQueueRunning(server);
    await server.start();
    const conn = server.getServerConn();
    port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.close();
  });

  const connect = async (): Promise<Client> => {
    const c = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };

  it('runs the other connections\' queries after PGlite threw on one', async () => {
    const first = await connect();
    const other = await connect();
    const exec = db.execProtocolRawStream.bind(db);
    let failed = 0;
    db.execProtocolRawStream = (async (...args: Parameters<typeof exec>) => {
      if (failed++ === 0) throw new Error('PGlite failed');
      return exec(...args);
    }) as typeof db.execProtocolRawStream;
    try {
      await expect(first.query('SELECT 1')).rejects.toThrow();
    } finally {
      db.execProtocolRawStream = exec;
    }
    const answer = other.query('SELECT 41 + 1 AS n');
    const stuck = new Promise((resolve) => setTimeout(() => resolve('stuck'), 5_000));
    expect(await Promise.race([answer.then((r) => r.rows), stuck])).toEqual([{ n: 42 }]);
    const later = await connect();
    expect((await later.query('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);
    await Promise.all([first, other, later].map((c) => c.end().catch(() => undefined)));
  }, 30_000);
});
