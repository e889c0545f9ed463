// Numbers past the range a request can mean are a 400 naming them (spec 1.4): an incremental changeMarker beyond a
// long (spec 3.2: "number or numeric string (long)"), an audit offset past the safe-integer range (spec 9.2 turns only
// an absent or negative offset into 0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { hiveModelsDir, importZip } from './helpers/fixtures';
import { errorBody, exportZip } from './helpers/export-archive';
import { ExportImportAuditService } from '../src/audit/export-import-audit.service';

const STOCKS = { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'stocks@cl1' } }] };

describe('numbers out of range: changeMarker, audit offset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MODELS_DIR: hiveModelsDir() });
    expect((await importZip(t, 'stocks.zip')).status).toBe(200);
    const audits = t.app.get(ExportImportAuditService);
    for (let i = 0; i < 3; i++) {
      await audits.record({ userName: 'admin', operation: 'EXPORT', sourceServerName: 'default', targetServerName: 'cl2',
        startTime: 1_700_000_000_000 + i, endTime: 1_700_000_000_010 + i, resultSummary: '{}' });
    }
  });
  afterAll(async () => t?.close());

  // spec 3.2: changeMarker is "number or numeric string (long)"; README "Bad option values": a bad changeMarker is
  // "400 ATLAS-400-00-01A naming it, where Atlas ... fails with 500"; spec 1.4 handled errors are 4xx.
  it.each([['99999999999999999999'], [1e20]])('incremental changeMarker %j beyond a long is a 400 naming the option, not a 500', async (changeMarker) => {
    const a = await exportZip(t, { ...STOCKS, options: { fetchType: 'incremental', changeMarker } });
    expect({ status: a.status, errorCode: errorBody(a).errorCode }).toEqual({ status: 400, errorCode: 'ATLAS-400-00-01A' });
    expect(String(errorBody(a).errorMessage)).toContain('changeMarker');
  });

  // spec 9.2: "offset — absent or < 0 ⇒ 0": a huge positive offset is past the end, never the first page again.
  it('GET /expimp/audit?offset=<huge> does not silently restart at offset 0', async () => {
    const first = await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=EXPORT');
    expect(first.body.length).toBeGreaterThan(0);
    const res = await t.as(ADMIN).get('/api/atlas/admin/expimp/audit?operation=EXPORT&offset=99999999999999999999');
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('ATLAS-400-00-01A');
  });
});
