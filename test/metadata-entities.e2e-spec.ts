import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlasEntity, AtlasRelatedObjectId, AtlasTypesDef } from '../src/metadata/model';
import { ATLAS_MODELS } from './helpers/fixtures';
import { ADMIN, NON_ADMIN, startTestApp, TestApp } from './helpers/test-app';

// Issue 3 "Done when": the fs + hive models loaded through the typedef API, a hive_db with tables, columns,
// storage descriptors and a process between two tables, read back by guid and by qualifiedName, updated by
// unique attribute, deleted softly, classified (with lineage propagation), and Atlas's error bodies.

const V2 = '/api/atlas/v2';
const CLUSTER = 'cl1';
const qn = (name: string) => `${name}@${CLUSTER}`;

function model(file: string): AtlasTypesDef {
  return JSON.parse(fs.readFileSync(path.join(ATLAS_MODELS, '1000-Hadoop', file), 'utf8')) as AtlasTypesDef;
}

/** POST /types/typedefs with only the defs the server does not have yet (Atlas's POST refuses existing ones). */
async function createMissingTypes(t: TestApp, defs: AtlasTypesDef): Promise<AtlasTypesDef> {
  const have = (await t.as(ADMIN).get(`${V2}/types/typedefs`).expect(200)).body as Required<AtlasTypesDef>;
  const names = new Set(Object.values(have).flat().map((d) => (d as { name: string }).name));
  const missing: AtlasTypesDef = {};
  for (const [list, items] of Object.entries(defs) as Array<[keyof AtlasTypesDef, Array<{ name: string }>]>) {
    const left = (items ?? []).filter((d) => !names.has(d.name));
    if (left.length > 0) (missing as Record<string, unknown>)[list] = left;
  }
  if (Object.keys(missing).length === 0) return {};
  return (await t.as(ADMIN).post(`${V2}/types/typedefs`).send(missing).expect(200)).body as AtlasTypesDef;
}

function column(name: string, table: string, tableGuid: string, guid: string, position: number): AtlasEntity {
  return {
    typeName: 'hive_column',
    guid,
    attributes: { qualifiedName: qn(`sales.${table}.${name}`), name, type: 'string', position, table: { guid: tableGuid, typeName: 'hive_table' } },
  };
}

function storageDesc(table: string, tableGuid: string, guid: string): AtlasEntity {
  return {
    typeName: 'hive_storagedesc',
    guid,
    attributes: {
      qualifiedName: qn(`sales.${table}`) + '_storage', location: `hdfs://nn:8020/warehouse/sales.db/${table}`, compressed: false,
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat', table: { guid: tableGuid, typeName: 'hive_table' },
    },
  };
}

function table(name: string, guid: string, dbGuid: string, columnGuids: string[], sdGuid: string): AtlasEntity {
  return {
    typeName: 'hive_table',
    guid,
    attributes: {
      qualifiedName: qn(`sales.${name}`), name, owner: 'etl', tableType: 'MANAGED_TABLE', temporary: false,
      db: { guid: dbGuid, typeName: 'hive_db' },
      columns: columnGuids.map((g) => ({ guid: g, typeName: 'hive_column' })),
      sd: { guid: sdGuid, typeName: 'hive_storagedesc' },
    },
  };
}

const guidsOf = (list: unknown): string[] => ((list ?? []) as AtlasRelatedObjectId[]).map((r) => r.guid as string).sort();

