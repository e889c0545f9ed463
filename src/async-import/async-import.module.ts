import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { diskStorage } from 'multer';
import { AppConfig } from '../config/app-config';
import { ImportModule } from '../import/import.module';
import { AsyncImportController } from './async-import.controller';
import { AsyncImportService } from './async-import.service';
import { AsyncImportWorker } from './async-import.worker';
import { AsyncImportStore } from './async-import-store';
import { PostgresAsyncImportStore } from './postgres-async-import-store';

/** Spec 5.12 / P10: async import jobs in PostgreSQL, run by a worker in every server process. */
@Module({
  imports: [
    ImportModule,
    // uploads are spooled to TEMP_DIR like /import's, never held in memory
    MulterModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        fs.mkdirSync(config.tempDir, { recursive: true });
        return {
          storage: diskStorage({ destination: config.tempDir, filename: (_req, _file, cb) => cb(null, `atlas-upload-${randomUUID()}`) }),
          limits: { fileSize: config.uploadMaxBytes, files: 2, fields: 10, fieldSize: 16 * 1024 * 1024 },
        };
      },
    }),
  ],
  controllers: [AsyncImportController],
  providers: [{ provide: AsyncImportStore, useClass: PostgresAsyncImportStore }, AsyncImportService, AsyncImportWorker],
})
export class AsyncImportModule {}
