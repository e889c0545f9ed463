// spec 12.1 case 11: "Once the first ends (success, failure or client disconnect), the next one is accepted". An
// export that fails after its first byte is cut (res.destroy()); the cut, like the final res.end(), waits for the
// unlock, so a client that sends its next request at once never meets a 409.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportHooks } from '../src/export/export-hooks';
import { startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

const STOCKS = { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }], options: { fetchType: 'full' } };

describe('the request right after a failed (cut) export (PostgreSQL)', () => {
  let t: TestApp;
  let failing = false;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
    // an after-export step that fails once the archive is written: the response is cut
    t.app.get(ExportHooks).register('test: failing after the archive', async () => {
      if (failing) throw new Error('after-export step failed (test)');
    });
  });
  afterAll(async () => t?.close());

  it('is never refused with 409', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      failing = true;
      await exportZip(t, STOCKS).catch(() => undefined);
      failing = false;
      statuses.push((await exportZip(t, STOCKS)).status);
    }
    expect(statuses.filter((s) => s === 409).length, `statuses of the next export: ${statuses.join(',')}`).toBe(0);
  });
});
