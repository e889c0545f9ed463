// Side effects of an export (spec 3.11, 7.3, 8.3, 9.1) and conformance case 51 on real PostgreSQL.
// The first block drives ReplicationService.afterExport with the outcome an export hands to its hooks; the case 51
// block goes through POST /admin/export (ExportHooks -> ExportReplicationHook).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import StreamZip from 'node-stream-zip';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReplicationService } from '../src/atlas-server/replication.service';
import { hiveModelsDir, importZip, resetRepository } from './helpers/fixtures';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';

const STOCKS_DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const STOCKS_TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';
const STOCKS_PROCESS = 'c13648d9-2eb5-44a9-b2a0-01c9f7593935';
const STOCKS_HDFS = 'c0a5782a-e4b7-4552-9ad3-709771bfce00';
const EXPORT_ORDER = [STOCKS_DB, STOCKS_TABLE, STOCKS_PROCESS, STOCKS_HDFS];
const CASE_51_REQUEST = {
  itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }],
  options: { fetchType: 'full', replicatedTo: 'cl2' },
};

/** an export order as ExportHooks hands it over: its length and its pages */
function ordered(guids: string[], pageSize = 10_000) {
  const pages: string[][] = [];
  for (let i = 0; i < guids.length; i += pageSize) pages.push(guids.slice(i, i + pageSize));
  return { files: guids.length, order: pages };
}

interface Row {
  guid: string;
  type_name: string;
  attributes: Record<string, unknown>;
  update_time: string;
  change_seq: string;
}

async function stocksRows(t: TestApp): Promise<Row[]> {
  return t.db.query(`SELECT guid, type_name, attributes, update_time, change_seq FROM entity WHERE type_name <> 'AtlasServer' ORDER BY guid`);
}

/** hive_db, hive_table, 7 columns and the storage descriptor (the table's owned closure) */
async function dbTableAndOwned(t: TestApp): Promise<Row[]> {
  return (await stocksRows(t)).filter((r) => ['hive_db', 'hive_table', 'hive_column', 'hive_storagedesc'].includes(r.type_name));
}

