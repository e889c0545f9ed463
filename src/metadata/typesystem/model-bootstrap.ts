// Start-up model loading (spec 10.1), like Atlas's `models` folder: the shipped models, then MODELS_DIR, each in
// file-name order; missing types are created and new attributes merged in; patches applied when their type exists.
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { AnyTypeDef, AtlasTypesDef } from '../model';
import { MetadataStore } from '../store/metadata-store';
import { readModelDir, shippedModelsDir } from './model-files';
import { TypeRegistry } from './type-registry';
import { applyModelPatch, mergeModelFile } from './typedef-rules';

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
    let { defs } = await this.store.loadTypeDefs();
    const created = new Set<string>();
    const updated = new Set<string>();
    for (const dir of dirs) {
      for (const file of await readModelDir(dir)) {
        const result = file.patches ? applyModelPatch(defs, file.patches) : file.defs ? mergeModelFile(defs, file.defs) : undefined;
        if (!result) continue;
        defs = result.defs;
        for (const d of result.created) created.add(d.name);
        for (const d of result.updated) if (!created.has(d.name)) updated.add(d.name);
      }
    }
    if (created.size > 0 || updated.size > 0) {
      const pick = (names: Set<string>) => allOf(defs).filter((d) => names.has(d.name));
      await this.store.saveTypeDefs(pick(created), pick(updated), 'admin');
      this.log.log(`models: ${created.size} types created, ${updated.size} updated`);
    }
    await this.registry.reload();
  }
}

function allOf(defs: AtlasTypesDef): AnyTypeDef[] {
  const cat: Array<[keyof AtlasTypesDef, string]> = [
    ['enumDefs', 'ENUM'], ['structDefs', 'STRUCT'], ['classificationDefs', 'CLASSIFICATION'], ['entityDefs', 'ENTITY'],
    ['relationshipDefs', 'RELATIONSHIP'], ['businessMetadataDefs', 'BUSINESS_METADATA'],
  ];
  return cat.flatMap(([k, c]) => ((defs[k] ?? []) as AnyTypeDef[]).map((d) => ({ ...d, category: d.category ?? (c as AnyTypeDef['category']) })));
}
