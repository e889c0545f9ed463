import { Injectable, Logger } from '@nestjs/common';
import { AtlasError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import type { AtlasObjectId, Caller } from '../metadata/model';
import { MetadataStore } from '../metadata/store/metadata-store';
import { TypeRegistry } from '../metadata/typesystem/type-registry';
import { HDFS_PATH_TYPE, requestedHdfsPath } from './hdfs-path';

/**
 * spec 4: before an export resolves its items, every requested hdfs_path given by `path` that does not exist yet is
 * created through the normal entity-create path (status ACTIVE, created by the exporting user, not an import).
 */
@Injectable()
export class HdfsPathService {
  private readonly log = new Logger('HdfsExport');

  constructor(
    private readonly config: AppConfig,
    private readonly store: MetadataStore,
    private readonly registry: TypeRegistry,
  ) {}

  /** Creates the missing requested paths; returns the guids created. */
  async createRequestedPaths(items: AtlasObjectId[], caller: Caller): Promise<string[]> {
    const cluster = this.config.clusterName;
    const wanted = new Map<string, { path: string; qualifiedName: string }>();
    for (const item of items) {
      const p = requestedHdfsPath(item, cluster);
      if (p) wanted.set(p.qualifiedName, p);
    }
    if (wanted.size === 0) return [];
    const types = await this.registry.lookup();
    // an unregistered hdfs_path type: nothing to create, the item FAILs at resolution
    if (!types.entityType(HDFS_PATH_TYPE)) return [];
    const missing = [];
    for (const p of wanted.values()) {
      const existing = await this.store.findByUniqueAttributes(HDFS_PATH_TYPE, { qualifiedName: p.qualifiedName }, types);
      if (!existing) missing.push(p);
    }
    if (missing.length === 0) return [];
    // one at a time: a path that cannot be created (its qualifiedName held by an entity of another type, spec 10.3)
    // FAILs its own item at resolution, the other items go on (spec 3.3)
    const created: string[] = [];
    for (const p of missing) {
      try {
        const result = await this.store.writeUnits(
          [{
            entity: {
              typeName: HDFS_PATH_TYPE,
              guid: '-1',
              status: 'ACTIVE' as const,
              attributes: { qualifiedName: p.qualifiedName, path: p.path, name: p.path, clusterName: cluster },
            },
          }],
          { mode: 'api', user: caller.userName, now: Date.now(), types, skipUnchanged: false, defaultPropagate: true, replaceClassifications: false },
        );
        created.push(...result.units.flatMap((u) => u.created.map((h) => h.guid)));
      } catch (e) {
        if (!(e instanceof AtlasError)) throw e;
        this.log.warn(`hdfs_path ${p.qualifiedName} not created for the export (its item fails): ${e.message}`);
      }
    }
    if (created.length > 0) this.log.log(`created ${created.length} hdfs_path entit${created.length === 1 ? 'y' : 'ies'} for export`);
    return created;
  }
}
