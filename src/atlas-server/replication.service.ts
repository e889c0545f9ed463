// The side effects of an export or import (spec 3.11, 5.9, 5.10, 7.3, 9.1): AtlasServer bookkeeping, the audit
// entry, replicatedTo / replicatedFrom stamping and the table-replication clean-up. ImportService and ExportService
// call into this service once their entity work is done (or, for imports, has failed).
import { Injectable, Logger } from '@nestjs/common';
import type { NewAuditEntry } from '../audit/export-import-audit-entry';
import { ExportImportAuditService } from '../audit/export-import-audit.service';
import { AtlasError, ErrorCode } from '../common/errors';
import type { AtlasExportResult, AtlasImportRequest, AtlasImportResult, Caller } from '../metadata/model';
import { MetadataStore } from '../metadata/store/metadata-store';
import { TypeRegistry } from '../metadata/typesystem/type-registry';
import { AtlasServerStore } from './atlas-server-store';
import { AtlasServerService } from './atlas-server.service';
import { hiveDbQualifiedNameOf, serverNameOf } from './server-name';

/** spec 9.1: beyond this size the import summary drops processedEntities (the audit row stays readable) */
export const AUDIT_SUMMARY_MAX_CHARS = 1024 * 1024;

/** The import options the side effects depend on (ImportOptions fits). */
export interface ReplicationImportOptions {
  replicatedFrom?: string;
  skipUpdateReplicationAttr: boolean;
}

export interface CompletedImport {
  result: AtlasImportResult;
  options: ReplicationImportOptions;
  /** the ZIP's atlas-export-order.json (empty for zipDirect) */
  exportOrder: Iterable<string> & { readonly length: number; at(position: number): string | undefined };
  caller: Caller;
  /** spec 9.1: IMPORT audits the entity phase */
  entityPhaseStart: number;
  entityPhaseEnd?: number;
  /**
   * the processedEntities of a large import, which `result` does not hold (they are streamed into the response):
   * the audit reads them page by page, only as far as its summary can take them (spec 9.1)
   */
  processedPages?: () => AsyncIterable<string[]>;
}

export interface FailedImport {
  error: unknown;
  request: AtlasImportRequest;
  options: ReplicationImportOptions;
  caller: Caller;
  startTime: number;
  /** spec P9 */
  lastCommittedPosition?: number;
  lastCommittedGuid?: string;
}

export interface CompletedExport {
  /** the export result as written to atlas-export-info.json (request, changeMarker, operationStatus …) */
  result: AtlasExportResult;
  /** number of top-level files written (the length of atlas-export-order.json); 0 ⇒ nothing was written */
  files: number;
  /**
   * atlas-export-order.json a page of guids at a time (an export's order is not held in memory); the first guid
   * is the replication key candidate of spec 3.11b
   */
  order: AsyncIterable<string[]> | Iterable<string[]>;
  caller: Pick<Caller, 'userName'>;
  startTime: number;
  endTime?: number;
}

/** guids per replicatedFrom stamping statement after an import */
const STAMP_PAGE_GUIDS = 10_000;

@Injectable()
export class ReplicationService {
  private readonly log = new Logger('ReplicationService');

  constructor(
    private readonly servers: AtlasServerService,
    private readonly serverStore: AtlasServerStore,
    private readonly audits: ExportImportAuditService,
    private readonly store: MetadataStore,
    private readonly registry: TypeRegistry,
  ) {}

  // ------------------------------------------------------------------------------------------------- import

