import { describe, expect, it } from 'vitest';
import { requestedHdfsPath } from './hdfs-path';

describe('requested hdfs_path (spec 4)', () => {
  it('path with a trailing slash, qualifiedName path@cluster; typeName in any case', () => {
    expect(requestedHdfsPath({ typeName: 'hdfs_path', uniqueAttributes: { path: '/apps/warehouse/finance' } }, 'default'))
      .toEqual({ path: '/apps/warehouse/finance/', qualifiedName: '/apps/warehouse/finance/@default' });
    expect(requestedHdfsPath({ typeName: 'HDFS_PATH', uniqueAttributes: { path: '/data/' } }, 'cl1'))
      .toEqual({ path: '/data/', qualifiedName: '/data/@cl1' });
  });

  it('only hdfs_path items given by path', () => {
    expect(requestedHdfsPath({ typeName: 'hdfs_path', uniqueAttributes: { qualifiedName: '/x@cl1' } }, 'cl1')).toBeUndefined();
    expect(requestedHdfsPath({ typeName: 'fs_path', uniqueAttributes: { path: '/x' } }, 'cl1')).toBeUndefined();
    expect(requestedHdfsPath({ typeName: 'hdfs_path', uniqueAttributes: { path: null } }, 'cl1')).toBeUndefined();
    expect(requestedHdfsPath({ guid: 'g', typeName: 'hdfs_path' }, 'cl1')).toBeUndefined();
  });
});
