// An export plans its traversal and pages from the catalogue tables' statistics: a table never analysed (a fresh
// installation after its first import, before autovacuum comes round; the embedded database never) is analysed
// before the export plans anything (planner-statistics.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_TABLES } from '../src/metadata/store/planner-statistics';
import { exportZip } from './helpers/export-archive';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { startTestApp, type TestApp } from './helpers/test-app';

describe('planner statistics before an export', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    // only the export may analyse these tables here
    for (const table of CATALOGUE_TABLES) await t.db.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
  });
  afterAll(async () => t?.close());

  /** pg_class's row estimate (-1: never analysed) next to the real count */
  async function estimates(): Promise<Record<string, { reltuples: number; count: number }>> {
    const out: Record<string, { reltuples: number; count: number }> = {};
    for (const table of ['entity', 'entity_unique', 'relationship']) {
      const [row] = (await t.db.query(
        `SELECT (SELECT reltuples FROM pg_class WHERE oid = $1::regclass)::float8 AS reltuples, (SELECT count(*) FROM ${table})::int AS count`,
        [table],
      )) as Array<{ reltuples: number; count: number }>;
      out[table] = row;
    }
    return out;
  }

  it('analyses the tables an import filled before exporting them, and only once', async () => {
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
    const before = await estimates();
    for (const e of Object.values(before)) {
      expect(e.count).toBeGreaterThan(0);
      expect(e.reltuples).toBe(-1);
    }

    const request = { itemsToExport: [{ typeName: 'hive_db' }], options: { fetchType: 'full', matchType: 'forType' } };
    const first = await exportZip(t, request);
    expect(first.status).toBe(200);
    expect(first.info.operationStatus).toBe('SUCCESS');
    const after = await estimates();
    // a small table is sampled whole: the estimate is the count
    for (const e of Object.values(after)) expect(e.reltuples).toBe(e.count);

    // nothing grew: the next export keeps the statistics as they are (a mark in pg_class shows whether ANALYZE ran)
    const mark = (reltuples: number) => t.db.query(`UPDATE pg_class SET reltuples = $1 WHERE oid = 'entity'::regclass`, [reltuples]);
    await mark(12345);
    const second = await exportZip(t, request);
    expect(second.status).toBe(200);
    expect(second.allGuids()).toEqual(first.allGuids());
    expect((await estimates()).entity.reltuples).toBe(12345);

    // and analyses again a table that looks never analysed
    await mark(-1);
    expect((await exportZip(t, request)).status).toBe(200);
    const again = await estimates();
    expect(again.entity.reltuples).toBe(again.entity.count);
  });
});
