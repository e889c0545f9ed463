// Reference attributes inside `attributes`, as real Atlas writes them (spec 2.5, 3.6):
// - unset is null, an empty list included: repl_exp_1.zip, tag-prop-2.zip, stocks.zip, stocks-base.zip, ctas.zip and
//   stocks-float.zip all have "partitionKeys": null (relationshipAttributes.partitionKeys is []);
// - a legacy relationship end (isLegacyAttribute) "appears in both attributes (plain AtlasObjectId) and
//   relationshipAttributes (AtlasRelatedObjectId)": the same links, DELETED ones too (tag-prop-2.zip: the DELETED table
//   c73c2f93 has attributes.db/sd/columns, the ACTIVE process 6de3ce8b attributes.inputs/outputs, each backed by a
//   DELETED relationship).
import StreamZip from 'node-stream-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip, zipPath } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

type Entity = { guid: string; status: string; attributes: Record<string, unknown>; relationshipAttributes: Record<string, unknown> };
const TABLE = 'e19e5683-d9ae-436a-af1e-0873582d0f1e';

describe('unset reference attributes in exported entities', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'repl_exp_1.zip')).status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('hive_table.partitionKeys without partition keys is null, as in the real Atlas archive', async () => {
    const zip = new StreamZip.async({ file: zipPath('repl_exp_1.zip') });
    const original = JSON.parse((await zip.entryData(`${TABLE}.json`)).toString('utf8'));
    await zip.close();
    // what Atlas wrote for this very table
    expect(original.entity.attributes).toHaveProperty('partitionKeys', null);
    expect(original.entity.relationshipAttributes).toHaveProperty('partitionKeys', []);

    const a = await exportZip(t, { itemsToExport: [{ guid: TABLE }], options: { fetchType: 'full' } });
    expect(a.status).toBe(200);
    const exported = a.file(TABLE).entity as unknown as Entity;
    expect(exported.relationshipAttributes.partitionKeys).toEqual([]);
    expect(exported.attributes).toHaveProperty('partitionKeys', null);
  });
});

const DELETED_TABLE = 'c73c2f93-26b6-4346-a1b9-d20b09396830';
const PROCESS = '6de3ce8b-a96d-46db-8926-035183ed2f9c';

/** guids of a reference attribute value (one AtlasObjectId, a list of them, or null) */
function guids(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (x as { guid: string }).guid).sort();
}

describe('legacy attributes backed by DELETED relationships', () => {
  let t: TestApp;
  const original = new Map<string, Entity>();
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'tag-prop-2.zip')).status).toBe(200);
    const zip = new StreamZip.async({ file: zipPath('tag-prop-2.zip') });
    for (const g of [DELETED_TABLE, PROCESS]) original.set(g, JSON.parse((await zip.entryData(`${g}.json`)).toString('utf8')).entity);
    await zip.close();
  });
  afterAll(async () => t?.close());

  it('are listed in attributes as real Atlas lists them', async () => {
    // the request tag-prop-2.zip was produced with
    const a = await exportZip(t, { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { name: 'hr' } }], options: { fetchType: 'FULL' } });
    expect(a.status).toBe(200);
    const cases: Array<[string, string[]]> = [[DELETED_TABLE, ['db', 'sd', 'columns']], [PROCESS, ['inputs', 'outputs']]];
    const mismatches: string[] = [];
    for (const [guid, attrs] of cases) {
      const ours = a.file(guid).entity as unknown as Entity;
      const atlas = original.get(guid)!;
      for (const attr of attrs) {
        // the relationship itself is exported, DELETED, as in the fixture
        expect(guids(ours.relationshipAttributes[attr])).toEqual(guids(atlas.relationshipAttributes[attr]));
        expect(guids(atlas.attributes[attr]).length).toBeGreaterThan(0);
        if (JSON.stringify(guids(ours.attributes[attr])) !== JSON.stringify(guids(atlas.attributes[attr]))) {
          mismatches.push(`${guid.slice(0, 8)} (${ours.status}) attributes.${attr}: Atlas ${JSON.stringify(atlas.attributes[attr])}, export ${JSON.stringify(ours.attributes[attr])}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
