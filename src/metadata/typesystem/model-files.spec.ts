import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyModelEntries, readModelDir, shippedModelsDir } from './model-files';
import { TypeSystem } from './type-system';
import { validateTypesDef } from './typedef-rules';
import { ATLAS_MODELS } from '../../../test/helpers/shared-dir';



describe('shippedModelsDir', () => {
  it('is the repository models/ folder', () => {
    expect(shippedModelsDir()).toBe(resolve(__dirname, '../../../models'));
  });
});

describe('readModelDir', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'models-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads the shipped models in file-name order', async () => {
    const entries = await readModelDir(shippedModelsDir());
    expect(entries.map((e) => e.relativePath)).toEqual(['0010-base_model.json', '0011-glossary_model.json', '0020-fs_model.json']);
    expect(entries.every((e) => e.defs && !e.patches)).toBe(true);
  });

  it('orders folders like Atlas: files and sub-folders by name, patches of a folder after its models', async () => {
    const entries = await readModelDir(ATLAS_MODELS);
    const names = entries.map((e) => e.relativePath);
    expect(names.slice(0, 3)).toEqual(['0000-Area0/0010-base_model.json', '0000-Area0/0011-glossary_model.json', '0000-Area0/patches/001-base_model_replication_attributes.json']);
    const lastAreaPatch = names.indexOf('0000-Area0/patches/009-base_model_add_audit_correlation_attributes.json');
    expect(names.indexOf('1000-Hadoop/1020-fs_model.json')).toBe(lastAreaPatch + 1);
    expect(names.indexOf('1000-Hadoop/patches/001-hive_column_add_position.json')).toBeGreaterThan(names.indexOf('1000-Hadoop/1110-flink_model.json'));
    expect(entries.find((e) => e.relativePath.endsWith('001-base_model_replication_attributes.json'))!.patches!.patches[0].action).toBe('ADD_ATTRIBUTE');
  });

  it('returns nothing for a missing folder and names a broken file', async () => {
    expect(await readModelDir(join(tmp, 'nope'))).toEqual([]);
    mkdirSync(join(tmp, 'broken'));
    writeFileSync(join(tmp, 'broken', 'x.json'), '{ not json');
    await expect(readModelDir(join(tmp, 'broken'))).rejects.toThrow(/x\.json: not valid JSON/);
  });

  it('the shipped models form a valid catalogue on their own', async () => {
    const { defs, created, updated } = applyModelEntries({}, await readModelDir(shippedModelsDir()));
    expect(updated).toEqual([]);
    expect(created.length).toBe(defs.enumDefs.length + defs.entityDefs.length + defs.relationshipDefs.length + defs.structDefs.length);
    expect(() => TypeSystem.validate(defs)).not.toThrow();
    // and each file is valid against the ones before it
    let seen: ReturnType<typeof TypeSystem.build> = TypeSystem.empty();
    for (const e of await readModelDir(shippedModelsDir())) {
      expect(() => validateTypesDef(e.defs!, seen, 'create')).not.toThrow();
      seen = TypeSystem.build(applyModelEntries(seen.allDefs(), [e]).defs);
    }
  });

  it('loading the shipped models again changes nothing', async () => {
    const entries = await readModelDir(shippedModelsDir());
    const once = applyModelEntries({}, entries);
    const twice = applyModelEntries(once.defs, entries);
    expect(twice.created).toEqual([]);
    expect(twice.updated).toEqual([]);
  });

  it("Atlas's own models and patches load over ours (a user's MODELS_DIR)", async () => {
    const ours = applyModelEntries({}, await readModelDir(shippedModelsDir())).defs;
    const result = applyModelEntries(ours, await readModelDir(ATLAS_MODELS));
    const ts = TypeSystem.build(result.defs);
    // our base model already holds what Atlas's base model and its patches define
    const baseNames = new Set(ours.entityDefs.map((d) => d.name));
    expect(result.updated.filter((d) => baseNames.has(d.name)).map((d) => d.name)).toEqual([]);
    expect(ts.entityType('hive_table')!.relationshipAttributes.get('columns')![0].isOwned).toBe(true);
    expect(ts.entityType('kafka_topic')).toBeDefined();
  });
});
