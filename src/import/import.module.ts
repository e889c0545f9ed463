import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { diskStorage } from 'multer';
import { AppConfig } from '../config/app-config';
import { ImportController } from './import.controller';
import { ImportService } from './import.service';

@Module({
  imports: [
    // uploads are spooled to TEMP_DIR, never held in memory (Nest's default is memory storage)
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
  controllers: [ImportController],
  providers: [ImportService],
  exports: [ImportService],
})
export class ImportModule {}
