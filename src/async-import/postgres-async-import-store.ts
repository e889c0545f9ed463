// PostgreSQL adapter of AsyncImportStore over async_import (migrations/1764250000000-async-import.ts).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AsyncImportBrief, AsyncImportJob, AsyncImportStatus } from './async-import-job';
import { AsyncImportStore, JobOutcome } from './async-import-store';

interface JobRow {
  import_id: string;
  guid: string;
  status: AsyncImportStatus;
  file_path: string | null;
  options: Record<string, unknown>;
  user_name: string | null;
  caller: AsyncImportJob['caller'] | null;
  received_time: string;
  staged_time: string | null;
  processing_start_time: string | null;
  completed_time: string | null;
  total_entities_count: number;
  imported_entities_count: number;
  failed_entities_count: number;
  failures: Record<string, string>;
  last_committed_position: number | null;
  last_committed_guid: string | null;
  abort_requested: boolean;
  import_result: AsyncImportJob['importResult'] | null;
  error: Record<string, unknown> | null;
}

@Injectable()
export class PostgresAsyncImportStore extends AsyncImportStore {
  constructor(private readonly db: DataSource) {
    super();
  }

  async register(job: AsyncImportJob): Promise<{ job: AsyncImportJob; created: boolean }> {
    // two attempts: the existing job may reach a terminal status between the upsert and the read
    for (let attempt = 0; attempt < 2; attempt++) {
      const rows: JobRow[] = await this.db.query(
        `INSERT INTO async_import (import_id, guid, status, file_path, options, user_name, caller, received_time, staged_time,
                                   total_entities_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (import_id) DO UPDATE
            SET guid = EXCLUDED.guid, status = EXCLUDED.status, file_path = EXCLUDED.file_path, options = EXCLUDED.options,
                user_name = EXCLUDED.user_name, caller = EXCLUDED.caller, received_time = EXCLUDED.received_time,
                staged_time = EXCLUDED.staged_time, processing_start_time = NULL, completed_time = NULL,
                total_entities_count = EXCLUDED.total_entities_count, imported_entities_count = 0, failed_entities_count = 0,
                failures = '{}'::jsonb, last_committed_position = NULL, last_committed_guid = NULL, abort_requested = false,
                import_result = NULL, error = NULL
          WHERE async_import.status NOT IN ('STAGING', 'WAITING', 'PROCESSING')
         RETURNING *`,
        [job.importId, job.guid, job.status, job.filePath ?? null, JSON.stringify(job.options), job.userName, JSON.stringify(job.caller),
          job.receivedTime, job.stagedTime ?? null, job.totalEntitiesCount],
      );
      if (rows[0]) return { job: toJob(rows[0]), created: true };
      const existing = await this.find(job.importId);
      if (existing && ['STAGING', 'WAITING', 'PROCESSING'].includes(existing.status)) return { job: existing, created: false };
    }
    throw new Error(`async import ${job.importId}: could not register`);
  }

