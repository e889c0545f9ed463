import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AtlasError } from '../common/errors';
import type { AtlasTypesDef } from '../metadata/model';
import { applyModelEntries, readModelDir, shippedModelsDir } from '../metadata/typesystem/model-files';
import { TypeSystem } from '../metadata/typesystem/type-system';
import { mergeModelFile } from '../metadata/typesystem/typedef-rules';
import { parseExportOptions } from './export-options';
import { exportMetrics, operationStatusOf, requestEcho } from './export-result';
import { startSpecFor } from './scope';
import { traversalOptionsFor } from './traversal';
import { ATLAS_MODELS } from '../../test/helpers/shared-dir';

const MODELS = path.join(ATLAS_MODELS, '1000-Hadoop');
let hive: TypeSystem;

beforeAll(async () => {
  const base = applyModelEntries({}, await readModelDir(shippedModelsDir())).defs;
  const read = (f: string) => JSON.parse(readFileSync(path.join(MODELS, f), 'utf8')) as AtlasTypesDef;
  hive = TypeSystem.build(mergeModelFile(mergeModelFile(base, read('1020-fs_model.json')).defs, read('1030-hive_model.json')).defs, 1);
});

function badOption(options: Record<string, unknown>): string {
  try {
    parseExportOptions(options);
  } catch (e) {
    expect(e).toBeInstanceOf(AtlasError);
    expect((e as AtlasError).errorCode).toBe('ATLAS-400-00-01A');
    return (e as AtlasError).message;
  }
  throw new Error('accepted');
}

describe('export options (spec 3.2)', () => {
  it('defaults', () => {
    expect(parseExportOptions(undefined)).toEqual({
      fetchType: 'full', matchType: undefined, forType: false, attributeMatch: 'exact', skipLineage: false, changeMarker: 0,
      replicatedTo: undefined, skipUpdateReplicationAttr: false, omitZipResponseForEmptyExport: false,
    });
  });

  it('fetchType in any case; unrecognised text is full', () => {
    expect(parseExportOptions({ fetchType: 'CONNECTED' }).fetchType).toBe('connected');
    expect(parseExportOptions({ fetchType: 'Incremental' }).fetchType).toBe('incremental');
    expect(parseExportOptions({ fetchType: 'sideways' }).fetchType).toBe('full');
  });

  it('matchType is case-sensitive; other values are an exact match; numbers become text', () => {
    expect(parseExportOptions({ matchType: 'startsWith' })).toMatchObject({ attributeMatch: 'startsWith', forType: false });
    expect(parseExportOptions({ matchType: 'forType' })).toMatchObject({ attributeMatch: 'exact', forType: true });
    expect(parseExportOptions({ matchType: 'CONTAINS' })).toMatchObject({ attributeMatch: 'exact', matchType: 'CONTAINS' });
    expect(parseExportOptions({ matchType: 5 }).matchType).toBe('5');
  });

  it('booleans as JSON or text; changeMarker as a number or numeric text, read for incremental exports only', () => {
    expect(parseExportOptions({ skipLineage: 'TRUE', omitZipResponseForEmptyExport: true, skipUpdateReplicationAttr: 'false' }))
      .toMatchObject({ skipLineage: true, omitZipResponseForEmptyExport: true, skipUpdateReplicationAttr: false });
    expect(parseExportOptions({ fetchType: 'incremental', changeMarker: '1567761893912' }).changeMarker).toBe(1567761893912);
    expect(parseExportOptions({ fetchType: 'incremental', changeMarker: 42 }).changeMarker).toBe(42);
    expect(parseExportOptions({ fetchType: 'full', changeMarker: 'whenever' }).changeMarker).toBe(0);
  });

  it('a value of the wrong type is a 400 naming the option', () => {
    expect(badOption({ fetchType: 'incremental', changeMarker: 'yesterday' })).toContain('options.changeMarker');
    expect(badOption({ fetchType: 'incremental', changeMarker: 1.5 })).toContain('changeMarker');
    expect(badOption({ skipLineage: 'yes' })).toContain('options.skipLineage');
    expect(badOption({ fetchType: true })).toContain('options.fetchType');
    expect(badOption({ matchType: {} })).toContain('options.matchType');
    expect(badOption({ replicatedTo: ['cl2'] })).toContain('options.replicatedTo');
  });
});

