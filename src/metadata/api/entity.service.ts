// Orchestration of /api/atlas/v2/entity: Atlas's EntityREST over the MetadataStore. Writes go through
// writeUnits in one transaction per request (a bulk request of thousands of entities is a handful of
// statements, issue 3), then propagated classifications are recomputed before the response (spec 10.5).
import { Injectable } from '@nestjs/common';
import { AtlasError, ErrorCode } from '../../common/errors';
import type {
  AtlasClassification, AtlasEntitiesWithExtInfo, AtlasEntity, AtlasEntityWithExtInfo, Caller, EntityMutationResponse,
} from '../model';
import { MetadataStore, WriteContext, WriteUnit } from '../store/metadata-store';
import type { TypeSystem } from '../typesystem/type-system';
import { TypeRegistry } from '../typesystem/type-registry';
import { deleteResponse, mutationResponse, UpdateOperation } from './mutation-response';
import { partialUpdateOf } from './partial-update';
import { checkUniqueAttributes, javaMapText, uniqueAttributesFromQuery } from './unique-attributes';

/** Atlas's ignoreRelationships=true: EntityGraphRetriever maps no relationship attributes (absent from the JSON). */
function withoutRelationshipAttributes(entities: AtlasEntity[]): void {
  for (const e of entities) delete e.relationshipAttributes;
}

/** Atlas's AtlasEntityType.ENTITY_HEADER_ATTRIBUTES (with the unique ones, the header / min-info attributes) */
const HEADER_ATTRIBUTES = ['name', 'description', 'owner', 'createTime'];

/**
 * Atlas's minExtInfo=true: a referred entity as EntityGraphRetriever.mapVertexToAtlasEntityMin maps it - system
 * attributes and classifications, of its attributes only the set min-info ones (unique, header and those its type's
 * `schemaAttributes` option names), no relationshipAttributes.
 */
function minExtInfoOf(entity: AtlasEntity, types: TypeSystem): AtlasEntity {
  const type = types.entityType(entity.typeName);
  if (!type) return entity;
  let schema: unknown = [];
  try {
    schema = JSON.parse(type.def.options?.schemaAttributes ?? '[]');
  } catch {
    schema = [];
  }
  const names = new Set([...type.uniqueAttributes.keys(), ...HEADER_ATTRIBUTES, ...(Array.isArray(schema) ? schema : [])]);
  const attributes: Record<string, unknown> = {};
  for (const n of names) {
    const v = entity.attributes?.[n];
    if (type.attributes.has(n) && v !== null && v !== undefined) attributes[n] = v;
  }
  const { relationshipAttributes: _dropped, ...rest } = entity;
  return { ...rest, attributes };
}

/** the read flags of Atlas's EntityREST GETs */
export interface ReadFlags {
  ignoreRelationships?: boolean;
  minExtInfo?: boolean;
}

function applyReadFlags(entities: AtlasEntity[], referred: Record<string, AtlasEntity>, flags: ReadFlags, types: TypeSystem): void {
  if (flags.minExtInfo) for (const [g, e] of Object.entries(referred)) referred[g] = minExtInfoOf(e, types);
  if (flags.ignoreRelationships) withoutRelationshipAttributes([...entities, ...Object.values(referred)]);
}

@Injectable()
export class EntityService {
  constructor(
    private readonly store: MetadataStore,
    private readonly registry: TypeRegistry,
  ) {}

  /** POST /v2/entity: create or update one entity with its referredEntities; negative guids are placeholders. */
  async createOrUpdate(info: AtlasEntityWithExtInfo, caller: Caller, replaceClassifications = false): Promise<EntityMutationResponse> {
    return this.write([{ entity: info.entity, referredEntities: info.referredEntities }], caller, 'UPDATE', replaceClassifications);
  }

  /** POST /v2/entity/bulk: every entity of the request in one transaction. */
  async createOrUpdateBulk(info: AtlasEntitiesWithExtInfo, caller: Caller, replaceClassifications = false): Promise<EntityMutationResponse> {
    if (!info.entities?.length) throw new AtlasError(ErrorCode.INVALID_PARAMETERS, ['no entities to create/update.']);
    // the shared referredEntities travel with the first unit; all units are one transaction and one guid space
    const units: WriteUnit[] = info.entities.map((entity, i) => ({ entity, referredEntities: i === 0 ? info.referredEntities : undefined }));
    return this.write(units, caller, 'UPDATE', replaceClassifications);
  }

  /** GET /v2/entity/guid/{guid}: DELETED entities are readable too (spec 10.2). */
  async getByGuid(guid: string, flags: ReadFlags = {}): Promise<AtlasEntityWithExtInfo> {
    const types = await this.registry.lookup();
    const found = (await this.store.getEntities([guid], types, { withExtInfo: true })).get(guid);
    if (!found) throw new AtlasError(ErrorCode.INSTANCE_GUID_NOT_FOUND, [guid]);
    applyReadFlags([found.entity], (found.referredEntities ??= {}), flags, types);
    return found;
  }

