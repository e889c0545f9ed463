// Conformance cases 12.1–12.4 of the spec (as amended by section 0) for /admin/import and /admin/importfile.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { ATLAS_ZIPS, entityRow, hiveModelsDir, importZip, makeZip, readZipEntry, resetRepository } from './helpers/fixtures';

const g = {
  stocksDb: '886c5e9c-3ac6-40be-8201-fb0cebb64783',
  stocksTable: '027a987e-867a-4c98-ac1e-c5ded41130d3',
  stocksProcess: 'c13648d9-2eb5-44a9-b2a0-01c9f7593935',
  stocksHdfs: 'c0a5782a-e4b7-4552-9ad3-709771bfce00',
};

async function count(t: TestApp, where = 'true', params: unknown[] = []): Promise<number> {
  const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM entity WHERE ${where}`, params);
  return n;
}

async function classificationsOf(t: TestApp, guid: string) {
  return t.db.query(`SELECT type_name, propagate, attributes FROM classification WHERE entity_guid = $1 ORDER BY type_name`, [guid]);
}

function metricsWithoutDuration(body: { metrics: Record<string, number> }) {
  const { duration, ...rest } = body.metrics;
  expect(duration).toBeGreaterThanOrEqual(0);
  return rest;
}

describe('12.1 ZIP reading and error handling (Repo(base) / Repo(hive))', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir(), IMPORT_DIR: ATLAS_ZIPS });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => resetRepository(t));

  it('case 1: empty.zip ⇒ 400 ATLAS-400-00-08A, nothing written', async () => {
    const res = await importZip(t, 'empty.zip');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-08A', errorMessage: 'Attempting to import empty ZIP file.' });
    expect(await count(t)).toBe(0);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM export_import_audit`);
    expect(n).toBe(0);
  });

  it('case 2: importfile of empty.zip ⇒ 400 ATLAS-400-00-08A', async () => {
    const res = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: path.join(ATLAS_ZIPS, 'empty.zip') } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-08A', errorMessage: 'Attempting to import empty ZIP file.' });
  });

  it('case 3: ten zero bytes ⇒ 400 ATLAS-400-00-09F, not a ZIP', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-')), 'zeros.zip');
    fs.writeFileSync(file, Buffer.alloc(10));
    const res = await importZip(t, file);
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('ATLAS-400-00-09F');
    expect(res.body.errorMessage).toMatch(/not a ZIP/i);
    expect(await count(t)).toBe(0);
  });

  it('case 4: importfile without fileName / with a missing file / outside IMPORT_DIR', async () => {
    let res = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: {} });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-01A', errorMessage: 'invalid parameters: FILENAME parameter not found' });
    res = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: '/nope.zip' } });
    expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-01A', errorMessage: 'invalid parameters: /nope.zip: file not found' });
    res = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: '../../../etc/passwd' } });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('ATLAS-400-00-01A');
    res = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: '/etc/hostname' } });
    expect(res.status).toBe(400);
  });

  it('importfile reads a file inside IMPORT_DIR by relative name', async () => {
    const res = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: 'stocks.zip' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(12);
  });

  it('case 5: zip-direct-1.zip as zipDirect ⇒ 400 ATLAS-400-00-08A (import and importfile)', async () => {
    let res = await importZip(t, 'zip-direct-1.zip', { options: { format: 'zipDirect' } });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('ATLAS-400-00-08A');
    res = await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: 'zip-direct-1.zip', format: 'zipDirect' } });
    expect(res.body.errorCode).toBe('ATLAS-400-00-08A');
  });

  it('case 6: a zipDirect archive imports up to the first {} element, no audit', async () => {
    const hdfs = JSON.parse(await readZipEntry(path.join(ATLAS_ZIPS, 'stocks.zip'), `${g.stocksHdfs}.json`));
    const other = { entity: { ...hdfs.entity, guid: '11111111-2222-3333-4444-555555555555', attributes: { ...hdfs.entity.attributes, qualifiedName: 'x@cl1' } } };
    const file = await makeZip([
      ['atlas-typesdef.json', '{}'],
      ['entities.json', JSON.stringify([{ entity: hdfs.entity }, {}, other])],
    ]);
    const res = await importZip(t, file, { options: { format: 'zipDirect' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toEqual([g.stocksHdfs]);
    expect(metricsWithoutDuration(res.body)).toEqual({ 'entity:hdfs_path:created': 1 });
    expect(await count(t, `guid = '11111111-2222-3333-4444-555555555555'`)).toBe(0);
  });

  it('case 7: an entry named ../evil.json ⇒ 400 ATLAS-400-00-09F', async () => {
    const res = await importZip(t, path.resolve('test/fixtures/bad/dotdot.zip'));
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('ATLAS-400-00-09F');
    expect(res.body.errorMessage).toContain('../evil.json');
  });

  it('case 8/22: stocks-base.zip ignores __MACOSX and creates 37 entities, 5 DELETED', async () => {
    const res = await importZip(t, 'stocks-base.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(37);
    expect(metricsWithoutDuration(res.body)).toMatchObject({
      'entity:hive_db:created': 1, 'entity:hive_table:created': 4, 'entity:hive_column:created': 20,
      'entity:hive_storagedesc:created': 4, 'entity:hive_column_lineage:created': 7, 'entity:hive_process:created': 1,
    });
    expect(await count(t, `status = 'DELETED'`)).toBe(5);
    expect((await entityRow(t, 'e17413b9-4467-4860-a74d-f73ebb5eeeeb'))?.status).toBe('DELETED');
  });

  it('case 9: transforms given as an object (P4) apply like the string form', async () => {
    const res = await importZip(t, 'stocks.zip', { options: { transforms: { hive_db: { qualifiedName: ['replace~@cl1~@cl2'] } } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await entityRow(t, g.stocksDb))?.attributes.qualifiedName).toBe('stocks@cl2');
  });

  it('a bad option value ⇒ 400 naming it', async () => {
    let res = await importZip(t, 'stocks.zip', { options: { startPosition: 'abc' } });
    expect(res.status).toBe(400);
    expect(res.body.errorMessage).toContain('startPosition');
    res = await importZip(t, 'stocks.zip', '{not json');
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('ATLAS-400-00-01A');
    expect(await count(t)).toBe(0);
  });
});

describe('12.2 import of the shared fixtures', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => resetRepository(t));

  it('case 15: an existing hive_db with the same qualifiedName is re-keyed to the archive guid', async () => {
    const created = await t.as(ADMIN).post('/api/atlas/v2/entity').send({
      entity: { typeName: 'hive_db', attributes: { name: 'stocks', clusterName: 'cl1', qualifiedName: 'stocks@cl1' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const oldGuid = created.body.mutatedEntities.CREATE[0].guid;
    const res = await importZip(t, 'stocks.zip');
    expect(res.status).toBe(200);
    expect(await count(t, `type_name = 'hive_db' AND attributes->>'qualifiedName' = 'stocks@cl1'`)).toBe(1);
    expect((await entityRow(t, g.stocksDb))?.type_name).toBe('hive_db');
    expect((await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${oldGuid}`)).status).toBe(404);
  });

  it('case 17: stocks-float.zip creates classification fl1 with a float attribute', async () => {
    const res = await importZip(t, 'stocks-float.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(12);
    expect(metricsWithoutDuration(res.body)).toMatchObject({
      'typedef:classification': 1, 'typedef:enum': 0, 'typedef:entitydef': 0, 'typedef:struct': 0, 'typedef:relationship': 0, 'typedef:businessmetadata': 0,
    });
    const [c] = await classificationsOf(t, g.stocksDb);
    expect(c).toMatchObject({ type_name: 'fl1', propagate: false });
    expect(c.attributes.fv).toBeCloseTo(3.4028235e38, -30);
  });

  it('case 18/19: sales-v1-full.zip into Repo(base)', async () => {
    const res = await importZip(t, 'sales-v1-full.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(39);
    expect(metricsWithoutDuration(res.body)).toEqual({
      'entity:DB_v1:created': 2, 'entity:Table_v1:created': 6, 'entity:View_v1:created': 2, 'entity:LoadProcess_v1:created': 2,
      'entity:Column_v1:created': 21, 'entity:StorageDesc_v1:created': 6,
      'typedef:classification': 6, 'typedef:entitydef': 6, 'typedef:enum': 0, 'typedef:struct': 0, 'typedef:relationship': 0, 'typedef:businessmetadata': 0,
    });
    const fact = await t.db.query(`SELECT guid FROM entity WHERE guid LIKE 'fe91bf93%'`);
    expect(await classificationsOf(t, fact[0].guid)).toMatchObject([{ type_name: 'Fact_v1', propagate: false }]);
    const view = await t.db.query(`SELECT guid FROM entity WHERE guid LIKE 'efdfafa5%'`);
    expect((await classificationsOf(t, view[0].guid)).map((c: { type_name: string }) => c.type_name)).toEqual(['Dimension_v1', 'JdbcAccess_v1']);
  });

  it('case 20: reporting-v1-full.zip', async () => {
    const res = await importZip(t, 'reporting-v1-full.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(1);
    expect(res.body.processedEntities[0]).toMatch(/^267b572d/);
    expect(metricsWithoutDuration(res.body)).toMatchObject({ 'entity:DB:created': 1, 'typedef:entitydef': 1 });
  });

  it('case 21: logging-v1-full.zip', async () => {
    const res = await importZip(t, 'logging-v1-full.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(14);
    expect(metricsWithoutDuration(res.body)).toMatchObject({
      'entity:DB_v1:created': 1, 'entity:Table_v1:created': 2, 'entity:Column_v1:created': 8, 'entity:StorageDesc_v1:created': 2,
      'entity:LoadProcess_v1:created': 1, 'typedef:classification': 2, 'typedef:entitydef': 5,
    });
  });

  it('case 23: ctas.zip', async () => {
    const res = await importZip(t, 'ctas.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(13);
  });

  it('case 24/25/26: tag-prop-2.zip with DELETED duplicates and propagated classifications', async () => {
    const res = await importZip(t, 'tag-prop-2.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(23);
    expect(metricsWithoutDuration(res.body)).toMatchObject({ 'typedef:classification': 4 });
    const status = async (prefix: string) => (await t.db.query(`SELECT status FROM entity WHERE guid LIKE $1`, [`${prefix}%`]))[0]?.status;
    for (const p of ['7d7d5a18', 'c73c2f93', '841f1db6', '45cf94f1']) expect(await status(p), p).toBe('DELETED');
    for (const p of ['86fec5d4', 'dbe729bb', '092e9888']) expect(await status(p), p).toBe('ACTIVE');
    const own = await t.db.query(`SELECT type_name, propagate FROM classification WHERE entity_guid LIKE 'dbe729bb%' ORDER BY type_name`);
    expect(own).toEqual([{ type_name: 'PII', propagate: true }, { type_name: 'SENSITIVE', propagate: true }]);
    for (const p of ['092e9888', 'fa548d07']) {
      const own2 = await t.db.query(`SELECT type_name FROM classification WHERE entity_guid LIKE $1`, [`${p}%`]);
      expect(own2, p).toEqual([]);
      const prop = await t.db.query(
        `SELECT p.type_name, p.source_guid FROM propagated_classification p WHERE p.entity_guid LIKE $1 ORDER BY type_name`, [`${p}%`]);
      expect(prop.map((r: { type_name: string }) => r.type_name), p).toEqual(['PII', 'SENSITIVE']);
      expect(prop[0].source_guid).toMatch(/^dbe729bb/);
    }
    for (const p of ['6de3ce8b', '89ba0967']) {
      const n = await t.db.query(
        `SELECT (SELECT count(*) FROM classification WHERE entity_guid LIKE $1) + (SELECT count(*) FROM propagated_classification WHERE entity_guid LIKE $1) AS n`, [`${p}%`]);
      expect(Number(n[0].n), p).toBe(0);
    }
  });

  it('case 27: stocks-glossary.zip into Repo(base) anchors the terms', async () => {
    const res = await importZip(t, 'stocks-glossary.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(metricsWithoutDuration(res.body)).toMatchObject({ 'entity:AtlasGlossary:created': 1, 'entity:AtlasGlossaryTerm:created': 3 });
    const anchors = await t.db.query(
      `SELECT r.end1_guid, r.end2_guid FROM relationship r WHERE r.type_name = 'AtlasGlossaryTermAnchor' AND r.status = 'ACTIVE'`);
    expect(anchors).toHaveLength(3);
    for (const a of anchors) expect(a.end1_guid).toMatch(/^40c80052/);
  });

  it('case 28: hdfs_path1.zip creates classification tag1 with its attributes', async () => {
    const res = await importZip(t, 'hdfs_path1.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.processedEntities).toHaveLength(1);
    expect(res.body.processedEntities[0]).toMatch(/^afd6f65f/);
    expect(metricsWithoutDuration(res.body)).toMatchObject({ 'typedef:classification': 1 });
    const own = await t.db.query(`SELECT type_name, attributes FROM classification WHERE entity_guid LIKE 'afd6f65f%'`);
    expect(own).toEqual([{ type_name: 'tag1', attributes: { attrib1: 'randstr', attrib2: 5 } }]);
  });

  it('case 29: an attribute type conflict ⇒ 400 ATLAS-400-00-050, nothing changed (P2)', async () => {
    const pre = await t.as(ADMIN).post('/api/atlas/v2/types/typedefs').send({
      classificationDefs: [{ name: 'tag1', attributeDefs: [{ name: 'attrib1', typeName: 'date', isOptional: true }, { name: 'attrib3', typeName: 'int', isOptional: true }] }],
    });
    expect(pre.status, JSON.stringify(pre.body)).toBe(200);
    const res = await importZip(t, 'hdfs_path1.zip');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-050', errorMessage: 'Attribute tag1.attrib1 is of type date. Import has this attribute type as string' });
    expect(await count(t)).toBe(0);
    const [def] = await t.db.query(`SELECT def FROM type_def WHERE name = 'tag1'`);
    expect(def.def.attributeDefs.map((a: { name: string }) => a.name)).toEqual(['attrib1', 'attrib3']);
  });

  it('case 30: dept-employee-test-utils.zip creates the types then fails on Manager.subordinates', async () => {
    const res = await importZip(t, 'dept-employee-test-utils.zip');
    expect(res.status).toBe(404);
    expect(res.body.errorCode).toBe('ATLAS-404-00-007');
    expect(res.body.errorMessage).toContain('Manager.subordinates');
    const types = await t.db.query(`SELECT name FROM type_def WHERE name = ANY($1)`, [['OrgLevel', 'Address', 'SecurityClearance', 'Department', 'Employee', 'Manager', 'Person']]);
    expect(types).toHaveLength(7);
    expect(await count(t, `type_name = 'Department'`)).toBe(0);
  });
});

describe('12.3 / 12.4 type-definition and resume options', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => resetRepository(t));

  const enumElements = async () => (await t.db.query(`SELECT def FROM type_def WHERE name = 'database_action'`))[0]?.def.elementDefs.length;

  it('case 31/32/33: salesNewTypeAttrs merges types; updateTypeDefinition=false skips them', async () => {
    expect((await importZip(t, 'sales-v1-full.zip')).status).toBe(200);
    let res = await importZip(t, 'salesNewTypeAttrs.zip');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(metricsWithoutDuration(res.body)).toEqual({
      'typedef:classification': 0, 'typedef:enum': 1, 'typedef:entitydef': 0, 'typedef:struct': 0, 'typedef:relationship': 0, 'typedef:businessmetadata': 0,
      'typedef:entitydef:update': 1, 'entity:DB_v1:unchanged': 1,
    });
    expect(res.body.processedEntities).toEqual([]);
    expect(await enumElements()).toBe(4);
    const [db] = await t.db.query(`SELECT def FROM type_def WHERE name = 'DB_v1'`);
    expect(db.def.attributeDefs.map((a: { name: string }) => a.name)).toContain('creationVersion');

    for (const v of ['false', 'TRUE']) {
      res = await importZip(t, 'salesNewTypeAttrs-next.zip', { options: { updateTypeDefinition: v } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.metrics).filter((k) => k.startsWith('typedef:'))).toEqual([]);
      expect(await enumElements()).toBe(4);
    }
    res = await importZip(t, 'salesNewTypeAttrs-next.zip', { options: { updateTypeDefinition: 'true' } });
    expect(res.status).toBe(200);
    expect(await enumElements()).toBe(8);
    expect(res.body.metrics['typedef:enum:update']).toBe(1);
  });

  it('case 34: updateTypeDefinition=false on a repository without the types ⇒ 400 ATLAS-400-00-014', async () => {
    const res = await importZip(t, 'sales-v1-full.zip', { options: { updateTypeDefinition: 'false' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errorCode: 'ATLAS-400-00-014', errorMessage: 'Type ENTITY with name DB_v1 does not exist' });
    expect(await count(t)).toBe(0);
  });

  it('case 35: startGuid / startPosition 0 skip the hive_db', async () => {
    for (const options of [{ startGuid: g.stocksDb }, { startPosition: '0' }]) {
      await resetRepository(t);
      const res = await importZip(t, 'stocks.zip', { options });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.processedEntities).toHaveLength(11);
      expect(await entityRow(t, g.stocksDb)).toBeUndefined();
      expect(Object.keys(res.body.metrics).some((k) => k.startsWith('entity:hive_db:'))).toBe(false);
    }
  });

  it('case 36: resuming past the end ⇒ 400; an unknown startGuid imports everything', async () => {
    for (const options of [{ startPosition: '3' }, { startGuid: g.stocksHdfs }]) {
      const res = await importZip(t, 'stocks.zip', { options });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-01A', errorMessage: 'invalid parameters: no entities to create/update.' });
    }
    const res = await importZip(t, 'stocks.zip', { options: { startGuid: 'not-in-the-order' } });
    expect(res.status).toBe(200);
    expect(res.body.processedEntities).toHaveLength(12);
  });
});
