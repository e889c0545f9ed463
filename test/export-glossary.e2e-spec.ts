// Spec 3.8 on real PostgreSQL: glossary terms assigned to an exported entity (its `meanings`) come before the file
// that writes the entity, each after its anchor glossary, unless written already; added ones are standalone files.
// Round trip: the export imports into a fresh database with the term assigned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

const V2 = '/api/atlas/v2';

describe('glossary terms of exported entities (spec 3.8)', () => {
  let t: TestApp;
  const g: Record<string, string> = {};
  const name = (guid: string) => Object.entries(g).find(([, v]) => v === guid)?.[0] ?? guid;

  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    const types = await t.as(ADMIN).post(`${V2}/types/typedefs`).send({ classificationDefs: [{ name: 'Finance', attributeDefs: [], superTypes: [] }] });
    expect(types.status, JSON.stringify(types.body)).toBe(200);
    const res = await t.as(ADMIN).post(`${V2}/entity/bulk`).send({
      entities: [
        { typeName: 'AtlasGlossary', guid: '-1', attributes: { qualifiedName: 'sales', name: 'sales' } },
        {
          typeName: 'AtlasGlossaryTerm', guid: '-2', attributes: { qualifiedName: 'revenue@sales', name: 'revenue' },
          relationshipAttributes: { anchor: { guid: '-1', typeName: 'AtlasGlossary' } }, classifications: [{ typeName: 'Finance', propagate: false }],
        },
        { typeName: 'AtlasGlossaryTerm', guid: '-3', attributes: { qualifiedName: 'margin@sales', name: 'margin' }, relationshipAttributes: { anchor: { guid: '-1', typeName: 'AtlasGlossary' } } },
        {
          typeName: 'hive_db', guid: '-4', attributes: { qualifiedName: 'd@cl1', name: 'd', clusterName: 'cl1' },
          relationshipAttributes: { meanings: [{ guid: '-2', typeName: 'AtlasGlossaryTerm' }] },
        },
        { typeName: 'hive_table', guid: '-5', attributes: { qualifiedName: 'd.t1@cl1', name: 't1', db: { guid: '-4', typeName: 'hive_db' } } },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const a = res.body.guidAssignments as Record<string, string>;
    Object.assign(g, { G: a['-1'], T: a['-2'], M: a['-3'], D: a['-4'], T1: a['-5'] });
    const d = await t.as(ADMIN).get(`${V2}/entity/guid/${g.D}`);
    expect(d.body.entity.relationshipAttributes.meanings.map((m: { guid: string }) => m.guid)).toEqual([g.T]);
  });
  afterAll(async () => t?.close());

  it('CONNECTED from a table: the db is reached outward, its term is not; the glossary and the term come before the db as standalone files', async () => {
    const a = await exportZip(t, { itemsToExport: [{ guid: g.T1 }], options: { fetchType: 'connected', skipLineage: true } });
    expect(a.status).toBe(200);
    expect(a.order.map(name)).toEqual(['T1', 'G', 'T', 'D']);
    // standalone: no ext-info, so the glossary's other term is not in the archive
    expect(a.file(g.G).referredEntities).toBeUndefined();
    expect(a.file(g.T).referredEntities).toBeUndefined();
    expect([...a.allGuids()].map(name).sort()).toEqual(['D', 'G', 'T', 'T1']);
    expect(a.info.metrics).toMatchObject({ 'entity:AtlasGlossary': 1, 'entity:AtlasGlossaryTerm': 1, 'entity:hive_db': 1, 'entity:hive_table': 1, 'entity:withExtInfo': 2 });
    // an added term's classification type comes along, so the archive imports where it is not defined
    expect(a.typesDef.classificationDefs.map((d) => d.name)).toEqual(['Finance']);
    // the term is the db's meaning in the db's own file
    expect((a.file(g.D).entity.relationshipAttributes as { meanings: Array<{ guid: string }> }).meanings.map((m) => m.guid)).toEqual([g.T]);
  });

  it('FULL from the db: the glossary, written anyway with its terms, moves up before the db; the term is not written twice', async () => {
    const a = await exportZip(t, { itemsToExport: [{ guid: g.D }], options: { fetchType: 'full' } });
    expect(a.status).toBe(200);
    expect(a.order.map(name)).toEqual(['G', 'D', 'T1']);
    expect(Object.keys(a.file(g.G).referredEntities ?? {}).map(name).sort()).toEqual(['M', 'T']);
    expect(a.info.metrics).toMatchObject({ 'entity:AtlasGlossary': 1, 'entity:AtlasGlossaryTerm': 2, 'entity:withExtInfo': 3 });
    expect(a.typesDef.entityDefs.map((d) => d.name)).toEqual(expect.arrayContaining(['AtlasGlossary', 'AtlasGlossaryTerm', 'hive_db']));
  });

  it('a term assigned to nothing exports as before: inside its glossary\'s file', async () => {
    const a = await exportZip(t, { itemsToExport: [{ guid: g.M }], options: { fetchType: 'connected' } });
    expect(a.order.map(name)).toEqual(['G']);
    expect(Object.keys(a.file(g.G).referredEntities ?? {}).map(name).sort()).toEqual(['M', 'T']);
  });

  it('an incremental export adds only the terms and glossaries changed after its marker', async () => {
    const full = await exportZip(t, { itemsToExport: [{ guid: g.T1 }], options: { fetchType: 'connected', skipLineage: true } });
    // only the db changes; its term and glossary do not
    const upd = await t.as(ADMIN).post(`${V2}/entity`).send({ entity: { typeName: 'hive_db', guid: g.D, attributes: { qualifiedName: 'd@cl1', name: 'd', clusterName: 'cl1', description: 'changed' } } });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    const inc = await exportZip(t, { itemsToExport: [{ guid: g.T1 }], options: { fetchType: 'incremental', skipLineage: true, changeMarker: full.info.changeMarker } });
    expect(inc.status).toBe(200);
    expect(inc.order.map(name)).toEqual(['D']);
  });

  it('the CONNECTED export imports into a fresh database with the db\'s term assigned', async () => {
    const a = await exportZip(t, { itemsToExport: [{ guid: g.T1 }], options: { fetchType: 'connected', skipLineage: true } });
    const fresh = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    try {
      const res = await fresh.as(ADMIN).post('/api/atlas/admin/import').attach('data', a.body, 'export.zip');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const d = await fresh.as(ADMIN).get(`${V2}/entity/guid/${g.D}`);
      expect(d.body.entity.relationshipAttributes.meanings.map((m: { guid: string }) => m.guid)).toEqual([g.T]);
      const term = await fresh.as(ADMIN).get(`${V2}/entity/guid/${g.T}`);
      expect(term.body.entity.relationshipAttributes.anchor.guid).toBe(g.G);
      expect(term.body.entity.classifications.map((c: { typeName: string }) => c.typeName)).toEqual(['Finance']);
      const rows = await fresh.db.query(`SELECT type_name FROM entity WHERE type_name <> 'AtlasServer' ORDER BY type_name`);
      expect(rows.map((r: { type_name: string }) => r.type_name)).toEqual(['AtlasGlossary', 'AtlasGlossaryTerm', 'hive_db', 'hive_table']);
    } finally {
      await fresh.close();
    }
  });
});
