import { readFileSync } from 'node:fs';
import StreamZip from 'node-stream-zip';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AtlasEntityDef, AtlasRelationshipAttributeDef, AtlasTypesDef } from '../model';
import { ATLAS_MODELS, ATLAS_ZIPS } from '../../../test/helpers/shared-dir';
import { applyModelEntries, readModelDir, shippedModelsDir } from './model-files';
import { relationshipAttributeDefs } from './relationship-attribute-defs';
import { TypeSystem } from './type-system';
import { mergeModelFile } from './typedef-rules';

// Evidence: zip-direct-1.zip's atlas-typesdef.json, written by Atlas from its type registry.
let hive: TypeSystem;
let atlas: Map<string, AtlasRelationshipAttributeDef[]>;
let atlasRelationships: Set<string>;

beforeAll(async () => {
  const readJson = (p: string): AtlasTypesDef => JSON.parse(readFileSync(p, 'utf8')) as AtlasTypesDef;
  let defs = applyModelEntries({}, await readModelDir(shippedModelsDir())).defs;
  for (const f of ['1020-fs_model.json', '1030-hive_model.json']) defs = mergeModelFile(defs, readJson(`${ATLAS_MODELS}/1000-Hadoop/${f}`)).defs;
  hive = TypeSystem.build(defs, 1);
  const zip = new StreamZip.async({ file: `${ATLAS_ZIPS}/zip-direct-1.zip` });
  try {
    const typesDef = JSON.parse((await zip.entryData('atlas-typesdef.json')).toString('utf8')) as Required<AtlasTypesDef>;
    atlas = new Map(typesDef.entityDefs.map((d: AtlasEntityDef) => [d.name, d.relationshipAttributeDefs ?? []]));
    atlasRelationships = new Set(typesDef.relationshipDefs.map((d) => d.name));
  } finally {
    await zip.close();
  }
});

const key = (d: AtlasRelationshipAttributeDef) => `${d.name}/${d.relationshipTypeName}`;
const byKey = (l: AtlasRelationshipAttributeDef[]) => [...l].sort((a, b) => key(a).localeCompare(key(b)));

describe('relationshipAttributeDefs as Atlas computes them', () => {
  // Atlas's registry had the avro, spark, … models too, Repo(hive) a newer hive model: compare what both have
  const inBoth = (d: AtlasRelationshipAttributeDef) => !!hive.relationshipType(d.relationshipTypeName) && atlasRelationships.has(d.relationshipTypeName);

  it('hive_table and DataSet: the same entries as Atlas', () => {
    for (const name of ['hive_table', 'DataSet']) {
      const expected = atlas.get(name)!.filter(inBoth);
      expect(expected.length).toBeGreaterThanOrEqual(3);
      expect(byKey(relationshipAttributeDefs(name, hive).filter(inBoth))).toEqual(byKey(expected));
    }
  });

  it('every entity type both registries have: the same entries (legacy ends, composition ends, counts)', () => {
    const names = hive.allDefs().entityDefs.map((d) => d.name).filter((n) => atlas.has(n));
    expect(names.length).toBeGreaterThan(20);
    const ours = Object.fromEntries(names.map((n) => [n, byKey(relationshipAttributeDefs(n, hive).filter(inBoth))]));
    const theirs = Object.fromEntries(names.map((n) => [n, byKey(atlas.get(n)!.filter(inBoth))]));
    expect(ours).toEqual(theirs);
  });

  it('an unknown entity type has none', () => {
    expect(relationshipAttributeDefs('no_such_type', hive)).toEqual([]);
  });
});