  /** spec 5.9 and 5.10, once the entity phase completed. */
  async afterImport(run: CompletedImport): Promise<void> {
    const user = run.caller.userName;
    const end = run.entityPhaseEnd ?? Date.now();
    await this.servers.ensureCurrentServer(user);
    // spec 5.9: audit and replication only when the ZIP had an export order (never for zipDirect)
    if (run.exportOrder.length === 0) return;

    const replicatedFrom = run.options.replicatedFrom;
    await this.audits.record({
      userName: user,
      operation: 'IMPORT',
      sourceServerName: serverNameOf(replicatedFrom),
      targetServerName: this.servers.currentClusterName,
      startTime: run.entityPhaseStart,
      endTime: end,
      resultSummary: await importSummary(run.result, run.processedPages?.()),
      operationStatus: run.result.operationStatus,
      resumePosition: run.result.lastCommittedPosition,
      resumeGuid: run.result.lastCommittedGuid,
    });

    if (replicatedFrom && !run.options.skipUpdateReplicationAttr) {
      const key = await this.servers.replicationKeyGuid(run.exportOrder.at(0)!);
      const server = await this.servers.recordReplication(replicatedFrom, key, run.result.exportResult?.changeMarker, user);
      // a page of the order at a time: a large archive's guids are never all strings at once
      let page: string[] = [];
      for (const guid of run.exportOrder) {
        page.push(guid);
        if (page.length === STAMP_PAGE_GUIDS) {
          await this.servers.stampReplicated('replicatedFrom', server.guid, page);
          page = [];
        }
      }
      if (page.length > 0) await this.servers.stampReplicated('replicatedFrom', server.guid, page);
    }
    if (replicatedFrom) await this.cleanUpTableReplication(run, replicatedFrom);
  }

  /**
   * issue 6 (a product choice beyond spec 9.1, where Atlas writes nothing): a failed import is audited as IMPORT
   * with operationStatus FAIL and the resume point of P9. An empty ZIP is not an import (spec 12 case 1).
   * Never throws: the original error is what the client must see.
   */
  async afterFailedImport(run: FailedImport): Promise<void> {
    if (run.error instanceof AtlasError && run.error.errorCode === ErrorCode.IMPORT_ATTEMPTING_EMPTY_ZIP.errorCode) return;
    try {
      const { errorCode, errorMessage } = errorBody(run.error);
      const summary = {
        request: run.request,
        userName: run.caller.userName,
        clientIpAddress: run.caller.clientIpAddress,
        hostName: run.caller.hostName,
        timeStamp: run.startTime,
        operationStatus: 'FAIL',
        errorCode,
        errorMessage,
        ...(run.lastCommittedPosition !== undefined ? { lastCommittedPosition: run.lastCommittedPosition, lastCommittedGuid: run.lastCommittedGuid } : {}),
      };
      await this.audits.record({
        userName: run.caller.userName,
        operation: 'IMPORT',
        sourceServerName: serverNameOf(run.options.replicatedFrom),
        targetServerName: this.servers.currentClusterName,
        startTime: run.startTime,
        endTime: Date.now(),
        resultSummary: JSON.stringify(summary),
        operationStatus: 'FAIL',
        resumePosition: run.lastCommittedPosition,
        resumeGuid: run.lastCommittedGuid,
      });
    } catch (e) {
      this.log.error(`could not audit a failed import: ${(e as Error)?.stack ?? e}`);
    }
  }

  /**
   * spec 5.10: after a table-level incremental replication, hive_tables of the same database that were replicated
   * from the same source earlier but are no longer exported have been dropped there: soft-delete them here.
   */
  private async cleanUpTableReplication(run: CompletedImport, replicatedFrom: string): Promise<void> {
    const exportRequest = run.result.exportResult?.request;
    const items = exportRequest?.itemsToExport ?? [];
    const exportOptions = (exportRequest?.options ?? {}) as Record<string, unknown>;
    const applies =
      items.length > 0 &&
      items.every((i) => i.typeName === 'hive_table') &&
      !!exportOptions.replicatedTo &&
      String(exportOptions.fetchType ?? '').toLowerCase() === 'incremental' &&
      isTrue(exportOptions.skipLineage);
    if (!applies) return;

    const start = Date.now();
    const types = await this.registry.lookup();
    if (!types.entityType('hive_table') || !types.entityType('hive_db')) return;
    const safe: string[] = [];
    for (const item of items) {
      const qualifiedName = item.uniqueAttributes?.qualifiedName;
      if (qualifiedName === undefined) continue;
      const guid = await this.store.findByUniqueAttributes('hive_table', { qualifiedName }, types);
      if (guid) safe.push(guid);
    }
    if (safe.length === 0) return;
    const firstTable = (await this.store.getEntities([safe[0]], types)).get(safe[0])?.entity;
    const dbQualifiedName = hiveDbQualifiedNameOf(firstTable?.attributes?.qualifiedName);
    const dbGuid = dbQualifiedName ? await this.store.findByUniqueAttributes('hive_db', { qualifiedName: dbQualifiedName }, types) : undefined;
    const dbName = dbGuid ? (await this.store.getEntities([dbGuid], types)).get(dbGuid)?.entity.attributes?.name : undefined;
    if (typeof dbName !== 'string' || dbName === '') return;

    const candidates = await this.serverStore.replicatedTablesToDelete(dbName, `${replicatedFrom}_replicated`, safe);
    if (candidates.length === 0) return;
    await this.store.deleteEntities(candidates, { user: run.caller.userName, now: Date.now(), types });
    await this.audits.record({
      userName: run.caller.userName,
      operation: 'IMPORT_DELETE_REPL',
      sourceServerName: serverNameOf(replicatedFrom),
      targetServerName: this.servers.currentClusterName,
      startTime: start,
      endTime: Date.now(),
      resultSummary: JSON.stringify(candidates),
      operationStatus: 'SUCCESS',
    });
  }

