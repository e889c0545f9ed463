import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AtlasEntity, AtlasTypesDef } from '../model';
import { TypeSystem } from '../typesystem/type-system';
import { ATLAS_MODELS } from '../../../test/helpers/shared-dir';
import { normalizeEntity } from './entity-normalizer';
import { freshBatch, entityRow, relationshipRows, relKey, uniqueRowsOf } from './write-rows';

const readJson = (p: string): AtlasTypesDef => JSON.parse(readFileSync(p, 'utf8'));
const models = path.resolve(__dirname, '../../../models');
const defs = [readJson(`${models}/0010-base_model.json`), readJson(`${ATLAS_MODELS}/1000-Hadoop/1030-hive_model.json`)];
const all: Required<AtlasTypesDef> = { enumDefs: [], structDefs: [], classificationDefs: [], entityDefs: [], relationshipDefs: [], businessMetadataDefs: [] };
for (const d of defs) for (const k of Object.keys(all) as (keyof AtlasTypesDef)[]) all[k].push(...((d[k] ?? []) as never[]));
const types = TypeSystem.build(all);
const ctx = { mode: 'import' as const, user: 'admin', now: 1_700_000_000_000, types };

const DB = 'db-guid';
const TABLE = 'table-guid';
const COL = 'col-guid';
const db: AtlasEntity = { typeName: 'hive_db', guid: DB, status: 'ACTIVE', attributes: { qualifiedName: 'd@cl', name: 'd', clusterName: 'cl' } };
const table: AtlasEntity = {
  typeName: 'hive_table', guid: TABLE, status: 'ACTIVE', createdBy: 'etl', createTime: 5, version: 3,
  attributes: { qualifiedName: 'd.t@cl', name: 't\tab' },
  relationshipAttributes: {
    db: { guid: DB, typeName: 'hive_db', relationshipGuid: 'rel-db' },
    columns: [{ guid: COL, typeName: 'hive_column' }],
  },
};
const column: AtlasEntity = {
  typeName: 'hive_column', guid: COL, status: 'ACTIVE', attributes: { qualifiedName: 'd.t.c@cl', name: 'c', type: 'int' },
  relationshipAttributes: { table: { guid: TABLE, typeName: 'hive_table' } },
};
const norm = (e: AtlasEntity) => normalizeEntity(e, types, { defaultPropagate: false });

describe('write rows', () => {
  it('a link seen from both ends is one relationship row; a given relationshipGuid is kept', () => {
    const rows = relationshipRows([table, column, db].map((e) => ({ norm: norm(e), finalStatus: 'ACTIVE' })), ctx);
    const byType = [...rows.values()].map((r) => [r.type_name, r.end1_guid, r.end2_guid, r.guid]);
    expect(byType).toContainEqual(['hive_table_db', TABLE, DB, 'rel-db']);
    // hive_table_columns: the table lists the column and the column names the table: one row
    expect(byType.filter(([type]) => type === 'hive_table_columns')).toEqual([['hive_table_columns', TABLE, COL, '']]);
    for (const [key, r] of rows) expect(key).toBe(relKey(r));
  });

  it('DELETED wins when the two ends disagree', () => {
    const rows = relationshipRows([{ norm: norm(table), finalStatus: 'ACTIVE' }, { norm: norm(column), finalStatus: 'DELETED' }], ctx);
    expect([...rows.values()].find((r) => r.type_name === 'hive_table_columns')?.status).toBe('DELETED');
  });

  it('an entity not stored yet keeps its system attributes on import; unique values go under the declaring type', () => {
    const row = entityRow(norm(table), ctx);
    expect(row).toMatchObject({ guid: TABLE, created_by: 'etl', create_time: 5, version: 3, updated_by: 'admin', update_time: ctx.now });
    expect(entityRow(norm(table), { ...ctx, mode: 'api' })).toMatchObject({ created_by: 'admin', create_time: ctx.now, version: 0 });
    const out: Parameters<typeof uniqueRowsOf>[4] = [];
    uniqueRowsOf(TABLE, 'hive_table', { qualifiedName: 'd.t@cl' }, types, out);
    expect(out).toEqual([{ t: 'Referenceable', a: 'qualifiedName', v: 'd.t@cl', g: TABLE }]);
  });

  it('freshBatch: COPY text of every row, probes for entities not DELETED, unique rows for ACTIVE ones only', async () => {
    const deleted = { ...db, guid: 'gone', status: 'DELETED' as const, attributes: { qualifiedName: 'gone@cl', name: 'gone', clusterName: 'cl' } };
    const batch = await freshBatch([table, column, db, deleted].map(norm), ctx);
    expect(batch).toBeDefined();
    expect(batch!.guids).toEqual([TABLE, COL, DB, 'gone']);
    const lines = batch!.entityCopy.split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    // the tab inside the table's name is escaped, so every line has its 15 fields
    expect(lines.every((l) => l.split('\t').length === 15)).toBe(true);
    expect(lines[0]).toContain('t\\\\tab');
    expect(batch!.probes.map((p) => p.v)).toEqual(['d.t@cl', 'd.t.c@cl', 'd@cl']);
    expect(batch!.uniqueRows.map((u) => u.g)).toEqual([TABLE, COL, DB]);
    expect(batch!.uniqueCopy.split('\n').filter(Boolean)).toHaveLength(3);
    expect(JSON.parse(batch!.probesJson)).toEqual(batch!.probes);
    const rels = batch!.relationships;
    expect(rels.find((r) => r.row.type_name === 'hive_table_db')).toMatchObject({ given: true, row: { guid: 'rel-db' } });
    const assigned = rels.find((r) => r.row.type_name === 'hive_table_columns')!;
    expect(assigned.given).toBe(false);
    expect(assigned.row.guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(assigned.line.startsWith(`${assigned.row.guid}\thive_table_columns\t${TABLE}\t${COL}\t`)).toBe(true);
  });

  it('freshBatch declines a batch with a guid twice or a reference by unique attributes only', async () => {
    expect(await freshBatch([norm(db), norm(db)], ctx)).toBeUndefined();
    const byName = { ...column, relationshipAttributes: { table: { typeName: 'hive_table', uniqueAttributes: { qualifiedName: 'd.t@cl' } } } };
    expect(await freshBatch([norm(byName)], ctx)).toBeUndefined();
  });
});
