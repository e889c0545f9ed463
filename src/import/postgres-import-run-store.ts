// PostgreSQL adapter of ImportRunStore over import_run (migrations/1764400000000-import-run.ts). The resume point
// itself is written by MetadataStore.writePrepared, in the transaction of the batch it describes.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ImportRunRecord, ImportRunStore } from './import-run-store';

interface RunRow {
  id: string;
  start_time: string;
  caller: ImportRunRecord['caller'];
  request: ImportRunRecord['request'];
  replicated_from: string | null;
  resume_position: number | null;
  resume_guid: string | null;
}

@Injectable()
export class PostgresImportRunStore extends ImportRunStore {
  constructor(private readonly db: DataSource) {
    super();
  }

  async begin(run: ImportRunRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO import_run (id, start_time, caller, request, replicated_from) VALUES ($1, $2, $3, $4, $5)`,
      [run.id, run.startTime, JSON.stringify(run.caller), JSON.stringify(run.request), run.replicatedFrom ?? null],
    );
  }

  async end(id: string): Promise<void> {
    await this.db.query(`DELETE FROM import_run WHERE id = $1`, [id]);
  }

  async all(): Promise<ImportRunRecord[]> {
    const rows: RunRow[] = await this.db.query(`SELECT * FROM import_run ORDER BY start_time, id`);
    return rows.map((r) => ({
      id: r.id,
      startTime: Number(r.start_time),
      caller: r.caller,
      request: r.request,
      replicatedFrom: r.replicated_from ?? undefined,
      resumePosition: r.resume_position ?? undefined,
      resumeGuid: r.resume_guid ?? undefined,
    }));
  }
}
