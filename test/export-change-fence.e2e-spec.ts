// spec P8: an incremental export's changeMarker never misses a write. A write that drew its change_seq before the
// export took its snapshot but committed after it must not end up below the marker: the export waits for it.
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportZip } from './helpers/export-archive';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { startTestApp, type TestApp } from './helpers/test-app';
import { CHANGE_FENCE_KEY } from '../src/metadata/store/change-fence';

describe('change fence between entity writes and the export marker', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('an export started during an uncommitted write waits for it, and its marker covers that write', async () => {
    const writer = new Client({ connectionString: t.databaseUrl });
    await writer.connect();
    try {
      // a writer as the store does it: the fence in shared mode, then a change_seq drawn, not yet committed
      await writer.query('BEGIN');
      await writer.query('SELECT pg_advisory_xact_lock_shared($1)', [CHANGE_FENCE_KEY.toString()]);
      const [{ seq }] = (await writer.query(
        `UPDATE entity SET change_seq = nextval('entity_change_seq') WHERE guid = '886c5e9c-3ac6-40be-8201-fb0cebb64783' RETURNING change_seq AS seq`,
      )).rows;

      const started = Date.now();
      const exporting = exportZip(t, {
        itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }],
        options: { fetchType: 'incremental', changeMarker: 0 },
      });
      await new Promise((r) => setTimeout(r, 400));
      await writer.query('COMMIT');
      const archive = await exporting;
      expect(archive.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(archive.info.changeMarker).toBeGreaterThanOrEqual(Number(seq));
    } finally {
      await writer.end();
    }
  });
});
