// The HTTP surface as real clients and careless scripts call it: content types and charsets, bytes that are not
// UTF-8, NUL characters in paths, queries and bodies. Every bad input gets a clear Atlas error body with the right
// status and changes nothing (spec 1.4).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip, zipPath } from './helpers/fixtures';

let t: TestApp;
let importDir: string;
const entityCount = async () => (await t.db.query(`SELECT count(*)::int AS n FROM entity`))[0].n as number;
const typeCount = async () => (await t.db.query(`SELECT count(*)::int AS n FROM type_def`))[0].n as number;

/** POST of exactly these bytes (supertest would serialise a Buffer as JSON when the type says json) */
function rawPost(url: string, contentType: string, body: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(url, t.url), { method: 'POST', auth: `${ADMIN.user}:${ADMIN.pass}`, headers: { 'Content-Type': contentType, 'Content-Length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const atlasBody = { errorCode: expect.stringMatching(/^ATLAS-/), errorMessage: expect.any(String) };

beforeAll(async () => {
  importDir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-surface-'));
  fs.copyFileSync(zipPath('empty.zip'), path.join(importDir, 'empty.zip'));
  fs.copyFileSync(zipPath('empty.zip'), path.join(importDir, 'café.zip'));
  t = await startTestApp({ IMPORT_DIR: importDir, MODELS_DIR: hiveModelsDir() });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(importDir, { recursive: true, force: true });
});

describe('content types', () => {
  // Spec 3.1: "POST /api/atlas/admin/export, Content-Type: application/json". Atlas's AdminResource.export is
  // @Consumes(application/json): any other content type is 415 Unsupported Media Type, never an export that ignores
  // the request (`curl -d @request.json` sends application/x-www-form-urlencoded).
  it('/export with a JSON body sent as text/plain or form-urlencoded is a 415 with an Atlas body, not an empty ZIP', async () => {
    const request = JSON.stringify({ itemsToExport: [{ typeName: 'hdfs_path', uniqueAttributes: { qualifiedName: 'x@cl1' } }] });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await t.as(ADMIN).post('/api/atlas/admin/export').set('Content-Type', type).send(request);
      expect.soft({ type, status: res.status, contentType: res.headers['content-type'] }).toEqual({ type, status: 415, contentType: 'application/json; charset=UTF-8' });
      expect.soft(res.body).toEqual(atlasBody);
    }
    // AtlasClientV2 sends "application/json; charset=UTF-8": still accepted
    const ok = await t.as(ADMIN).post('/api/atlas/admin/export').set('Content-Type', 'application/json; charset=UTF-8').send('{"itemsToExport":[]}');
    expect(ok.status).toBe(200);
  });

  // Spec 10.6 (standard Atlas v2 shapes): TypesREST and EntityREST are @Consumes(application/json) in Atlas ⇒ 415.
  // Here a typedef sent as text/plain was answered 200 with an empty AtlasTypesDef and nothing created.
  it('v2 writes with a non-JSON content type are a 415 and create nothing', async () => {
    const types = await typeCount();
    const entities = await entityCount();
    const typedef = JSON.stringify({ entityDefs: [{ name: 'zz_plain_type', superTypes: [], attributeDefs: [] }] });
    for (const [method, url, body] of [
      ['post', '/api/atlas/v2/types/typedefs', typedef],
      ['put', '/api/atlas/v2/types/typedefs', typedef],
      ['post', '/api/atlas/v2/entity', JSON.stringify({ entity: { typeName: 'hdfs_path', attributes: { qualifiedName: 'p@cl1', name: 'p', path: 'p' } } })],
    ] as const) {
      const res = await t.as(ADMIN)[method](url).set('Content-Type', 'text/plain').send(body);
      expect.soft({ method, url, status: res.status, body: res.body }).toEqual({ method, url, status: 415, body: atlasBody });
    }
    expect.soft(await typeCount(), 'types').toBe(types);
    expect(await entityCount(), 'entities').toBe(entities);
  });

  // Spec 5.2: /importfile's body is "AtlasImportRequest JSON"; a multipart upload there was answered
  // "FILENAME parameter not found", which sends the user looking for a missing option instead of the wrong endpoint.
  it('/importfile with a multipart body is a 415 that points to /import', async () => {
    const res = await t.as(ADMIN).post('/api/atlas/admin/importfile').field('request', '{"options":{"fileName":"empty.zip"}}');
    expect.soft(res.status).toBe(415);
    expect(String(res.body.errorMessage)).toContain('/import');
  });

  // Spec 5.2: "Body: AtlasImportRequest JSON (no content type is enforced)". Atlas reads the body as a String decoded
  // with the declared charset; here any charset but UTF-8 was refused with 415 "unsupported charset".
  it('/importfile reads its body in the charset the client declares', async () => {
    const latin1 = Buffer.from('{"options":{"fileName":"café.zip"}}', 'latin1');
    for (const type of ['text/plain; charset=ISO-8859-1', 'application/json; charset=ISO-8859-1']) {
      const res = await rawPost('/api/atlas/admin/importfile', type, latin1);
      // café.zip is an empty archive: reaching 08A proves the name was decoded right (spec 5.2 table)
      expect.soft({ type, status: res.status, errorCode: res.body.errorCode }).toEqual({ type, status: 400, errorCode: 'ATLAS-400-00-08A' });
    }
  });
});

describe('bytes that are not text', () => {
  // Header of the spec: "All JSON is UTF-8." Atlas's JSON reader (Jackson) rejects an invalid UTF-8 byte; here it
  // became U+FFFD and the entity was stored under a qualifiedName the client never sent.
  it('a JSON body that is not valid UTF-8 is a 400 and writes nothing', async () => {
    const before = await entityCount();
    const body = Buffer.concat([
      Buffer.from('{"entity":{"typeName":"hdfs_path","attributes":{"qualifiedName":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('@cl1","name":"c","path":"c"}}}'),
    ]);
    const res = await rawPost('/api/atlas/v2/entity', 'application/json', body);
    expect.soft({ status: res.status, body: res.body }).toEqual({ status: 400, body: atlasBody });
    expect(await entityCount()).toBe(before);
    // the same entity in valid UTF-8 is accepted: hdfs_path is known
    const ok = await t.as(ADMIN).post('/api/atlas/v2/entity').send({ entity: { typeName: 'hdfs_path', attributes: { qualifiedName: 'café@cl1', name: 'c', path: 'c' } } });
    expect(ok.status).toBe(200);
  });

  // Spec 1.4: unhandled errors are 500; a NUL character is bad input, not a server failure. PostgreSQL text cannot
  // hold U+0000, so every query with one failed ("invalid byte sequence for encoding UTF8: 0x00") and answered 500.
  it('a NUL character in a path segment, a query value or a JSON string is a 400, not a 500', async () => {
    const before = await entityCount();
    const gets = [
      '/api/atlas/v2/entity/guid/a%00b',
      '/api/atlas/v2/entity/uniqueAttribute/type/hdfs_path?attr:qualifiedName=a%00b',
      '/api/atlas/admin/server/a%00b',
      '/api/atlas/admin/expimp/audit?userName=a%00b',
      '/api/atlas/admin/async/import/status/a%00b',
    ];
    for (const url of gets) {
      const res = await t.as(ADMIN).get(url);
      expect.soft({ url, status: res.status, body: res.body }).toEqual({ url, status: 400, body: atlasBody });
    }
    const posts = [
      ['/api/atlas/admin/export', '{"itemsToExport":[{"typeName":"hdfs_path","uniqueAttributes":{"qualifiedName":"a\\u0000b"}}]}'],
      ['/api/atlas/v2/entity', '{"entity":{"typeName":"hdfs_path","attributes":{"qualifiedName":"n\\u0000@cl1","name":"n","path":"p"}}}'],
      ['/api/atlas/v2/types/typedefs', '{"entityDefs":[{"name":"zz\\u0000t","superTypes":[],"attributeDefs":[]}]}'],
    ];
    for (const [url, body] of posts) {
      const res = await t.as(ADMIN).post(url).set('Content-Type', 'application/json').send(body);
      expect.soft({ url, status: res.status, body: res.body }).toEqual({ url, status: 400, body: atlasBody });
    }
    // the multipart request part (not JSON-parsed by body-parser): replicatedFrom "a\u0000" committed part of the
    // archive, then failed with 500 when the AtlasServer was written
    const imported = await importZip(t, 'stocks.zip', '{"options":{"replicatedFrom":"a\\u0000"}}');
    expect.soft({ status: imported.status, body: imported.body }).toEqual({ status: 400, body: atlasBody });
    // an escaped backslash before "u0000" is no NUL: this one is an ordinary (unknown) guid
    const notNul = await t.as(ADMIN).post('/api/atlas/admin/export').set('Content-Type', 'application/json').send('{"itemsToExport":[{"guid":"a\\\\u0000b"}]}');
    expect.soft(notNul.status).toBe(200);
    expect(await entityCount()).toBe(before);
  });
});

describe('methods', () => {
  // Atlas (Jersey) answers a method a resource does not have with 405 Method Not Allowed and an Allow header
  // (RFC 9110 15.5.6); here `curl .../admin/export` (a GET) said 404 "Resource not found", as if the URL were wrong.
  it('a wrong method on an existing path is 405 with Allow and an Atlas body; an unknown path stays 404', async () => {
    for (const [method, url, allow] of [
      ['get', '/api/atlas/admin/export', 'POST'],
      ['put', '/api/atlas/admin/import', 'POST'],
      ['delete', '/api/atlas/admin/importfile', 'POST'],
      ['post', '/api/atlas/admin/expimp/audit', 'GET, HEAD'],
      ['delete', '/api/atlas/admin/server/cl1', 'GET, HEAD'],
      ['patch', '/api/atlas/v2/entity/guid/x', 'DELETE, GET, HEAD'],
    ] as const) {
      const res = await t.as(ADMIN)[method](url);
      expect.soft({ method, url, status: res.status, allow: res.headers.allow, body: res.body }).toEqual({ method, url, status: 405, allow, body: atlasBody });
    }
    const unknown = await t.as(ADMIN).get('/api/atlas/admin/nope');
    expect({ status: unknown.status, errorCode: unknown.body.errorCode }).toEqual({ status: 404, errorCode: 'ATLAS-404-00-000' });
  });
});

describe('query parameters', () => {
  // Atlas reads @QueryParam("limit") / ("offset") as the first of repeated values, as GET /admin/expimp/audit here does
  // (audit-query.ts); the async status list joined them ("1,2") and answered 400.
  it('repeated offset/limit on the async import status list: the first one counts', async () => {
    const res = await t.as(ADMIN).get('/api/atlas/admin/async/import/status?limit=2&limit=3&offset=0&offset=1');
    expect.soft(res.status).toBe(200);
    expect({ startIndex: res.body.startIndex, pageSize: res.body.pageSize }).toEqual({ startIndex: 0, pageSize: 2 });
  });
});
