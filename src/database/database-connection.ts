import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { AppConfig, redactUrl } from '../config/app-config';
import { EmbeddedPostgres } from './embedded-postgres';
import { ENTITIES } from './entities';
import { releaseRunner } from './raw-client';

// Any constant: every process of this service on one database serialises its migrations on it.
const MIGRATION_LOCK_KEY = 0x41544c41_4d494700n; // "ATLAMIG\0"

/** The one DataSource of the process, and the embedded database behind it when there is no DATABASE_URL. */
export class DatabaseConnection {
  private static readonly logger = new Logger('Database');

  private constructor(
    readonly dataSource: DataSource,
    private readonly embedded?: EmbeddedPostgres,
  ) {}

  static async open(config: AppConfig): Promise<DatabaseConnection> {
    const started = Date.now();
    let embedded: EmbeddedPostgres | undefined;
    let dataSource: DataSource;
    if (config.databaseUrl !== undefined) {
      dataSource = new DataSource({
        type: 'postgres',
        url: config.databaseUrl,
        poolSize: config.dbPoolSize,
        applicationName: 'atlas-expimp',
        // JIT compiles the recursive closure / traversal queries (inflated cost estimates) for ~250 ms per
        // statement, several times what they take to run; this workload never profits from it
        extra: { options: '-c jit=off' },
        entities: ENTITIES,
        migrations: MIGRATIONS,
        migrationsRun: false,
        synchronize: false,
        logging: ['error'],
      });
    } else {
      // pool ≤ socket connections, plus room for a connection opened while the pool is full of idle ones
      embedded = await EmbeddedPostgres.start(config.dataDir, config.dbPoolSize + 2);
      dataSource = new DataSource({
        type: 'postgres',
        host: embedded.host,
        port: embedded.port,
        username: 'postgres',
        database: 'postgres',
        poolSize: config.dbPoolSize,
        installExtensions: false,
        uuidExtension: 'pgcrypto',
        entities: ENTITIES,
        migrations: MIGRATIONS,
        migrationsRun: false,
        synchronize: false,
        logging: ['error'],
      });
    }
    const where = embedded ? `embedded PGlite in ${config.dataDir}` : `PostgreSQL ${redactUrl(config.databaseUrl!)}`;
    try {
      await dataSource.initialize();
    } catch (e) {
      await embedded?.stop().catch(() => undefined);
      throw new Error(`Cannot connect to the database (${where}): ${(e as Error).message}`, { cause: e });
    }
    try {
      await runMigrations(dataSource, config.isEmbeddedDatabase);
    } catch (e) {
      await dataSource.destroy().catch(() => undefined);
      await embedded?.stop().catch(() => undefined);
      throw new Error(`Database migration failed (${where}): ${(e as Error).message}`, { cause: e });
    }
    DatabaseConnection.logger.log(`Database ready (${where}) in ${Date.now() - started} ms`);
    return new DatabaseConnection(dataSource, embedded);
  }

  async close(): Promise<void> {
    try {
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    } finally {
      await this.embedded?.stop();
    }
  }
}

/**
 * Runs MIGRATIONS under a session advisory lock so that several processes starting at once on one database
 * apply each migration once. The embedded database is single-process (DataDirLock), so it needs none.
 */
async function runMigrations(dataSource: DataSource, embedded: boolean): Promise<void> {
  if (embedded) {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner('master');
  let failure: unknown;
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    await releaseRunner(runner, failure);
  }
}
