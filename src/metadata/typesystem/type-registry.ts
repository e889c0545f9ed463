// The current TypeSystem of this process. Types live in PostgreSQL; every read checks the type-system version
// (one indexed row) so a change made by another server process is picked up on its next request.
import { Injectable } from '@nestjs/common';
import type { AnyTypeDef, AtlasTypesDef } from '../model';
import { MetadataStore } from '../store/metadata-store';
import { TypeSystem } from './type-system';

@Injectable()
export class TypeRegistry {
  private current: TypeSystem = TypeSystem.empty(-1);
  private loading?: Promise<TypeSystem>;

  constructor(private readonly store: MetadataStore) {}

  /** The up-to-date type system (reloaded when another process changed types). */
  async lookup(): Promise<TypeSystem> {
    const version = await this.store.typeSystemVersion();
    if (version === this.current.version) return this.current;
    return this.reload();
  }

  /** The last loaded type system without a database round trip (hot loops inside one request). */
  cached(): TypeSystem {
    return this.current;
  }

  async reload(): Promise<TypeSystem> {
    if (!this.loading) {
      this.loading = this.store
        .loadTypeDefs()
        .then(({ defs, version }) => (this.current = TypeSystem.build(defs, version)))
        .finally(() => (this.loading = undefined));
    }
    return this.loading;
  }

  /** Validates `incoming` on top of the current types (the whole result must resolve), then stores it. */
  async save(create: AnyTypeDef[], update: AnyTypeDef[], user: string): Promise<TypeSystem> {
    if (create.length === 0 && update.length === 0) return this.lookup();
    const base = await this.lookup();
    const merged = mergeDefs(base.allDefs(), [...create, ...update]);
    TypeSystem.validate(merged, base.version);
    await this.store.saveTypeDefs(create, update, user);
    return this.reload();
  }
}

const LIST_OF: Record<string, keyof AtlasTypesDef> = {
  ENUM: 'enumDefs', STRUCT: 'structDefs', CLASSIFICATION: 'classificationDefs', ENTITY: 'entityDefs',
  RELATIONSHIP: 'relationshipDefs', BUSINESS_METADATA: 'businessMetadataDefs',
};

/** `base` with every def of `changes` added or replaced by name. */
export function mergeDefs(base: Required<AtlasTypesDef>, changes: AnyTypeDef[]): Required<AtlasTypesDef> {
  const out = { ...base } as Required<AtlasTypesDef>;
  for (const key of Object.keys(out) as Array<keyof AtlasTypesDef>) (out as Record<string, AnyTypeDef[]>)[key] = [...(out[key] as AnyTypeDef[])];
  for (const def of changes) {
    const key = LIST_OF[def.category as string];
    if (!key) continue;
    const list = out[key] as AnyTypeDef[];
    const i = list.findIndex((d) => d.name === def.name);
    if (i >= 0) list[i] = def;
    else list.push(def);
  }
  return out;
}
