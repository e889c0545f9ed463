// Every migration, in order. The DataSource takes this list (no glob), so the same code runs from ts and from dist.
import { InitialSchema1764100000000 } from './1764100000000-initial-schema';

export const MIGRATIONS = [InitialSchema1764100000000];
