// Planner statistics of the catalogue tables. An export's traversal and page statements are planned from them,
// and a table that was never analysed gets plans built on guesses: right after the first large import into a
// fresh installation (autovacuum comes round a minute later; the embedded database has no autovacuum at all), a
// 100k-entity FULL export took 17.4 s instead of 3.8 s, and 50 s on the embedded database. ANALYZE samples at most
// 300 × default_statistics_target rows of a table: 0.4 s for the five tables of a 100k-entity catalogue.

/** The tables an export reads and an import writes. */
export const CATALOGUE_TABLES = ['entity', 'entity_unique', 'relationship', 'classification', 'propagated_classification'] as const;

/** A table grown by less than this many pages (8 KB each) since its last ANALYZE keeps its statistics. */
export const MIN_GROWTH_PAGES = 128;
/** ... or by less than this share of its size then (autovacuum's default analyze_scale_factor is 0.1). */
export const GROWTH_SHARE = 0.2;

/** What pg_class says of a table: its size now and at its last ANALYZE (or VACUUM). */
export interface TableSize {
  table: string;
  pages: number;
  analyzedPages: number;
  /** false while reltuples is -1: never analysed nor vacuumed */
  analyzed: boolean;
}

/** Stale: never analysed while holding rows, or grown by more than a fifth (and at least 1 MB) since. */
export function needsAnalyze(t: TableSize): boolean {
  if (!t.analyzed) return t.pages > 0;
  const grown = t.pages - t.analyzedPages;
  return grown >= MIN_GROWTH_PAGES && grown > t.analyzedPages * GROWTH_SHARE;
}

type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** ANALYZEs the catalogue tables whose statistics are stale; returns their names (none: nothing ran). */
export async function analyzeStaleTables(query: Query): Promise<string[]> {
  const rows = await query(
    `SELECT c.relname::text AS table, c.relpages AS analyzed_pages, c.reltuples >= 0 AS analyzed,
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
       FROM pg_class c WHERE c.oid = ANY ($1::regclass[])`,
    [CATALOGUE_TABLES],
  );
  const stale = rows
    .map((r): TableSize => ({ table: String(r.table), pages: Number(r.pages), analyzedPages: Number(r.analyzed_pages), analyzed: r.analyzed === true }))
    .filter(needsAnalyze)
    .map((t) => t.table);
  if (stale.length > 0) await query(`ANALYZE ${stale.join(', ')}`);
  return stale;
}
