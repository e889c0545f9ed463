// Orchestration of /api/atlas/v2/types: Atlas's TypesREST over the TypeRegistry. Rules (validation, references,
// views) are pure functions; this service only sequences them with the registry and the store.
import { Injectable } from '@nestjs/common';
import { AtlasError, ErrorCode } from '../../common/errors';
import { TYPES_DEF_LISTS, type AnyTypeDef, type AtlasTypesDef, type Caller } from '../model';
import { MetadataStore } from '../store/metadata-store';
import { TypeRegistry } from '../typesystem/type-registry';
import { checkTypeDefUpdate, defsWithCategory, stripForCreate, validateTypesDef } from '../typesystem/typedef-rules';
import { referencesToDeletedTypes } from './typedef-references';
import { filterTypesDef, pickDefs, TYPEDEF_KINDS, typesDefView } from './typedef-view';

@Injectable()
export class TypesService {
  constructor(
    private readonly registry: TypeRegistry,
    private readonly store: MetadataStore,
  ) {}

  /** GET /types/typedefs, with Atlas's SearchFilter (`type`, `name`, `supertype`, …) when the query has one */
  async all(query: Record<string, unknown> = {}): Promise<Required<AtlasTypesDef>> {
    const types = await this.registry.lookup();
    return filterTypesDef(typesDefView(types), query, types);
  }

  /** `kind` is the path segment: `typedef` (any category) or `entitydef`, `enumdef`, … */
  async byName(kind: string, name: string): Promise<AnyTypeDef> {
    if (!(kind in TYPEDEF_KINDS)) throw new AtlasError(ErrorCode.RESOURCE_NOT_FOUND, [`/api/atlas/v2/types/${kind}/name/${name}`]);
    const types = await this.registry.lookup();
    const category = types.categoryOf(name);
    const wanted = TYPEDEF_KINDS[kind];
    if (!types.has(name) || (wanted && category !== wanted)) throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [name]);
    if (category !== 'ENTITY' && category !== 'CLASSIFICATION') return types.def(name)!;
    const all = typesDefView(types);
    return [...all.entityDefs, ...all.classificationDefs].find((d) => d.name === name)!;
  }

  /** Atlas's createAtlasTypeDefs: every def must be new (409 ATLAS-409-00-001 otherwise). */
  async create(incoming: AtlasTypesDef, caller: Caller): Promise<Required<AtlasTypesDef>> {
    const types = await this.registry.lookup();
    validateTypesDef(incoming, types, 'create');
    const defs = [...defsWithCategory(incoming)].map(([category, def]) => stripForCreate(def, category));
    const saved = await this.registry.save(defs, [], caller.userName);
    return pickDefs(typesDefView(saved), defs.map((d) => d.name));
  }

  /**
   * Atlas's updateAtlasTypeDefs: every def must exist (404 ATLAS-404-00-001) and is replaced as given, but an
   * attribute can be neither removed, nor added as mandatory, nor given another type, and no super-type can be
   * removed (checkTypeDefUpdate); every def is checked before any is written.
   */
  async update(incoming: AtlasTypesDef, caller: Caller): Promise<Required<AtlasTypesDef>> {
    const types = await this.registry.lookup();
    validateTypesDef(incoming, types, 'update');
    const defs = [...defsWithCategory(incoming)].map(([category, def]) => {
      const current = types.def(def.name)!;
      if (category !== 'ENUM') checkTypeDefUpdate(current, def);
      // the creation stamp stays the stored one whatever the client sends
      return { ...stripForCreate(def, category), createdBy: current.createdBy, createTime: current.createTime } as AnyTypeDef;
    });
    const saved = await this.registry.save([], defs, caller.userName);
    return pickDefs(typesDefView(saved), defs.map((d) => d.name));
  }

  /** DELETE /types/typedef/name/{name}: the same rules for one type of any category. */
  async deleteByName(name: string): Promise<void> {
    const category = (await this.registry.lookup()).categoryOf(name);
    const list = TYPES_DEF_LISTS.find(([, c]) => c === category)?.[0];
    if (!list) throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [name]);
    await this.delete({ [list]: [{ name }] });
  }

  /**
   * Atlas's deleteAtlasTypeDefs: the defs are named by the body. Unknown ⇒ 404 ATLAS-404-00-001; a type that
   * another remaining type uses, or that has entities / classifications / relationships, or business metadata whose
   * attributes an entity carries (Atlas's checkBusinessMetadataRef) ⇒ 409 ATLAS-409-00-002.
   */
  async delete(incoming: AtlasTypesDef): Promise<void> {
    const types = await this.registry.lookup();
    const names = new Set<string>();
    for (const [, def] of defsWithCategory(incoming)) {
      if (!def?.name || !types.has(def.name)) throw new AtlasError(ErrorCode.TYPE_NAME_NOT_FOUND, [def?.name]);
      names.add(def.name);
    }
    if (names.size === 0) return;
    const referenced = referencesToDeletedTypes(names, types.allDefs());
    for (const name of names) if (referenced.has(name)) throw new AtlasError(ErrorCode.TYPE_HAS_REFERENCES, [name]);
    if ((await this.store.countEntitiesOfTypes([...names])) > 0) {
      for (const name of names) {
        if ((await this.store.countEntitiesOfTypes([name])) > 0) throw new AtlasError(ErrorCode.TYPE_HAS_REFERENCES, [name]);
      }
    }
    await this.store.deleteTypeDefs([...names]);
    await this.registry.reload();
  }
}
