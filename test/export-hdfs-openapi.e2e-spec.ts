// spec 3.3 / 4: an hdfs_path that cannot be created (its qualifiedName held by an entity of another type) FAILs its
// own item; the other items are exported (PARTIAL_SUCCESS). The OpenAPI document types the query parameters and lists
// the 400 answers of export, import, importfile and the audit (spec 1.4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { exportZip } from './helpers/export-archive';
import { hiveModelsDir } from './helpers/fixtures';

let t: TestApp;
let doc: any;
beforeAll(async () => {
  t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
  doc = (await t.request.get('/api/docs-json')).body;
}, 60000);
afterAll(async () => { await t?.close(); });

describe('hdfs_path export items', () => {
  it('spec 3.3 ("each item yields ... a per-item status"; "MUST report the item as FAIL and continue with other items") + spec 4 ("the item FAILs"): a failed auto-create fails that item, not the whole export', async () => {
    const c = await t.as(ADMIN).post('/api/atlas/v2/entity')
      .send({ entity: { typeName: 'fs_path', attributes: { qualifiedName: '/c/@default', name: 'c', path: '/c/' } } });
    expect(c.status).toBe(200);
    const fsGuid = c.body.mutatedEntities.CREATE[0].guid;
    const a = await exportZip(t, {
      itemsToExport: [
        { typeName: 'fs_path', uniqueAttributes: { qualifiedName: '/c/@default' } },
        { typeName: 'hdfs_path', uniqueAttributes: { path: '/c' } }, // qn /c/@default is taken by the fs_path
      ],
      options: { matchType: 'startsWith' },
    });
    expect(a.status, a.body.toString().slice(0, 300)).toBe(200);
    expect(a.info.operationStatus).toBe('PARTIAL_SUCCESS');
    expect(a.order).toContain(fsGuid);
  });
});

describe('/api/docs-json', () => {
  const params = (p: string, m: string) => Object.fromEntries((doc.paths[p][m].parameters ?? []).map((x: any) => [x.name, x.schema]));

  it('README: audit takes "limit, offset" (integers, audit.service) and /entity/bulk a repeated guid: parameters carry their types', () => {
    const audit = params('/api/atlas/admin/expimp/audit', 'get');
    expect(audit.limit).toMatchObject({ type: 'integer' });
    expect(audit.offset).toMatchObject({ type: 'integer' });
    expect(audit.startTime).toMatchObject({ type: 'integer' });
    expect(audit.userName).toMatchObject({ type: 'string' });
    expect(params('/api/atlas/v2/entity/bulk', 'get').guid).toMatchObject({ type: 'array', items: { type: 'string' } });
  });

  it('spec 1.4 INVALID_PARAMETERS / IMPORT_INVALID_ZIP_ENTRY are 400: the endpoints that answer 400 document it', async () => {
    // each of these really answers 400:
    expect((await t.as(ADMIN).post('/api/atlas/admin/export').send({ options: { replicatedTo: 'x'.repeat(2000) } })).status).toBe(400);
    expect((await t.as(ADMIN).post('/api/atlas/admin/import').attach('data', Buffer.from('not a zip'), 'x.zip')).status).toBe(400);
    expect((await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: 'nope.zip' } })).status).toBe(400);
    expect((await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?offset=99999999999999999999')).status).toBe(400);
    const missing = [
      ['/api/atlas/admin/export', 'post'], ['/api/atlas/admin/import', 'post'],
      ['/api/atlas/admin/importfile', 'post'], ['/api/atlas/admin/expimp/audit', 'get'],
    ].filter(([p, m]) => !('400' in doc.paths[p][m].responses)).map(([p, m]) => `${m.toUpperCase()} ${p}`);
    expect(missing).toEqual([]);
  });
});
