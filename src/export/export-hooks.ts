// The point where work that follows an export plugs in (spec 3.11: AtlasServer of this cluster, the audit entry,
// replicatedTo stamping). Those belong to other modules; they register here instead of the export importing them.
import { Injectable } from '@nestjs/common';
import type { AtlasExportRequest, AtlasExportResult, Caller } from '../metadata/model';
import type { SqlQuery } from '../metadata/store/export-reader';
import type { ExportOptions } from './export-options';

export interface ExportOutcome {
  /** exactly what atlas-export-info.json holds */
  result: AtlasExportResult;
  /** the request as received (also result.request, with Atlas's derived members) */
  request: AtlasExportRequest;
  options: ExportOptions;
  caller: Caller;
  /** export start (ms) */
  startTime: number;
  /** when the archive was complete (ms) */
  endTime: number;
  /** number of top-level files (the length of atlas-export-order.json); 0 ⇒ nothing was written */
  files: number;
  /** first guid of atlas-export-order.json: the replication key candidate of spec 3.11 b */
  firstGuid?: string;
  /**
   * The written entities, for set-based work: `query` runs SQL on the export's own database session, where the
   * temporary view `written.view` (guid text, top boolean, seq bigint) lists every written entity — top-level
   * files (top) and the entities embedded in them. Valid only while the hook runs.
   */
  written: {
    view: string;
    query: SqlQuery;
    /** atlas-export-order.json, a page of guids at a time */
    order(pageSize?: number): AsyncIterable<string[]>;
  };
}

export type AfterExportHook = (outcome: ExportOutcome) => Promise<void>;

/**
 * Hooks run in registration order after the archive is complete (central directory written) and before the
 * response ends, still under the operation lock; a failing hook fails the request (the connection is cut).
 */
@Injectable()
export class ExportHooks {
  private readonly hooks: Array<{ name: string; run: AfterExportHook }> = [];

  register(name: string, run: AfterExportHook): void {
    this.hooks.push({ name, run });
  }

  async afterExport(outcome: ExportOutcome): Promise<void> {
    for (const h of this.hooks) await h.run(outcome);
  }
}
