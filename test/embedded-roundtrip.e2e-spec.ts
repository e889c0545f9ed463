// The default mode of `npm start` (embedded PGlite, no DATABASE_URL) runs the same import and export code paths
// without COPY FROM (which breaks PGlite's connection): import a fixture, read it back, export it, re-import it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import StreamZip from 'node-stream-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';

describe('embedded database: import, read, export, re-import', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-t-embedded-rt-'));
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DATABASE_URL: '', DATA_DIR: dataDir, USERS_FILE: '', NODE_ENV: 'development', MODELS_DIR: hiveModelsDir() });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports stocks-base.zip, exports its database and imports the export again unchanged', async () => {
    expect(t.config.isEmbeddedDatabase).toBe(true);
    const first = await importZip(t, 'stocks-base.zip');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.processedEntities).toHaveLength(37);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM relationship`);
    expect(n).toBeGreaterThan(30);

    const exported = await t.as(ADMIN).post('/api/atlas/admin/export')
      .send({ itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }], options: { fetchType: 'full' } })
      .buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(exported.status).toBe(200);
    const file = path.join(dataDir, 'export.zip');
    fs.writeFileSync(file, exported.body as Buffer);
    const zip = new StreamZip.async({ file });
    const info = JSON.parse((await zip.entryData('atlas-export-info.json')).toString());
    await zip.close();
    expect(info.operationStatus).toBe('SUCCESS');

    const again = await importZip(t, file);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(Object.keys(again.body.metrics).filter((k) => k.endsWith(':created'))).toEqual([]);
    const [{ m }] = await t.db.query(`SELECT count(*)::int AS m FROM entity WHERE type_name LIKE 'hive_%'`);
    expect(m).toBe(37);
  });
});
