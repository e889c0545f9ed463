// Conformance cases of spec 12 (as amended by section 0) beyond what import-conformance.e2e-spec.ts asserts:
// 6, 10, 11, 17, 23, 24, 27, 28, each with the whole outcome the case states (audits, 403 and 409 on every import
// endpoint, metrics per type, types of attributes).
import * as fs from 'node:fs';
import * as http from 'node:http';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, NON_ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { ATLAS_ZIPS, hiveModelsDir, importZip, makeZip, readZipEntry, resetRepository, zipPath } from './helpers/fixtures';

const STOCKS_DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const STOCKS_HDFS = 'c0a5782a-e4b7-4552-9ad3-709771bfce00';
const HDFS1 = 'afd6f65f-75e8-4fb5-9f2a-3f1dd5e9056b';
const GLOSSARY = '40c80052-3129-4f7c-8f2f-391677935416';
const TERMS = ['93ad3bf6-23dc-4e3f-b70e-f8fad6438203', '105533b6-c125-4a87-bed5-cdf67fb68c39', 'e93ac426-de04-4d54-a7c9-d76c1e96369b'];
const P1_BODY = {
  errorCode: 'ATLAS-500-00-006',
  errorMessage: 'Another import or export is in progress. Please try again.',
  ATLAS5005E: 'Another import or export is in progress. Please try again.',
};
const STOCKS_EXPORT = { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }], options: { fetchType: 'full' } };

const entityMetrics = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([k]) => k.startsWith('entity:')));

