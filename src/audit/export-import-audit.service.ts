// Export/import audits (spec 9): one row per export, import (failed ones included, issue 6) and replication
// clean-up; read back by GET /admin/expimp/audit.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { parseAuditQuery } from './audit-query';
import { AuditStore } from './audit-store';
import type { ExportImportAuditEntry, NewAuditEntry } from './export-import-audit-entry';

@Injectable()
export class ExportImportAuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly config: AppConfig,
  ) {}

  async record(entry: NewAuditEntry): Promise<ExportImportAuditEntry> {
    const stored: ExportImportAuditEntry = { guid: randomUUID(), ...entry };
    await this.store.insert(stored);
    return stored;
  }

  /** spec 9.2 over the raw query parameters; newest first (issue 6) */
  async search(query: Record<string, unknown>): Promise<ExportImportAuditEntry[]> {
    const filter = parseAuditQuery(query, { defaultLimit: this.config.searchDefaultLimit, maxLimit: this.config.searchMaxLimit });
    return this.store.search(filter);
  }
}
