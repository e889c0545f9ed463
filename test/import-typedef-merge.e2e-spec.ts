// spec 5.6 item 3: an incoming attribute is added unless it "is a relationship-end attribute of that type"; the ends of
// an existing relationshipDef are never changed, so an end name that only the archive's copy of it has is not an end:
// an attribute of that name is added.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { editedFixture, importZip, resetRepository } from './helpers/fixtures';

const typedef = async (t: TestApp, name: string) => (await t.db.query(`SELECT def FROM type_def WHERE name = $1`, [name]))[0]?.def;
const withTypes = (edit: (td: any) => void) => editedFixture('salesNewTypeAttrs.zip', (n, j) => { if (n === 'atlas-typesdef.json') edit(j); return j; });

describe('typedef import: relationship ends and attributes', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => t?.close());
  beforeEach(async () => { await resetRepository(t); expect((await importZip(t, 'sales-v1-full.zip')).status).toBe(200); });

  it('5.6 item 3: an attribute is skipped only when it IS a relationship end of that type (existing rel whose incoming end name differs is not changed)', async () => {
    const pre = await t.as(ADMIN).post('/api/atlas/v2/types/typedefs').send({
      relationshipDefs: [{ name: 'rev_rel', relationshipCategory: 'ASSOCIATION', propagateTags: 'NONE', endDef1: { type: 'Table_v1', name: 'revDbs', cardinality: 'SET' }, endDef2: { type: 'DB_v1', name: 'revTables', cardinality: 'SET' } }],
    });
    expect(pre.status).toBe(200);
    const zip = await withTypes((td) => {
      td.relationshipDefs = [{ name: 'rev_rel', relationshipCategory: 'ASSOCIATION', propagateTags: 'NONE', endDef1: { type: 'Table_v1', name: 'revDbs', cardinality: 'SET' }, endDef2: { type: 'DB_v1', name: 'revTables2', cardinality: 'SET' } }];
      td.entityDefs.find((d: any) => d.name === 'DB_v1').attributeDefs.push({ name: 'revTables2', typeName: 'string', isOptional: true, cardinality: 'SINGLE' });
    });
    const res = await importZip(t, zip);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await typedef(t, 'DB_v1')).attributeDefs.map((a: any) => a.name)).toContain('revTables2');
  });
});
