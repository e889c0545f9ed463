// spec 2.4: atlas-export-order.json is "JSON array of guid strings: the top-level entities in the order the exporter
// wrote them"; spec 2.1: "all {guid}.json entries first, in export order". The order entry is read from the database
// in pages of 10,000: both a single page of 10+ files (numeric, not text, order) and several pages are checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

describe('atlas-export-order.json with 10+ top-level files', () => {
  let t: TestApp;
  let db = '';
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    const tables = Array.from({ length: 11 }, (_, i) => ({
      typeName: 'hive_table', guid: `-${i + 2}`,
      attributes: { qualifiedName: `d.t${i}@cl1`, name: `t${i}`, db: { guid: '-1', typeName: 'hive_db' } },
    }));
    const res = await t.as(ADMIN).post('/api/atlas/v2/entity/bulk').send({
      entities: [{ typeName: 'hive_db', guid: '-1', attributes: { qualifiedName: 'd@cl1', name: 'd', clusterName: 'cl1' } }, ...tables],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    db = res.body.guidAssignments['-1'];
  });
  afterAll(async () => t?.close());

  it('lists the guids in the order the entity files were written, the start entity first', async () => {
    const a = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'd@cl1' } }], options: { fetchType: 'full' } });
    expect(a.status).toBe(200);
    const written = a.names.slice(0, -3).map((n) => n.replace(/\.json$/, ''));
    expect(written).toHaveLength(12);
    expect(written[0]).toBe(db); // the entity files themselves are in traversal order
    // spec 2.4: "JSON array of guid strings: the top-level entities in the order the exporter wrote them."
    expect(a.order).toEqual(written);
    expect(a.order[0]).toBe(db);
  });
});

describe('atlas-export-order.json with more than one page (10,000) of top-level files', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    for (let b = 0; b < 11; b++) {
      const entities = Array.from({ length: 1000 }, (_, i) => ({
        typeName: 'hive_db', guid: `-${i + 1}`, attributes: { qualifiedName: `db${b}_${i}@cl1`, name: `db${b}_${i}`, clusterName: 'cl1' },
      }));
      const r = await t.as(ADMIN).post('/api/atlas/v2/entity/bulk').send({ entities });
      expect(r.status).toBe(200);
    }
  }, 300_000);
  afterAll(async () => t?.close());

  it('lists every written file exactly once', async () => {
    const a = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db' }], options: { matchType: 'forType' } });
    expect(a.status).toBe(200);
    const written = a.names.slice(0, -3).map((n) => n.replace(/\.json$/, ''));
    expect(written).toHaveLength(11_000);
    // spec 2.1: "all {guid}.json entries first, in export order"; spec 2.4: the order lists the top-level entities
    expect({ length: a.order.length, distinct: new Set(a.order).size }).toEqual({ length: 11_000, distinct: 11_000 });
    expect(a.order).toEqual(written);
  }, 300_000);
});
