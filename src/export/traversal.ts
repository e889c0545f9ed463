// Which traversal an export runs (spec 3.4, 3.5): pure rules from the options and the first item. The traversal
// itself runs in PostgreSQL (metadata/store/postgres-export-reader.ts).
import type { AtlasObjectId } from '../metadata/model';
import type { TraversalOptions } from '../metadata/store/export-reader';
import type { ExportOptions } from './export-options';

export function traversalOptionsFor(options: Pick<ExportOptions, 'fetchType' | 'skipLineage' | 'changeMarker'>, items: AtlasObjectId[]): TraversalOptions {
  const skipLineage = options.skipLineage;
  if (options.fetchType === 'connected') return { mode: 'CONNECTED', skipLineage };
  if (options.fetchType === 'incremental') {
    // spec 3.5: Atlas decides its optimisations on the first item's typeName
    const first = items[0]?.typeName;
    const changedAfter = options.changeMarker;
    if (first === 'hive_table') {
      return skipLineage ? { mode: 'CONNECTED', skipLineage, hiveTableShortcut: { changedAfter } } : { mode: 'CONNECTED', skipLineage };
    }
    if (first === 'hive_db' && skipLineage) return { mode: 'FULL', skipLineage, hiveDbShortcut: { changedAfter } };
  }
  return { mode: 'FULL', skipLineage };
}