  /** GET /v2/entity/bulk?guid=…: entities in request order; referredEntities shared, without the entities themselves. */
  async getByGuids(guids: string[], flags: ReadFlags = {}): Promise<AtlasEntitiesWithExtInfo> {
    if (guids.length === 0) throw new AtlasError(ErrorCode.INSTANCE_GUID_NOT_FOUND, ['[]']);
    const types = await this.registry.lookup();
    const found = await this.store.getEntities(guids, types, { withExtInfo: true });
    const missing = guids.find((g) => !found.has(g));
    if (missing) throw new AtlasError(ErrorCode.INSTANCE_GUID_NOT_FOUND, [missing]);
    const roots = new Set(guids);
    const referredEntities: Record<string, AtlasEntity> = {};
    for (const g of guids) {
      for (const [rg, e] of Object.entries(found.get(g)!.referredEntities ?? {})) if (!roots.has(rg)) referredEntities[rg] = e;
    }
    const entities = guids.map((g) => found.get(g)!.entity);
    applyReadFlags(entities, referredEntities, flags, types);
    return { entities, referredEntities };
  }

  /** GET /v2/entity/uniqueAttribute/type/{typeName}?attr:NAME=VALUE (non-DELETED entities of the type and its sub-types) */
  async getByUniqueAttributes(typeName: string, query: Record<string, unknown>, flags: ReadFlags = {}): Promise<AtlasEntityWithExtInfo> {
    const guid = await this.guidByUniqueAttributes(await this.registry.lookup(), typeName, query);
    return this.getByGuid(guid, flags);
  }

  /** PUT /v2/entity/uniqueAttribute/type/{typeName}?attr:NAME=VALUE: partial update of that entity (PARTIAL_UPDATE). */
  async updateByUniqueAttributes(
    typeName: string, query: Record<string, unknown>, info: AtlasEntityWithExtInfo, caller: Caller,
  ): Promise<EntityMutationResponse> {
    const types = await this.registry.lookup();
    const guid = await this.guidByUniqueAttributes(types, typeName, query);
    const stored = (await this.store.getEntities([guid], types)).get(guid)!.entity;
    const entity = partialUpdateOf(info.entity, stored, types.entityType(stored.typeName)!);
    return this.write([{ entity, referredEntities: info.referredEntities }], caller, 'PARTIAL_UPDATE');
  }

  /** DELETE /v2/entity/guid/{guid}: soft delete with cascade over owned entities (spec 10.2); unknown ⇒ `{}` as Atlas. */
  async delete(guid: string, caller: Caller): Promise<EntityMutationResponse> {
    const types = await this.registry.lookup();
    const deleted = await this.store.deleteEntities([guid], { user: caller.userName, now: Date.now(), types });
    return deleteResponse(deleted);
  }

  /** POST /v2/entity/guid/{guid}/classifications: `propagate` defaults to true here (spec 10.6). */
  async addClassifications(guid: string, classifications: AtlasClassification[], caller: Caller): Promise<void> {
    const types = await this.registry.lookup();
    await this.store.addClassifications(guid, classifications, { user: caller.userName, now: Date.now(), types });
  }

  private async write(
    units: WriteUnit[], caller: Caller, updateOperation: UpdateOperation = 'UPDATE', replaceClassifications = false,
  ): Promise<EntityMutationResponse> {
    const result = await this.store.writeUnits(units, this.context(await this.registry.lookup(), caller, replaceClassifications));
    await this.store.recomputePropagation();
    return mutationResponse(result.units, result.guidAssignments, updateOperation);
  }

  private context(types: TypeSystem, caller: Caller, replaceClassifications: boolean): WriteContext {
    // spec 5.7.7 / 10.6: through the entity API own classifications propagate unless they say otherwise; an existing
    // entity keeps its classifications unless the request asks to replace them (Atlas's replaceClassifications)
    return { mode: 'api', user: caller.userName, now: Date.now(), types, skipUnchanged: false, defaultPropagate: true, replaceClassifications };
  }

  private async guidByUniqueAttributes(types: TypeSystem, typeName: string, query: Record<string, unknown>): Promise<string> {
    const type = types.entityType(typeName);
    if (!type) throw new AtlasError(ErrorCode.TYPE_NAME_INVALID, ['ENTITY', typeName]);
    const attrs = uniqueAttributesFromQuery(query);
    checkUniqueAttributes(type, attrs);
    const guid = await this.store.findByUniqueAttributes(typeName, attrs, types);
    if (!guid) throw new AtlasError(ErrorCode.INSTANCE_BY_UNIQUE_ATTRIBUTE_NOT_FOUND, [typeName, javaMapText(attrs)]);
    return guid;
  }
}
