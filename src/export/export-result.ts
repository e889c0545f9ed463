// The AtlasExportResult of an export (spec 2.2, 3.9): pure functions from what was written to the result entry.
import type { AtlasExportRequest, AtlasExportResult, Caller, OperationStatus } from '../metadata/model';
import type { ExportSummary } from '../metadata/store/export-reader';
import type { ExportOptions } from './export-options';

export type ItemStatus = 'SUCCESS' | 'FAIL';

/** spec 3.9: no items ⇒ FAIL; all equal ⇒ that status; otherwise PARTIAL_SUCCESS */
export function operationStatusOf(items: ItemStatus[]): OperationStatus {
  if (items.length === 0) return 'FAIL';
  return items.every((s) => s === items[0]) ? items[0] : 'PARTIAL_SUCCESS';
}

/** spec 3.9: `entity:<type>` for every written entity, `entity:withExtInfo`, then `duration` */
export function exportMetrics(summary: Pick<ExportSummary, 'entitiesByType' | 'withExtInfo'>, durationMs: number): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const type of Object.keys(summary.entitiesByType).sort()) metrics[`entity:${type}`] = summary.entitiesByType[type];
  if (summary.withExtInfo > 0) metrics['entity:withExtInfo'] = summary.withExtInfo;
  metrics.duration = durationMs;
  return metrics;
}

/** The request as received plus the derived read-only members Atlas serialises (spec 2.2). */
export function requestEcho(request: AtlasExportRequest, options: ExportOptions): AtlasExportRequest {
  const echo: AtlasExportRequest = {
    itemsToExport: request.itemsToExport ?? [],
    options: request.options ?? {},
    fetchTypeOptionValue: options.fetchType,
    skipLineageOptionValue: options.skipLineage,
    changeTokenFromOptions: options.changeMarker,
    omitZipResponseForEmptyExport: options.omitZipResponseForEmptyExport,
  };
  if (options.matchType !== undefined) echo.matchTypeOptionValue = options.matchType;
  return echo;
}

export interface ExportResultInput {
  request: AtlasExportRequest;
  caller: Caller;
  startedAt: number;
  metrics: Record<string, number>;
  operationStatus: OperationStatus;
  clusterName: string;
  changeMarker: number;
}

export function exportResult(input: ExportResultInput): AtlasExportResult {
  return {
    request: input.request,
    userName: input.caller.userName,
    clientIpAddress: input.caller.clientIpAddress,
    hostName: input.caller.hostName,
    timeStamp: input.startedAt,
    metrics: input.metrics,
    operationStatus: input.operationStatus,
    sourceClusterName: input.clusterName,
    changeMarker: input.changeMarker,
  };
}
