// An export after a failed one works, on PostgreSQL and on the embedded database (README: "through the same
// migrations and code paths"). On PostgreSQL a failed export's connection is discarded and its session (temporary
// tables, settings) dies with it; on the embedded database every pooled connection is the same PGlite session, so
// the next export must start from no temporary tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportHooks } from '../src/export/export-hooks';
import { startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

const STOCKS = { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }], options: { fetchType: 'full' } };

for (const mode of ['postgres', 'embedded'] as const) {
  describe(`an export after a failed export (${mode})`, () => {
    let t: TestApp;
    let failing = false;
    beforeAll(async () => {
      t = await startTestApp({ ...(mode === 'embedded' ? { DATABASE_URL: '' } : {}), MODELS_DIR: hiveModelsDir() });
      expect((await importZip(t, 'stocks.zip')).status).toBe(200);
      t.app.get(ExportHooks).register('test: failing after the archive', async () => {
        if (failing) throw new Error('after-export step failed (test)');
      });
    });
    afterAll(async () => t?.close());

    it('succeeds', async () => {
      // the archive is complete, then an after-export step fails
      failing = true;
      const failed = await exportZip(t, STOCKS).catch((e) => e);
      failing = false;
      expect(failed instanceof Error || failed.status !== 200 || failed.order.length === 0).toBe(true);
      await new Promise((r) => setTimeout(r, 500)); // (the 409 race is lock-cut-export.e2e-spec.ts)
      const next = await exportZip(t, STOCKS);

      expect(next.status, next.body.toString('utf8').slice(0, 300)).toBe(200);
      expect(next.order.length).toBeGreaterThan(0);
    });
  });
}