describe('export side effects (spec 3.11) through ReplicationService.afterExport', () => {
  let t: TestApp;
  let replication: ReplicationService;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    replication = t.app.get(ReplicationService);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await resetRepository(t);
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
  });

  const exportResult = (options: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    request: { itemsToExport: CASE_51_REQUEST.itemsToExport, options },
    userName: 'admin', operationStatus: 'SUCCESS' as const, sourceClusterName: 'default', changeMarker: 4242,
    metrics: { 'entity:withExtInfo': 4 }, ...extra,
  });

  it('replicatedTo cl2: server cl2 with REPL_DETAILS {db: changeMarker}, stamps without updateTime/change_seq, EXPORT audit', async () => {
    const before = await stocksRows(t);
    const start = Date.now();
    await replication.afterExport({ result: exportResult({ fetchType: 'full', replicatedTo: 'cl2' }), ...ordered(EXPORT_ORDER, 2), caller: { userName: 'admin' }, startTime: start });

    const cl2 = await t.as(ADMIN).get('/api/atlas/admin/server/cl2');
    expect(cl2.status).toBe(200);
    expect(cl2.body).toMatchObject({ name: 'cl2', fullName: 'cl2', displayName: 'cl2', additionalInfo: { REPL_DETAILS: JSON.stringify({ [STOCKS_DB]: 4242 }) } });
    expect((await t.as(ADMIN).get('/api/atlas/admin/server/default')).status).toBe(200);

    const after = await stocksRows(t);
    expect(after).toHaveLength(12);
    for (const r of after) expect(r.attributes.replicatedTo, `${r.type_name} ${r.guid}`).toEqual([`AtlasServer:${cl2.body.guid}`]);
    expect(after.map((r) => [r.guid, r.update_time, r.change_seq])).toEqual(before.map((r) => [r.guid, r.update_time, r.change_seq]));

    const audit = await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=EXPORT&serverName=cl2');
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0]).toMatchObject({ operation: 'EXPORT', sourceServerName: 'default', targetServerName: 'cl2', userName: 'admin', operationStatus: 'SUCCESS', startTime: start });
    expect(JSON.parse(audit.body[0].resultSummary)).toMatchObject({ changeMarker: 4242, request: { options: { replicatedTo: 'cl2' } } });

    // a second export to the same server: one stamp each, the marker moves on
    await replication.afterExport({ result: exportResult({ replicatedTo: 'cl2' }, { changeMarker: 5000 }), ...ordered(EXPORT_ORDER), caller: { userName: 'admin' }, startTime: Date.now() });
    for (const r of await stocksRows(t)) expect(r.attributes.replicatedTo).toEqual([`AtlasServer:${cl2.body.guid}`]);
    expect((await t.as(ADMIN).get('/api/atlas/admin/server/cl2')).body.additionalInfo).toEqual({ REPL_DETAILS: JSON.stringify({ [STOCKS_DB]: 5000 }) });
  });

  it('a table export is keyed by its hive_db (spec 3.11b); SFO$cl3 ⇒ server cl3 / SFO$cl3', async () => {
    await replication.afterExport({ result: exportResult({ replicatedTo: 'SFO$cl3' }), ...ordered([STOCKS_TABLE]), caller: { userName: 'admin' }, startTime: Date.now() });
    const cl3 = await t.as(ADMIN).get('/api/atlas/admin/server/SFO%24cl3');
    expect(cl3.body).toMatchObject({ name: 'cl3', fullName: 'SFO$cl3', additionalInfo: { REPL_DETAILS: JSON.stringify({ [STOCKS_DB]: 4242 }) } });
    // only the table and what it owns
    const stamped = (await stocksRows(t)).filter((r) => Array.isArray(r.attributes.replicatedTo) && (r.attributes.replicatedTo as unknown[]).length > 0);
    expect(stamped.map((r) => r.type_name).sort()).toEqual(['hive_column', 'hive_column', 'hive_column', 'hive_column', 'hive_column', 'hive_column', 'hive_column', 'hive_storagedesc', 'hive_table']);
    expect((await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?serverName=cl3')).body[0].targetServerName).toBe('cl3');
  });

  it('FAIL, skipUpdateReplicationAttr and no replicatedTo: audited, nothing stamped; nothing written ⇒ no audit', async () => {
    await replication.afterExport({ result: exportResult({ replicatedTo: 'cl2' }, { operationStatus: 'FAIL' }), ...ordered(EXPORT_ORDER), caller: { userName: 'admin' }, startTime: Date.now() });
    await replication.afterExport({ result: exportResult({ replicatedTo: 'cl2', skipUpdateReplicationAttr: 'true' }), ...ordered(EXPORT_ORDER), caller: { userName: 'admin' }, startTime: Date.now() });
    await replication.afterExport({ result: exportResult({ replicatedTo: 'cl2', skipUpdateReplicationAttr: true }), ...ordered(EXPORT_ORDER), caller: { userName: 'admin' }, startTime: Date.now() });
    await replication.afterExport({ result: exportResult({ fetchType: 'full' }), ...ordered(EXPORT_ORDER), caller: { userName: 'admin' }, startTime: Date.now() });
    await replication.afterExport({ result: exportResult({ replicatedTo: 'cl2' }), ...ordered([]), caller: { userName: 'admin' }, startTime: Date.now() });
    for (const r of await stocksRows(t)) expect(r.attributes.replicatedTo ?? null).toBeNull();
    expect((await t.as(ADMIN).get('/api/atlas/admin/server/cl2')).status).toBe(404);
    expect((await t.as(ADMIN).get('/api/atlas/admin/server/default')).status).toBe(200);
    const audits = (await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=EXPORT')).body;
    expect(audits.map((a: { targetServerName: string; operationStatus: string }) => [a.targetServerName, a.operationStatus])).toEqual([
      ['', 'SUCCESS'], ['cl2', 'SUCCESS'], ['cl2', 'SUCCESS'], ['cl2', 'FAIL'],
    ]);
  });
});

describe('case 51: POST /admin/export with replicatedTo cl2 (Repo(hive) after case 12)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('stamps replicatedTo on the db, table, columns and storage descriptor; REPL_DETAILS = changeMarker; EXPORT audit', async () => {
    const before = await dbTableAndOwned(t);
    expect(before).toHaveLength(10);
    const res = await t.as(ADMIN).post('/api/atlas/admin/export').send(CASE_51_REQUEST).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-case51-')), 'export.zip');
    fs.writeFileSync(file, res.body as Buffer);
    const zip = new StreamZip.async({ file });
    const info = JSON.parse((await zip.entryData('atlas-export-info.json')).toString('utf8'));
    await zip.close();
    expect(info.operationStatus).toBe('SUCCESS');
    expect(typeof info.changeMarker).toBe('number');

    const cl2 = await t.as(ADMIN).get('/api/atlas/admin/server/cl2');
    expect(cl2.status).toBe(200);
    expect(JSON.parse(cl2.body.additionalInfo.REPL_DETAILS)).toEqual({ [STOCKS_DB]: info.changeMarker });

    const after = await dbTableAndOwned(t);
    for (const r of after) expect(r.attributes.replicatedTo, `${r.type_name} ${r.guid}`).toEqual([`AtlasServer:${cl2.body.guid}`]);
    // the stamping is not an entity update (spec 8.3)
    expect(after.map((r) => [r.guid, r.update_time, r.change_seq])).toEqual(before.map((r) => [r.guid, r.update_time, r.change_seq]));
    const v2 = await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${STOCKS_TABLE}`);
    expect(v2.body.entity.attributes.replicatedTo).toEqual([{ guid: cl2.body.guid, typeName: 'AtlasServer' }]);

    const audit = await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=EXPORT&serverName=cl2');
    expect(audit.status).toBe(200);
    expect(audit.body.length).toBeGreaterThanOrEqual(1);
    expect(audit.body[0]).toMatchObject({ operation: 'EXPORT', sourceServerName: 'default', targetServerName: 'cl2', userName: 'admin' });
    expect(JSON.parse(audit.body[0].resultSummary).changeMarker).toBe(info.changeMarker);
    expect((await t.as(ADMIN).get('/api/atlas/admin/server/default')).status).toBe(200);
  });
});
