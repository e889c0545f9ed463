// AtlasServer entities (spec 7), REPL_DETAILS bookkeeping (7.2) and replicatedTo / replicatedFrom stamping (8.3).
// Servers are ordinary entities of type AtlasServer in the entity table, written through the MetadataStore.
import { Injectable } from '@nestjs/common';
import { AtlasError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { MetadataStore } from '../metadata/store/metadata-store';
import type { TypeLookup } from '../metadata/typesystem/resolved-types';
import { TypeRegistry } from '../metadata/typesystem/type-registry';
import { ATLAS_SERVER_TYPE, AtlasServer } from './atlas-server';
import { AtlasServerStore, ReplicatedAttribute, StoredServer } from './atlas-server-store';
import { hiveDbQualifiedNameOf, KEYED_BY_HIVE_DB, serverIdentity, withReplDetails } from './server-name';

@Injectable()
export class AtlasServerService {
  constructor(
    private readonly config: AppConfig,
    private readonly servers: AtlasServerStore,
    private readonly store: MetadataStore,
    private readonly registry: TypeRegistry,
  ) {}

  /** name = fullName of this cluster's server (spec 7.3) */
  get currentClusterName(): string {
    return this.config.clusterName;
  }

  /** GET /admin/server/{serverName}: lookup by fullName (spec 7.4). */
  async getByFullName(fullName: string): Promise<AtlasServer> {
    const found = await this.servers.findServer(fullName);
    if (!found) {
      throw new AtlasError(ErrorCode.INSTANCE_BY_UNIQUE_ATTRIBUTE_NOT_FOUND, [ATLAS_SERVER_TYPE, `{fullName=${fullName}}`]);
    }
    if (found.status === 'DELETED') throw new AtlasError(ErrorCode.INSTANCE_GUID_DELETED, [found.guid]);
    return toAtlasServer(found);
  }

  /**
   * The ACTIVE AtlasServer with this fullName, created when missing with `identity`: for a server reference
   * name = displayName = server name and fullName verbatim (spec 7.2).
   */
  async getOrCreate(reference: string, user: string, identity = serverIdentity(reference)): Promise<AtlasServer> {
    const found = await this.servers.findServer(reference);
    if (found?.status === 'ACTIVE') return toAtlasServer(found);
    const types = await this.registry.lookup();
    const written = await this.store.writeUnits(
      [{ entity: { typeName: ATLAS_SERVER_TYPE, attributes: { ...identity } } }],
      { mode: 'api', user, now: Date.now(), types, skipUnchanged: true, defaultPropagate: false, replaceClassifications: false },
    );
    const unit = written.units[0];
    const guid = (unit.created[0] ?? unit.updated[0] ?? unit.unchanged[0])?.guid;
    const created = guid ? await this.servers.findServer(reference) : undefined;
    if (!created) throw new AtlasError(ErrorCode.INTERNAL_ERROR, [`AtlasServer ${reference} could not be created`]);
    return toAtlasServer(created);
  }

  /**
   * spec 7.3, 3.11 step 1: the current cluster's server exists after every export / import, with name =
   * displayName = fullName = the cluster name verbatim; it is not a reference, so a '$' in it does not split it.
   */
  async ensureCurrentServer(user: string): Promise<AtlasServer> {
    const name = this.currentClusterName;
    return this.getOrCreate(name, user, { name, displayName: name, fullName: name });
  }

  /**
   * spec 3.11a-c / 5.9a-c: get-or-create the server of `reference` and set REPL_DETAILS[keyGuid] = changeMarker
   * (0 removes the key), then save it.
   */
  async recordReplication(reference: string, keyGuid: string, changeMarker: number | undefined, user: string): Promise<AtlasServer> {
    const server = await this.getOrCreate(reference, user);
    const additionalInfo = withReplDetails(server.additionalInfo, keyGuid, changeMarker);
    const types = await this.registry.lookup();
    const attributes: Record<string, unknown> = { name: server.name, displayName: server.displayName, fullName: server.fullName, additionalInfo };
    if (server.urls) attributes.urls = server.urls;
    await this.store.writeUnits(
      [{ entity: { typeName: ATLAS_SERVER_TYPE, guid: server.guid, attributes } }],
      { mode: 'api', user, now: Date.now(), types, skipUnchanged: true, defaultPropagate: false, replaceClassifications: false },
    );
    return { ...server, additionalInfo };
  }

  /**
   * Replication key guid (spec 3.11b, 5.9b): the first guid of the export order; for a hive_table / hive_column the
   * guid of its hive_db (`<before first '.'>@<after '@'>` of its qualifiedName) when that hive_db exists.
   */
  async replicationKeyGuid(firstGuid: string): Promise<string> {
    const types = await this.registry.lookup();
    const found = (await this.store.getEntities([firstGuid], types)).get(firstGuid)?.entity;
    if (!found || !KEYED_BY_HIVE_DB.has(found.typeName)) return firstGuid;
    const dbQualifiedName = hiveDbQualifiedNameOf(found.attributes?.qualifiedName);
    if (!dbQualifiedName || !types.entityType('hive_db')) return firstGuid;
    return (await this.store.findByUniqueAttributes('hive_db', { qualifiedName: dbQualifiedName }, types)) ?? firstGuid;
  }

  /**
   * spec 8.3: appends `AtlasServer:<serverGuid>` to `attr` of the listed entities and everything they own
   * (DELETED included) whose type has the attribute, unless present. Not an entity update: no updateTime, no
   * change_seq, not in metrics. Returns the number of entities changed.
   */
  async stampReplicated(attr: ReplicatedAttribute, serverGuid: string, topLevelGuids: string[], types?: TypeLookup): Promise<number> {
    const lookup = types ?? (await this.registry.lookup());
    return this.servers.stampReplicated(attr, `${ATLAS_SERVER_TYPE}:${serverGuid}`, [...new Set(topLevelGuids)], typesWithAttribute(lookup, attr));
  }
}

/** Entity types carrying `attr` as a soft reference: Referenceable and its sub-types in the base model (spec 8.1). */
export function typesWithAttribute(types: TypeLookup, attr: string): string[] {
  return types.allDefs().entityDefs
    .map((d) => types.entityType(d.name))
    .filter((t) => t?.attributes.get(attr)?.kind === 'SOFT_REF')
    .map((t) => t!.name);
}

function toAtlasServer(s: StoredServer): AtlasServer {
  const a = s.attributes;
  const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
  const out: AtlasServer = { guid: s.guid, name: text(a.name), fullName: text(a.fullName), displayName: text(a.displayName) };
  if (a.additionalInfo && typeof a.additionalInfo === 'object') out.additionalInfo = a.additionalInfo as Record<string, string>;
  if (Array.isArray(a.urls)) out.urls = a.urls as string[];
  return out;
}
