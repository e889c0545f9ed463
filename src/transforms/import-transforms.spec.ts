import { describe, it, expect } from 'vitest';
import { Test } from '@nestjs/testing';
import { AtlasError } from '../common/errors';
import type { AtlasEntity } from '../metadata/model';
import { applyTransforms, applyTransformsToUnit, parseImportTransforms } from './import-transforms';
import { TransformsModule } from './transforms.module';
import { TransformsService } from './transforms.service';
import { fakeTypes } from './testing/fake-types';
import { REPL_EXP_1_EXPORT_REQUEST, STOCKS_EXPORT_REQUEST, replExp1Entities, stocksEntities } from './testing/atlas-zip-fixtures';
import { thrown } from './testing/thrown';

const types = fakeTypes(undefined, ['PII']);

const HIVE_DB = '886c5e9c-3ac6-40be-8201-fb0cebb64783';
const HIVE_TABLE = '027a987e-867a-4c98-ac1e-c5ded41130d3';
const HIVE_PROCESS = 'c13648d9-2eb5-44a9-b2a0-01c9f7593935';
const HDFS_PATH = 'c0a5782a-e4b7-4552-9ad3-709771bfce00';
const STORAGEDESC = '0e88ed03-2926-4502-b4af-4874683091f7';

/** import stocks.zip's 12 entities through the transforms, as the importer does */
function importStocks(options: { transforms?: unknown; transformers?: unknown }): AtlasEntity[] {
  const plan = parseImportTransforms(options, STOCKS_EXPORT_REQUEST, types);
  return stocksEntities().map((e) => applyTransforms(plan, e));
}

const qn = (e: AtlasEntity) => e.attributes!.qualifiedName;
const byGuid = (entities: AtlasEntity[], guid: string) => entities.find((e) => e.guid === guid)!;
const ofType = (entities: AtlasEntity[], typeName: string) => entities.filter((e) => e.typeName === typeName);
const classified = (entities: AtlasEntity[], name: string) =>
  entities.filter((e) => e.classifications?.some((c) => c.typeName === name)).map((e) => e.typeName).sort();