  // ------------------------------------------------------------------------------------------------- export

  /** spec 3.11, once the ZIP entries are written. */
  async afterExport(run: CompletedExport): Promise<void> {
    const user = run.caller.userName;
    await this.servers.ensureCurrentServer(user);
    if (run.files === 0) return;

    const options = (run.result.request?.options ?? {}) as Record<string, unknown>;
    const replicatedTo = typeof options.replicatedTo === 'string' && options.replicatedTo !== '' ? options.replicatedTo : undefined;
    const entry: NewAuditEntry = {
      userName: user,
      operation: 'EXPORT',
      sourceServerName: this.servers.currentClusterName,
      targetServerName: serverNameOf(replicatedTo),
      startTime: run.startTime,
      endTime: run.endTime ?? Date.now(),
      resultSummary: JSON.stringify(run.result),
    };
    if (run.result.operationStatus) entry.operationStatus = run.result.operationStatus;
    await this.audits.record(entry);

    if (!replicatedTo || run.result.operationStatus === 'FAIL' || isTrue(options.skipUpdateReplicationAttr)) return;
    const types = await this.registry.lookup();
    let serverGuid: string | undefined;
    // one stamping statement per page of the order (spec 8.3: set-based, never per entity)
    for await (const page of run.order) {
      if (page.length === 0) continue;
      if (serverGuid === undefined) {
        const key = await this.servers.replicationKeyGuid(page[0]);
        serverGuid = (await this.servers.recordReplication(replicatedTo, key, run.result.changeMarker, user)).guid;
      }
      await this.servers.stampReplicated('replicatedTo', serverGuid, page, types);
    }
  }
}

/** Atlas sends options as strings; our clients may send booleans (spec P4). */
function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}

/**
 * spec 5.9 step 2, 9.1: the import result as JSON; processedEntities are emptied only when the text would be too
 * large. `pages`, a large import's processedEntities that `result` does not hold, are read while the text still
 * fits and no further, so a summary never holds more guids than the size limit takes.
 */
export async function importSummary(result: AtlasImportResult, pages?: AsyncIterable<string[]>): Promise<string> {
  const emptied = () => JSON.stringify({ ...result, processedEntities: [] });
  if (!pages) {
    const text = JSON.stringify(result);
    return text.length <= AUDIT_SUMMARY_MAX_CHARS ? text : emptied();
  }
  const withoutProcessed = emptied();
  const processed: string[] = [];
  // the length of the text with the guids so far: each one quoted, a comma between two
  let length = withoutProcessed.length;
  for await (const page of pages) {
    for (const guid of page) {
      length += JSON.stringify(guid).length + (processed.length > 0 ? 1 : 0);
      if (length > AUDIT_SUMMARY_MAX_CHARS) return withoutProcessed;
      processed.push(guid);
    }
  }
  return JSON.stringify({ ...result, processedEntities: processed });
}

function errorBody(error: unknown): { errorCode: string; errorMessage: string } {
  if (error instanceof AtlasError) return { errorCode: error.errorCode, errorMessage: error.message };
  // like the error filter: unknown failures do not leak internals
  const internal = new AtlasError(ErrorCode.INTERNAL_ERROR, ['']);
  return { errorCode: internal.errorCode, errorMessage: internal.message.trim() };
}
