import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditStore } from './audit-store';
import { ExportImportAuditService } from './export-import-audit.service';
import { PostgresAuditStore } from './postgres-audit-store';

/** ExportImportAuditEntry rows and GET /admin/expimp/audit (spec 9). */
@Module({
  controllers: [AuditController],
  providers: [{ provide: AuditStore, useClass: PostgresAuditStore }, ExportImportAuditService],
  exports: [ExportImportAuditService],
})
export class AuditModule {}
