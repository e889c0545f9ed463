// The audit table behind a port (STYLE 3): the service never touches SQL.
import type { AuditSearch, ExportImportAuditEntry } from './export-import-audit-entry';

export abstract class AuditStore {
  abstract insert(entry: ExportImportAuditEntry): Promise<void>;
  /** newest first (issue 6), then `offset` / `limit` */
  abstract search(filter: AuditSearch): Promise<ExportImportAuditEntry[]>;
}
