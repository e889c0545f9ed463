import { Module } from '@nestjs/common';
import { HdfsExportModule } from '../hdfs-export/hdfs-export.module';
import { ExportReader } from '../metadata/store/export-reader';
import { PostgresExportReader } from '../metadata/store/postgres-export-reader';
import { ExportController } from './export.controller';
import { ExportHooks } from './export-hooks';
import { ExportService } from './export.service';

/** POST /api/atlas/admin/export (spec 3). Exports ExportHooks for the after-export work of spec 3.11. */
@Module({
  imports: [HdfsExportModule],
  controllers: [ExportController],
  providers: [ExportService, ExportHooks, { provide: ExportReader, useClass: PostgresExportReader }],
  exports: [ExportService, ExportHooks],
})
export class ExportModule {}
