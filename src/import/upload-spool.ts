import { DynamicModule } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { diskStorage } from 'multer';
import { AppConfig } from '../config/app-config';

/**
 * Multipart uploads (the `data` ZIP and the `request` part) are spooled to TEMP_DIR, never held in memory (Nest's
 * default is memory storage), within UPLOAD_MAX_BYTES. Used by /import and /async/import alike.
 */
export function uploadSpoolModule(): DynamicModule {
  return MulterModule.registerAsync({
    inject: [AppConfig],
    useFactory: (config: AppConfig) => {
      fs.mkdirSync(config.tempDir, { recursive: true });
      return {
        storage: diskStorage({ destination: config.tempDir, filename: (_req, _file, cb) => cb(null, `atlas-upload-${randomUUID()}`) }),
        limits: { fileSize: config.uploadMaxBytes, files: 2, fields: 10, fieldSize: 16 * 1024 * 1024 },
      };
    },
  });
}
