// PostgreSQL adapter of AuditStore over export_import_audit (migrations/1764100000000-initial-schema.ts).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditStore } from './audit-store';
import type { AuditOperation, AuditSearch, ExportImportAuditEntry } from './export-import-audit-entry';

interface AuditRow {
  guid: string;
  user_name: string | null;
  operation: AuditOperation;
  source_server_name: string;
  target_server_name: string;
  start_time: string;
  end_time: string;
  result_summary: string | null;
  operation_status: string | null;
  resume_position: number | null;
  resume_guid: string | null;
}

@Injectable()
export class PostgresAuditStore extends AuditStore {
  constructor(private readonly db: DataSource) {
    super();
  }

  async insert(e: ExportImportAuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO export_import_audit (guid, user_name, operation, source_server_name, target_server_name, start_time,
                                        end_time, result_summary, operation_status, resume_position, resume_guid)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [e.guid, e.userName, e.operation, e.sourceServerName, e.targetServerName, e.startTime, e.endTime, e.resultSummary,
        e.operationStatus ?? null, e.resumePosition ?? null, e.resumeGuid ?? null],
    );
  }

  async search(f: AuditSearch): Promise<ExportImportAuditEntry[]> {
    // every filter is optional: a NULL parameter switches its condition off (spec 9.2: given filters are AND-ed)
    const rows: AuditRow[] = await this.db.query(
      `SELECT guid, user_name, operation, source_server_name, target_server_name, start_time, end_time, result_summary,
              operation_status, resume_position, resume_guid
         FROM export_import_audit
        WHERE ($1::text IS NULL OR source_server_name = $1 OR target_server_name = $1)
          AND ($2::text IS NULL OR user_name = $2)
          AND ($3::text IS NULL OR operation = $3)
          AND ($4::bigint IS NULL OR start_time = $4)
          AND ($5::bigint IS NULL OR end_time = $5)
        ORDER BY start_time DESC, seq DESC
        LIMIT $6 OFFSET $7`,
      [f.serverName ?? null, f.userName ?? null, f.operation ?? null, f.startTime ?? null, f.endTime ?? null, f.limit, f.offset],
    );
    return rows.map(toEntry);
  }
}

function toEntry(r: AuditRow): ExportImportAuditEntry {
  const e: ExportImportAuditEntry = {
    guid: r.guid,
    userName: r.user_name ?? '',
    operation: r.operation,
    startTime: Number(r.start_time),
    endTime: Number(r.end_time),
    sourceServerName: r.source_server_name,
    targetServerName: r.target_server_name,
    resultSummary: r.result_summary ?? '',
  };
  if (r.operation_status !== null) e.operationStatus = r.operation_status;
  if (r.resume_position !== null) e.resumePosition = r.resume_position;
  if (r.resume_guid !== null) e.resumeGuid = r.resume_guid;
  return e;
}
