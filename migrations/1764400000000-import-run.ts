import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spec P9 / P11 after a crash: one row per import that is running, with the resume point of its last committed
 * batch, written in that batch's transaction. An import that ends (success or failure) audits itself and removes
 * its row; a row left behind belongs to a process that died (kill -9, OOM, power loss) and is turned into a failed
 * IMPORT audit entry carrying that resume point (ImportRecovery), which is otherwise lost with the process.
 */
export class ImportRun1764400000000 implements MigrationInterface {
  name = 'ImportRun1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_run (
        id               text PRIMARY KEY,
        start_time       bigint NOT NULL,
        caller           jsonb NOT NULL,
        -- the AtlasImportRequest echo of the result ({options, sizeOption}) and replicatedFrom for the audit entry
        request          jsonb NOT NULL,
        replicated_from  text,
        resume_position  int,
        resume_guid      text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS import_run`);
  }
}
