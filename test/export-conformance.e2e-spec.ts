// Conformance cases 52–55, 57, 58 (spec 12.7) and the round trip of issue 7 for POST /admin/export, real PostgreSQL.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import unzipper from 'unzipper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, NON_ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip, zipPath } from './helpers/fixtures';
import { errorBody, exportZip } from './helpers/export-archive';

const STOCKS_DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const STOCKS_TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';
const BASE_DB = 'be586182-6c2d-459a-a97c-e3a8113241e4';
const STOCKS_REQUEST = { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }], options: { fetchType: 'full' } };

/** every entity guid of a fixture archive: its export order and everything embedded */
async function fixtureGuids(name: string): Promise<Set<string>> {
  const dir = await unzipper.Open.file(zipPath(name));
  const read = async (entry: string) => JSON.parse((await dir.files.find((f) => f.path === entry)!.buffer()).toString('utf8'));
  const out = new Set<string>();
  for (const g of (await read('atlas-export-order.json')) as string[]) {
    out.add(g);
    for (const r of Object.keys(((await read(`${g}.json`)) as { referredEntities?: object }).referredEntities ?? {})) out.add(r);
  }
  return out;
}

function tempFile(bytes: Buffer): string {
  const file = path.join(os.tmpdir(), `atlas-export-${process.pid}-${Math.random().toString(36).slice(2)}.zip`);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('export of Repo(hive) after stocks.zip (case 12)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('case 52: headers, entry order, export order, result and typesdef', async () => {
    const a = await exportZip(t, STOCKS_REQUEST);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/zip');
    expect(a.headers['content-disposition']).toBe('attachment; filename=AtlasExportResult');
    expect(a.headers['content-encoding']).toBeUndefined();
    expect(a.names.slice(-3)).toEqual(['atlas-export-order.json', 'atlas-typesdef.json', 'atlas-export-info.json']);
    expect(a.names.slice(0, -3)).toEqual(a.order.map((g) => `${g}.json`));
    expect(a.order.slice(0, 2)).toEqual([STOCKS_DB, STOCKS_TABLE]);
    // Atlas's characteristic order: hive_db, hive_table, then the lineage wave
    expect(a.order.map((g) => a.file(g).entity.typeName)).toEqual(['hive_db', 'hive_table', 'hive_process', 'hdfs_path']);
    expect(a.info.operationStatus).toBe('SUCCESS');
    expect(a.info.sourceClusterName).toBe('default');
    expect(a.info.metrics['entity:withExtInfo']).toBe(a.order.length);
    expect(a.info.metrics['entity:hive_column']).toBe(7);
    expect(a.info.metrics).toMatchObject({ 'entity:hive_db': 1, 'entity:hive_table': 1, 'entity:hive_storagedesc': 1, 'entity:hive_process': 1, 'entity:hdfs_path': 1 });
    expect(a.info.metrics.duration).toBeGreaterThanOrEqual(0);
    expect(a.info).toMatchObject({ userName: 'admin', clientIpAddress: '127.0.0.1', request: { ...STOCKS_REQUEST, fetchTypeOptionValue: 'full', skipLineageOptionValue: false, changeTokenFromOptions: 0, omitZipResponseForEmptyExport: false } });
    expect(typeof a.info.hostName).toBe('string');
    expect(a.info.changeMarker).toBeGreaterThan(0);
    const names = (list: string) => a.typesDef[list].map((d) => d.name);
    expect(names('entityDefs')).toEqual(expect.arrayContaining(['hive_db', 'hive_table', 'hive_column', 'hive_storagedesc', 'hive_process', 'Referenceable', 'Asset', 'DataSet', 'Process', 'AtlasServer']));
    expect(names('enumDefs')).toContain('hive_principal_type');
    expect(names('structDefs')).toEqual(expect.arrayContaining(['hive_serde', 'hive_order']));
    expect(names('relationshipDefs')).toEqual(expect.arrayContaining(['hive_table_db', 'hive_table_columns']));
    // the table travels with its columns and storage descriptor (spec 2.5)
    expect(Object.keys(a.file(STOCKS_TABLE).referredEntities ?? {})).toHaveLength(8);
  });

  it('case 54: nothing matches ⇒ a ZIP with an empty order and FAIL, or 204; importing the ZIP is case 1', async () => {
    const request = { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'nope@cl1' } }] };
    const a = await exportZip(t, request);
    expect(a.status).toBe(200);
    expect(a.order).toEqual([]);
    expect(a.names).toEqual(['atlas-export-order.json', 'atlas-typesdef.json', 'atlas-export-info.json']);
    expect(a.info.operationStatus).toBe('FAIL');
    const omitted = await exportZip(t, { ...request, options: { omitZipResponseForEmptyExport: true } });
    expect(omitted.status).toBe(204);
    expect(omitted.body.length).toBe(0);
    const file = tempFile(a.body);
    try {
      const imported = await importZip(t, file);
      expect(imported.status).toBe(400);
      expect(imported.body).toEqual({ errorCode: 'ATLAS-400-00-08A', errorMessage: 'Attempting to import empty ZIP file.' });
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('case 55: one item found and one not ⇒ PARTIAL_SUCCESS; an unknown guid alone ⇒ FAIL', async () => {
    const partial = await exportZip(t, { itemsToExport: [STOCKS_REQUEST.itemsToExport[0], { typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'nope@cl1' } }] });
    expect(partial.info.operationStatus).toBe('PARTIAL_SUCCESS');
    expect(partial.order[0]).toBe(STOCKS_DB);
    const unknown = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db', guid: '00000000-0000-0000-0000-000000000000' }] });
    expect(unknown.status).toBe(200);
    expect(unknown.info.operationStatus).toBe('FAIL');
    expect(unknown.order).toEqual([]);
    const none = await exportZip(t, { itemsToExport: [] });
    expect(none.info.operationStatus).toBe('FAIL');
  });

  it('items share one processed set: an entity reachable from two items is exported once', async () => {
    const a = await exportZip(t, { itemsToExport: [STOCKS_REQUEST.itemsToExport[0], { guid: STOCKS_TABLE }] });
    expect(a.info.operationStatus).toBe('SUCCESS');
    expect(a.order).toHaveLength(4);
    expect(new Set(a.order).size).toBe(4);
  });

  it('case 58: incremental export by change marker', async () => {
    const full = await exportZip(t, STOCKS_REQUEST);
    const first = await exportZip(t, { ...STOCKS_REQUEST, options: { fetchType: 'incremental', changeMarker: 0 } });
    expect(first.order).toEqual(full.order);
    expect(first.info.request).toMatchObject({ fetchTypeOptionValue: 'incremental', changeTokenFromOptions: 0 });
    const marker = first.info.changeMarker;
    expect(marker).toBeGreaterThan(0);

    // nothing changed since: an empty export, not an error (spec 3.5)
    const unchanged = await exportZip(t, { ...STOCKS_REQUEST, options: { fetchType: 'incremental', changeMarker: String(marker) } });
    expect(unchanged.status).toBe(200);
    expect(unchanged.order).toEqual([]);
    expect(unchanged.info.operationStatus).toBe('SUCCESS');
    expect(unchanged.info.changeMarker).toBe(marker);

    const typedef = await t.as(ADMIN).post('/api/atlas/v2/types/typedefs').send({ classificationDefs: [{ name: 'EXPORT_TAG', attributeDefs: [] }] });
    expect(typedef.status, JSON.stringify(typedef.body)).toBe(200);
    const tag = await t.as(ADMIN).post(`/api/atlas/v2/entity/guid/${STOCKS_TABLE}/classifications`).send([{ typeName: 'EXPORT_TAG', propagate: false }]);
    expect([200, 204]).toContain(tag.status);

    const changed = await exportZip(t, { ...STOCKS_REQUEST, options: { fetchType: 'incremental', changeMarker: marker } });
    expect(changed.order).toEqual([STOCKS_TABLE]);
    const file = changed.file(STOCKS_TABLE);
    expect(Object.keys(file.referredEntities ?? {})).toHaveLength(8);
    expect((file.entity.classifications as Array<{ typeName: string }>).map((c) => c.typeName)).toEqual(['EXPORT_TAG']);
    expect(changed.info.changeMarker).toBeGreaterThan(marker);
    expect(changed.typesDef.classificationDefs.map((d) => d.name)).toEqual(['EXPORT_TAG']);

    const future = await exportZip(t, { ...STOCKS_REQUEST, options: { fetchType: 'incremental', changeMarker: Date.now() + 86_400_000 } });
    expect(future.order).toEqual([]);
  });

  it('option values of the wrong type are 400 naming the option; the request is admin-only', async () => {
    for (const [option, value] of [['changeMarker', 'yesterday'], ['skipLineage', 'maybe'], ['fetchType', 3], ['omitZipResponseForEmptyExport', {}], ['replicatedTo', 5], ['matchType', ['x']]] as const) {
      const options: Record<string, unknown> = { fetchType: 'incremental', [option]: value };
      const a = await exportZip(t, { itemsToExport: STOCKS_REQUEST.itemsToExport, options });
      expect(a.status, `${option}`).toBe(400);
      expect(errorBody(a)).toMatchObject({ errorCode: 'ATLAS-400-00-01A' });
      expect(String(errorBody(a).errorMessage)).toContain(option);
    }
    const badItem = await exportZip(t, { itemsToExport: [{ guid: 5 }] });
    expect(badItem.status).toBe(400);
    expect(errorBody(badItem).errorCode).toBe('ATLAS-400-00-01A');
    const forbidden = await exportZip(t, STOCKS_REQUEST, NON_ADMIN);
    expect(forbidden.status).toBe(403);
    expect(errorBody(forbidden).errorCode).toBe('ATLAS-403-00-001');
  });

  it('unknown option keys are kept and echoed; fetchType any case, unrecognised ⇒ full', async () => {
    const a = await exportZip(t, { ...STOCKS_REQUEST, options: { fetchType: 'CONNECTED', format: 'zipDirect', nested: { a: [1] } }, extra: 'dropped' });
    expect(a.info.request).toMatchObject({ options: { fetchType: 'CONNECTED', format: 'zipDirect', nested: { a: [1] } }, fetchTypeOptionValue: 'connected' });
    expect(a.info.request).not.toHaveProperty('extra');
    const b = await exportZip(t, { ...STOCKS_REQUEST, options: { fetchType: 'sideways', skipLineage: 'true' } });
    expect(b.info.request).toMatchObject({ fetchTypeOptionValue: 'full', skipLineageOptionValue: true });
    expect(b.order.map((g) => b.file(g).entity.typeName)).toEqual(['hive_db', 'hive_table']);
  });
});

