// AtlasExportRequest / AtlasExportResult / AtlasImportRequest / AtlasImportResult (spec 2.2, 3.1, 5.3, 5.4).
import type { AtlasObjectId } from './entity';

export type OperationStatus = 'SUCCESS' | 'PARTIAL_SUCCESS' | 'FAIL' | 'INPROGRESS';

export interface AtlasExportRequest {
  itemsToExport?: AtlasObjectId[];
  options?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface AtlasExportResult {
  request?: AtlasExportRequest;
  userName?: string;
  clientIpAddress?: string;
  hostName?: string;
  timeStamp?: number;
  metrics?: Record<string, number>;
  operationStatus?: OperationStatus;
  sourceClusterName?: string;
  changeMarker?: number;
  [extra: string]: unknown;
}

export interface AtlasImportRequest {
  options: Record<string, string>;
  sizeOption?: number;
}

export interface AtlasImportResult {
  request: AtlasImportRequest;
  userName?: string;
  clientIpAddress?: string;
  hostName?: string;
  timeStamp: number;
  metrics: Record<string, number>;
  processedEntities: string[];
  operationStatus: OperationStatus;
  exportResult?: AtlasExportResult;
  /** spec P9: last committed position / guid, so a failed import can be resumed */
  lastCommittedPosition?: number;
  lastCommittedGuid?: string;
}

/** Who made the request (STYLE 2: comes in through a param decorator). */
export interface Caller {
  userName: string;
  clientIpAddress: string;
  hostName: string;
}
