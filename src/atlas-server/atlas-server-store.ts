// What AtlasServer bookkeeping and replication stamping need beyond the MetadataStore port (STYLE 3: the services
// never touch SQL). AtlasServer entities themselves are written through MetadataStore.writeUnits.

export type ReplicatedAttribute = 'replicatedTo' | 'replicatedFrom';

export interface StoredServer {
  guid: string;
  status: 'ACTIVE' | 'DELETED';
  attributes: Record<string, unknown>;
}

export abstract class AtlasServerStore {
  /** the AtlasServer whose fullName is `fullName`: the ACTIVE one, else the latest DELETED one (spec 7.4) */
  abstract findServer(fullName: string): Promise<StoredServer | undefined>;

  /**
   * spec 8.3: appends `reference` ("AtlasServer:<guid>") to `attr` of every entity of `topLevelGuids` and of every
   * entity they own, transitively, DELETED ones included, when its type is one of `typeNames` and the value is not
   * present yet. A direct write of the stored value: no updateTime, no change_seq. Returns the number of entities
   * changed.
   */
  abstract stampReplicated(attr: ReplicatedAttribute, reference: string, topLevelGuids: string[], typeNames: string[]): Promise<number>;

  /**
   * spec 5.10 step 3: ACTIVE hive_tables whose qualifiedName starts with `qualifiedNamePrefix` and that carry the
   * classification `classification` (own or propagated), minus `safeGuids`.
   */
  abstract replicatedTablesToDelete(qualifiedNamePrefix: string, classification: string, safeGuids: string[]): Promise<string[]>;
}
