// Export/import audits (spec 9, issue 6) on real PostgreSQL: failed imports are audited with their status and
// resume position (P9); a large import keeps its processedEntities in the summary while they fit (5.9, 9.1);
// GET /admin/expimp/audit filters, paging, order and access.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_SUMMARY_MAX_CHARS } from '../src/atlas-server/replication.service';
import { PROCESSED_INLINE_MAX } from '../src/import/import.service';
import { ExportImportAuditService } from '../src/audit/export-import-audit.service';
import { editedFixture, hiveModelsDir, importZip, makeZip, resetRepository, zipPath } from './helpers/fixtures';
import { ADMIN, NON_ADMIN, startTestApp, type TestApp } from './helpers/test-app';

const STOCKS_TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';
const STOCKS_PROCESS = 'c13648d9-2eb5-44a9-b2a0-01c9f7593935';
const BAD = path.resolve(__dirname, 'fixtures/bad');
const AUDIT = '/api/atlas/admin/expimp/audit';


async function auditRows(t: TestApp) {
  return t.db.query(`SELECT operation, operation_status, resume_position, resume_guid, source_server_name, target_server_name FROM export_import_audit ORDER BY seq`);
}

describe('audits of failed imports', () => {
  let t: TestApp;
  beforeAll(async () => {
    // one unit per transaction: a failure in the third unit leaves two committed batches (spec P11)
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_BATCH_ENTITIES: '1' });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => resetRepository(t));

  it('a failure after committed batches is audited as IMPORT / FAIL with the resume position of the error body (P9)', async () => {
    const broken = await editedFixture('stocks.zip', (name, json) => {
      if (name === `${STOCKS_PROCESS}.json`) json.entity.attributes.userName = null; // mandatory in hive_process
      return json;
    });
    const res = await importZip(t, broken, { options: { replicatedFrom: 'DC$cl1' } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errorCode: 'ATLAS-404-00-007', lastCommittedPosition: 1, lastCommittedGuid: STOCKS_TABLE });

    const listed = await t.as(ADMIN).get(AUDIT);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    const [entry] = listed.body;
    expect(entry).toMatchObject({
      operation: 'IMPORT', operationStatus: 'FAIL', resumePosition: 1, resumeGuid: STOCKS_TABLE,
      userName: 'admin', sourceServerName: 'cl1', targetServerName: 'default',
    });
    expect(entry.startTime).toBeLessThanOrEqual(entry.endTime);
    const summary = JSON.parse(entry.resultSummary);
    expect(summary).toMatchObject({
      operationStatus: 'FAIL', errorCode: 'ATLAS-404-00-007', lastCommittedPosition: 1, lastCommittedGuid: STOCKS_TABLE,
      request: { options: { replicatedFrom: 'DC$cl1' } }, userName: 'admin',
    });
    expect(summary.errorMessage).toContain('hive_process.userName');
    expect((await t.as(ADMIN).get(`${AUDIT}?operation=IMPORT&serverName=cl1`)).body).toHaveLength(1);

    // a failed request is not a completed import: no AtlasServer, no stamps (spec 7.3)
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM entity WHERE type_name = 'AtlasServer'`);
    expect(n).toBe(0);
    const stamped = await t.db.query(`SELECT guid FROM entity WHERE attributes ? 'replicatedFrom' AND attributes->'replicatedFrom' <> 'null'::jsonb`);
    expect(stamped).toEqual([]);

    // resuming from the audited position completes the import and is audited as SUCCESS
    const resumed = await importZip(t, 'stocks.zip', { options: { startPosition: String(entry.resumePosition), replicatedFrom: 'DC$cl1' } });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    const rows = await auditRows(t);
    expect(rows.map((r: { operation_status: string }) => r.operation_status)).toEqual(['FAIL', 'SUCCESS']);
    const newest = (await t.as(ADMIN).get(AUDIT)).body;
    expect(newest.map((e: { operationStatus: string }) => e.operationStatus)).toEqual(['SUCCESS', 'FAIL']);
    expect(newest[0].resumePosition).toBe(3);
  });

  it('a failure in the first unit (dept-employee-test-utils.zip, case 30) is audited without a resume position', async () => {
    const res = await importZip(t, 'dept-employee-test-utils.zip');
    expect(res.status).toBe(404);
    expect(res.body.errorCode).toBe('ATLAS-404-00-007');
    const listed = (await t.as(ADMIN).get(AUDIT)).body;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ operation: 'IMPORT', operationStatus: 'FAIL', sourceServerName: '', targetServerName: 'default' });
    expect(listed[0]).not.toHaveProperty('resumePosition');
    expect(listed[0]).not.toHaveProperty('resumeGuid');
    expect(JSON.parse(listed[0].resultSummary)).toMatchObject({ operationStatus: 'FAIL', errorCode: 'ATLAS-404-00-007' });
  });

  it('an archive with an entry that is not JSON (P5) is audited as FAIL with its 400', async () => {
    const res = await importZip(t, path.join(BAD, 'bad-json.zip'));
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('ATLAS-400-00-09F');
    const rows = await auditRows(t);
    expect(rows).toEqual([{ operation: 'IMPORT', operation_status: 'FAIL', resume_position: null, resume_guid: null, source_server_name: '', target_server_name: 'default' }]);
    const listed = (await t.as(ADMIN).get(AUDIT)).body;
    expect(JSON.parse(listed[0].resultSummary)).toMatchObject({ errorCode: 'ATLAS-400-00-09F', errorMessage: res.body.errorMessage });
  });

  it('case 1 / 5: an empty ZIP and a zipDirect archive without entities.json are not audited', async () => {
    expect((await importZip(t, 'empty.zip')).status).toBe(400);
    expect((await importZip(t, 'zip-direct-1.zip', { options: { format: 'zipDirect' } })).status).toBe(400);
    expect(await auditRows(t)).toEqual([]);
    expect((await t.as(ADMIN).get(AUDIT)).body).toEqual([]);
  });
});

/**
 * A standard archive of `units` top-level `audit_item` entities with `referred` referred entities each: few
 * attributes, so that tens of thousands of entities import in seconds.
 */
async function wideArchive(units: number, referred: number): Promise<string> {
  const entries: Array<[string, string]> = [];
  const entity = (guid: string) => ({ typeName: 'audit_item', guid, status: 'ACTIVE', attributes: { qualifiedName: `item-${guid}` } });
  const order: string[] = [];
  for (let u = 0; u < units; u++) {
    const main = randomUUID();
    order.push(main);
    const referredEntities: Record<string, unknown> = {};
    for (let i = 0; i < referred; i++) {
      const guid = randomUUID();
      referredEntities[guid] = entity(guid);
    }
    entries.push([`${main}.json`, JSON.stringify({ entity: entity(main), referredEntities })]);
  }
  entries.push(['atlas-export-order.json', JSON.stringify(order)]);
  entries.push(['atlas-typesdef.json', JSON.stringify({ entityDefs: [{ category: 'ENTITY', name: 'audit_item', superTypes: ['Referenceable'], attributeDefs: [] }] })]);
  entries.push(['atlas-export-info.json', JSON.stringify({ request: { itemsToExport: [{ typeName: 'audit_item', guid: order[0] }], options: {} }, operationStatus: 'SUCCESS', changeMarker: 0 })]);
  return makeZip(entries);
}

// spec 5.9 step 2: the IMPORT audit's resultSummary is the import result with its processedEntities; spec 9.1: they
// are emptied only when the text would exceed the audit store's size limit (AUDIT_SUMMARY_MAX_CHARS), not because
// the import is past PROCESSED_INLINE_MAX and streams them into its response
describe('the IMPORT audit of a large import', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ IMPORT_BATCH_ENTITIES: '100000' });
  });
  afterAll(async () => t?.close());

  it('21,000 processed entities (~0.8 MB of guids) stay in resultSummary; the response still has them all', async () => {
    const file = await wideArchive(21, 999);
    const res = await importZip(t, file, { options: { replicatedFrom: 'cl1' } });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(21_000);
    expect(res.body.processedEntities.length).toBeGreaterThan(PROCESSED_INLINE_MAX);

    const audit = await t.as(ADMIN).get(`${AUDIT}?operation=IMPORT`);
    expect(audit.body).toHaveLength(1);
    const text: string = audit.body[0].resultSummary;
    expect(text.length).toBeLessThanOrEqual(AUDIT_SUMMARY_MAX_CHARS);
    const summary = JSON.parse(text);
    expect(summary.processedEntities).toHaveLength(21_000);
    expect([...summary.processedEntities].sort()).toEqual([...res.body.processedEntities].sort());
    expect(summary).toMatchObject({ operationStatus: 'SUCCESS', metrics: { 'entity:audit_item:created': 21_000 } });
  }, 60_000);
});

describe('GET /admin/expimp/audit (spec 9.2)', () => {
  let t: TestApp;
  const base = 1_700_000_000_000;
  beforeAll(async () => {
    t = await startTestApp();
    const audits = t.app.get(ExportImportAuditService);
    // 105 exports to cl2 by admin, one import from cl1 by bob, one replication clean-up
    for (let i = 0; i < 105; i++) {
      await audits.record({
        userName: 'admin', operation: 'EXPORT', sourceServerName: 'default', targetServerName: 'cl2',
        startTime: base + i * 1000, endTime: base + i * 1000 + 10, resultSummary: `{"n":${i}}`, operationStatus: 'SUCCESS',
      });
    }
    await audits.record({
      userName: 'bob', operation: 'IMPORT', sourceServerName: 'cl1', targetServerName: 'default',
      startTime: base + 500_000, endTime: base + 500_100, resultSummary: '{}', operationStatus: 'SUCCESS', resumePosition: 11, resumeGuid: 'g-11',
    });
    await audits.record({
      userName: 'admin', operation: 'IMPORT_DELETE_REPL', sourceServerName: 'cl1', targetServerName: 'default',
      startTime: base + 600_000, endTime: base + 600_001, resultSummary: '["x"]',
    });
  });
  afterAll(async () => t?.close());

  const get = (query = '') => t.as(ADMIN).get(`${AUDIT}${query}`);

  it('no parameters: the 100 newest entries, newest first, in the ExportImportAuditEntry shape', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(100);
    expect(res.body[0]).toEqual({
      guid: expect.stringMatching(/^[0-9a-f-]{36}$/), userName: 'admin', operation: 'IMPORT_DELETE_REPL',
      startTime: base + 600_000, endTime: base + 600_001, sourceServerName: 'cl1', targetServerName: 'default', resultSummary: '["x"]',
    });
    expect(res.body[1]).toMatchObject({ operation: 'IMPORT', userName: 'bob', resumePosition: 11, resumeGuid: 'g-11', operationStatus: 'SUCCESS' });
    const starts = res.body.map((e: { startTime: number }) => e.startTime);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('filters: serverName (source or target), userName, operation, exact startTime / endTime, AND-ed', async () => {
    expect((await get('?serverName=cl1')).body).toHaveLength(2);
    expect((await get('?serverName=cl2&limit=1000')).body).toHaveLength(105);
    expect((await get('?serverName=default&limit=1000')).body).toHaveLength(107);
    expect((await get('?userName=bob')).body.map((e: { operation: string }) => e.operation)).toEqual(['IMPORT']);
    expect((await get('?operation=IMPORT_DELETE_REPL')).body).toHaveLength(1);
    expect((await get('?operation=IMPORT&serverName=cl2')).body).toEqual([]);
    const exact = await get(`?startTime=${base + 7000}`);
    expect(exact.body).toHaveLength(1);
    expect(exact.body[0].resultSummary).toBe('{"n":7}');
    // exact match, not a range (Atlas behaviour)
    expect((await get(`?startTime=${base + 7001}`)).body).toEqual([]);
    expect((await get(`?endTime=${base + 7010}`)).body.map((e: { resultSummary: string }) => e.resultSummary)).toEqual(['{"n":7}']);
    expect((await get(`?startTime=${base + 7000}&endTime=${base + 8010}`)).body).toEqual([]);
    // empty strings are ignored
    expect((await get('?serverName=&userName=&operation=&startTime=&endTime=')).body).toHaveLength(100);
    expect((await get('?startTime=yesterday')).status).toBe(400);
  });

  it('limit and offset: absent, <= 0 or > 10000 ⇒ 100; offset < 0 ⇒ 0', async () => {
    for (const q of ['?limit=0', '?limit=-3', '?limit=10001', '?limit=abc']) expect((await get(q)).body, q).toHaveLength(100);
    expect((await get('?limit=10000')).body).toHaveLength(107);
    expect((await get('?limit=5')).body).toHaveLength(5);
    const page2 = await get('?operation=EXPORT&limit=10&offset=10');
    expect(page2.body.map((e: { resultSummary: string }) => JSON.parse(e.resultSummary).n)).toEqual([94, 93, 92, 91, 90, 89, 88, 87, 86, 85]);
    expect((await get('?offset=-4&limit=3')).body.map((e: { operation: string }) => e.operation)).toEqual(['IMPORT_DELETE_REPL', 'IMPORT', 'EXPORT']);
    expect((await get('?offset=1000')).body).toEqual([]);
  });

  it('admin only: 403 ATLAS-403-00-001 for other users, 401 for bad credentials (case 10)', async () => {
    const forbidden = await t.as(NON_ADMIN).get(AUDIT);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ errorCode: 'ATLAS-403-00-001', errorMessage: 'bob is not authorized to perform export import audit' });
    expect((await t.request.get(AUDIT).auth('admin', 'nope')).status).toBe(401);
  });
});
