// The entity files of an export are rendered by PostgreSQL (ARCHITECTURE "The two hot paths"); they must say
// exactly what GET /api/atlas/v2/entity/guid says (spec 3.6), for every kind of attribute and relationship the
// shared fixtures carry: legacy and plain references, soft references, DELETED relationships, own and propagated
// classifications, structs, maps, big numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { exportZip } from './helpers/export-archive';

// hdfs_path1.zip with replicatedFrom: its entity gets a soft reference to an AtlasServer (spec 8.2)
const FIXTURES: Array<[string, unknown?]> = [
  ['stocks-base.zip'], ['tag-prop-2.zip'], ['ctas.zip'], ['hdfs_path1.zip', { options: { replicatedFrom: 'cl1' } }], ['sales-v1-full.zip'],
  ['logging-v1-full.zip'], ['stocks-glossary.zip'], ['stocks-float.zip'],
];

type Json = Record<string, unknown>;

/** classification order is not part of the contract; an empty list and an absent one mean the same (spec 3.6) */
function normalise(entity: Json): Json {
  const out = { ...entity };
  const list = (out.classifications as Json[] | undefined) ?? [];
  if (list.length === 0) delete out.classifications;
  else out.classifications = [...list].sort((a, b) => `${a.typeName}/${a.entityGuid}`.localeCompare(`${b.typeName}/${b.entityGuid}`));
  return out;
}

describe('export entity files equal the entity API view', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    for (const [f, request] of FIXTURES) {
      const r = await importZip(t, f, request);
      expect(r.status, `${f}: ${JSON.stringify(r.body)}`).toBe(200);
    }
  });
  afterAll(async () => t?.close());

  it('every exported entity, top-level and referred, renders as GET /v2/entity/guid renders it', async () => {
    const typeNames: Array<{ type_name: string }> = await t.db.query(`SELECT DISTINCT type_name FROM entity ORDER BY 1`);
    const a = await exportZip(t, { itemsToExport: [{ typeName: typeNames.map((r) => r.type_name).join(',') }], options: { matchType: 'forType' } });
    expect(a.status).toBe(200);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM entity`);
    const seen = new Map<string, Json>();
    for (const g of a.order) {
      const f = a.file(g) as unknown as { entity: Json; referredEntities?: Record<string, Json> };
      seen.set(g, f.entity);
      for (const [rg, re] of Object.entries(f.referredEntities ?? {})) {
        expect(seen.has(rg), `${rg} written twice`).toBe(false);
        seen.set(rg, re);
      }
    }
    expect(seen.size).toBe(n);
    // the fixtures exercise what the SQL rendering must get right
    const all = [...seen.values()];
    expect(all.some((e) => (e.classifications as Json[] | undefined)?.some((c) => c.entityGuid !== e.guid))).toBe(true);
    expect(all.some((e) => Array.isArray((e.attributes as Json).replicatedFrom) && ((e.attributes as Json).replicatedFrom as Json[]).length > 0)).toBe(true);
    expect(all.some((e) => e.status === 'DELETED')).toBe(true);
    expect(all.some((e) => e.typeName === 'Table_v1')).toBe(true);
    const mismatches: string[] = [];
    for (const [guid, exported] of seen) {
      const res = await t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${guid}`);
      expect(res.status).toBe(200);
      try {
        expect(normalise(exported)).toEqual(normalise(res.body.entity));
      } catch (e) {
        mismatches.push(`${guid} (${exported.typeName}): ${(e as Error).message.slice(0, 2000)}`);
      }
    }
    expect(mismatches.slice(0, 3).join('\n\n')).toBe('');
  });
});