describe('start specifications (spec 3.3)', () => {
  const exact = { forType: false, attributeMatch: 'exact' as const };

  it('a guid wins over typeName and uniqueAttributes', () => {
    expect(startSpecFor({ guid: 'g1', typeName: 'hive_db', uniqueAttributes: { name: 'x' } }, exact, hive)).toEqual({ kind: 'guid', guid: 'g1' });
  });

  it('forType: a comma-separated list of type names, uniqueAttributes ignored', () => {
    expect(startSpecFor({ typeName: 'hive_db, hive_table,,hive_db', uniqueAttributes: { name: 'x' } }, { forType: true, attributeMatch: 'exact' }, hive))
      .toEqual({ kind: 'types', typeNames: ['hive_db', 'hive_table'] });
  });

  it('typeName + uniqueAttributes: any attribute of the type, unknown ones and nulls skipped, values as text', () => {
    expect(startSpecFor({ typeName: 'hive_table', uniqueAttributes: { name: 'x', nope: 'y', retention: 5, owner: null } }, { forType: false, attributeMatch: 'contains' }, hive))
      .toEqual({ kind: 'attributes', typeName: 'hive_table', match: 'contains', pairs: [{ attr: 'name', value: 'x' }, { attr: 'retention', value: '5' }] });
  });

  it('nothing to find: unknown type, no usable pair, no typeName', () => {
    expect(startSpecFor({ typeName: 'no_such_type', uniqueAttributes: { name: 'x' } }, exact, hive)).toBeUndefined();
    expect(startSpecFor({ typeName: 'hive_table', uniqueAttributes: { nope: 'x' } }, exact, hive)).toBeUndefined();
    expect(startSpecFor({ typeName: 'hive_table' }, exact, hive)).toBeUndefined();
    expect(startSpecFor({ uniqueAttributes: { name: 'x' } }, exact, hive)).toBeUndefined();
    expect(startSpecFor({}, { forType: true, attributeMatch: 'exact' }, hive)).toBeUndefined();
  });
});

describe('traversal choice (spec 3.4, 3.5)', () => {
  const o = (fetchType: 'full' | 'connected' | 'incremental', skipLineage = false, changeMarker = 0) => ({ fetchType, skipLineage, changeMarker });
  it('full, connected, incremental and its hive shortcuts', () => {
    expect(traversalOptionsFor(o('full'), [])).toEqual({ mode: 'FULL', skipLineage: false });
    expect(traversalOptionsFor(o('connected', true), [])).toEqual({ mode: 'CONNECTED', skipLineage: true });
    expect(traversalOptionsFor(o('incremental'), [{ typeName: 'hive_db' }])).toEqual({ mode: 'FULL', skipLineage: false });
    expect(traversalOptionsFor(o('incremental', true, 7), [{ typeName: 'hive_db' }])).toEqual({ mode: 'FULL', skipLineage: true, hiveDbShortcut: { changedAfter: 7 } });
    expect(traversalOptionsFor(o('incremental'), [{ typeName: 'hive_table' }])).toEqual({ mode: 'CONNECTED', skipLineage: false });
    expect(traversalOptionsFor(o('incremental', true, 7), [{ typeName: 'hive_table' }, { typeName: 'hive_db' }]))
      .toEqual({ mode: 'CONNECTED', skipLineage: true, hiveTableShortcut: { changedAfter: 7 } });
  });
});

describe('export result (spec 3.9, 2.2)', () => {
  it('operationStatus combines the items', () => {
    expect(operationStatusOf([])).toBe('FAIL');
    expect(operationStatusOf(['SUCCESS', 'SUCCESS'])).toBe('SUCCESS');
    expect(operationStatusOf(['FAIL', 'FAIL'])).toBe('FAIL');
    expect(operationStatusOf(['SUCCESS', 'FAIL'])).toBe('PARTIAL_SUCCESS');
  });

  it('metrics and the echoed request with its derived members', () => {
    expect(exportMetrics({ entitiesByType: { hive_table: 1, hive_db: 1 }, withExtInfo: 2 }, 12)).toEqual({
      'entity:hive_db': 1, 'entity:hive_table': 1, 'entity:withExtInfo': 2, duration: 12,
    });
    expect(exportMetrics({ entitiesByType: {}, withExtInfo: 0 }, 3)).toEqual({ duration: 3 });
    const request = { itemsToExport: [{ typeName: 'hive_db' }], options: { matchType: 'forType', extra: { a: 1 } } };
    expect(requestEcho(request, parseExportOptions(request.options))).toEqual({
      ...request, fetchTypeOptionValue: 'full', skipLineageOptionValue: false, changeTokenFromOptions: 0,
      omitZipResponseForEmptyExport: false, matchTypeOptionValue: 'forType',
    });
  });
});
