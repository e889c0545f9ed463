import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { PROPAGATION_LOCK_KEY } from '../src/metadata/store/postgres-metadata-store';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';

// Entity writes that race: Atlas's createOrUpdate from many clients at once. Two transactions that both find no
// entity with a unique value both insert one; PostgreSQL lets the second fail on the unique key once the first
// commits (23505). The store runs such a write again (retryLostRace): it then finds the entity and updates it. An
// import batch (the entity API is not locked out during an import) is prepared again and written again likewise.

const V2 = '/api/atlas/v2';
const CLIENTS = 16;

describe('concurrent entity writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ entityDefs: [{ name: 'cw_thing', superTypes: ['DataSet'], attributeDefs: [] }] }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('one entity deleted by many clients at once: one deletes it, the others find it deleted (as one after another would)', async () => {
    const res = await t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'cw_thing', guid: '-1', attributes: { qualifiedName: 'cw-del', name: 'd' } } }).expect(200);
    const guid: string = res.body.guidAssignments['-1'];
    const [{ change_seq: before }] = await t.db.query(`SELECT change_seq FROM entity WHERE guid = $1`, [guid]);
    const deletes = await Promise.all(Array.from({ length: CLIENTS }, () => t.as(ADMIN).delete(`${V2}/entity/guid/${guid}`)));
    expect(deletes.map((r) => r.status)).toEqual(Array(CLIENTS).fill(200));
    expect(deletes.filter((r) => r.body.mutatedEntities?.DELETE)).toHaveLength(1);
    const sequential = await t.as(ADMIN).delete(`${V2}/entity/guid/${guid}`).expect(200);
    for (const r of deletes.filter((d) => !d.body.mutatedEntities?.DELETE)) expect(r.body).toEqual(sequential.body);
    const [{ status, change_seq: after }] = await t.db.query(`SELECT status, change_seq FROM entity WHERE guid = $1`, [guid]);
    expect(status).toBe('DELETED');
    expect(Number(after)).toBeGreaterThan(Number(before));
  });

  it('createOrUpdate of one new entity by many clients at once: every one succeeds, one creates it, the others update it', async () => {
    for (const qn of ['cw-1', 'cw-2', 'cw-3']) {
      const post = (i: number) => t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'cw_thing', attributes: { qualifiedName: qn, name: `n${i}` } } });
      const res = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => post(i)));
      expect(res.map((r) => r.status)).toEqual(Array(CLIENTS).fill(200));
      const rows: Array<{ guid: string; name: string }> = await t.db.query(
        `SELECT guid, attributes->>'name' AS name FROM entity WHERE type_name = 'cw_thing' AND attributes->>'qualifiedName' = $1`, [qn],
      );
      expect(rows).toHaveLength(1);
      const created = res.filter((r) => r.body.mutatedEntities.CREATE);
      expect(created).toHaveLength(1);
      for (const r of res) expect(Object.values(r.body.mutatedEntities).flat()).toEqual([expect.objectContaining({ guid: rows[0].guid })]);
      const unique = await t.db.query(`SELECT guid FROM entity_unique WHERE type_name = 'Referenceable' AND attr_name = 'qualifiedName' AND value = $1`, [qn]);
      expect(unique).toEqual([{ guid: rows[0].guid }]);
    }
  });
});