describe('metadata repository over /api/atlas/v2 (issue 3)', () => {
  let t: TestApp;
  let created: AtlasTypesDef;
  let dbGuid: string;
  let ordersGuid: string;
  let reportGuid: string;
  let processGuid: string;
  const orderColumns: string[] = [];
  let ordersSd: string;
  let reportSd: string;
  let reportColumn: string;

  const countRows = async (sql: string, params: unknown[] = []): Promise<number> => Number((await t.db.query(sql, params))[0].n);

  beforeAll(async () => {
    t = await startTestApp({ CLUSTER_NAME: CLUSTER });
    // the shipped models already hold the file-system model; the hive model is loaded through the API
    await createMissingTypes(t, model('1020-fs_model.json'));
    created = await createMissingTypes(t, model('1030-hive_model.json'));
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('models through /types/typedefs', () => {
    it('creates the hive model in one request and answers with the created defs', async () => {
      expect(created.entityDefs?.map((d) => d.name).sort()).toEqual(
        ['hive_column', 'hive_column_lineage', 'hive_db', 'hive_db_ddl', 'hive_process', 'hive_process_execution', 'hive_storagedesc', 'hive_table', 'hive_table_ddl'],
      );
      expect(created.relationshipDefs).toHaveLength(9);
      expect(created.enumDefs?.map((d) => d.name)).toEqual(['hive_principal_type']);
      for (const d of created.entityDefs ?? []) expect(d).toMatchObject({ guid: expect.any(String), createdBy: 'admin', category: 'ENTITY' });
      expect(await countRows(`SELECT count(*) AS n FROM type_def WHERE name LIKE 'hive\\_%'`)).toBe(21);
    });

    it('serves every model type by name, per category and with its sub-types', async () => {
      const table = await t.as(ADMIN).get(`${V2}/types/entitydef/name/hive_table`).expect(200);
      expect(table.body).toMatchObject({ name: 'hive_table', category: 'ENTITY', superTypes: ['DataSet'] });
      const dataSet = await t.as(ADMIN).get(`${V2}/types/typedef/name/DataSet`).expect(200);
      expect(dataSet.body.subTypes).toEqual(expect.arrayContaining(['hive_table', 'hive_column', 'fs_path']));
      await t.as(ADMIN).get(`${V2}/types/relationshipdef/name/hive_table_columns`).expect(200);
      await t.as(ADMIN).get(`${V2}/types/enumdef/name/hive_principal_type`).expect(200);
      await t.as(ADMIN).get(`${V2}/types/structdef/name/hive_serde`).expect(200);
    });
  });

  describe('create a hive catalogue', () => {
    it('POST /entity creates a hive_db, mapping its placeholder guid', async () => {
      const res = await t.as(ADMIN).post(`${V2}/entity`).send({
        entity: {
          typeName: 'hive_db', guid: '-1',
          attributes: { qualifiedName: qn('sales'), name: 'sales', clusterName: CLUSTER, owner: 'etl', ownerType: 'USER', parameters: { team: 'finance' } },
        },
      }).expect(200);
      dbGuid = res.body.guidAssignments['-1'];
      expect(dbGuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.mutatedEntities).toEqual({
        // Atlas's header attributes: the unique ones plus name, description, owner, createTime when set
        CREATE: [expect.objectContaining({ guid: dbGuid, typeName: 'hive_db', status: 'ACTIVE', attributes: { qualifiedName: qn('sales'), name: 'sales', owner: 'etl' } })],
      });
      const rows = await t.db.query(`SELECT type_name, status, created_by, attributes FROM entity WHERE guid = $1`, [dbGuid]);
      expect(rows).toEqual([expect.objectContaining({ type_name: 'hive_db', status: 'ACTIVE', created_by: 'admin' })]);
      expect(rows[0].attributes).toMatchObject({ clusterName: CLUSTER, parameters: { team: 'finance' } });
    });

    it('POST /entity/bulk creates two tables with columns and storage descriptors in referredEntities', async () => {
      const orders = table('orders', '-10', dbGuid, ['-11', '-12', '-13'], '-14');
      const report = table('daily_report', '-20', dbGuid, ['-21'], '-22');
      const referred: Record<string, AtlasEntity> = {
        '-11': column('id', 'orders', '-10', '-11', 0),
        '-12': column('amount', 'orders', '-10', '-12', 1),
        '-13': column('customer', 'orders', '-10', '-13', 2),
        '-14': storageDesc('orders', '-10', '-14'),
        '-21': column('total', 'daily_report', '-20', '-21', 0),
        '-22': storageDesc('daily_report', '-20', '-22'),
      };
      const res = await t.as(NON_ADMIN).post(`${V2}/entity/bulk`).send({ entities: [orders, report], referredEntities: referred }).expect(200);
      const a = res.body.guidAssignments as Record<string, string>;
      expect(Object.keys(a).sort()).toEqual(['-10', '-11', '-12', '-13', '-14', '-20', '-21', '-22']);
      ordersGuid = a['-10'];
      reportGuid = a['-20'];
      orderColumns.push(a['-11'], a['-12'], a['-13']);
      ordersSd = a['-14'];
      reportSd = a['-22'];
      reportColumn = a['-21'];
      expect(res.body.mutatedEntities.CREATE).toHaveLength(8);
      // the stored db gains a hive_table_db link to each new table: updated (spec 5.7.4, Atlas's recordEntityUpdate)
      expect(res.body.mutatedEntities.UPDATE).toEqual([expect.objectContaining({ guid: dbGuid, typeName: 'hive_db' })]);

      expect(await countRows(`SELECT count(*) AS n FROM entity WHERE status = 'ACTIVE'`)).toBe(9);
      // hive_table_db x2, hive_table_columns x4, hive_table_storagedesc x2: one row each, whichever side named it
      const rels: Array<{ type_name: string; n: string }> = await t.db.query(
        `SELECT type_name, count(*) AS n FROM relationship GROUP BY type_name ORDER BY type_name`,
      );
      expect(rels.map((r) => [r.type_name, Number(r.n)])).toEqual([['hive_table_columns', 4], ['hive_table_db', 2], ['hive_table_storagedesc', 2]]);
      expect(await countRows(`SELECT count(*) AS n FROM entity WHERE created_by = 'bob'`)).toBe(8);
    });

    it('POST /entity creates a hive_process from orders to daily_report', async () => {
      const res = await t.as(ADMIN).post(`${V2}/entity`).send({
        entity: {
          typeName: 'hive_process', guid: '-1',
          attributes: {
            qualifiedName: qn('sales.daily_report') + ':1700000000000', name: 'insert into daily_report',
            startTime: 1700000000000, endTime: 1700000005000, userName: 'etl', operationType: 'QUERY',
            queryText: 'insert into daily_report select sum(amount) from orders', queryPlan: 'Not Supported', queryId: 'q-1',
            inputs: [{ guid: ordersGuid, typeName: 'hive_table' }],
            outputs: [{ typeName: 'hive_table', uniqueAttributes: { qualifiedName: qn('sales.daily_report') } }],
          },
        },
      }).expect(200);
      processGuid = res.body.guidAssignments['-1'];
      expect(res.body.mutatedEntities.CREATE.map((h: { guid: string }) => h.guid)).toEqual([processGuid]);
      // both tables gain a lineage link: updated, and stamped with this request's user
      expect(res.body.mutatedEntities.UPDATE.map((h: { guid: string }) => h.guid).sort()).toEqual([ordersGuid, reportGuid].sort());
      const lineage: Array<{ type_name: string; end1_guid: string; end2_guid: string; propagate_tags: string }> = await t.db.query(
        `SELECT type_name, end1_guid, end2_guid, propagate_tags FROM relationship WHERE end1_guid = $1 ORDER BY type_name`, [processGuid],
      );
      expect(lineage).toEqual([
        { type_name: 'dataset_process_inputs', end1_guid: processGuid, end2_guid: ordersGuid, propagate_tags: 'TWO_TO_ONE' },
        { type_name: 'process_dataset_outputs', end1_guid: processGuid, end2_guid: reportGuid, propagate_tags: 'ONE_TO_TWO' },
      ]);
    });
  });

  describe('read back', () => {
    it('GET /entity/guid/{table}: attributes, relationshipAttributes with relationship guids, columns and sd in referredEntities', async () => {
      const res = await t.as(ADMIN).get(`${V2}/entity/guid/${ordersGuid}`).expect(200);
      const { entity, referredEntities } = res.body as { entity: AtlasEntity; referredEntities: Record<string, AtlasEntity> };
      expect(entity).toMatchObject({
        // updatedBy: the admin whose hive_process linked to it last (spec 5.7.4)
        typeName: 'hive_table', guid: ordersGuid, status: 'ACTIVE', version: 0, createdBy: 'bob', updatedBy: 'admin',
        createTime: expect.any(Number), updateTime: expect.any(Number), classifications: [], labels: [],
      });
      // every attribute of the type, null when unset
      expect(entity.attributes).toMatchObject({ qualifiedName: qn('sales.orders'), name: 'orders', owner: 'etl', temporary: false, comment: null, retention: null });
      const rel = entity.relationshipAttributes as Record<string, unknown>;
      expect(guidsOf(rel.columns)).toEqual([...orderColumns].sort());
      for (const c of rel.columns as AtlasRelatedObjectId[]) {
        expect(c).toMatchObject({
          typeName: 'hive_column', entityStatus: 'ACTIVE', relationshipType: 'hive_table_columns', relationshipStatus: 'ACTIVE',
          relationshipGuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        });
      }
      expect(rel.db).toMatchObject({ guid: dbGuid, typeName: 'hive_db', relationshipType: 'hive_table_db', displayText: 'sales', qualifiedName: qn('sales') });
      expect(rel.sd).toMatchObject({ guid: ordersSd, typeName: 'hive_storagedesc', relationshipType: 'hive_table_storagedesc' });
      expect(guidsOf(rel.inputToProcesses)).toEqual([processGuid]);
      expect(rel.outputFromProcesses).toEqual([]);
      // legacy relationship ends are also plain references in `attributes` (spec 10.2)
      expect(entity.attributes?.db).toEqual({ guid: dbGuid, typeName: 'hive_db' });
      expect(guidsOf(entity.attributes?.columns)).toEqual([...orderColumns].sort());
      // relationship guids are the stored instances'
      const relGuids = (await t.db.query(`SELECT guid FROM relationship WHERE end1_guid = $1 AND type_name = 'hive_table_columns'`, [ordersGuid])).map((r: { guid: string }) => r.guid).sort();
      expect((rel.columns as AtlasRelatedObjectId[]).map((c) => c.relationshipGuid).sort()).toEqual(relGuids);

      expect(Object.keys(referredEntities).sort()).toEqual([...orderColumns, ordersSd].sort());
      expect(referredEntities[orderColumns[1]]).toMatchObject({ typeName: 'hive_column', attributes: { name: 'amount', type: 'string', position: 1 } });
      expect(referredEntities[orderColumns[1]].relationshipAttributes?.table).toMatchObject({ guid: ordersGuid, relationshipType: 'hive_table_columns' });
    });

    it('GET /entity/guid/{db}: db.tables lists both tables; nothing owned', async () => {
      const res = await t.as(ADMIN).get(`${V2}/entity/guid/${dbGuid}`).expect(200);
      expect(guidsOf(res.body.entity.relationshipAttributes.tables)).toEqual([ordersGuid, reportGuid].sort());
      expect(res.body.entity.attributes).toMatchObject({ clusterName: CLUSTER, ownerType: 'USER', parameters: { team: 'finance' } });
      expect(res.body.referredEntities).toEqual({});
    });

    it('GET /entity/guid/{process}: inputs and outputs', async () => {
      const res = await t.as(ADMIN).get(`${V2}/entity/guid/${processGuid}`).expect(200);
      const e = res.body.entity as AtlasEntity;
      expect(guidsOf(e.relationshipAttributes?.inputs)).toEqual([ordersGuid]);
      expect(guidsOf(e.relationshipAttributes?.outputs)).toEqual([reportGuid]);
      expect((e.relationshipAttributes?.inputs as AtlasRelatedObjectId[])[0]).toMatchObject({ relationshipType: 'dataset_process_inputs', relationshipGuid: expect.any(String) });
    });

    it('GET /entity/uniqueAttribute/type/{type}?attr:qualifiedName= finds the same entity, also through a super-type', async () => {
      const byType = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/hive_table`).query({ 'attr:qualifiedName': qn('sales.orders') }).expect(200);
      expect(byType.body.entity.guid).toBe(ordersGuid);
      expect(Object.keys(byType.body.referredEntities).sort()).toEqual([...orderColumns, ordersSd].sort());
      const bySuper = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/DataSet?attr:qualifiedName=${encodeURIComponent(qn('sales.orders'))}`).expect(200);
      expect(bySuper.body.entity.guid).toBe(ordersGuid);
      const column = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/hive_column`).query({ 'attr:qualifiedName': qn('sales.orders.amount') }).expect(200);
      expect(column.body.entity.guid).toBe(orderColumns[1]);
      const db = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/hive_db`).query({ 'attr:qualifiedName': qn('sales') }).expect(200);
      expect(db.body.entity.guid).toBe(dbGuid);
    });

    it('GET /entity/bulk?guid=…: the entities in order, their owned entities once in referredEntities', async () => {
      const res = await t.as(ADMIN).get(`${V2}/entity/bulk?guid=${reportGuid}&guid=${ordersGuid}&guid=${orderColumns[0]}`).expect(200);
      expect(res.body.entities.map((e: AtlasEntity) => e.guid)).toEqual([reportGuid, ordersGuid, orderColumns[0]]);
      expect(Object.keys(res.body.referredEntities).sort()).toEqual([...orderColumns.slice(1), ordersSd, reportColumn, reportSd].sort());
    });
  });

  describe('update', () => {
    it('PUT /entity/uniqueAttribute/type/hive_table updates only what the body names', async () => {
      const before = (await t.as(ADMIN).get(`${V2}/entity/guid/${ordersGuid}`).expect(200)).body.entity as AtlasEntity;
      const res = await t.as(ADMIN)
        .put(`${V2}/entity/uniqueAttribute/type/hive_table`)
        .query({ 'attr:qualifiedName': qn('sales.orders') })
        .send({ entity: { typeName: 'hive_table', attributes: { comment: 'all orders', retention: 30 } } })
        .expect(200);
      expect(res.body.mutatedEntities).toEqual({ PARTIAL_UPDATE: [expect.objectContaining({ guid: ordersGuid, typeName: 'hive_table' })] });
      const after = (await t.as(ADMIN).get(`${V2}/entity/guid/${ordersGuid}`).expect(200)).body.entity as AtlasEntity;
      expect(after.attributes).toMatchObject({ comment: 'all orders', retention: 30, name: 'orders', qualifiedName: qn('sales.orders'), owner: 'etl' });
      expect(after.version).toBe((before.version ?? 0) + 1);
      expect(after.updateTime).toBeGreaterThanOrEqual(before.updateTime ?? 0);
      expect(after.createTime).toBe(before.createTime);
      // relationships the body did not name are kept
      expect(guidsOf(after.relationshipAttributes?.columns)).toEqual([...orderColumns].sort());
      expect(after.relationshipAttributes?.db).toMatchObject({ guid: dbGuid });
    });

    it('POST /entity with a placeholder guid and an existing qualifiedName updates that entity', async () => {
      const res = await t.as(ADMIN).post(`${V2}/entity`).send({
        entity: { typeName: 'hive_db', guid: '-5', attributes: { qualifiedName: qn('sales'), name: 'sales', clusterName: CLUSTER, description: 'sales data' } },
      }).expect(200);
      expect(res.body.guidAssignments).toEqual({ '-5': dbGuid });
      expect(res.body.mutatedEntities).toEqual({ UPDATE: [expect.objectContaining({ guid: dbGuid })] });
      const db = (await t.as(ADMIN).get(`${V2}/entity/guid/${dbGuid}`).expect(200)).body.entity as AtlasEntity;
      expect(db.attributes).toMatchObject({ description: 'sales data', parameters: { team: 'finance' } });
      expect(guidsOf(db.relationshipAttributes?.tables)).toEqual([ordersGuid, reportGuid].sort());
      expect(await countRows(`SELECT count(*) AS n FROM entity WHERE type_name = 'hive_db'`)).toBe(1);
    });

    it('a supplied relationship attribute replaces the stored links', async () => {
      const extra = await t.as(ADMIN).post(`${V2}/entity`).send({
        entity: { typeName: 'hive_column', guid: '-1', attributes: { qualifiedName: qn('sales.daily_report.day'), name: 'day', type: 'date', table: { guid: reportGuid, typeName: 'hive_table' } } },
      }).expect(200);
      const dayGuid = extra.body.guidAssignments['-1'];
      let report = (await t.as(ADMIN).get(`${V2}/entity/guid/${reportGuid}`).expect(200)).body;
      expect(guidsOf(report.entity.relationshipAttributes.columns)).toEqual([reportColumn, dayGuid].sort());
      await t.as(ADMIN).put(`${V2}/entity/uniqueAttribute/type/hive_table`).query({ 'attr:qualifiedName': qn('sales.daily_report') })
        .send({ entity: { typeName: 'hive_table', attributes: { columns: [{ guid: reportColumn, typeName: 'hive_column' }] } } })
        .expect(200);
      report = (await t.as(ADMIN).get(`${V2}/entity/guid/${reportGuid}`).expect(200)).body;
      const active = (report.entity.relationshipAttributes.columns as AtlasRelatedObjectId[]).filter((c) => c.relationshipStatus === 'ACTIVE');
      expect(active.map((c) => c.guid)).toEqual([reportColumn]);
      // the legacy end in attributes shows the same links, the DELETED one too (as Atlas writes them, spec 2.5)
      expect(guidsOf(report.entity.attributes.columns)).toEqual([reportColumn, dayGuid].sort());
      // the column the table owned and no longer lists is deleted (spec 5.7.5)
      expect((await t.as(ADMIN).get(`${V2}/entity/guid/${dayGuid}`).expect(200)).body.entity.status).toBe('DELETED');
    });
  });

  describe('classifications and propagation (spec 10.4, 10.5)', () => {
    let laterLineage: { summary: string; process: string };
    it('POST /entity/guid/{guid}/classifications: 204; the tag propagates along lineage input -> process -> output', async () => {
      await t.as(ADMIN).post(`${V2}/types/typedefs`).send({
        classificationDefs: [{ name: 'PII', description: 'personal data', superTypes: [], attributeDefs: [{ name: 'level', typeName: 'int', isOptional: true, cardinality: 'SINGLE' }] }],
      }).expect(200);
      const res = await t.as(ADMIN).post(`${V2}/entity/guid/${ordersGuid}/classifications`).send([{ typeName: 'PII', attributes: { level: 2 } }]).expect(204);
      expect(res.text).toBe('');

      const orders = (await t.as(ADMIN).get(`${V2}/entity/guid/${ordersGuid}`).expect(200)).body.entity as AtlasEntity;
      expect(orders.classifications).toEqual([
        expect.objectContaining({ typeName: 'PII', attributes: { level: 2 }, entityGuid: ordersGuid, entityStatus: 'ACTIVE', propagate: true }),
      ]);
      for (const guid of [processGuid, reportGuid]) {
        const e = (await t.as(ADMIN).get(`${V2}/entity/guid/${guid}`).expect(200)).body.entity as AtlasEntity;
        expect(e.classifications).toEqual([expect.objectContaining({ typeName: 'PII', entityGuid: ordersGuid, propagate: true })]);
      }
      // hive relationships are NONE: the orders columns and the db stay untagged
      for (const guid of [orderColumns[0], dbGuid]) {
        expect((await t.as(ADMIN).get(`${V2}/entity/guid/${guid}`).expect(200)).body.entity.classifications).toEqual([]);
      }
      expect(await countRows(`SELECT count(*) AS n FROM classification`)).toBe(1);
      expect((await t.db.query(`SELECT entity_guid FROM propagated_classification ORDER BY entity_guid`)).map((r: { entity_guid: string }) => r.entity_guid))
        .toEqual([processGuid, reportGuid].sort());
    });

    it('a classification given with propagate:false stays on its entity', async () => {
      await t.as(ADMIN).post(`${V2}/entity/guid/${reportGuid}/classifications`).send([{ typeName: 'PII', propagate: false }]).expect(204);
      const report = (await t.as(ADMIN).get(`${V2}/entity/guid/${reportGuid}`).expect(200)).body.entity as AtlasEntity;
      expect(report.classifications?.map((c) => [c.typeName, c.entityGuid, c.propagate]).sort()).toEqual(
        [['PII', ordersGuid, true], ['PII', reportGuid, false]].sort(),
      );
    });

    it('lineage added later picks up the propagated tag transitively (input -> p1 -> report -> p2 -> summary)', async () => {
      const res = await t.as(ADMIN).post(`${V2}/entity/bulk`).send({
        entities: [
          { typeName: 'hive_table', guid: '-1', attributes: { qualifiedName: qn('sales.summary'), name: 'summary', db: { guid: dbGuid, typeName: 'hive_db' } } },
          {
            typeName: 'hive_process', guid: '-2',
            attributes: {
              qualifiedName: qn('sales.summary') + ':1', name: 'summarise', startTime: 1, endTime: 2, userName: 'etl', operationType: 'QUERY',
              queryText: 'insert into summary select * from daily_report', queryPlan: '', queryId: 'q-2',
              inputs: [{ guid: reportGuid, typeName: 'hive_table' }], outputs: [{ guid: '-1', typeName: 'hive_table' }],
            },
          },
        ],
      }).expect(200);
      const summary = (await t.as(ADMIN).get(`${V2}/entity/guid/${res.body.guidAssignments['-1']}`).expect(200)).body.entity as AtlasEntity;
      expect(summary.classifications).toEqual([expect.objectContaining({ typeName: 'PII', entityGuid: ordersGuid })]);
      laterLineage = { summary: res.body.guidAssignments['-1'], process: res.body.guidAssignments['-2'] };
    });

    it('deleting the process cuts the propagation behind it: the table after it loses the tag, the one before keeps it', async () => {
      const propagatedTo = async (guid: string) =>
        (await t.db.query(`SELECT source_guid FROM propagated_classification WHERE entity_guid = $1`, [guid])).map((r: { source_guid: string }) => r.source_guid);
      expect(await propagatedTo(laterLineage.summary)).toEqual([ordersGuid]);
      await t.as(ADMIN).delete(`${V2}/entity/guid/${laterLineage.process}`).expect(200);
      expect((await t.as(ADMIN).get(`${V2}/entity/guid/${laterLineage.summary}`).expect(200)).body.entity.classifications).toEqual([]);
      expect(await propagatedTo(laterLineage.summary)).toEqual([]);
      expect(await propagatedTo(laterLineage.process)).toEqual([]);
      expect(await propagatedTo(reportGuid)).toEqual([ordersGuid]);
    });

    it('a type the entity already carries, or named twice, is 400 ATLAS-400-00-01B and changes nothing', async () => {
      const before = await t.db.query(`SELECT c.attributes, e.update_time, e.change_seq FROM classification c JOIN entity e ON e.guid = c.entity_guid
                                        WHERE c.entity_guid = $1 AND c.type_name = 'PII'`, [ordersGuid]);
      expect(before).toHaveLength(1);
      const again = await t.as(ADMIN).post(`${V2}/entity/guid/${ordersGuid}/classifications`).send([{ typeName: 'PII', attributes: { level: 9 } }]).expect(400);
      expect(again.body).toEqual({ errorCode: 'ATLAS-400-00-01B', errorMessage: `instance ${ordersGuid} already is associated with classification PII` });
      expect(await t.db.query(`SELECT c.attributes, e.update_time, e.change_seq FROM classification c JOIN entity e ON e.guid = c.entity_guid
                               WHERE c.entity_guid = $1 AND c.type_name = 'PII'`, [ordersGuid])).toEqual(before);

      const twice = await t.as(ADMIN).post(`${V2}/entity/guid/${dbGuid}/classifications`).send([{ typeName: 'PII' }, { typeName: 'PII', attributes: { level: 1 } }]).expect(400);
      expect(twice.body).toEqual({ errorCode: 'ATLAS-400-00-01B', errorMessage: `instance ${dbGuid} already is associated with classification PII` });
      expect(await countRows(`SELECT count(*) AS n FROM classification WHERE entity_guid = $1`, [dbGuid])).toBe(0);
    });

    it('an unknown classification type is refused', async () => {
      const res = await t.as(ADMIN).post(`${V2}/entity/guid/${ordersGuid}/classifications`).send([{ typeName: 'NoSuchTag' }]).expect(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-014', errorMessage: 'Type CLASSIFICATION with name NoSuchTag does not exist' });
    });
  });

  describe('soft delete (spec 10.2)', () => {
    it('DELETE /entity/guid/{table}: DELETED with its columns and sd; lookups by unique attribute stop finding it', async () => {
      const relsBefore = await countRows(`SELECT count(*) AS n FROM relationship WHERE status = 'ACTIVE'`);
      const res = await t.as(ADMIN).delete(`${V2}/entity/guid/${ordersGuid}`).expect(200);
      const deleted = (res.body.mutatedEntities.DELETE as Array<{ guid: string; status: string }>);
      expect(deleted.map((h) => h.guid).sort()).toEqual([ordersGuid, ...orderColumns, ordersSd].sort());
      expect(deleted.every((h) => h.status === 'DELETED')).toBe(true);

      const rows: Array<{ guid: string; status: string }> = await t.db.query(`SELECT guid, status FROM entity WHERE guid = ANY($1::text[])`, [[ordersGuid, ...orderColumns, ordersSd, dbGuid, processGuid]]);
      const status = Object.fromEntries(rows.map((r) => [r.guid, r.status]));
      expect(status).toEqual({
        [ordersGuid]: 'DELETED', [orderColumns[0]]: 'DELETED', [orderColumns[1]]: 'DELETED', [orderColumns[2]]: 'DELETED', [ordersSd]: 'DELETED',
        [dbGuid]: 'ACTIVE', [processGuid]: 'ACTIVE',
      });
      // every relationship touching a deleted entity: db link, 3 columns, sd, process input
      expect(await countRows(`SELECT count(*) AS n FROM relationship WHERE status = 'ACTIVE'`)).toBe(relsBefore - 6);
      expect(await countRows(`SELECT count(*) AS n FROM entity_unique WHERE guid = ANY($1::text[])`, [[ordersGuid, ...orderColumns, ordersSd]])).toBe(0);

      // still readable by guid
      const orders = (await t.as(ADMIN).get(`${V2}/entity/guid/${ordersGuid}`).expect(200)).body;
      expect(orders.entity.status).toBe('DELETED');
      expect(orders.entity.relationshipAttributes.db).toMatchObject({ guid: dbGuid, relationshipStatus: 'DELETED' });
      const db = (await t.as(ADMIN).get(`${V2}/entity/guid/${dbGuid}`).expect(200)).body.entity;
      expect(db.relationshipAttributes.tables.find((r: AtlasRelatedObjectId) => r.guid === ordersGuid))
        .toMatchObject({ entityStatus: 'DELETED', relationshipStatus: 'DELETED' });

      const gone = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/hive_table`).query({ 'attr:qualifiedName': qn('sales.orders') }).expect(404);
      expect(gone.body).toEqual({
        errorCode: 'ATLAS-404-00-009',
        errorMessage: `Instance hive_table with unique attribute {qualifiedName=${qn('sales.orders')}} does not exist`,
      });
    });

    it('propagation stops at the deleted source; a second delete reports nothing', async () => {
      const report = (await t.as(ADMIN).get(`${V2}/entity/guid/${reportGuid}`).expect(200)).body.entity as AtlasEntity;
      expect(report.classifications?.map((c) => c.entityGuid)).toEqual([reportGuid]);
      const again = await t.as(ADMIN).delete(`${V2}/entity/guid/${ordersGuid}`).expect(200);
      expect(again.body).toEqual({});
    });

    it('the released qualifiedName can be used by a new table', async () => {
      const res = await t.as(ADMIN).post(`${V2}/entity`).send({
        entity: { typeName: 'hive_table', guid: '-1', attributes: { qualifiedName: qn('sales.orders'), name: 'orders', db: { guid: dbGuid, typeName: 'hive_db' } } },
      }).expect(200);
      const newGuid = res.body.guidAssignments['-1'];
      expect(newGuid).not.toBe(ordersGuid);
      expect(res.body.mutatedEntities.CREATE).toHaveLength(1);
      const found = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/hive_table`).query({ 'attr:qualifiedName': qn('sales.orders') }).expect(200);
      expect(found.body.entity.guid).toBe(newGuid);
    });
  });

  describe('Atlas error bodies', () => {
    it('unknown guid: 404 ATLAS-404-00-005 (GET, bulk GET, classifications); DELETE is 200 {} as in Atlas', async () => {
      const body = { errorCode: 'ATLAS-404-00-005', errorMessage: 'Given instance guid 0badf00d-0000-0000-0000-000000000000 is invalid/not found' };
      expect((await t.as(ADMIN).get(`${V2}/entity/guid/0badf00d-0000-0000-0000-000000000000`).expect(404)).body).toEqual(body);
      expect((await t.as(ADMIN).get(`${V2}/entity/bulk?guid=${dbGuid}&guid=0badf00d-0000-0000-0000-000000000000`).expect(404)).body).toEqual(body);
      expect((await t.as(ADMIN).delete(`${V2}/entity/guid/0badf00d-0000-0000-0000-000000000000`).expect(200)).body).toEqual({});
      expect((await t.as(ADMIN).post(`${V2}/entity/guid/0badf00d-0000-0000-0000-000000000000/classifications`).send([{ typeName: 'PII' }]).expect(404)).body).toEqual(body);
    });

    it('unknown type: 400 ATLAS-400-00-014, nothing written', async () => {
      const before = await countRows(`SELECT count(*) AS n FROM entity`);
      const res = await t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'no_such_type', attributes: { qualifiedName: 'x' } } }).expect(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-014', errorMessage: 'Type ENTITY with name no_such_type does not exist' });
      const byUnique = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/no_such_type`).query({ 'attr:qualifiedName': 'x' }).expect(400);
      expect(byUnique.body).toEqual({ errorCode: 'ATLAS-400-00-014', errorMessage: 'Type ENTITY with name no_such_type does not exist' });
      expect(await countRows(`SELECT count(*) AS n FROM entity`)).toBe(before);
    });

    it('missing mandatory attribute: 404 ATLAS-404-00-007, nothing written', async () => {
      const before = await countRows(`SELECT count(*) AS n FROM entity`);
      const res = await t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'hive_db', attributes: { qualifiedName: qn('hr'), name: 'hr' } } }).expect(404);
      expect(res.body.errorCode).toBe('ATLAS-404-00-007');
      expect(res.body.errorMessage).toMatch(/^Invalid instance creation\/updation parameters passed : hive_db\.clusterName: mandatory attribute value missing/);
      // inside a bulk request the whole request fails
      const bulk = await t.as(ADMIN).post(`${V2}/entity/bulk`).send({
        entities: [
          { typeName: 'hive_db', attributes: { qualifiedName: qn('hr'), name: 'hr', clusterName: CLUSTER } },
          { typeName: 'hive_column', attributes: { qualifiedName: qn('hr.x.y'), name: 'y' } },
        ],
      }).expect(404);
      expect(bulk.body.errorCode).toBe('ATLAS-404-00-007');
      expect(await countRows(`SELECT count(*) AS n FROM entity`)).toBe(before);
    });

    it('duplicate unique attribute across types: 400 ATLAS-400-00-0A3, nothing written', async () => {
      const before = await countRows(`SELECT count(*) AS n FROM entity`);
      const res = await t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'hive_table', attributes: { qualifiedName: qn('sales'), name: 'sales' } } }).expect(400);
      expect(res.body).toEqual({ errorCode: 'ATLAS-400-00-0A3', errorMessage: `Unique attribute qualifiedName with value ${qn('sales')} already exists for type hive_table` });
      // twice in one request
      const twice = await t.as(ADMIN).post(`${V2}/entity/bulk`).send({
        entities: [
          { typeName: 'hive_db', attributes: { qualifiedName: qn('dup'), name: 'a', clusterName: CLUSTER } },
          { typeName: 'hive_table', attributes: { qualifiedName: qn('dup'), name: 'b' } },
        ],
      }).expect(400);
      expect(twice.body.errorCode).toBe('ATLAS-400-00-0A3');
      expect(await countRows(`SELECT count(*) AS n FROM entity`)).toBe(before);
    });

    it('unique-attribute lookups: 400 ATLAS-400-00-013 without attr: or with a non-unique attribute', async () => {
      const none = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/hive_table`).expect(400);
      expect(none.body).toEqual({ errorCode: 'ATLAS-400-00-013', errorMessage: 'Type hive_table with unique attribute  does not exist' });
      const notUnique = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/hive_table`).query({ 'attr:name': 'orders' }).expect(400);
      expect(notUnique.body).toEqual({ errorCode: 'ATLAS-400-00-013', errorMessage: 'Type hive_table with unique attribute name does not exist' });
      const put = await t.as(ADMIN).put(`${V2}/entity/uniqueAttribute/type/hive_db`).query({ 'attr:qualifiedName': qn('nope') }).send({ entity: { typeName: 'hive_db', attributes: { description: 'x' } } }).expect(404);
      expect(put.body).toEqual({ errorCode: 'ATLAS-404-00-009', errorMessage: `Instance hive_db with unique attribute {qualifiedName=${qn('nope')}} does not exist` });
    });

    it('a reference to an entity that does not exist: 400 ATLAS-400-00-021', async () => {
      const res = await t.as(ADMIN).post(`${V2}/entity`).send({
        entity: { typeName: 'hive_table', attributes: { qualifiedName: qn('sales.x'), name: 'x', db: { guid: '0badf00d-1111-0000-0000-000000000000', typeName: 'hive_db' } } },
      }).expect(400);
      expect(res.body.errorCode).toBe('ATLAS-400-00-021');
    });

    it('a malformed body: 400 ATLAS-400-00-01A naming the field', async () => {
      const res = await t.as(ADMIN).post(`${V2}/entity`).send({ entity: { attributes: {} } }).expect(400);
      expect(res.body.errorCode).toBe('ATLAS-400-00-01A');
      expect(res.body.errorMessage).toContain('entity.typeName');
      const notArray = await t.as(ADMIN).post(`${V2}/entity/guid/${dbGuid}/classifications`).send({ typeName: 'PII' }).expect(400);
      expect(notArray.body.errorCode).toBe('ATLAS-400-00-01A');
    });

    it('without credentials: 401', async () => {
      await t.request.get(`${V2}/entity/guid/${dbGuid}`).expect(401);
      await t.request.get(`${V2}/types/typedefs`).expect(401);
    });
  });
});
