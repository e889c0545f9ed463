import { DynamicModule } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import * as fs from 'node:fs';
import { diskStorage } from 'multer';
import { ownedTempName } from '../common/temp-files';
import { AppConfig } from '../config/app-config';

/** Spooled uploads are named ownedTempName(UPLOAD_SPOOL_PREFIX): a crashed process's are removed at start-up. */
export const UPLOAD_SPOOL_PREFIX = 'atlas-upload';

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
        storage: diskStorage({ destination: config.tempDir, filename: (_req, _file, cb) => cb(null, ownedTempName(UPLOAD_SPOOL_PREFIX)) }),
        limits: { fileSize: config.uploadMaxBytes, files: 2, fields: 10, fieldSize: 16 * 1024 * 1024 },
      };
    },
  });
}