describe('export of Repo(hive) after stocks-base.zip (case 22) and stocks-glossary.zip (case 27)', () => {
  let t: TestApp;
  let second: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'stocks-base.zip')).status).toBe(200);
    expect((await importZip(t, 'stocks-glossary.zip')).status).toBe(200);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('case 53: FULL export of the db holds exactly the 37 entities of stocks-base.zip, DELETED ones included', async () => {
    const a = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db', guid: BASE_DB }], options: { fetchType: 'full' } });
    expect(a.info.operationStatus).toBe('SUCCESS');
    const expected = await fixtureGuids('stocks-base.zip');
    expect(expected.size).toBe(37);
    expect([...a.allGuids()].sort()).toEqual([...expected].sort());
    const { duration, ...metrics } = a.info.metrics;
    expect(duration).toBeGreaterThanOrEqual(0);
    expect(metrics).toEqual({
      'entity:hive_db': 1, 'entity:hive_table': 4, 'entity:hive_column': 20, 'entity:hive_storagedesc': 4,
      'entity:hive_column_lineage': 7, 'entity:hive_process': 1, 'entity:withExtInfo': a.order.length,
    });
    expect(a.file('e17413b9-4467-4860-a74d-f73ebb5eeeeb').entity.status).toBe('DELETED');
    // column lineages travel inside their process's file, never on their own
    expect(a.order.map((g) => a.file(g).entity.typeName).sort()).toEqual(['hive_db', 'hive_process', 'hive_table', 'hive_table', 'hive_table', 'hive_table']);

    const skipped = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db', guid: BASE_DB }], options: { fetchType: 'full', skipLineage: true } });
    const types = new Set([...skipped.allGuids()].map((g) => skipped.file(g)?.entity.typeName ?? 'referred'));
    expect(types.has('hive_process')).toBe(false);
    expect(Object.keys(skipped.info.metrics).filter((k) => /hive_process|hive_column_lineage/.test(k))).toEqual([]);
    expect(skipped.info.metrics['entity:hive_column']).toBe(20);
  });

  it('case 57: forType AtlasGlossary exports exactly the glossary and its three terms', async () => {
    const a = await exportZip(t, { itemsToExport: [{ typeName: 'AtlasGlossary' }], options: { fetchType: 'full', matchType: 'forType' } });
    expect(a.info.operationStatus).toBe('SUCCESS');
    expect(a.order).toHaveLength(1);
    expect(a.order[0].startsWith('40c80052')).toBe(true);
    expect([...a.allGuids()].sort()).toEqual([...(await fixtureGuids('stocks-glossary.zip'))].sort());
    expect(a.allGuids().size).toBe(4);
    expect(a.info.request).toMatchObject({ matchTypeOptionValue: 'forType' });
  });

  it('spec 3.5 shortcuts: incremental hive_db / hive_table with skipLineage', async () => {
    const db = { typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } };
    const first = await exportZip(t, { itemsToExport: [db], options: { fetchType: 'incremental', skipLineage: true, changeMarker: 0 } });
    const types = (a: typeof first) => a.order.map((g) => a.file(g).entity.typeName);
    // the db yields its tables (DELETED one included), each with its columns and storage descriptor; nothing else
    expect(types(first)).toEqual(['hive_db', 'hive_table', 'hive_table', 'hive_table', 'hive_table']);
    expect(first.info.metrics).toMatchObject({ 'entity:hive_column': 20, 'entity:hive_storagedesc': 4, 'entity:withExtInfo': 5 });
    const marker = first.info.changeMarker;

    const table = { typeName: 'hive_table', uniqueAttributes: { qualifiedName: 'stocks.stocks_daily@cl1' } };
    const connected = await exportZip(t, { itemsToExport: [table], options: { fetchType: 'incremental', skipLineage: true } });
    // a table yields its db, storage descriptor and columns; the db is not expanded further
    expect(types(connected)).toEqual(['hive_table', 'hive_db']);

    // a column changes: with the marker the db yields just that column (its table did not change)
    const typedef = await t.as(ADMIN).post('/api/atlas/v2/types/typedefs').send({ classificationDefs: [{ name: 'COLUMN_TAG', attributeDefs: [] }] });
    expect(typedef.status).toBe(200);
    const column = '03cda7e4-d2a7-4384-a662-0b4bdbd47393';
    expect((await t.as(ADMIN).post(`/api/atlas/v2/entity/guid/${column}/classifications`).send([{ typeName: 'COLUMN_TAG', propagate: false }])).status).toBe(204);
    const changed = await exportZip(t, { itemsToExport: [db], options: { fetchType: 'incremental', skipLineage: true, changeMarker: marker } });
    expect(changed.order).toEqual([column]);
    const byTable = await exportZip(t, { itemsToExport: [table], options: { fetchType: 'incremental', skipLineage: true, changeMarker: marker } });
    expect(byTable.order).toEqual([column]);
  });

  it('round trip: the FULL export of the db imports into a fresh repository with everything equal', async () => {
    const a = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }], options: { fetchType: 'full' } });
    expect(a.info.operationStatus).toBe('SUCCESS');
    second = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    const file = tempFile(a.body);
    try {
      const imported = await importZip(second, file);
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      expect(imported.body.processedEntities).toHaveLength(37);
    } finally {
      fs.rmSync(file, { force: true });
    }
    const guids = [...a.allGuids()].sort();
    const entities = `SELECT guid, type_name, status, attributes, created_by, create_time, version, home_id, provenance_type,
                             is_incomplete, custom_attributes, labels, business_attributes
                        FROM entity WHERE guid = ANY($1::text[]) ORDER BY guid`;
    // the archive states every attribute (unset ones as null) and labels as [] (spec 3.6): the same content
    const content = (rows: Array<Record<string, unknown>>) =>
      rows.map((r) => ({
        ...r,
        attributes: Object.fromEntries(Object.entries(r.attributes as object).filter(([, v]) => v !== null)),
        labels: r.labels ?? [],
      }));
    expect(content(await second.db.query(entities, [guids]))).toEqual(content(await t.db.query(entities, [guids])));
    // (ordinal is the position in the list of the side that wrote the row: the API comparison below checks order)
    const relationships = `SELECT guid, type_name, end1_guid, end2_guid, end1_attr, end2_attr, status, attributes, owner_end, propagate_tags
                             FROM relationship WHERE end1_guid = ANY($1::text[]) OR end2_guid = ANY($1::text[]) ORDER BY guid`;
    expect(await second.db.query(relationships, [guids])).toEqual(await t.db.query(relationships, [guids]));
    const classifications = `SELECT * FROM classification WHERE entity_guid = ANY($1::text[]) ORDER BY entity_guid, type_name`;
    expect(await second.db.query(classifications, [guids])).toEqual(await t.db.query(classifications, [guids]));
    // and as the API shows them (update time and user are the import's own)
    for (const g of guids) {
      const [x, y] = await Promise.all([t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${g}`), second.as(ADMIN).get(`/api/atlas/v2/entity/guid/${g}`)]);
      const own = (e: Record<string, unknown>) => ({ ...e, updateTime: 0, updatedBy: '' });
      const strip = (b: { entity: Record<string, unknown>; referredEntities?: Record<string, Record<string, unknown>> }) => ({
        entity: own(b.entity),
        referredEntities: Object.fromEntries(Object.entries(b.referredEntities ?? {}).map(([k, v]) => [k, own(v)])),
      });
      expect(strip(y.body)).toEqual(strip(x.body));
    }
  });
});
