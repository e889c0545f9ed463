// Conformance cases 46–50 and 60 (spec 12.5/12.6) and the import side effects of spec 5.9, 5.10, 7, 8.3 on real
// PostgreSQL: AtlasServer rows, REPL_DETAILS, replicatedFrom stamps, audits, table-replication clean-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtlasServerService } from '../src/atlas-server/atlas-server.service';
import { MetadataStore } from '../src/metadata/store/metadata-store';
import { TypeRegistry } from '../src/metadata/typesystem/type-registry';
import { hiveModelsDir, importZip, resetRepository } from './helpers/fixtures';
import { ADMIN, NON_ADMIN, startTestApp, type TestApp } from './helpers/test-app';

const REPL_DB = '529ffa3e-9d5e-4ee7-9416-e5876bf86256';
const REPL_TABLES = ['718a6d12-35a8-4731-aff8-3a64637a43a3', 'e19e5683-d9ae-436a-af1e-0873582d0f1e', '2e28ae34-576e-4a8b-be48-cf5f925d7b15'];
const TABLE_E19 = 'e19e5683-d9ae-436a-af1e-0873582d0f1e';
const REPL_EXP_1_MARKER = 1567761893912;

/** the first three transformers of the spec 6.2 example (case 46) */
const CASE_46_TRANSFORMERS = JSON.stringify([
  { conditions: { __entity: 'topLevel:' }, action: { __entity: 'ADD_CLASSIFICATION: cl1_replicated' } },
  { action: { '__entity.replicatedTo': 'CLEAR:', '__entity.replicatedFrom': 'CLEAR:' } },
  { conditions: { 'hive_db.clusterName': 'EQUALS: cl1' }, action: { 'hive_db.clusterName': 'SET: cl2' } },
]);
const CASE_46_REQUEST = { options: { replicatedFrom: 'cl1', transformers: CASE_46_TRANSFORMERS } };

interface Row {
  guid: string;
  type_name: string;
  status: string;
  attributes: Record<string, unknown>;
  update_time: string;
  change_seq: string;
}

async function rows(t: TestApp, where = `type_name <> 'AtlasServer'`): Promise<Row[]> {
  return t.db.query(`SELECT guid, type_name, status, attributes, update_time, change_seq FROM entity WHERE ${where} ORDER BY guid`);
}

async function audits(t: TestApp, operation?: string) {
  return t.db.query(
    `SELECT operation, user_name, source_server_name, target_server_name, start_time, end_time, operation_status,
            resume_position, resume_guid, result_summary
       FROM export_import_audit ${operation ? 'WHERE operation = $1' : ''} ORDER BY seq`,
    operation ? [operation] : [],
  );
}

async function server(t: TestApp, fullName: string) {
  return t.as(ADMIN).get(`/api/atlas/admin/server/${encodeURIComponent(fullName)}`);
}

