import { describe, expect, it } from 'vitest';
import { AsyncImportJob, toAtlasAsyncImportRequest } from './async-import-job';

function job(over: Partial<AsyncImportJob> = {}): AsyncImportJob {
  return {
    importId: '5f0c',
    guid: 'g-1',
    status: 'WAITING',
    options: { replicatedFrom: 'cl1', startPosition: 2 },
    userName: 'admin',
    caller: { userName: 'admin', clientIpAddress: '10.1.2.3', hostName: 'atlas-host-2' },
    receivedTime: 1_700_000_000_000,
    stagedTime: 1_700_000_000_100,
    totalEntitiesCount: 4,
    importedEntitiesCount: 0,
    failedEntitiesCount: 0,
    failures: {},
    abortRequested: false,
    ...over,
  };
}

function nullMembers(v: unknown, at = ''): string[] {
  if (v === null) return [at];
  if (typeof v !== 'object' || v === undefined) return [];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => nullMembers(x, `${at}.${k}`));
}

describe('toAtlasAsyncImportRequest (spec 5.12)', () => {
  // spec 1.1: "JSON serialisation omits properties whose value is null (Atlas model classes are "non-null"
  // serialised)". spec 5.12: the POST answer is `{ "guid": …, "status": "WAITING", …, "importResult": { "…":
  // "AtlasImportResult" } }`: Atlas builds the AtlasImportResult (request, caller, time) when it registers the request.
  it('a WAITING request carries the AtlasImportResult of its registration, and no null member', () => {
    const body = toAtlasAsyncImportRequest(job());
    expect(nullMembers(body)).toEqual([]);
    expect(body.importResult).toEqual({
      request: { options: { replicatedFrom: 'cl1', startPosition: '2' }, sizeOption: 1 },
      userName: 'admin',
      clientIpAddress: '10.1.2.3',
      hostName: 'atlas-host-2',
      timeStamp: 1_700_000_000_000,
      metrics: {},
      processedEntities: [],
      operationStatus: 'FAIL',
    });
  });

  // spec 5.4: operationStatus "`PARTIAL_SUCCESS` only for async imports"; spec 5.12: PARTIAL_SUCCESS (some imported),
  // FAILED (none imported)
  it('a job that ended without a result: importResult says FAIL or PARTIAL_SUCCESS, as its status', () => {
    const failed = toAtlasAsyncImportRequest(job({ status: 'FAILED', completedTime: 1_700_000_001_000, error: { errorCode: 'X' } }));
    expect(nullMembers(failed)).toEqual([]);
    expect(failed.importResult).toMatchObject({ operationStatus: 'FAIL', userName: 'admin' });
    const partial = toAtlasAsyncImportRequest(job({ status: 'PARTIAL_SUCCESS', importedEntitiesCount: 2, lastCommittedPosition: 1, lastCommittedGuid: 'x' }));
    expect(partial.importResult).toMatchObject({ operationStatus: 'PARTIAL_SUCCESS', lastCommittedPosition: 1, lastCommittedGuid: 'x' });
  });

  it('the result of a finished job is shown as stored', () => {
    const importResult = { request: { options: {} }, timeStamp: 1, metrics: { duration: 3 }, processedEntities: ['a'], operationStatus: 'SUCCESS' as const };
    expect(toAtlasAsyncImportRequest(job({ status: 'SUCCESSFUL', importResult })).importResult).toEqual(importResult);
  });
});
