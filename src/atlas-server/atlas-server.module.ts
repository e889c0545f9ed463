import { Global, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ExportModule } from '../export/export.module';
import { AtlasServerController } from './atlas-server.controller';
import { AtlasServerStore } from './atlas-server-store';
import { AtlasServerService } from './atlas-server.service';
import { ExportReplicationHook } from './export-replication.hook';
import { PostgresAtlasServerStore } from './postgres-atlas-server-store';
import { ReplicationService } from './replication.service';

/**
 * AtlasServer entities, replicatedTo / replicatedFrom stamping and the export/import side effects (spec 7, 8,
 * 3.11, 5.9, 5.10). Global so that the import module can call ReplicationService without importing it; the export
 * side registers itself in ExportHooks (ExportReplicationHook).
 */
@Global()
@Module({
  imports: [AuditModule, ExportModule],
  controllers: [AtlasServerController],
  providers: [{ provide: AtlasServerStore, useClass: PostgresAtlasServerStore }, AtlasServerService, ReplicationService, ExportReplicationHook],
  exports: [AtlasServerService, ReplicationService],
})
export class AtlasServerModule {}