describe('replication on import (Repo(hive))', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
  });
  afterAll(async () => t?.close());

  describe('cases 46–47: repl_exp_1.zip with replicatedFrom cl1 and the 6.2 transformers', () => {
    beforeAll(async () => resetRepository(t));

    it('case 46: processed 13, cl1_replicated on the top-level tables only, qualifiedNames keep @nb_0509', async () => {
      const res = await importZip(t, 'repl_exp_1.zip', CASE_46_REQUEST);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.processedEntities).toHaveLength(13);
      // typedef:* keys depend on how the ZIP's types differ from the shipped hive model; the case is about entities
      const metrics = Object.fromEntries(Object.entries(res.body.metrics).filter(([k]) => k.startsWith('entity:')));
      expect(metrics).toEqual({
        'entity:hive_table:created': 3, 'entity:hive_db:created': 1, 'entity:hive_column:created': 6, 'entity:hive_storagedesc:created': 3,
      });
      const tagged: Array<{ entity_guid: string }> = await t.db.query(`SELECT entity_guid FROM classification WHERE type_name = 'cl1_replicated' ORDER BY 1`);
      expect(tagged.map((r) => r.entity_guid)).toEqual([...REPL_TABLES].sort());
      const db = (await rows(t, `guid = '${REPL_DB}'`))[0];
      expect(db.attributes.qualifiedName).toBe('db_5_1@nb_0509');
    });

    it('case 47: server cl1 with REPL_DETAILS keyed by the hive_db, every entity stamped once, no clean-up, server default', async () => {
      const cl1 = await server(t, 'cl1');
      expect(cl1.status, JSON.stringify(cl1.body)).toBe(200);
      expect(cl1.body).toMatchObject({ name: 'cl1', fullName: 'cl1', displayName: 'cl1' });
      expect(cl1.body.guid).toMatch(/^[0-9a-f-]{36}$/);
      expect(cl1.body.additionalInfo.REPL_DETAILS).toBe(JSON.stringify({ [REPL_DB]: REPL_EXP_1_MARKER }));
      expect(cl1.body.urls).toBeUndefined();

      // the 13 entities carry exactly the cl1 server in replicatedFrom, stored as a soft reference (spec 8.2)
      const stamped = await rows(t);
      expect(stamped).toHaveLength(13);
      for (const r of stamped) expect(r.attributes.replicatedFrom, r.guid).toEqual([`AtlasServer:${cl1.body.guid}`]);
      // rendered as AtlasObjectId
      const store = t.app.get(MetadataStore);
      const types = await t.app.get(TypeRegistry).lookup();
      const table = (await store.getEntities([REPL_TABLES[0]], types)).get(REPL_TABLES[0])!;
      expect(table.entity.attributes?.replicatedFrom).toEqual([{ guid: cl1.body.guid, typeName: 'AtlasServer' }]);

      const deleteRepl = await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=IMPORT_DELETE_REPL');
      expect(deleteRepl.status).toBe(200);
      expect(deleteRepl.body).toEqual([]);
      const current = await server(t, 'default');
      expect(current.status).toBe(200);
      expect(current.body).toMatchObject({ name: 'default', fullName: 'default', displayName: 'default' });
      expect(current.body.additionalInfo).toBeUndefined();

      const [imp] = await audits(t, 'IMPORT');
      expect(imp).toMatchObject({ user_name: 'admin', source_server_name: 'cl1', target_server_name: 'default', operation_status: 'SUCCESS' });
      expect(Number(imp.resume_position)).toBe(3);
      expect(imp.resume_guid).toBe(TABLE_E19);
    });

    it('spec 8.3: a re-import does not duplicate the stamps; stamping changes neither updateTime nor change_seq', async () => {
      const before = await rows(t);
      // stamping alone (no entity write): the server reference is already there, nothing changes
      const servers = t.app.get(AtlasServerService);
      const cl1 = (await server(t, 'cl1')).body;
      expect(await servers.stampReplicated('replicatedFrom', cl1.guid, [...REPL_TABLES, REPL_DB])).toBe(0);
      // a second server is appended to all 13 without touching updateTime / change_seq
      expect(await servers.stampReplicated('replicatedTo', 'aaaaaaaa-0000-0000-0000-000000000000', [REPL_DB, ...REPL_TABLES])).toBe(13);
      const after = await rows(t);
      expect(after.map((r) => [r.guid, r.update_time, r.change_seq])).toEqual(before.map((r) => [r.guid, r.update_time, r.change_seq]));
      for (const r of after) expect(r.attributes.replicatedTo).toEqual(['AtlasServer:aaaaaaaa-0000-0000-0000-000000000000']);

      const res = await importZip(t, 'repl_exp_1.zip', CASE_46_REQUEST);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      for (const r of await rows(t)) expect(r.attributes.replicatedFrom, r.guid).toEqual([`AtlasServer:${cl1.guid}`]);
      expect((await server(t, 'cl1')).body.guid).toBe(cl1.guid);
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM entity WHERE type_name = 'AtlasServer'`);
      expect(n).toBe(2);
      expect(await audits(t, 'IMPORT')).toHaveLength(2);
    });

    it('spec 5.10: a replicated table of the same database that is no longer exported is soft-deleted and audited', async () => {
      const store = t.app.get(MetadataStore);
      const types = await t.app.get(TypeRegistry).lookup();
      const ctx = { mode: 'api' as const, user: 'admin', now: Date.now(), types, skipUnchanged: false, defaultPropagate: false, replaceClassifications: false };
      const made = await store.writeUnits([
        { entity: { typeName: 'hive_table', attributes: { name: 'tbl_old', qualifiedName: 'db_5_1.tbl_old@nb_0509', db: { guid: REPL_DB, typeName: 'hive_db' } }, classifications: [{ typeName: 'cl1_replicated' }] } },
        // same database, not replicated from cl1: kept
        { entity: { typeName: 'hive_table', attributes: { name: 'tbl_local', qualifiedName: 'db_5_1.tbl_local@nb_0509', db: { guid: REPL_DB, typeName: 'hive_db' } } } },
      ], ctx);
      const [oldGuid, localGuid] = made.units.map((u) => u.created[0].guid);

      const res = await importZip(t, 'repl_exp_1.zip', CASE_46_REQUEST);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await rows(t, `guid = '${oldGuid}'`))[0].status).toBe('DELETED');
      expect((await rows(t, `guid = '${localGuid}'`))[0].status).toBe('ACTIVE');
      for (const g of REPL_TABLES) expect((await rows(t, `guid = '${g}'`))[0].status).toBe('ACTIVE');

      const listed = await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=IMPORT_DELETE_REPL');
      expect(listed.status).toBe(200);
      expect(listed.body).toHaveLength(1);
      expect(listed.body[0]).toMatchObject({ operation: 'IMPORT_DELETE_REPL', sourceServerName: 'cl1', targetServerName: 'default', userName: 'admin' });
      expect(JSON.parse(listed.body[0].resultSummary)).toEqual([oldGuid]);
    });

    it('skipUpdateReplicationAttr: audited, but neither REPL_DETAILS nor stamps change', async () => {
      await resetRepository(t);
      const res = await importZip(t, 'repl_exp_1.zip', { options: { ...CASE_46_REQUEST.options, skipUpdateReplicationAttr: 'true' } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await server(t, 'cl1')).status).toBe(404);
      expect((await server(t, 'default')).status).toBe(200);
      for (const r of await rows(t)) expect(r.attributes.replicatedFrom ?? null).toBeNull();
      const [imp] = await audits(t, 'IMPORT');
      expect(imp).toMatchObject({ source_server_name: 'cl1', target_server_name: 'default' });
    });
  });

  describe('cases 48 and 50: stocks-base.zip with replicatedFrom cl1', () => {
    beforeAll(async () => resetRepository(t));

    it('case 48: processed 37, REPL_DETAILS "{}" (no changeMarker), all 37 stamped once, also after a second import', async () => {
      const first = await importZip(t, 'stocks-base.zip', { options: { replicatedFrom: 'cl1' } });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.processedEntities).toHaveLength(37);
      const cl1 = await server(t, 'cl1');
      expect(cl1.status).toBe(200);
      expect(cl1.body.additionalInfo).toEqual({ REPL_DETAILS: '{}' });

      const second = await importZip(t, 'stocks-base.zip', { options: { replicatedFrom: 'cl1' } });
      expect(second.status, JSON.stringify(second.body)).toBe(200);
      const all = await rows(t);
      expect(all).toHaveLength(37);
      // DELETED entities (hive_table e17413b9 and what it owns) are stamped too (spec 5.9d)
      expect(all.filter((r) => r.status === 'DELETED')).toHaveLength(5);
      for (const r of all) expect(r.attributes.replicatedFrom, `${r.type_name} ${r.guid}`).toEqual([`AtlasServer:${cl1.body.guid}`]);
      expect((await server(t, 'cl1')).body.additionalInfo).toEqual({ REPL_DETAILS: '{}' });
    });

    it('case 50: GET /admin/expimp/audit?serverName=cl1&operation=IMPORT lists the imports', async () => {
      const res = await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?serverName=cl1&operation=IMPORT');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(2);
      for (const e of res.body) {
        expect(e).toMatchObject({ operation: 'IMPORT', sourceServerName: 'cl1', targetServerName: 'default', userName: 'admin', operationStatus: 'SUCCESS' });
        expect(e.guid).toMatch(/^[0-9a-f-]{36}$/);
        expect(e.startTime).toBeLessThanOrEqual(e.endTime);
        const summary = JSON.parse(e.resultSummary);
        expect(summary.operationStatus).toBe('SUCCESS');
        expect(summary.request.options.replicatedFrom).toBe('cl1');
        expect(summary.exportResult.request.itemsToExport[0].typeName).toBe('hive_db');
        expect(summary.userName).toBe('admin');
      }
      // newest first (issue 6)
      expect(res.body[0].startTime).toBeGreaterThanOrEqual(res.body[1].startTime);
      expect(JSON.parse(res.body[1].resultSummary).metrics['entity:hive_table:created']).toBe(4);
      // the current cluster matches as target
      expect((await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?serverName=default')).body).toHaveLength(2);
      expect((await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?serverName=cl2')).body).toEqual([]);
    });
  });

  it('case 49: stocks.zip with replicatedFrom SFO$cl1 ⇒ server cl1 / SFO$cl1, looked up by fullName only', async () => {
    await resetRepository(t);
    const res = await importZip(t, 'stocks.zip', { options: { replicatedFrom: 'SFO$cl1' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const encoded = await t.as(ADMIN).get('/api/atlas/admin/server/SFO%24cl1');
    expect(encoded.status, JSON.stringify(encoded.body)).toBe(200);
    expect(encoded.body).toMatchObject({ name: 'cl1', fullName: 'SFO$cl1', displayName: 'cl1' });
    const verbatim = await t.as(ADMIN).get('/api/atlas/admin/server/SFO$cl1');
    expect(verbatim.body.guid).toBe(encoded.body.guid);
    const byName = await server(t, 'cl1');
    expect(byName.status).toBe(404);
    expect(byName.body).toEqual({ errorCode: 'ATLAS-404-00-009', errorMessage: 'Instance AtlasServer with unique attribute {fullName=cl1} does not exist' });
    const [imp] = await audits(t, 'IMPORT');
    expect(imp.source_server_name).toBe('cl1');
    for (const r of await rows(t)) expect(r.attributes.replicatedFrom).toEqual([`AtlasServer:${encoded.body.guid}`]);
  });

  it('GET /admin/server: 404 ATLAS-404-00-009 when absent, 404 ATLAS-404-00-012 when DELETED, 403 for non-admins', async () => {
    await resetRepository(t);
    const missing = await server(t, 'cl9');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ errorCode: 'ATLAS-404-00-009', errorMessage: 'Instance AtlasServer with unique attribute {fullName=cl9} does not exist' });

    const made = await t.app.get(AtlasServerService).getOrCreate('DC$gone', 'admin');
    expect(made).toMatchObject({ name: 'gone', fullName: 'DC$gone', displayName: 'gone' });
    expect((await t.app.get(AtlasServerService).getOrCreate('DC$gone', 'admin')).guid).toBe(made.guid);
    const types = await t.app.get(TypeRegistry).lookup();
    await t.app.get(MetadataStore).deleteEntities([made.guid], { user: 'admin', now: Date.now(), types });
    const deleted = await server(t, 'DC$gone');
    expect(deleted.status).toBe(404);
    expect(deleted.body.errorCode).toBe('ATLAS-404-00-012');
    expect(deleted.body.errorMessage).toContain(made.guid);

    const forbidden = await t.as(NON_ADMIN).get('/api/atlas/admin/server/default');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errorCode).toBe('ATLAS-403-00-001');
    expect((await t.request.get('/api/atlas/admin/server/default').auth('admin', 'wrong')).status).toBe(401);
  });

  it('case 60: a DELETED table is re-activated by a re-import; a column created locally stays DELETED', async () => {
    await resetRepository(t);
    expect((await importZip(t, 'repl_exp_1.zip')).status).toBe(200);
    const store = t.app.get(MetadataStore);
    const types = await t.app.get(TypeRegistry).lookup();
    const made = await store.writeUnits([{
      entity: {
        typeName: 'hive_column',
        attributes: { name: 'new_column', qualifiedName: 'db_5_1.tbl_5_2.new_column@nb_0509', type: 'string', table: { guid: TABLE_E19, typeName: 'hive_table' } },
      },
    }], { mode: 'api', user: 'admin', now: Date.now(), types, skipUnchanged: false, defaultPropagate: false, replaceClassifications: false });
    const newColumn = made.units[0].created[0].guid;
    await store.deleteEntities([TABLE_E19], { user: 'admin', now: Date.now(), types });
    expect((await rows(t, `guid = '${TABLE_E19}'`))[0].status).toBe('DELETED');
    expect((await rows(t, `guid = '${newColumn}'`))[0].status).toBe('DELETED');

    const again = await importZip(t, 'repl_exp_1.zip');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.metrics['entity:hive_table:created']).toBe(1);
    expect((await rows(t, `guid = '${TABLE_E19}'`))[0].status).toBe('ACTIVE');

    const table = (await store.getEntities([TABLE_E19], types)).get(TABLE_E19)!.entity;
    const columns = table.relationshipAttributes?.columns as Array<{ guid: string; entityStatus: string; relationshipStatus: string }>;
    expect(columns).toHaveLength(3);
    const byGuid = new Map(columns.map((c) => [c.guid, c]));
    expect(byGuid.get(newColumn)).toMatchObject({ entityStatus: 'DELETED', relationshipStatus: 'DELETED' });
    const fromZip = columns.filter((c) => c.guid !== newColumn);
    expect(fromZip).toHaveLength(2);
    for (const c of fromZip) expect(c).toMatchObject({ entityStatus: 'ACTIVE', relationshipStatus: 'ACTIVE' });
    // no replicatedFrom: nothing stamped, no server but the current cluster's
    const servers: Array<{ fullname: string }> = await t.db.query(`SELECT attributes->>'fullName' AS fullname FROM entity WHERE type_name = 'AtlasServer'`);
    expect(servers.map((s) => s.fullname)).toEqual(['default']);
  });
});

// spec 3.11 step 1, 7.3: the current cluster's AtlasServer has name = fullName = current cluster name, verbatim. It
// is not a server reference: a '$' in CLUSTER_NAME does not split it the way replicatedFrom SFO$cl1 is (case 49).
describe('the current cluster server when CLUSTER_NAME holds a $', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), CLUSTER_NAME: 'SFO$prod' });
  });
  afterAll(async () => t?.close());

  it('CLUSTER_NAME SFO$prod ⇒ AtlasServer name = displayName = fullName = SFO$prod, the audit target too', async () => {
    const res = await importZip(t, 'stocks.zip', { options: { replicatedFrom: 'cl1' } });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    const current = await server(t, 'SFO$prod');
    expect(current.status, JSON.stringify(current.body)).toBe(200);
    expect(current.body).toMatchObject({ name: 'SFO$prod', fullName: 'SFO$prod', displayName: 'SFO$prod' });
    const [imp] = await audits(t, 'IMPORT');
    expect(imp).toMatchObject({ source_server_name: 'cl1', target_server_name: 'SFO$prod' });
  });
});
