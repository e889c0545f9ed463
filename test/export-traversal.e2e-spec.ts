// Traversal and start entities of POST /admin/export on real PostgreSQL: conformance case 56 (the worked example
// of spec 3.4), case 59 (hdfs_path, spec 4), the matchType rules of spec 3.3, the lock and the abort path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportHooks } from '../src/export/export-hooks';
import { OperationLockService } from '../src/operation-lock';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir } from './helpers/fixtures';
import { errorBody, exportZip } from './helpers/export-archive';

const V2 = '/api/atlas/v2';

describe('traversal over the worked example of spec 3.4 (case 56)', () => {
  let t: TestApp;
  const g: Record<string, string> = {};
  let failHook = false;

  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    const table = (guid: string, name: string) => ({
      typeName: 'hive_table', guid, attributes: { qualifiedName: `d.${name}@cl1`, name, db: { guid: '-1', typeName: 'hive_db' } },
    });
    const res = await t.as(ADMIN).post(`${V2}/entity/bulk`).send({
      entities: [
        { typeName: 'hive_db', guid: '-1', attributes: { qualifiedName: 'd@cl1', name: 'd', clusterName: 'cl1' } },
        table('-2', 't1'), table('-3', 't2'), table('-4', 'c2'),
        {
          typeName: 'hive_process', guid: '-5',
          attributes: {
            qualifiedName: 'p@cl1', name: 'p', startTime: 1, endTime: 2, userName: 'etl', operationType: 'QUERY',
            queryText: 'insert into c2 select * from t2', queryPlan: '', queryId: 'q-1',
            inputs: [{ guid: '-3', typeName: 'hive_table' }], outputs: [{ guid: '-4', typeName: 'hive_table' }],
          },
        },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const a = res.body.guidAssignments as Record<string, string>;
    Object.assign(g, { D: a['-1'], T1: a['-2'], T2: a['-3'], C2: a['-4'], P: a['-5'] });
    t.app.get(ExportHooks).register('test: fails on demand', async () => {
      if (failHook) throw new Error('after-export work failed');
    });
  });
  afterAll(async () => t?.close());

  const QN: Record<string, [string, string]> = { D: ['hive_db', 'd@cl1'], T1: ['hive_table', 'd.t1@cl1'], C2: ['hive_table', 'd.c2@cl1'] };
  const CASES: Array<[string, string, boolean, string[]]> = [
    ['D', 'full', false, ['D', 'T1', 'T2', 'C2', 'P']],
    ['D', 'full', true, ['D', 'T1', 'T2', 'C2']],
    ['C2', 'full', false, ['D', 'T1', 'T2', 'C2', 'P']],
    ['T1', 'full', true, ['D', 'T1', 'T2', 'C2']],
    ['D', 'connected', false, ['D', 'T1', 'T2', 'C2', 'P']],
    ['D', 'connected', true, ['D', 'T1', 'T2', 'C2']],
    ['C2', 'connected', false, ['C2', 'D', 'P', 'T2']],
    ['C2', 'connected', true, ['C2', 'D']],
    ['T1', 'connected', false, ['T1', 'D']],
    ['T1', 'connected', true, ['T1', 'D']],
  ];
  for (const [start, fetchType, skipLineage, expected] of CASES) {
    it(`${start} ${fetchType}${skipLineage ? ' skipLineage' : ''} ⇒ ${expected.join(', ')}`, async () => {
      const [typeName, qualifiedName] = QN[start];
      const a = await exportZip(t, { itemsToExport: [{ typeName, uniqueAttributes: { qualifiedName } }], options: { fetchType, skipLineage } });
      expect(a.status).toBe(200);
      const names = Object.fromEntries(Object.entries(g).map(([k, v]) => [v, k]));
      const got = a.order.map((x) => names[x] ?? x);
      expect([...got].sort()).toEqual([...expected].sort());
      expect(got[0]).toBe(start);
      // the order of spec 3.4's table where it is determined: queue waves, lineage after the non-lineage of a wave
      if (start === 'C2' && fetchType === 'connected' && !skipLineage) expect(got).toEqual(expected);
      if (start === 'D' && got.includes('P')) expect(got[got.length - 1]).toBe('P');
    });
  }

  it('D connected follows D -> tables (IN) -> P (IN) -> T2, C2 (OUT) in that order', async () => {
    const a = await exportZip(t, { itemsToExport: [{ guid: g.D }], options: { fetchType: 'connected' } });
    expect(a.order.slice(0, 1)).toEqual([g.D]);
    expect(a.order.slice(1, 4).sort()).toEqual([g.T1, g.T2, g.C2].sort());
    expect(a.order[4]).toBe(g.P);
  });

  it('matchType rules (spec 3.3): startsWith, endsWith, contains, matches, exact, unknown attributes, sub-types', async () => {
    const tables = async (uniqueAttributes: Record<string, unknown>, matchType?: string, typeName = 'hive_table') => {
      const a = await exportZip(t, { itemsToExport: [{ typeName, uniqueAttributes }], options: { fetchType: 'connected', skipLineage: true, ...(matchType ? { matchType } : {}) } });
      return { status: a.info.operationStatus, tops: a.order.filter((x) => x !== g.D).sort() };
    };
    expect(await tables({ qualifiedName: 'd.t' }, 'startsWith')).toEqual({ status: 'SUCCESS', tops: [g.T1, g.T2].sort() });
    expect(await tables({ qualifiedName: '2@cl1' }, 'endsWith')).toEqual({ status: 'SUCCESS', tops: [g.T2, g.C2].sort() });
    expect(await tables({ name: 't' }, 'contains')).toEqual({ status: 'SUCCESS', tops: [g.T1, g.T2].sort() });
    expect(await tables({ qualifiedName: 'd\\.[ct]2@.*' }, 'matches')).toEqual({ status: 'SUCCESS', tops: [g.T2, g.C2].sort() });
    // matches is a whole-value match; matchType is case-sensitive ("CONTAINS" is exact)
    expect(await tables({ qualifiedName: 'd\\.t' }, 'matches')).toEqual({ status: 'FAIL', tops: [] });
    // Java's syntax (spec 3.3: "Java semantics"): \b is a word boundary, (?i) a leading flag
    expect(await tables({ qualifiedName: '.*\\bt2\\b.*' }, 'matches')).toEqual({ status: 'SUCCESS', tops: [g.T2] });
    expect(await tables({ qualifiedName: '(?i)D\\.T2@CL1' }, 'matches')).toEqual({ status: 'SUCCESS', tops: [g.T2] });
    expect(await tables({ name: 't' }, 'CONTAINS')).toEqual({ status: 'FAIL', tops: [] });
    expect(await tables({ name: 't1' })).toEqual({ status: 'SUCCESS', tops: [g.T1] });
    // any attribute, unique or not; a pair whose attribute the type lacks is skipped; the union of the pairs
    expect(await tables({ name: 't1', nope: 'x', qualifiedName: 'd.c2@cl1' })).toEqual({ status: 'SUCCESS', tops: [g.T1, g.C2].sort() });
    expect(await tables({ nope: 'x' })).toEqual({ status: 'FAIL', tops: [] });
    // exact type only: DataSet does not find its sub-type hive_table; an unknown type FAILs the item
    expect(await tables({ name: 't1' }, undefined, 'DataSet')).toEqual({ status: 'FAIL', tops: [] });
    expect(await tables({ name: 't1' }, undefined, 'no_such_type')).toEqual({ status: 'FAIL', tops: [] });
    const bad = await exportZip(t, { itemsToExport: [{ typeName: 'hive_table', uniqueAttributes: { name: '(' } }], options: { matchType: 'matches' } });
    expect(bad.status).toBe(400);
    expect(errorBody(bad).errorCode).toBe('ATLAS-400-00-01A');
  });

  it('forType: a comma-separated list of exact type names, DELETED entities included', async () => {
    const del = await t.as(ADMIN).delete(`${V2}/entity/guid/${g.T1}`);
    expect(del.status).toBe(200);
    const a = await exportZip(t, { itemsToExport: [{ typeName: 'hive_process, hive_table' }], options: { matchType: 'forType', fetchType: 'connected', skipLineage: true } });
    expect(a.info.operationStatus).toBe('SUCCESS');
    expect(a.order).toEqual(expect.arrayContaining([g.P, g.T1, g.T2, g.C2]));
    expect(a.file(g.T1).entity.status).toBe('DELETED');
    // start entities keep the list's type order
    expect(a.order[0]).toBe(g.P);
  });

  it('the operation lock: 409 while another import or export runs (spec P1)', async () => {
    const lock = await t.app.get(OperationLockService).tryAcquire();
    expect(lock).toBeDefined();
    try {
      const a = await exportZip(t, { itemsToExport: [{ guid: g.D }] });
      expect(a.status).toBe(409);
      expect(errorBody(a)).toMatchObject({ errorCode: 'ATLAS-500-00-006' });
    } finally {
      await lock!.release();
    }
    expect((await exportZip(t, { itemsToExport: [{ guid: g.D }] })).status).toBe(200);
  });

  it('a failure after the archive started cuts the connection instead of ending the response', async () => {
    failHook = true;
    try {
      await expect(exportZip(t, { itemsToExport: [{ guid: g.D }] })).rejects.toThrow();
    } finally {
      failHook = false;
    }
    // the lock goes with the connection (released on the response's 'close', asynchronously)
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await exportZip(t, { itemsToExport: [{ guid: g.D }] })).status;
      if (status === 409) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(200);
  });
});

