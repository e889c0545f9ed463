// spec 4: the hdfs_path an export item asks for by `path`, as Atlas derives it (pure rules).
import type { AtlasObjectId } from '../metadata/model';

export const HDFS_PATH_TYPE = 'hdfs_path';

export interface RequestedHdfsPath {
  /** the path with a trailing slash */
  path: string;
  /** `path@cluster` */
  qualifiedName: string;
}

/** The hdfs_path entity an item asks to exist, if it is an hdfs_path item with `uniqueAttributes.path`. */
export function requestedHdfsPath(item: AtlasObjectId, clusterName: string): RequestedHdfsPath | undefined {
  if (typeof item.typeName !== 'string' || item.typeName.toLowerCase() !== HDFS_PATH_TYPE) return undefined;
  const attrs = item.uniqueAttributes;
  if (!attrs || typeof attrs !== 'object' || !('path' in attrs)) return undefined;
  const raw = attrs.path;
  if (raw === null || raw === undefined) return undefined;
  const text = typeof raw === 'string' ? raw : String(raw);
  const path = text.endsWith('/') ? text : `${text}/`;
  return { path, qualifiedName: `${path}@${clusterName}` };
}
