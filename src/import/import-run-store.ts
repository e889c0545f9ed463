// The import_run table behind a port (STYLE 3): the imports running now, and those a dead process left behind.
import type { AtlasImportRequest, Caller } from '../metadata/model';

export interface ImportRunRecord {
  id: string;
  startTime: number;
  caller: Caller;
  request: AtlasImportRequest;
  replicatedFrom?: string;
  /** spec P9: startPosition to resume with, as of the last committed batch */
  resumePosition?: number;
  resumeGuid?: string;
}

export abstract class ImportRunStore {
  abstract begin(run: ImportRunRecord): Promise<void>;
  abstract end(id: string): Promise<void>;
  /** every row; only meaningful to a caller holding the operation lock, when none of them is running */
  abstract all(): Promise<ImportRunRecord[]>;
}
