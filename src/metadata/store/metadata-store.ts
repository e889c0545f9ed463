// The MetadataStore port (STYLE 3): services use this abstract class as the DI token; the PostgreSQL adapter
// implements it. Every method is set-based: it takes or returns guid sets, never one query per entity.
import type { AnyTypeDef, AtlasClassification, AtlasEntity, AtlasEntityHeader, AtlasEntityWithExtInfo, AtlasTypesDef } from '../model';
import type { TypeLookup } from '../typesystem/resolved-types';

export interface StoredTypeDefs {
  defs: Required<AtlasTypesDef>;
  version: number;
}

export interface WriteContext {
  /** 'import' keeps incoming guids and system attributes (spec 5.7.3, 5.7.8); 'api' assigns guids */
  mode: 'import' | 'api';
  user: string;
  now: number;
  types: TypeLookup;
  /** spec P7 / 5.7.5: skip (and report as unchanged) entities whose content equals the stored one */
  skipUnchanged: boolean;
  /** spec 5.7.7 */
  defaultPropagate: boolean;
  /**
   * Own classifications of an entity that exists already: replaced by the incoming list (import, spec 5.7.5), or
   * left as they are (the entity API unless asked, Atlas's replaceClassifications=false). A created entity always
   * gets its list.
   */
  replaceClassifications: boolean;
}

/** One unit = main entity + its referredEntities, written atomically (spec 5.7.1). */
export interface WriteUnit {
  entity: AtlasEntity;
  referredEntities?: Record<string, AtlasEntity>;
}

export interface UnitReport {
  created: AtlasEntityHeader[];
  updated: AtlasEntityHeader[];
  deleted: AtlasEntityHeader[];
  unchanged: AtlasEntityHeader[];
  /**
   * import: entities this same import already wrote in an earlier batch (their update_time is the import's `now`);
   * written again but not reported again (spec 5.7.9: a guid counts once). Lets the importer count without
   * remembering every guid.
   */
  repeated?: AtlasEntityHeader[];
}

export interface WriteResult {
  units: UnitReport[];
  /** placeholder (negative / missing) guid -> assigned guid */
  guidAssignments: Record<string, string>;
  /** import: referenced guids that did not exist yet (spec P6); pass them to dropDanglingReferences at the end */
  unresolvedTargets: string[];
}

/** spec P9: the import_run row of a running import and the startPosition / guid that resume after this batch */
export interface ImportCommitMark {
  importRunId: string;
  resumePosition: number;
  resumeGuid: string;
}

/** A batch normalised by prepareUnits, opaque to callers. */
export interface PreparedUnits {
  readonly units?: never;
}

export interface ReadOptions {
  /** include referredEntities (the owned closure) */
  withExtInfo?: boolean;
}

export abstract class MetadataStore {
  // --- types -----------------------------------------------------------------------------------------------
  abstract loadTypeDefs(): Promise<StoredTypeDefs>;
  abstract typeSystemVersion(): Promise<number>;
  /** creates and replaces defs in one transaction, bumping the type-system version */
  abstract saveTypeDefs(create: AnyTypeDef[], update: AnyTypeDef[], user: string): Promise<void>;
  abstract deleteTypeDefs(names: string[]): Promise<void>;
  /** entities, classifications and relationships of the types, and entities carrying business metadata of them */
  abstract countEntitiesOfTypes(typeNames: string[]): Promise<number>;

  // --- entities ----------------------------------------------------------------------------------------------
  /** writes a batch of units in one transaction (spec P11): prepareUnits then writePrepared */
  abstract writeUnits(units: WriteUnit[], ctx: WriteContext): Promise<WriteResult>;
  /**
   * The CPU part of writeUnits, without the database: normalisation and validation (its errors are thrown here,
   * before anything is written). An importer prepares the next batch while the previous one is being written.
   */
  abstract prepareUnits(units: WriteUnit[], ctx: WriteContext): Promise<PreparedUnits>;
  /** `mark`: an import's resume point, recorded in the batch's own transaction (it survives a crash exactly) */
  abstract writePrepared(prepared: PreparedUnits, mark?: ImportCommitMark): Promise<WriteResult>;
  abstract getEntities(guids: string[], types: TypeLookup, opts?: ReadOptions): Promise<Map<string, AtlasEntityWithExtInfo>>;
  /** lookup among non-DELETED entities of `typeName` and its sub-types (spec 10.3) */
  abstract findByUniqueAttributes(typeName: string, attrs: Record<string, unknown>, types: TypeLookup): Promise<string | undefined>;
  /** soft delete with cascade to owned children (spec 10.2); unknown guids are ignored; returns the deleted headers */
  abstract deleteEntities(guids: string[], ctx: Pick<WriteContext, 'user' | 'now' | 'types'>): Promise<AtlasEntityHeader[]>;
  abstract addClassifications(guid: string, classifications: AtlasClassification[], ctx: Pick<WriteContext, 'user' | 'now' | 'types'>): Promise<void>;
  /** spec 10.5: recompute propagated classifications */
  abstract recomputePropagation(): Promise<void>;
  /** spec P6: after an import, drop the references to those of `targets` that never arrived */
  abstract dropDanglingReferences(targets: Iterable<string>): Promise<number>;
  /** current value of the change sequence (spec P8) */
  abstract currentChangeMarker(): Promise<number>;
  /**
   * Guids written by one import: change_seq past `marker` (taken when the import started) with the import's
   * `now` and user. Pages in change order, so a million guids never sit in memory at once.
   */
  abstract writtenByImport(marker: number, now: number, user: string, pageSize?: number): AsyncIterable<string[]>;
}
