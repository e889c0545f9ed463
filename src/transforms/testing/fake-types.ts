// A small in-memory TypeLookup for unit tests: only what the transforms read (entityType().allSuperTypes,
// isSubTypeOf, classificationType). Hierarchy as in the Atlas base and Hadoop models (stocks.zip typesdef).
import type { ResolvedEntityType, ResolvedStructType, TypeLookup } from '../../metadata/typesystem/resolved-types';

export const HADOOP_SUPER_TYPES: Record<string, string[]> = {
  Referenceable: [],
  Asset: ['Referenceable'],
  DataSet: ['Asset'],
  Process: ['Asset'],
  fs_path: ['DataSet'],
  hdfs_path: ['fs_path'],
  hive_db: ['Referenceable', 'Asset'],
  hive_table: ['DataSet'],
  hive_column: ['DataSet'],
  hive_storagedesc: ['Referenceable'],
  hive_process: ['Process'],
  hive_column_lineage: ['Process'],
};

export function fakeTypes(superTypes: Record<string, string[]> = HADOOP_SUPER_TYPES, classifications: string[] = []): TypeLookup {
  // all super-types, nearest first (breadth-first over the declared super-types)
  const allSuperTypes = (name: string): string[] => {
    const result: string[] = [];
    let level = superTypes[name] ?? [];
    while (level.length > 0) {
      const next: string[] = [];
      for (const s of level) {
        if (!result.includes(s)) {
          result.push(s);
          next.push(...(superTypes[s] ?? []));
        }
      }
      level = next;
    }
    return result;
  };
  const fake: Partial<TypeLookup> = {
    version: 1,
    entityType: (name) => (name in superTypes
      ? ({ name, allSuperTypes: allSuperTypes(name), allSubTypes: Object.keys(superTypes).filter((s) => allSuperTypes(s).includes(name)) } as unknown as ResolvedEntityType)
      : undefined),
    classificationType: (name) => (classifications.includes(name) ? ({ name, category: 'CLASSIFICATION' } as unknown as ResolvedStructType) : undefined),
    isSubTypeOf: (typeName, superName) => typeName === superName || allSuperTypes(typeName).includes(superName),
  };
  return fake as TypeLookup;
}
