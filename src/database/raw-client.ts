import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `fn` with a raw `pg` client of the DataSource's pool, for what TypeORM does not do: COPY
 * (pg-copy-streams), cursors (pg-cursor / pg-query-stream). The client goes back to the pool afterwards; if
 * `fn` failed, it is discarded instead, since a failed COPY or an unfinished cursor may leave the connection
 * in a state the next user must not inherit.
 * On the embedded database COPY … FROM STDIN breaks the connection (STACK.md): check `AppConfig.isEmbeddedDatabase`.
 */
export async function withRawClient<T>(db: DataSource, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner('master');
  let failure: unknown;
  try {
    const client = (await runner.connect()) as PoolClient;
    return await fn(client);
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    await releaseRunner(runner, failure);
  }
}

/** Releases a query runner's connection; with an error, the pool destroys the connection instead of reusing it. */
export async function releaseRunner(runner: QueryRunner, error?: unknown): Promise<void> {
  if (error === undefined) {
    await runner.release();
    return;
  }
  // PostgresQueryRunner passes the error on to pg-pool's release(err), which removes the client
  const withError = runner as unknown as { releasePostgresConnection?: (err: unknown) => Promise<void> };
  if (typeof withError.releasePostgresConnection === 'function') {
    await withError.releasePostgresConnection(error instanceof Error ? error : new Error(String(error)));
  } else {
    await runner.release();
  }
}