  async find(importId: string): Promise<AsyncImportJob | undefined> {
    const rows: JobRow[] = await this.db.query(`SELECT * FROM async_import WHERE import_id = $1`, [importId]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  async list(offset: number, limit: number): Promise<{ list: AsyncImportBrief[]; totalCount: number }> {
    const rows: Array<{ import_id: string; status: AsyncImportStatus; received_time: string; user_name: string | null }> = await this.db.query(
      `SELECT import_id, status, received_time, user_name FROM async_import
        ORDER BY received_time DESC, import_id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    const count: Array<{ n: string }> = await this.db.query(`SELECT count(*) AS n FROM async_import`);
    return {
      list: rows.map((r) => ({ importId: r.import_id, status: r.status, receivedTime: Number(r.received_time), userName: r.user_name ?? '' })),
      totalCount: Number(count[0]?.n ?? 0),
    };
  }

  async hasWaiting(): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM async_import WHERE status = 'WAITING' LIMIT 1`);
    return rows.length > 0;
  }

  async claimOldestWaiting(now: number): Promise<AsyncImportJob | undefined> {
    // the status condition is re-checked by the UPDATE: a job claimed or aborted meanwhile is not taken
    const rows = returnedRows<JobRow>(await this.db.query(
      `UPDATE async_import SET status = 'PROCESSING', processing_start_time = $1
        WHERE status = 'WAITING'
          AND import_id = (SELECT import_id FROM async_import WHERE status = 'WAITING'
                            ORDER BY received_time, import_id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now],
    ));
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  async progress(importId: string, imported: number, position?: number, guid?: string): Promise<boolean> {
    const rows = returnedRows<{ abort_requested: boolean }>(await this.db.query(
      `UPDATE async_import SET imported_entities_count = $2, last_committed_position = $3, last_committed_guid = $4
        WHERE import_id = $1 AND status = 'PROCESSING'
       RETURNING abort_requested`,
      [importId, imported, position ?? null, guid ?? null],
    ));
    return rows[0]?.abort_requested === true;
  }

  async abortRequested(importId: string): Promise<boolean> {
    const rows: Array<{ abort_requested: boolean }> = await this.db.query(`SELECT abort_requested FROM async_import WHERE import_id = $1`, [importId]);
    return rows[0]?.abort_requested === true;
  }

  async finish(importId: string, o: JobOutcome): Promise<void> {
    await this.db.query(
      `UPDATE async_import
          SET status = $2, completed_time = $3, imported_entities_count = $4,
              last_committed_position = COALESCE($5, last_committed_position), last_committed_guid = COALESCE($6, last_committed_guid),
              import_result = $7, error = $8, file_path = NULL
        WHERE import_id = $1 AND status = 'PROCESSING'`,
      [importId, o.status, o.completedTime, o.importedEntitiesCount, o.lastCommittedPosition ?? null, o.lastCommittedGuid ?? null,
        o.importResult === undefined ? null : JSON.stringify(o.importResult), o.error === undefined ? null : JSON.stringify(o.error)],
    );
  }

  async abortQueued(importId: string, now: number): Promise<AsyncImportJob | undefined> {
    const rows = returnedRows<JobRow>(await this.db.query(
      `UPDATE async_import a SET status = 'ABORTED', completed_time = $2, file_path = NULL
         FROM async_import before
        WHERE a.import_id = $1 AND before.import_id = a.import_id AND a.status IN ('STAGING', 'WAITING')
       RETURNING before.*`,
      [importId, now],
    ));
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  async requestAbort(importId: string): Promise<boolean> {
    const rows = returnedRows<{ import_id: string }>(await this.db.query(
      `UPDATE async_import SET abort_requested = true WHERE import_id = $1 AND status = 'PROCESSING' RETURNING import_id`,
      [importId],
    ));
    return rows.length > 0;
  }

  async failProcessing(outcome: (job: AsyncImportJob) => Pick<JobOutcome, 'status' | 'error'>, now: number): Promise<AsyncImportJob[]> {
    const rows: JobRow[] = await this.db.query(`SELECT * FROM async_import WHERE status = 'PROCESSING'`);
    const failed: AsyncImportJob[] = [];
    for (const row of rows) {
      const job = toJob(row);
      const o = outcome(job);
      const updated = returnedRows<{ import_id: string }>(await this.db.query(
        `UPDATE async_import SET status = $4, completed_time = $2, error = $3, file_path = NULL
          WHERE import_id = $1 AND status = 'PROCESSING' RETURNING import_id`,
        [job.importId, now, o.error === undefined ? null : JSON.stringify(o.error), o.status],
      ));
      if (updated.length > 0) failed.push(job);
    }
    return failed;
  }
}

function toJob(r: JobRow): AsyncImportJob {
  const optionalNumber = (v: string | number | null) => (v === null ? undefined : Number(v));
  return {
    importId: r.import_id,
    guid: r.guid,
    status: r.status,
    filePath: r.file_path ?? undefined,
    options: r.options ?? {},
    userName: r.user_name ?? '',
    caller: r.caller ?? { userName: r.user_name ?? '', clientIpAddress: '', hostName: '' },
    receivedTime: Number(r.received_time),
    stagedTime: optionalNumber(r.staged_time),
    processingStartTime: optionalNumber(r.processing_start_time),
    completedTime: optionalNumber(r.completed_time),
    totalEntitiesCount: r.total_entities_count,
    importedEntitiesCount: r.imported_entities_count,
    failedEntitiesCount: r.failed_entities_count,
    failures: r.failures ?? {},
    lastCommittedPosition: r.last_committed_position ?? undefined,
    lastCommittedGuid: r.last_committed_guid ?? undefined,
    abortRequested: r.abort_requested,
    importResult: r.import_result ?? undefined,
    error: r.error ?? undefined,
  };
}

/** TypeORM answers an UPDATE with `[rows, affectedCount]`: the RETURNING rows are the first element. */
function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}
