import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hiveModelsDir } from './helpers/fixtures';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';

// What Atlas's own clients (AtlasClientV2, apache-atlas for Python, curl) send to the v2 entity and types calls,
// answered as Apache Atlas 2.x answers it.

const V2 = '/api/atlas/v2';

describe('v2 calls as Atlas clients make them', () => {
  let t: TestApp;
  let dbGuid: string;
  let tableGuid: string;

  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    const db = await t.as(ADMIN).post(`${V2}/entity`).send({
      entity: { typeName: 'hive_db', guid: '-1', attributes: { qualifiedName: 'sales@cl1', name: 'sales', clusterName: 'cl1' } },
    }).expect(200);
    dbGuid = db.body.guidAssignments['-1'];
    const tbl = await t.as(ADMIN).post(`${V2}/entity`).send({
      entity: {
        typeName: 'hive_table', guid: '-10',
        attributes: {
          qualifiedName: 'sales.orders@cl1', name: 'orders', owner: 'etl', description: 'all orders',
          db: { guid: dbGuid, typeName: 'hive_db' }, columns: [{ guid: '-11', typeName: 'hive_column' }],
        },
      },
      referredEntities: {
        '-11': {
          typeName: 'hive_column', guid: '-11',
          attributes: { qualifiedName: 'sales.orders.id@cl1', name: 'id', type: 'int', position: 0, table: { guid: '-10', typeName: 'hive_table' } },
        },
      },
    }).expect(200);
    tableGuid = tbl.body.guidAssignments['-10'];
  });
  afterAll(async () => {
    await t?.close();
  });

  // Atlas: EntityREST.getById/getByUniqueAttributes/getByGuids take ignoreRelationships; with it true
  // EntityGraphRetriever skips mapRelationshipAttributes, so the entity has no relationshipAttributes (null, left out
  // of the JSON) while the legacy references in `attributes` stay.
  it('ignoreRelationships=true leaves relationshipAttributes out (guid, uniqueAttribute, bulk)', async () => {
    const full = await t.as(ADMIN).get(`${V2}/entity/guid/${tableGuid}`).expect(200);
    expect(full.body.entity.relationshipAttributes.db).toMatchObject({ guid: dbGuid });
    const byGuid = await t.as(ADMIN).get(`${V2}/entity/guid/${tableGuid}?ignoreRelationships=true`).expect(200);
    expect(byGuid.body.entity.relationshipAttributes).toBeUndefined();
    expect(byGuid.body.entity.attributes.db).toEqual({ guid: dbGuid, typeName: 'hive_db' });
    const byAttr = await t.as(ADMIN).get(`${V2}/entity/uniqueAttribute/type/hive_table?attr:qualifiedName=sales.orders@cl1&ignoreRelationships=true`).expect(200);
    expect(byAttr.body.entity.relationshipAttributes).toBeUndefined();
    const bulk = await t.as(ADMIN).get(`${V2}/entity/bulk?guid=${tableGuid}&ignoreRelationships=true`).expect(200);
    expect(bulk.body.entities[0].relationshipAttributes).toBeUndefined();
    for (const e of Object.values(bulk.body.referredEntities) as Array<{ relationshipAttributes?: unknown }>) expect(e.relationshipAttributes).toBeUndefined();
  });

  // Atlas: a repeated @QueryParam gives its first value; a repeated boolean parameter is no error
  it('repeated boolean parameters: the first one counts (ignoreRelationships, replaceClassifications)', async () => {
    const twice = await t.as(ADMIN).get(`${V2}/entity/guid/${tableGuid}?ignoreRelationships=true&ignoreRelationships=false`).expect(200);
    expect(twice.body.entity.relationshipAttributes).toBeUndefined();
    const notFirst = await t.as(ADMIN).get(`${V2}/entity/guid/${tableGuid}?ignoreRelationships=false&ignoreRelationships=true`).expect(200);
    expect(notFirst.body.entity.relationshipAttributes.db).toMatchObject({ guid: dbGuid });
    const res = await t.as(ADMIN).post(`${V2}/entity?replaceClassifications=true&replaceClassifications=true`)
      .send({ entity: { typeName: 'hive_db', attributes: { qualifiedName: 'sales@cl1', name: 'sales', clusterName: 'cl1' } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  // Atlas: AtlasEntityStoreV2.deleteById ignores a guid with no entity ("Deletion request ignored for non-existent
  // entity") and answers 200 with an empty EntityMutationResponse.
  it('DELETE /entity/guid of an unknown guid is 200 with nothing deleted', async () => {
    const res = await t.as(ADMIN).delete(`${V2}/entity/guid/0badf00d-0000-0000-0000-000000000000`).expect(200);
    expect(res.body.mutatedEntities).toBeUndefined();
  });

  // Atlas: TypesREST.getAllTypeDefs reads a SearchFilter from the query (AtlasClientV2.getAllTypeDefs(SearchFilter),
  // apache-atlas get_all_typedefs(search_filter)); `type=entity` keeps only entity defs, `name=` one type.
  it('GET /types/typedefs?type=entity&name=… filters like Atlas\'s SearchFilter', async () => {
    const entities = (await t.as(ADMIN).get(`${V2}/types/typedefs?type=entity`).expect(200)).body;
    expect(entities.entityDefs.map((d: { name: string }) => d.name)).toContain('hive_table');
    expect(entities.enumDefs).toEqual([]);
    expect(entities.relationshipDefs).toEqual([]);
    const one = (await t.as(ADMIN).get(`${V2}/types/typedefs?name=hive_table`).expect(200)).body;
    expect(one.entityDefs.map((d: { name: string }) => d.name)).toEqual(['hive_table']);
    expect(one.classificationDefs).toEqual([]);
  });

  // Atlas: mutation headers come from EntityGraphRetriever.toAtlasEntityHeader: the type's header attributes (its
  // unique attributes plus name, description, owner, createTime when set), displayText, classificationNames, labels.
  it('mutation headers carry Atlas\'s header attributes', async () => {
    const res = await t.as(ADMIN).post(`${V2}/entity`).send({
      entity: { typeName: 'hive_db', attributes: { qualifiedName: 'hr@cl1', name: 'hr', clusterName: 'cl1', owner: 'alice', description: 'people' } },
    }).expect(200);
    expect(res.body.mutatedEntities.CREATE[0]).toMatchObject({
      typeName: 'hive_db', status: 'ACTIVE', displayText: 'hr',
      attributes: { qualifiedName: 'hr@cl1', name: 'hr', owner: 'alice', description: 'people' },
    });
  });

  // Atlas: minExtInfo=true maps referred (owned) entities with EntityGraphRetriever.mapVertexToAtlasEntityMin: system
  // attributes, classifications and only the type's min-info attributes (its header attributes - unique ones, name,
  // description, owner, createTime - plus those of its `schemaAttributes` option) that are set; no relationshipAttributes.
  it('minExtInfo=true gives referredEntities only their min-info attributes', async () => {
    const full = await t.as(ADMIN).get(`${V2}/entity/guid/${tableGuid}`).expect(200);
    const columnGuid = Object.keys(full.body.referredEntities)[0];
    expect(full.body.referredEntities[columnGuid].attributes.table).toMatchObject({ typeName: 'hive_table' });
    for (const url of [`${V2}/entity/guid/${tableGuid}?minExtInfo=true`, `${V2}/entity/uniqueAttribute/type/hive_table?attr:qualifiedName=sales.orders@cl1&minExtInfo=true`]) {
      const min = await t.as(ADMIN).get(url).expect(200);
      expect(min.body.entity.attributes.db).toEqual({ guid: dbGuid, typeName: 'hive_db' });
      const column = min.body.referredEntities[columnGuid];
      expect(column).toMatchObject({ guid: columnGuid, typeName: 'hive_column', status: 'ACTIVE' });
      expect(column.attributes).toEqual({ qualifiedName: 'sales.orders.id@cl1', name: 'id', type: 'int', position: 0 });
      expect(column.relationshipAttributes).toBeUndefined();
    }
    const bulk = await t.as(ADMIN).get(`${V2}/entity/bulk?guid=${tableGuid}&minExtInfo=true`).expect(200);
    expect(bulk.body.referredEntities[columnGuid].attributes).toEqual({ qualifiedName: 'sales.orders.id@cl1', name: 'id', type: 'int', position: 0 });
  });
});
