import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseConnection } from './database-connection';

/**
 * Provides TypeORM's DataSource class as the injection token (`constructor(private readonly db: DataSource)`),
 * migrated at start (migrations/ only, never synchronize). DATABASE_URL selects PostgreSQL; without it the
 * embedded PGlite in DATA_DIR.
 */
@Global()
@Module({
  providers: [
    { provide: DatabaseConnection, useFactory: (config: AppConfig) => DatabaseConnection.open(config), inject: [AppConfig] },
    { provide: DataSource, useFactory: (connection: DatabaseConnection) => connection.dataSource, inject: [DatabaseConnection] },
  ],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DatabaseConnection) private readonly connection: DatabaseConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
