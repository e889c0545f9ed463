import { Module } from '@nestjs/common';
import { ImportController } from './import.controller';
import { ImportRecovery } from './import-recovery';
import { ImportRunStore } from './import-run-store';
import { ImportService } from './import.service';
import { PostgresImportRunStore } from './postgres-import-run-store';
import { uploadSpoolModule } from './upload-spool';

@Module({
  imports: [uploadSpoolModule()],
  controllers: [ImportController],
  providers: [ImportService, ImportRecovery, { provide: ImportRunStore, useClass: PostgresImportRunStore }],
  exports: [ImportService],
})
export class ImportModule {}