describe('hdfs_path export (spec 4, case 59)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
  });
  afterAll(async () => t?.close());

  const paths = () => t.db.query(`SELECT guid, status, created_by, attributes FROM entity WHERE type_name = 'hdfs_path' ORDER BY create_time, guid`);

  it('a requested path is created once, then exported with matchType startsWith', async () => {
    const request = { itemsToExport: [{ typeName: 'hdfs_path', uniqueAttributes: { path: '/apps/warehouse/finance' } }], options: { matchType: 'startsWith' } };
    const a = await exportZip(t, request);
    expect(a.status).toBe(200);
    const created = await paths();
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      status: 'ACTIVE', created_by: 'admin',
      attributes: { qualifiedName: '/apps/warehouse/finance/@default', path: '/apps/warehouse/finance/', name: '/apps/warehouse/finance/', clusterName: 'default' },
    });
    expect(a.info.operationStatus).toBe('SUCCESS');
    expect(a.order).toEqual([created[0].guid]);
    expect(a.file(created[0].guid).entity.attributes).toMatchObject({ qualifiedName: '/apps/warehouse/finance/@default' });

    const again = await exportZip(t, request);
    expect(again.order).toEqual([created[0].guid]);
    expect(await paths()).toHaveLength(1);
  });

  it('without matchType the path is still created but the exact path does not match: the item FAILs', async () => {
    const a = await exportZip(t, { itemsToExport: [{ typeName: 'HDFS_PATH', uniqueAttributes: { path: '/apps/warehouse/sales/' } }, { typeName: 'hdfs_path', uniqueAttributes: { path: '/apps/warehouse/hr' } }] });
    expect(a.status).toBe(200);
    const all = await paths();
    expect(all.map((p: { attributes: { qualifiedName: string } }) => p.attributes.qualifiedName).sort()).toEqual([
      '/apps/warehouse/finance/@default', '/apps/warehouse/hr/@default', '/apps/warehouse/sales/@default',
    ]);
    // HDFS_PATH is no registered type (the item FAILs); /apps/warehouse/hr (no slash) matches nothing exactly
    expect(a.info.operationStatus).toBe('FAIL');
    expect(a.order).toEqual([]);
    const exact = await exportZip(t, { itemsToExport: [{ typeName: 'hdfs_path', uniqueAttributes: { path: '/apps/warehouse/hr/' } }] });
    expect(exact.info.operationStatus).toBe('SUCCESS');
    expect(exact.order).toHaveLength(1);
  });
});
