// Start-up model loading (spec 10.1), like Atlas's `models` folder: the shipped models, then MODELS_DIR, each in
// file-name order; missing types are created and new attributes merged in; patches applied when their type exists.
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { MetadataStore } from '../store/metadata-store';
import { applyModelEntries, readModelDir, shippedModelsDir } from './model-files';
import { TypeRegistry } from './type-registry';

@Injectable()
export class ModelBootstrap implements OnModuleInit {
  private readonly log = new Logger('ModelBootstrap');

  constructor(
    private readonly config: AppConfig,
    private readonly store: MetadataStore,
    private readonly registry: TypeRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    const dirs = [shippedModelsDir(), this.config.modelsDir].filter((d): d is string => !!d);
    const entries = (await Promise.all(dirs.map((d) => readModelDir(d)))).flat();
    const { defs } = await this.store.loadTypeDefs();
    const { created, updated } = applyModelEntries(defs, entries);
    if (created.length > 0 || updated.length > 0) {
      await this.store.saveTypeDefs(created, updated, 'admin');
      this.log.log(`models: ${created.length} types created, ${updated.length} updated`);
    }
    await this.registry.reload();
  }
}
