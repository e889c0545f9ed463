// The export tunes its connections (work_mem, planner settings) and hands them back to the pool: every other user
// of the pool must find PostgreSQL's defaults again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportZip } from './helpers/export-archive';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { startTestApp, type TestApp } from './helpers/test-app';

const SETTINGS = ['work_mem', 'jit', 'enable_mergejoin', 'enable_nestloop', 'random_page_cost'];

describe('export connections back in the pool', () => {
  let t: TestApp;
  // 6 connections: the export's main one and its 2 render connections, and 3 more
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), DB_POOL_SIZE: '6' });
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
  });
  afterAll(async () => t?.close());

  /** the settings as every connection of the pool sees them, all held at once */
  async function poolSettings(): Promise<Array<Record<string, string>>> {
    const runners = Array.from({ length: 6 }, () => t.db.createQueryRunner());
    try {
      await Promise.all(runners.map((r) => r.connect()));
      return await Promise.all(runners.map(async (r) => {
        const rows = (await r.query(`SELECT name, setting FROM pg_settings WHERE name = ANY($1) ORDER BY name`, [SETTINGS])) as Array<{ name: string; setting: string }>;
        const temp = (await r.query(`SELECT count(*)::int AS n FROM pg_class WHERE relpersistence = 't' AND pg_table_is_visible(oid)`)) as Array<{ n: number }>;
        return { ...Object.fromEntries(rows.map((x) => [x.name, x.setting])), tempTables: String(temp[0].n) };
      }));
    } finally {
      await Promise.all(runners.map((r) => r.release()));
    }
  }

  it('every connection has the default settings and no temporary table after an export', async () => {
    const before = await poolSettings();
    const archive = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db' }], options: { fetchType: 'full', matchType: 'forType' } });
    expect(archive.status).toBe(200);
    expect(archive.info.operationStatus).toBe('SUCCESS');
    const after = await poolSettings();
    expect(after).toEqual(before);
    expect(after[0].tempTables).toBe('0');
  });
});
