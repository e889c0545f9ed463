// Plugs the spec 3.11 side effects into the export: ExportService runs its registered after-export hooks once the
// archive is complete, still under the operation lock (export/export-hooks.ts). The export module does not know us.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ExportHooks, ExportOutcome } from '../export/export-hooks';
import { ReplicationService } from './replication.service';

@Injectable()
export class ExportReplicationHook implements OnModuleInit {
  constructor(
    private readonly hooks: ExportHooks,
    private readonly replication: ReplicationService,
  ) {}

  onModuleInit(): void {
    this.hooks.register('atlas-server: AtlasServer, EXPORT audit, replicatedTo (spec 3.11)', (outcome) => this.afterExport(outcome));
  }

  private afterExport(o: ExportOutcome): Promise<void> {
    return this.replication.afterExport({
      result: o.result,
      files: o.files,
      order: o.written.order(),
      caller: o.caller,
      startTime: o.startTime,
      endTime: o.endTime,
    });
  }
}
