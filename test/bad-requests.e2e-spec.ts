// Bad input gets a 4xx with an Atlas body and changes nothing (spec 1.4, P5): a zipDirect entities.json whose CRC does
// not match, an entity or referred entity that is not an object, a small but very deeply nested JSON body, a paging
// number past the integer range.
// Review findings (security / bad input). Each test states the rule it checks; all fail against the current code.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRawZip, entityJson, GUID_A, GUID_B, TYPESDEF_JSON, exportInfoJson } from './fixtures/bad/make-bad-zips';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { importZip, zipPath } from './helpers/fixtures';

let t: TestApp;
let tmp: string;
const entityCount = async () => (await t.db.query(`SELECT count(*)::int AS n FROM entity`))[0].n as number;
const writeZip = (name: string, bytes: Buffer) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
};

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-requests-'));
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('bad archives and bad bodies', () => {
  // P5: "a CRC mismatch ... 400 with a body that names the entry and the reason (ATLAS-400-00-09F) ... Nothing is written"
  it('zipDirect: a CRC mismatch in entities.json is a 400 09F and nothing is written', async () => {
    const entities = JSON.stringify([JSON.parse(entityJson(GUID_A, 'a'))]);
    const file = writeZip('direct-crc.zip', buildRawZip([
      { name: 'atlas-typesdef.json', data: '{}' },
      { name: 'entities.json', data: entities, crcOverride: (zlib.crc32(entities) ^ 0xdeadbeef) >>> 0 },
    ]));
    const before = await entityCount();
    const res = await importZip(t, file, { options: { format: 'zipDirect' } });
    expect.soft({ status: res.status, errorCode: res.body.errorCode }).toEqual({ status: 400, errorCode: 'ATLAS-400-00-09F' });
    expect.soft(String(res.body.errorMessage)).toContain('entities.json');
    expect(await entityCount(), 'entities written').toBe(before);
  });

  // rule: every bad input gets the right HTTP status and an Atlas body; P5: a bad archive ⇒ 400 09F, nothing written
  it('a null referred entity / a missing entity is a 400, not a 500 (v2 API and archive)', async () => {
    const v2Missing = await t.as(ADMIN).post('/api/atlas/v2/entity').send({});
    expect.soft(v2Missing.status, 'POST /v2/entity {}').toBe(400);
    const v2NullReferred = await t.as(ADMIN).post('/api/atlas/v2/entity').send({
      entity: { typeName: 'hdfs_path', attributes: { qualifiedName: 'q@cl1', name: 'q', path: 'q' } },
      referredEntities: { x: null },
    });
    expect.soft(v2NullReferred.status, 'POST /v2/entity referredEntities {x:null}').toBe(400);

    const bad = JSON.parse(entityJson(GUID_B, 'b'));
    bad.referredEntities = { x: null };
    const file = writeZip('null-referred.zip', buildRawZip([
      { name: `${GUID_A}.json`, data: entityJson(GUID_A, 'a') },
      { name: `${GUID_B}.json`, data: JSON.stringify(bad) },
      { name: 'atlas-export-order.json', data: JSON.stringify([GUID_A, GUID_B]) },
      { name: 'atlas-typesdef.json', data: TYPESDEF_JSON },
      { name: 'atlas-export-info.json', data: exportInfoJson() },
    ]));
    const before = await entityCount();
    const res = await importZip(t, file);
    expect.soft({ status: res.status, errorCode: res.body.errorCode }, 'import').toEqual({ status: 400, errorCode: 'ATLAS-400-00-09F' });
    expect(await entityCount()).toBe(before);
  });

  // rule: v2 validation of bad bodies (huge bodies) and the export request DTO: a 4xx with an Atlas body, never a 500
  it('a deeply nested (well-formed, small) JSON body is a 4xx, not a 500', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000); // 40 KB, far below JSON_BODY_MAX_BYTES
    for (const [url, body] of [
      ['/api/atlas/admin/export', `{"itemsToExport":[],"options":{"x":${deep}}}`],
      ['/api/atlas/v2/entity', `{"entity":{"typeName":"hdfs_path","attributes":{"x":${deep}}}}`],
    ]) {
      const res = await t.as(ADMIN).post(url).set('Content-Type', 'application/json').send(body);
      expect.soft({ url, status: res.status, errorCode: res.body.errorCode }).toEqual({ url, status: 400, errorCode: expect.stringMatching(/^ATLAS-4/) });
    }
  });

  // rule: every bad input gets the right HTTP status (1.4: handled errors are 4xx Atlas errors)
  it('an out-of-range paging parameter is a 400, not a 500', async () => {
    const res = await t.as(ADMIN).get('/api/atlas/admin/async/import/status?limit=99999999999999999999');
    expect({ status: res.status, errorCode: res.body.errorCode }).toEqual({ status: 400, errorCode: 'ATLAS-400-00-01A' });
  });

  it('a replicatedTo / replicatedFrom longer than 1,024 characters is a 400 naming the option, before any work', async () => {
    const long = 'c'.repeat(2000);
    const exp = await t.as(ADMIN).post('/api/atlas/admin/export').send({ itemsToExport: [{ typeName: 'hdfs_path' }], options: { matchType: 'forType', replicatedTo: long } });
    expect(exp.status).toBe(400);
    expect(exp.body.errorCode).toBe('ATLAS-400-00-01A');
    expect(exp.body.errorMessage).toContain('options.replicatedTo must be a server name of at most 1024 characters');
    const before = await entityCount();
    const imp = await importZip(t, zipPath('stocks.zip'), { options: { replicatedFrom: long } });
    expect(imp.status).toBe(400);
    expect(imp.body.errorMessage).toContain('replicatedFrom: a server name of at most 1024 characters');
    expect(await entityCount()).toBe(before);
  });
});
