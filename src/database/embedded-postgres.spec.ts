import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgres } from './embedded-postgres';

const MB = 1024 * 1024;

// The embedded database's first start makes its data folder. PGlite's own WASM memory (process "external" memory)
// is ~210 MB for an opened folder; an instance that ran initdb itself kept ~660 MB for as long as it lived.
describe('EmbeddedPostgres on a new DATA_DIR', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-pg-'));
  let db: EmbeddedPostgres | undefined;
  afterAll(async () => {
    await db?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the folder without keeping initdb in memory, and serves it', async () => {
    const before = process.memoryUsage().external;
    db = await EmbeddedPostgres.start(dataDir, 2);
    const grown = (process.memoryUsage().external - before) / MB;
    expect(fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(grown).toBeLessThan(400);

    const c = new Client({ host: db.host, port: db.port, user: 'postgres', database: 'postgres' });
    await c.connect();
    try {
      expect((await c.query('SELECT 1 + 1 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await c.end();
    }
  });
});