describe('concurrent classification adds, and the propagation recomputations they start', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.as(ADMIN).post(`${V2}/types/typedefs`).send({
      entityDefs: [{ name: 'cw_item', superTypes: ['DataSet'], attributeDefs: [] }],
      classificationDefs: [{ name: 'CW_TAG', attributeDefs: [{ name: 'n', typeName: 'int', isOptional: true, cardinality: 'SINGLE' }] }],
    }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the same classification added to one entity by many clients at once: one adds it, the others get 400 ATLAS-400-00-01B', async () => {
    const res = await t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'cw_item', guid: '-1', attributes: { qualifiedName: 'cw-item', name: 'item' } } }).expect(200);
    const guid: string = res.body.guidAssignments['-1'];
    const adds = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => t.as(ADMIN).post(`${V2}/entity/guid/${guid}/classifications`).send([{ typeName: 'CW_TAG', attributes: { n: i } }])));
    expect(adds.filter((r) => r.status === 204)).toHaveLength(1);
    const refused = adds.filter((r) => r.status !== 204);
    expect(refused).toHaveLength(CLIENTS - 1);
    for (const r of refused) expect(r.body).toEqual({ errorCode: 'ATLAS-400-00-01B', errorMessage: `instance ${guid} already is associated with classification CW_TAG` });
    // the stored one is the one whose request succeeded
    const winner = adds.findIndex((r) => r.status === 204);
    expect(await t.db.query(`SELECT attributes FROM classification WHERE entity_guid = $1`, [guid])).toEqual([{ attributes: { n: winner } }]);
  });

  it('take turns: an entity write waits for a recomputation in progress, whose snapshot it must not overlap', async () => {
    const res = await t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'cw_item', guid: '-1', attributes: { qualifiedName: 'cw-tag', name: 't' } } }).expect(200);
    const guid: string = res.body.guidAssignments['-1'];
    await t.as(ADMIN).post(`${V2}/entity/guid/${guid}/classifications`).send([{ typeName: 'CW_TAG', propagate: true }]).expect(204);
    // another recomputation in progress: its transaction holds the lock
    const other = await t.db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(`SELECT pg_advisory_xact_lock(${PROPAGATION_LOCK_KEY})`);
    try {
      const update = t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'cw_item', guid, attributes: { qualifiedName: 'cw-tag', name: 't2' } } }).then((r) => r);
      const first = await Promise.race([update.then(() => 'answered'), sleep(700).then(() => 'waiting')]);
      expect(first).toBe('waiting');
      await other.commitTransaction();
      expect((await update).status).toBe(200);
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
  });
});

describe('an import batch that races an entity write', () => {
  const DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783'; // stocks.zip's hive_db stocks@cl1
  const OTHER = 'c0ffee00-0000-4000-8000-000000000001';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is written again once the other commits, and re-keys the entity the other created (spec 5.7.3)', async () => {
    // another writer creates hive_db stocks@cl1 under another guid and has not committed yet: the import's identity
    // lookup cannot see it, its insert of the unique value waits for it, and fails once it commits
    const other = t.db.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await other.query(
        `INSERT INTO entity (guid, type_name, attributes, created_by, updated_by, create_time, update_time)
         VALUES ($1, 'hive_db', '{"qualifiedName":"stocks@cl1","name":"stocks","clusterName":"cl1"}', 'bob', 'bob', 1, 1)`, [OTHER],
      );
      await other.query(`INSERT INTO entity_unique (type_name, attr_name, value, guid) VALUES ('Referenceable', 'qualifiedName', 'stocks@cl1', $1)`, [OTHER]);
      const importing = importZip(t, 'stocks.zip');
      const pending = importing.then((r) => r); // starts the request
      for (let i = 0; ; i++) {
        const [{ n }] = await t.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1`,
          [(await other.query(`SELECT pg_backend_pid() AS pid`))[0].pid],
        );
        if (n > 0) break;
        if (i > 200) throw new Error('the import never waited for the other writer');
        await sleep(25);
      }
      await other.commitTransaction();
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.body.operationStatus).toBe('SUCCESS');
      // the hive_db was re-keyed and updated, every other entity of the archive created
      expect(res.body.metrics['entity:hive_db:updated']).toBe(1);
      expect(res.body.metrics['entity:hive_db:created']).toBeUndefined();
    } finally {
      await other.release();
    }
    expect(await t.db.query(`SELECT guid, historical_guids FROM entity WHERE type_name = 'hive_db'`)).toEqual([{ guid: DB, historical_guids: [OTHER] }]);
    expect(await t.db.query(`SELECT guid FROM entity_unique WHERE value = 'stocks@cl1'`)).toEqual([{ guid: DB }]);
    expect(Number((await t.db.query(`SELECT count(*) AS n FROM entity`))[0].n)).toBe(13); // stocks.zip's 13 entities
  });
});
