import { describe, expect, it } from 'vitest';
import { GROWTH_SHARE, MIN_GROWTH_PAGES, needsAnalyze } from './planner-statistics';

const table = (pages: number, analyzedPages: number, analyzed = true) => ({ table: 'entity', pages, analyzedPages, analyzed });

describe('needsAnalyze', () => {
  it('analyses a table never analysed once it holds rows', () => {
    expect(needsAnalyze(table(1, 0, false))).toBe(true);
    expect(needsAnalyze(table(0, 0, false))).toBe(false);
  });

  it('analyses a table grown by more than its share and by at least MIN_GROWTH_PAGES since', () => {
    // a small table: 1 MB of growth at least
    expect(needsAnalyze(table(MIN_GROWTH_PAGES - 1, 0))).toBe(false);
    expect(needsAnalyze(table(MIN_GROWTH_PAGES, 0))).toBe(true);
    // a large one: more than GROWTH_SHARE of its analysed size
    const size = 100_000;
    expect(needsAnalyze(table(size + size * GROWTH_SHARE, size))).toBe(false);
    expect(needsAnalyze(table(size + size * GROWTH_SHARE + 1, size))).toBe(true);
  });

  it('keeps the statistics of a table that did not grow', () => {
    expect(needsAnalyze(table(5_000, 5_000))).toBe(false);
    expect(needsAnalyze(table(4_000, 5_000))).toBe(false);
  });
});