describe('parseImportTransforms: option values', () => {
  const legacy = { hive_db: { qualifiedName: ['replace~@cl1~@cl2'] } };
  const transformers = [{ action: { 'hive_db.clusterName': 'SET: cl2' } }];

  it.each<[string, { transforms?: unknown; transformers?: unknown }]>([
    ['JSON strings (Atlas)', { transforms: JSON.stringify(legacy), transformers: JSON.stringify(transformers) }],
    ['parsed object / array (P4)', { transforms: legacy, transformers }],
  ])('%s', (_what, options) => {
    const plan = parseImportTransforms(options, undefined, types);
    expect([...plan.legacy.keys()]).toEqual(['hive_db']);
    expect(plan.transformers).toHaveLength(1);
    expect(plan.handlers).toEqual(['hive_db', 'hive_table', 'hive_column', 'hive_storagedesc']);
    expect(plan.isEmpty).toBe(false);
  });

  it.each<[string, { transforms?: unknown; transformers?: unknown }]>([
    ['absent', {}],
    ['blank strings', { transforms: '  ', transformers: '' }],
    ['JSON null', { transforms: 'null', transformers: 'null' }],
    ['empty containers', { transforms: '{}', transformers: '[]' }],
    ['non-array transformers (ignored)', { transformers: '{"action":{"name":"SET: x"}}' }],
    ['transformers without actions', { transformers: [{ conditions: { name: 'ALL:' } }] }],
  ])('%s ⇒ empty plan, entities untouched', (_what, options) => {
    const plan = parseImportTransforms(options, STOCKS_EXPORT_REQUEST, types);
    expect(plan.isEmpty).toBe(true);
    expect(stocksEntities().map((e) => applyTransforms(plan, e))).toEqual(stocksEntities());
  });

  it.each<[string, { transforms?: unknown; transformers?: unknown }, string]>([
    ['a spec in neither syntax', { transforms: '{"hive_db":{"qualifiedName":["frobnicate:x"]}}' }, 'invalid value: frobnicate:x'],
    ['the same given as an object', { transforms: { hive_db: { qualifiedName: ['frobnicate:x'] } } }, 'invalid value: frobnicate:x'],
    ['unparseable transforms JSON', { transforms: '{"hive_db":' }, 'invalid value: transforms: '],
    ['unparseable transformers JSON', { transformers: '[{"action":' }, 'invalid value: transformers: '],
    ['the documentation\'s unquoted JSON', { transforms: '{ hive_db: { qualifiedName: [ replace:@cl1:@cl2 ] } }' }, 'invalid value: transforms: '],
    ['transforms that is not an object', { transforms: 42 }, 'invalid value: transforms: expected an object keyed by type name'],
  ])('%s ⇒ 400 ATLAS-400-00-028 naming it', (_what, options, message) => {
    const error = thrown(() => parseImportTransforms(options, undefined, types));
    expect(error).toBeInstanceOf(AtlasError);
    expect(error.httpStatus).toBe(400);
    expect(error.body()).toMatchObject({ errorCode: 'ATLAS-400-00-028' });
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('classificationsToCreate: every added name not registered as a classification type, from both options', () => {
    const plan = parseImportTransforms({
      transforms: { Referenceable: { '*': ['addClassification~REPLICATED', 'addClassification~PII', 'removeClassification~GONE'] }, hive_db: { name: ['addClassification~MISPLACED'] } },
      transformers: [{ action: { __entity: 'ADD_CLASSIFICATION: cl1_replicated' } }, { action: { x: 'ADD_CLASSIFICATION: REPLICATED' } }],
    }, undefined, types);
    expect(plan.classificationsToCreate).toEqual(['REPLICATED', 'MISPLACED', 'cl1_replicated']);
  });

  it('withTypes: the same plan against the types registered by the typedef step', () => {
    const before = fakeTypes({}, []); // nothing registered yet
    const plan = parseImportTransforms({ transforms: { Asset: { qualifiedName: ['replace~@cl1~@cl2'] }, Referenceable: { '*': ['addClassification~PII'] } } }, undefined, before);
    expect(plan.classificationsToCreate).toEqual(['PII']);
    const hiveTable = () => stocksEntities().find((e) => e.guid === HIVE_TABLE)!;
    expect(qn(applyTransforms(plan, hiveTable()))).toBe('stocks.appl_daily_1@cl1'); // Asset unknown: exact type only
    const rebound = plan.withTypes(types);
    expect(rebound.classificationsToCreate).toEqual([]);
    expect(qn(applyTransforms(rebound, hiveTable()))).toBe('stocks.appl_daily_1@cl2');
  });

  it('without an export request nothing is top-level', () => {
    const plan = parseImportTransforms({ transforms: { Referenceable: { '*': ['addClassification~TOP~topLevel'] } } }, undefined, types);
    expect(classified(stocksEntities().map((e) => applyTransforms(plan, e)), 'TOP')).toEqual([]);
  });
});

describe('applyTransforms', () => {
  it('mutates and returns the same object', () => {
    const plan = parseImportTransforms({ transforms: { hive_db: { qualifiedName: ['uppercase'] } } }, undefined, types);
    const e = stocksEntities()[0];
    expect(applyTransforms(plan, e)).toBe(e);
    expect(qn(e)).toBe('STOCKS@CL1');
  });

  it('legacy transforms first, then transformers', () => {
    const plan = parseImportTransforms({
      transforms: { hive_db: { name: ['uppercase'] } },
      transformers: [{ conditions: { name: 'EQUALS: STOCKS' }, action: { description: 'SET: saw the legacy result' } }],
    }, undefined, types);
    expect(applyTransforms(plan, stocksEntities()[0]).attributes).toMatchObject({ name: 'STOCKS', description: 'saw the legacy result' });
  });

  it('top-level is decided on the entity as read from the ZIP, before transforms changed it', () => {
    const plan = parseImportTransforms({
      transforms: { hive_db: { qualifiedName: ['replace~@cl1~@cl2'] } },
      transformers: [{ conditions: { __entity: 'topLevel:' }, action: { __entity: 'ADD_CLASSIFICATION: TOP' } }],
    }, STOCKS_EXPORT_REQUEST, types);
    const db = applyTransforms(plan, stocksEntities()[0]);
    expect(qn(db)).toBe('stocks@cl2');
    expect(db.classifications!.map((c) => c.typeName)).toEqual(['TOP']);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ['guid', { guid: HIVE_DB }, true],
    ['other guid (guid wins over type/unique attributes)', { guid: 'x', typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }, false],
    ['type + unique attributes', { typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }, true],
    ['type + several unique attributes, all equal', { typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1', name: 'stocks' } }, true],
    ['type + one unique attribute different', { typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1', name: 'x' } }, false],
    ['other type', { typeName: 'hive_table', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }, false],
  ])('export item by %s ⇒ top-level %s', (_what, item, topLevel) => {
    const plan = parseImportTransforms({ transforms: { hive_db: { '*': ['addClassification~TOP~topLevel'] } } }, { itemsToExport: [item] }, types);
    expect(classified([applyTransforms(plan, stocksEntities()[0])], 'TOP')).toEqual(topLevel ? ['hive_db'] : []);
  });

  it('applyTransformsToUnit: main entity and every referred entity', () => {
    const [db, table, ...rest] = stocksEntities();
    const unit = { entity: table, referredEntities: Object.fromEntries([db, ...rest].map((e) => [e.guid!, e])) };
    const plan = parseImportTransforms({ transforms: { Referenceable: { '*': ['setDeleted'] } } }, undefined, types);
    applyTransformsToUnit(plan, unit);
    expect([unit.entity, ...Object.values(unit.referredEntities)].every((e) => e.status === 'DELETED')).toBe(true);
  });
});

describe('stocks.zip / repl_exp_1.zip, as conformance cases 37–46 (spec 12.5)', () => {
  it('37: hive_db qualifiedName replace~@cl1~@cl2 ⇒ hive_db stocks@cl2, hive_table keeps @cl1', () => {
    const out = importStocks({ transforms: '{"hive_db":{"qualifiedName":["replace~@cl1~@cl2"]}}' });
    expect(qn(byGuid(out, HIVE_DB))).toBe('stocks@cl2');
    expect(qn(byGuid(out, HIVE_TABLE))).toBe('stocks.appl_daily_1@cl1');
  });

  it('38: Asset qualifiedName replace ⇒ db, table, 7 columns, process renamed; storagedesc and hdfs_path unchanged', () => {
    const out = importStocks({ transforms: '{"Asset":{"qualifiedName":["replace~@cl1~@cl2"]}}' });
    expect(qn(byGuid(out, HIVE_DB))).toBe('stocks@cl2');
    expect(qn(byGuid(out, HIVE_TABLE))).toBe('stocks.appl_daily_1@cl2');
    expect(ofType(out, 'hive_column').map(qn)).toHaveLength(7);
    expect(ofType(out, 'hive_column').every((e) => String(qn(e)).endsWith('@cl2'))).toBe(true);
    expect(qn(byGuid(out, HIVE_PROCESS))).toBe('LOAD:hdfs:localhost.localdomain:8020rootappl_daily.csv->:stocks.appl_daily_1@cl2:1489174480000');
    expect(qn(byGuid(out, STORAGEDESC))).toBe('stocks.appl_daily_1@cl1_storage');
    expect(byGuid(out, HDFS_PATH)).toEqual(byGuid(stocksEntities(), HDFS_PATH));
  });

  it('39: the documented colon syntax is accepted (P3); frobnicate:x is a 400 naming it', () => {
    const out = importStocks({ transforms: '{"hive_db":{"qualifiedName":["replace:@cl1:@cl2"]}}' });
    expect(qn(byGuid(out, HIVE_DB))).toBe('stocks@cl2');
    const error = thrown(() => importStocks({ transforms: '{"hive_db":{"qualifiedName":["frobnicate:x"]}}' }));
    expect(error.body()).toEqual({ errorCode: 'ATLAS-400-00-028', errorMessage: 'invalid value: frobnicate:x' });
    expect(error.httpStatus).toBe(400);
  });

  it('40: Referenceable * addClassification~REPLICATED ⇒ type to create; all 12 entities carry it as own classification', () => {
    const options = { transforms: '{"Referenceable":{"*":["addClassification~REPLICATED"]}}' };
    expect(parseImportTransforms(options, STOCKS_EXPORT_REQUEST, types).classificationsToCreate).toEqual(['REPLICATED']);
    const out = importStocks(options);
    expect(out).toHaveLength(12);
    for (const e of out) {
      expect(e.classifications).toEqual([{ typeName: 'REPLICATED', entityGuid: e.guid, propagate: false, removePropagationsOnEntityDelete: false }]);
    }
  });

  it('41: addClassification~TOP~topLevel ⇒ only the hive_db (export item hive_db / stocks@cl1)', () => {
    const out = importStocks({ transforms: '{"Referenceable":{"*":["addClassification~TOP~topLevel"]}}' });
    expect(out.filter((e) => e.classifications!.length > 0).map((e) => e.guid)).toEqual([HIVE_DB]);
  });

  it('42: setDeleted ⇒ all 12 DELETED', () => {
    const out = importStocks({ transforms: '{"Referenceable":{"*":["setDeleted"]}}' });
    expect(out.map((e) => e.status)).toEqual(Array(12).fill('DELETED'));
  });

  it('43: transformers hive_db.clusterName EQUALS cl1 → SET cl2', () => {
    const out = importStocks({ transformers: '[{"conditions":{"hive_db.clusterName":"EQUALS: cl1"},"action":{"hive_db.clusterName":"SET: cl2"}}]' });
    expect(byGuid(out, HIVE_DB).attributes).toMatchObject({ qualifiedName: 'stocks@cl2', clusterName: 'cl2' });
    expect(qn(byGuid(out, HIVE_TABLE))).toBe('stocks.appl_daily_1@cl2');
    expect(ofType(out, 'hive_column').map(qn).sort()).toEqual(
      ['adj_close', 'close', 'dt', 'high', 'low', 'open', 'volume'].map((c) => `stocks.appl_daily_1.${c}@cl2`),
    );
    expect(byGuid(out, STORAGEDESC).attributes).toMatchObject({
      qualifiedName: 'stocks.appl_daily_1@cl2_storage',
      location: 'hdfs://localhost.localdomain:8020/apps/hive/warehouse/stocks.db/appl_daily_1',
    });
    expect(byGuid(out, HIVE_PROCESS)).toEqual(byGuid(stocksEntities(), HIVE_PROCESS));
    expect(byGuid(out, HDFS_PATH)).toEqual(byGuid(stocksEntities(), HDFS_PATH));
  });

  it('44: ADD_CLASSIFICATION X + a hive handler ⇒ X on the 10 hive_db/table/column/storagedesc entities only', () => {
    const options = { transformers: '[{"action":{"__entity":"ADD_CLASSIFICATION: X"}},{"conditions":{"hive_db.clusterName":"EQUALS: cl1"},"action":{"hive_db.clusterName":"SET: cl2"}}]' };
    expect(parseImportTransforms(options, STOCKS_EXPORT_REQUEST, types).classificationsToCreate).toEqual(['X']);
    const out = importStocks(options);
    expect(classified(out, 'X')).toEqual(['hive_column', 'hive_column', 'hive_column', 'hive_column', 'hive_column', 'hive_column', 'hive_column', 'hive_db', 'hive_storagedesc', 'hive_table']);
    expect(byGuid(out, HIVE_PROCESS).classifications).toEqual([]);
    expect(byGuid(out, HDFS_PATH).classifications).toEqual([]);
  });

  it('45: hive_db.name EQUALS stocks → hive_db.description SET imported ⇒ only the hive_db changes', () => {
    const out = importStocks({ transformers: '[{"conditions":{"hive_db.name":"EQUALS: stocks"},"action":{"hive_db.description":"SET: imported"}}]' });
    const original = stocksEntities();
    expect(byGuid(out, HIVE_DB).attributes!.description).toBe('imported');
    expect(out.filter((e, i) => JSON.stringify(e) !== JSON.stringify(original[i])).map((e) => e.guid)).toEqual([HIVE_DB]);
  });

  it('46: repl_exp_1.zip with the first three 6.2 transformers ⇒ the 3 tables carry cl1_replicated; QNs keep @nb_0509', () => {
    const transformers = JSON.stringify([
      { conditions: { __entity: 'topLevel:' }, action: { __entity: 'ADD_CLASSIFICATION: cl1_replicated' } },
      { action: { '__entity.replicatedTo': 'CLEAR:', '__entity.replicatedFrom': 'CLEAR:' } },
      { conditions: { 'hive_db.clusterName': 'EQUALS: cl1' }, action: { 'hive_db.clusterName': 'SET: cl2' } },
    ]);
    const plan = parseImportTransforms({ transformers }, REPL_EXP_1_EXPORT_REQUEST, types);
    const input = replExp1Entities();
    const out = input.map((e) => applyTransforms(plan, structuredClone(e)));
    expect(out).toHaveLength(13);
    expect(out.filter((e) => e.classifications!.length > 0).map((e) => e.guid!.slice(0, 8)).sort()).toEqual(['2e28ae34', '718a6d12', 'e19e5683']);
    expect(out.every((e) => String(qn(e)).includes('@nb_0509'))).toBe(true);
    expect(out.map(qn)).toEqual(input.map(qn));
  });

  it('46 (variant): replicatedTo / replicatedFrom with values are cleared by the __entity keys', () => {
    const plan = parseImportTransforms({
      transformers: [{ action: { '__entity.replicatedTo': 'CLEAR:', '__entity.replicatedFrom': 'CLEAR:', 'hive_db.clusterName': 'TO_LOWER:' } }],
    }, undefined, types);
    const table = applyTransforms(plan, { typeName: 'hive_table', guid: 't', attributes: { qualifiedName: 'd.t@c', name: 't', replicatedTo: [{ guid: 's' }], replicatedFrom: [{ guid: 'r' }] } });
    expect(table.attributes).toMatchObject({ replicatedTo: null, replicatedFrom: null });
  });
});

describe('TransformsModule', () => {
  it('provides a TransformsService wrapping the pure functions', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TransformsModule] }).compile();
    const service = moduleRef.get(TransformsService);
    const plan = service.parse({ transforms: { hive_db: { qualifiedName: ['replace:@cl1:@cl2'] } } }, STOCKS_EXPORT_REQUEST, types);
    expect(qn(service.apply(plan, stocksEntities()[0]))).toBe('stocks@cl2');
    const [db, ...referred] = stocksEntities();
    const unit = service.applyToUnit(plan, { entity: db, referredEntities: Object.fromEntries(referred.map((e) => [e.guid!, e])) });
    expect(qn(unit.entity)).toBe('stocks@cl2');
  });
});
