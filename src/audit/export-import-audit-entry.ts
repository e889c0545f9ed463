// ExportImportAuditEntry (spec 9.1): the REST shape of one audit row.

export type AuditOperation = 'EXPORT' | 'IMPORT' | 'IMPORT_DELETE_REPL';

export const AUDIT_OPERATIONS: readonly AuditOperation[] = ['EXPORT', 'IMPORT', 'IMPORT_DELETE_REPL'];

export interface ExportImportAuditEntry {
  guid: string;
  userName: string;
  operation: AuditOperation;
  /** epoch ms: EXPORT the whole export, IMPORT the entity phase, IMPORT_DELETE_REPL the deletion phase */
  startTime: number;
  endTime: number;
  sourceServerName: string;
  targetServerName: string;
  /** JSON text: AtlasExportResult, AtlasImportResult, or the array of deleted guids */
  resultSummary: string;
  /** SUCCESS or FAIL: a failed import is audited too (issue 6) */
  operationStatus?: string;
  /** spec P9: position and guid of the last committed entity, for startPosition / startGuid */
  resumePosition?: number;
  resumeGuid?: string;
}

/** What `record` takes: the guid is assigned by the audit service. */
export type NewAuditEntry = Omit<ExportImportAuditEntry, 'guid'>;

/** Filters of GET /admin/expimp/audit (spec 9.2), already normalised: absent = not filtered. */
export interface AuditSearch {
  serverName?: string;
  userName?: string;
  operation?: string;
  startTime?: number;
  endTime?: number;
  limit: number;
  offset: number;
}
