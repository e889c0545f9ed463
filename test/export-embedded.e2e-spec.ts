// The export on the embedded database (PGlite, DATABASE_URL unset): one connection renders every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

describe('export on the embedded database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DATABASE_URL: '', MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'stocks-base.zip')).status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('exports stocks-base.zip\'s database whole (case 53)', async () => {
    const a = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }], options: { fetchType: 'full' } });
    expect(a.status).toBe(200);
    expect(a.info.operationStatus).toBe('SUCCESS');
    expect(a.allGuids().size).toBe(37);
    expect(a.info.metrics['entity:hive_column']).toBe(20);
  });
});