describe('Repo(hive) fixture cases 6, 10, 17, 23, 24, 28', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_DIR: ATLAS_ZIPS });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => resetRepository(t));

  it('case 6: zipDirect archive ⇒ SUCCESS, processed [c0a5782a], hdfs_path:created 1, element after {} not imported, no audit entry', async () => {
    const hdfs = JSON.parse(await readZipEntry(zipPath('stocks.zip'), `${STOCKS_HDFS}.json`));
    const other = { entity: { ...hdfs.entity, guid: '11111111-2222-3333-4444-555555555555', attributes: { ...hdfs.entity.attributes, qualifiedName: 'x@cl1', path: '/x' } } };
    const file = await makeZip([['atlas-typesdef.json', '{}'], ['entities.json', JSON.stringify([{ entity: hdfs.entity }, {}, other])]]);
    const res = await importZip(t, file, { options: { format: 'zipDirect' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.operationStatus).toBe('SUCCESS');
    expect(res.body.processedEntities).toEqual([STOCKS_HDFS]);
    expect(entityMetrics(res.body.metrics)).toEqual({ 'entity:hdfs_path:created': 1 });
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM entity WHERE guid = '11111111-2222-3333-4444-555555555555'`);
    expect(n).toBe(0);
    const [{ a }] = await t.db.query(`SELECT count(*)::int AS a FROM export_import_audit`);
    expect(a, 'ExportImportAuditEntry rows').toBe(0);
    const audit = await t.as(ADMIN).get('/api/atlas/admin/expimp/audit');
    expect(audit.status).toBe(200);
    expect(audit.body).toEqual([]);
  });

  it('case 10: non-admin ⇒ 403 ATLAS-403-00-001 on /export, /import, /importfile, /server/x, /expimp/audit; bad credentials ⇒ 401', async () => {
    const calls = (c: { user: string; pass: string }) => [
      ['export', t.request.post('/api/atlas/admin/export').auth(c.user, c.pass).send(STOCKS_EXPORT)],
      ['import', t.request.post('/api/atlas/admin/import').auth(c.user, c.pass).attach('data', zipPath('stocks.zip'))],
      ['importfile', t.request.post('/api/atlas/admin/importfile').auth(c.user, c.pass).send({ options: { fileName: 'stocks.zip' } })],
      ['server', t.request.get('/api/atlas/admin/server/x').auth(c.user, c.pass)],
      ['audit', t.request.get('/api/atlas/admin/expimp/audit').auth(c.user, c.pass)],
    ] as const;
    for (const [name, req] of calls(NON_ADMIN)) {
      const res = await req;
      expect(res.status, name).toBe(403);
      expect(res.body.errorCode, name).toBe('ATLAS-403-00-001');
    }
    for (const [name, req] of calls({ user: ADMIN.user, pass: 'wrong' })) {
      expect((await req).status, name).toBe(401);
    }
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM entity WHERE type_name <> 'AtlasServer'`);
    expect(n).toBe(0);
  });

  it('case 17: stocks-float.zip ⇒ fl1 with fv float; hive_db has own fl1 {fv: 3.4028235E38}, propagate false, entityGuid 886c5e9c', async () => {
    const res = await importZip(t, 'stocks-float.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(12);
    expect(res.body.metrics).toMatchObject({
      'typedef:classification': 1, 'typedef:enum': 0, 'typedef:entitydef': 0, 'typedef:struct': 0, 'typedef:relationship': 0, 'typedef:businessmetadata': 0,
    });
    const def = await t.as(ADMIN).get('/api/atlas/v2/types/classificationdef/name/fl1');
    expect(def.status, JSON.stringify(def.body)).toBe(200);
    expect(def.body.attributeDefs.map((a: { name: string; typeName: string }) => [a.name, a.typeName])).toEqual([['fv', 'float']]);
    const db = await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${STOCKS_DB}`);
    expect(db.status).toBe(200);
    const cls = db.body.entity.classifications;
    expect(cls).toHaveLength(1);
    expect(cls[0]).toMatchObject({ typeName: 'fl1', propagate: false, entityGuid: STOCKS_DB });
    expect(cls[0].attributes.fv).toBe(3.4028235e38);
  });

  it('case 23: ctas.zip ⇒ processed 13, entity metrics all :created', async () => {
    const res = await importZip(t, 'ctas.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.operationStatus).toBe('SUCCESS');
    expect(res.body.processedEntities).toHaveLength(13);
    expect(entityMetrics(res.body.metrics)).toEqual({
      'entity:hive_table:created': 2, 'entity:hive_db:created': 2, 'entity:hive_process:created': 1,
      'entity:hive_column_lineage:created': 2, 'entity:hive_column:created': 4, 'entity:hive_storagedesc:created': 2,
    });
  });

  it('case 24: tag-prop-2.zip ⇒ processed 23, per-type :created metrics, typedef:classification 4 (the four names)', async () => {
    const res = await importZip(t, 'tag-prop-2.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(23);
    expect(entityMetrics(res.body.metrics)).toEqual({
      'entity:hive_db:created': 2, 'entity:hive_table:created': 5, 'entity:hive_column:created': 5,
      'entity:hive_storagedesc:created': 5, 'entity:hive_process:created': 3, 'entity:hive_column_lineage:created': 3,
    });
    expect(res.body.metrics['typedef:classification']).toBe(4);
    for (const name of ['SUPER_SENSITIVE', 'PII', 'SENSITIVE', 'PII2']) {
      expect((await t.as(ADMIN).get(`/api/atlas/v2/types/classificationdef/name/${name}`)).status, name).toBe(200);
    }
  });

  it('case 28: hdfs_path1.zip ⇒ processed [afd6f65f], tag1 {attrib1 string, attrib2 int}, own tag1 {randstr, 5}', async () => {
    const res = await importZip(t, 'hdfs_path1.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toEqual([HDFS1]);
    expect(res.body.metrics['typedef:classification']).toBe(1);
    const def = await t.as(ADMIN).get('/api/atlas/v2/types/classificationdef/name/tag1');
    expect(def.status).toBe(200);
    expect(def.body.attributeDefs.map((a: { name: string; typeName: string }) => [a.name, a.typeName])).toEqual([['attrib1', 'string'], ['attrib2', 'int']]);
    const e = await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${HDFS1}`);
    expect(e.status).toBe(200);
    expect(e.body.entity.classifications).toHaveLength(1);
    expect(e.body.entity.classifications[0]).toMatchObject({ typeName: 'tag1', entityGuid: HDFS1, attributes: { attrib1: 'randstr', attrib2: 5 } });
  });
});

