// Every migration, in order. The DataSource takes this list (no glob), so the same code runs from ts and from dist.
import { InitialSchema1764100000000 } from './1764100000000-initial-schema';
import { AsyncImport1764250000000 } from './1764250000000-async-import';
import { SemanticAssignmentIndex1764300000000 } from './1764300000000-semantic-assignment-index';
import { ImportRun1764400000000 } from './1764400000000-import-run';

export const MIGRATIONS = [InitialSchema1764100000000, AsyncImport1764250000000, SemanticAssignmentIndex1764300000000, ImportRun1764400000000];
