// The export side of the metadata store (ARCHITECTURE "The two hot paths"): a session pinned to one database
// connection that resolves start entities, computes the whole export set in SQL into temporary tables, and hands
// back each `{guid}.json` as finished JSON text, page by page in export order. Nothing proportional to the export
// is kept in Node.
import type { TypeLookup } from '../typesystem/resolved-types';

/** How start entities are found (spec 3.3). */
export type StartSpec =
  /** 3.3 (1): one guid as is */
  | { kind: 'guid'; guid: string }
  /** 3.3 (2): matchType forType — every entity whose type name is exactly one of these (DELETED included) */
  | { kind: 'types'; typeNames: string[] }
  /** 3.3 (3): entities of exactly `typeName` with an attribute value matching one of the pairs (union); for
   *  `matches` the value is a PostgreSQL ARE that must match the whole attribute value */
  | { kind: 'attributes'; typeName: string; pairs: Array<{ attr: string; value: string }>; match: AttributeMatch };

/** Predicate on the stored string value (spec 3.3 table); 'exact' for an absent or unrecognised matchType. */
export type AttributeMatch = 'exact' | 'startsWith' | 'endsWith' | 'contains' | 'matches';

export interface TraversalOptions {
  /** spec 3.4: FULL follows edges both ways; CONNECTED follows them by direction */
  mode: 'FULL' | 'CONNECTED';
  skipLineage: boolean;
  /**
   * spec 3.5 special case (incremental, first item hive_db, skipLineage): a db expands only to its tables, and with
   * `changedAfter` > 0 only to tables, storage descriptors and columns changed after it; tables are not expanded.
   */
  hiveDbShortcut?: { changedAfter: number };
  /**
   * spec 3.5 special case (incremental, first item hive_table, skipLineage): a table expands only to its db, storage
   * descriptor and columns (with `changedAfter` > 0 only those changed after it).
   */
  hiveTableShortcut?: { changedAfter: number };
}

export interface ExportSummary {
  /** top-level files */
  files: number;
  /** files carrying their owned closure in referredEntities (spec 3.9 `entity:withExtInfo`) */
  withExtInfo: number;
  /** written entities per type name, top-level and referred (spec 3.9 `entity:<type>`) */
  entitiesByType: Record<string, number>;
  /** entity type names of every processed entity, top-level and referred, written or not (spec 3.4 step 1, 3.7) */
  typeNames: string[];
  /** classification type names on those entities, own and propagated (spec 3.7) */
  classificationNames: string[];
  /** the first guid of the export order (spec 3.11 replication key), if any */
  firstGuid?: string;
}

/** One `{guid}.json` entry: AtlasEntityWithExtInfo as JSON text (UTF-8 bytes). */
export interface ExportFile {
  guid: string;
  json: Buffer;
}

export type SqlQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Name of the temporary view that lists every written entity of a finished export on the session (guid, top,
 * seq): top-level files (top = true, seq = position in atlas-export-order.json) and the entities embedded in them
 * (top = false, seq = their file's position). Set-based after-export work (spec 3.11 d) joins it.
 */
export const EXPORT_WRITTEN_VIEW = 'export_written';

export interface ExportSession {
  /** spec P8: the change sequence at export start: the `changeMarker` the next incremental export passes back */
  readonly changeMarker: number;
  /** Resolves a start specification into the session (not into Node); returns how many start entities it found. */
  resolveStarts(spec: StartSpec): Promise<number>;
  /** Traverses from the starts last resolved (spec 3.4); items share the processed set, as in Atlas. */
  traverse(options: TraversalOptions): Promise<void>;
  /**
   * Fixes the list of files in export order: every top-level entity that qualifies (change_seq > changedAfter; 0
   * means all) with its owned closure; of a top-level entity that does not qualify, each qualifying owned entity
   * as a standalone file without ext-info (spec 3.5).
   */
  finish(changedAfter: number): Promise<ExportSummary>;
  /** The files in export order, a page at a time. */
  files(pageSize?: number): AsyncIterable<ExportFile[]>;
  /** The top-level guids in export order, a page at a time (atlas-export-order.json). */
  order(pageSize?: number): AsyncIterable<string[]>;
  /** Ends the consistent read (after the archive is written); the temporary tables and view stay until close. */
  endSnapshot(): Promise<void>;
  /** Runs SQL on the session's connection, where the temporary view {@link EXPORT_WRITTEN_VIEW} lives. */
  query: SqlQuery;
  /** Drops the session's temporary tables and gives the connection back (idempotent). */
  close(error?: unknown): Promise<void>;
}

/** Port (STYLE 3): the PostgreSQL adapter is PostgresExportReader. */
export abstract class ExportReader {
  /** Opens a session with a consistent snapshot of the catalogue for the traversal and the reads. */
  abstract open(types: TypeLookup): Promise<ExportSession>;
}