describe('Repo(base) case 27', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('case 27: stocks-glossary.zip ⇒ processed 4, metrics, each term relationshipAttributes.anchor.guid = 40c80052', async () => {
    const res = await importZip(t, 'stocks-glossary.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect([...res.body.processedEntities].sort()).toEqual([GLOSSARY, ...TERMS].sort());
    expect(entityMetrics(res.body.metrics)).toEqual({ 'entity:AtlasGlossary:created': 1, 'entity:AtlasGlossaryTerm:created': 3 });
    for (const term of TERMS) {
      const e = await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${term}`);
      expect(e.status, term).toBe(200);
      expect(e.body.entity.relationshipAttributes?.anchor?.guid, term).toBe(GLOSSARY);
    }
  });
});

describe('case 11: the operation lock on the real endpoints, two apps on one database', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_DIR: ATLAS_ZIPS });
    b = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_DIR: ATLAS_ZIPS }, { databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  async function advisoryLocks(): Promise<number> {
    const c = new Client({ connectionString: a.databaseUrl });
    await c.connect();
    try {
      const r = await c.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
      return r.rows[0].n;
    } finally {
      await c.end();
    }
  }

  /**
   * A real /import whose upload is still in flight (the lock is taken before the body is read). The async-import
   * worker of each app takes the same lock for a moment every 500 ms: a request that met it got a 409 answer and is
   * tried again; the import holds the lock once it has it for a whole second without an answer.
   */
  async function slowImport(t: TestApp): Promise<http.ClientRequest> {
    const until = Date.now() + 20_000;
    for (;;) {
      const boundary = 'atlasformboundary';
      let answered = false;
      const req = http.request(`${t.url}/api/atlas/admin/import`, {
        method: 'POST', auth: `${ADMIN.user}:${ADMIN.pass}`, agent: false,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '1000000' },
      });
      req.on('error', () => undefined);
      req.on('response', (res) => {
        answered = true;
        res.resume();
      });
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="x.zip"\r\nContent-Type: application/zip\r\n\r\nPK`);
      let heldSince = 0;
      while (!answered && Date.now() < until) {
        if ((await advisoryLocks()) > 0) heldSince ||= Date.now();
        else heldSince = 0;
        if (heldSince && Date.now() - heldSince >= 1000) return req;
        await new Promise((r) => setTimeout(r, 25));
      }
      req.destroy();
      if (Date.now() >= until) throw new Error('the slow import never took the lock');
    }
  }

  /**
   * The 409 of an /import comes before its upload is read, and the server may close the connection after it while a
   * slow client (a busy machine) is still sending: the client then sees EPIPE / ECONNRESET, not the answer. Asked again.
   */
  async function uploadAnswer<T>(send: () => PromiseLike<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (attempt >= 5 || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw e;
      }
    }
  }

  it('while one /import runs, /export, /import, /importfile on either process ⇒ 409 P1 body, whatever the options; after it ends the next is accepted', async () => {
    const first = await slowImport(a);
    try {
      for (const t of [a, b]) {
        const who = t === a ? 'same process' : 'other process';
        const results = [
          ['export', await t.as(ADMIN).post('/api/atlas/admin/export').send(STOCKS_EXPORT)],
          ['import', await uploadAnswer(() => importZip(t, 'stocks.zip'))],
          ['import+options', await uploadAnswer(() => importZip(t, 'stocks.zip', { options: { replicatedFrom: 'cl1' } }))],
          ['importfile', await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: 'stocks.zip' } })],
          ['importfile+replicatedFrom', await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: 'stocks.zip', replicatedFrom: 'cl1' } })],
        ] as const;
        for (const [name, res] of results) {
          expect(res.status, `${who} ${name}`).toBe(409);
          expect(JSON.parse(res.text), `${who} ${name}`).toEqual(P1_BODY);
        }
      }
    } finally {
      first.destroy();
    }
    // the first ends (client disconnect) ⇒ the next is accepted
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await b.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: 'stocks.zip' } })).status;
      if (status === 409) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
  });
});
