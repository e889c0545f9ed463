// importSummary (spec 5.9 step 2, 9.1): the IMPORT audit keeps processedEntities unless the text would exceed
// AUDIT_SUMMARY_MAX_CHARS; a large import's guids, read page by page, are read only as far as they fit.
import { describe, expect, it } from 'vitest';
import type { AtlasImportResult } from '../metadata/model';
import { AUDIT_SUMMARY_MAX_CHARS, importSummary } from './replication.service';

const result = (processedEntities: string[] = []): AtlasImportResult =>
  ({ request: { options: {} }, userName: 'admin', hostName: '', timeStamp: 1, metrics: {}, processedEntities, operationStatus: 'SUCCESS' }) as AtlasImportResult;

/** guid-like strings of 36 characters: 38 in the text with their quotes */
const guid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** `count` guids in pages of `size`, counting the pages handed out */
function paged(count: number, size: number) {
  const state = { pagesRead: 0 };
  async function* pages() {
    for (let start = 0; start < count; start += size) {
      state.pagesRead++;
      yield Array.from({ length: Math.min(size, count - start) }, (_, i) => guid(start + i));
    }
  }
  return { pages: pages(), state };
}

describe('importSummary', () => {
  it('inline processedEntities are kept while the text fits, emptied beyond', async () => {
    expect(JSON.parse(await importSummary(result([guid(1)]))).processedEntities).toEqual([guid(1)]);
    const tooMany = Array.from({ length: Math.ceil(AUDIT_SUMMARY_MAX_CHARS / 39) + 1 }, (_, i) => guid(i));
    expect(JSON.parse(await importSummary(result(tooMany))).processedEntities).toEqual([]);
  });

  it('paged processedEntities that fit are all kept, in page order', async () => {
    const { pages } = paged(21_000, 10_000);
    const text = await importSummary(result(), pages);
    expect(text.length).toBeLessThanOrEqual(AUDIT_SUMMARY_MAX_CHARS);
    const summary = JSON.parse(text);
    expect(summary.processedEntities).toHaveLength(21_000);
    expect(summary.processedEntities[20_999]).toBe(guid(20_999));
    expect(summary).toMatchObject({ userName: 'admin', operationStatus: 'SUCCESS' });
  });

  it('paged processedEntities that would pass the limit: emptied, and the pages after the limit are never read', async () => {
    const fit = Math.floor(AUDIT_SUMMARY_MAX_CHARS / 39);
    const { pages, state } = paged(fit * 10, 1_000);
    const summary = JSON.parse(await importSummary(result(), pages));
    expect(summary.processedEntities).toEqual([]);
    expect(state.pagesRead).toBeLessThanOrEqual(Math.ceil(fit / 1_000) + 1);
  });

  it('exactly at the limit is kept; one character more is emptied', async () => {
    const base = JSON.stringify(result()).length;
    // n guids take 38n + (n - 1) characters; hostName pads the text by exactly its length
    const n = Math.floor((AUDIT_SUMMARY_MAX_CHARS - base + 1) / 39);
    const fitting = await importSummary(result(), paged(n, 5_000).pages);
    expect(JSON.parse(fitting).processedEntities).toHaveLength(n);
    const padded = { ...result(), hostName: 'x'.repeat(AUDIT_SUMMARY_MAX_CHARS - fitting.length + 1) } as AtlasImportResult;
    expect(JSON.parse(await importSummary(padded, paged(n, 5_000).pages)).processedEntities).toEqual([]);
    const exact = { ...result(), hostName: 'x'.repeat(AUDIT_SUMMARY_MAX_CHARS - fitting.length) } as AtlasImportResult;
    const exactText = await importSummary(exact, paged(n, 5_000).pages);
    expect(exactText.length).toBe(AUDIT_SUMMARY_MAX_CHARS);
    expect(JSON.parse(exactText).processedEntities).toHaveLength(n);
  });
});
