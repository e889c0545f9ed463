import { DynamicModule, Module, Type } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { AsyncImportModule } from './async-import/async-import.module';
import { AtlasServerModule } from './atlas-server/atlas-server.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ExportModule } from './export/export.module';
import { HdfsExportModule } from './hdfs-export/hdfs-export.module';
import { ImportModule } from './import/import.module';
import { MetadataApiModule } from './metadata/api/metadata-api.module';
import { MetadataModule } from './metadata/metadata.module';
import { OperationLockModule } from './operation-lock/operation-lock.module';

/** Wires the modules; nothing else (STYLE 1). Feature modules go in FEATURE_MODULES. */
const FEATURE_MODULES: Array<Type | DynamicModule> = [AdminModule, MetadataModule, MetadataApiModule, ImportModule, ExportModule, HdfsExportModule, AuditModule, AtlasServerModule, AsyncImportModule];

@Module({})
export class AppModule {
  /** `extraModules`: test-only modules (e.g. a route that holds the operation lock). */
  static register(config: AppConfig, extraModules: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, AuthModule, OperationLockModule, ...FEATURE_MODULES, ...extraModules],
    };
  }
}
