import { Module } from '@nestjs/common';
import { ImportModule } from '../import/import.module';
import { uploadSpoolModule } from '../import/upload-spool';
import { AsyncImportController } from './async-import.controller';
import { AsyncImportService } from './async-import.service';
import { AsyncImportWorker } from './async-import.worker';
import { AsyncImportStore } from './async-import-store';
import { PostgresAsyncImportStore } from './postgres-async-import-store';

/** Spec 5.12 / P10: async import jobs in PostgreSQL, run by a worker in every server process. */
@Module({
  imports: [
    ImportModule,
    uploadSpoolModule(),
  ],
  controllers: [AsyncImportController],
  providers: [{ provide: AsyncImportStore, useClass: PostgresAsyncImportStore }, AsyncImportService, AsyncImportWorker],
})
export class AsyncImportModule {}
