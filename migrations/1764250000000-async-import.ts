import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spec P10 / 5.12: asynchronous import jobs, stored in PostgreSQL instead of Atlas's Kafka topics. One row per
 * importId (the MD5 of the archive's entry contents); a terminal job re-submitted starts afresh in the same row.
 * Times are epoch milliseconds like the audit table.
 */
export class AsyncImport1764250000000 implements MigrationInterface {
  name = 'AsyncImport1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE async_import (
        import_id               text PRIMARY KEY,
        guid                    text NOT NULL,
        status                  text NOT NULL
                                CHECK (status IN ('STAGING', 'WAITING', 'PROCESSING', 'SUCCESSFUL', 'PARTIAL_SUCCESS', 'FAILED', 'ABORTED')),
        -- the spooled archive; NULL once the job has ended and the file is removed
        file_path               text,
        options                 jsonb NOT NULL DEFAULT '{}'::jsonb,
        user_name               text,
        caller                  jsonb,
        received_time           bigint NOT NULL,
        staged_time             bigint,
        processing_start_time   bigint,
        completed_time          bigint,
        total_entities_count    integer NOT NULL DEFAULT 0,
        imported_entities_count integer NOT NULL DEFAULT 0,
        failed_entities_count   integer NOT NULL DEFAULT 0,
        failures                jsonb NOT NULL DEFAULT '{}'::jsonb,
        -- spec P9: where a failed or aborted job stopped
        last_committed_position integer,
        last_committed_guid     text,
        -- DELETE of a PROCESSING job: the worker that runs it (in any process) stops at the next batch boundary
        abort_requested         boolean NOT NULL DEFAULT false,
        import_result           jsonb,
        error                   jsonb
      )`);
    await q.query(`CREATE INDEX async_import_waiting_idx ON async_import (received_time) WHERE status = 'WAITING'`);
    await q.query(`CREATE INDEX async_import_received_idx ON async_import (received_time DESC, import_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS async_import`);
  }
}
