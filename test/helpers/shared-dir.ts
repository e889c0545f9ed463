// Where the read-only `shared/` folder (spec, Atlas fixture ZIPs and models) is: ATLAS_SHARED_DIR, else a `shared/`
// beside the checkout or beside one of its parents, else the workplace's fixed /work/shared. A CI clone may live
// anywhere (e.g. a mktemp folder), so no test may assume `../shared`. Plain fs/path: usable from unit specs,
// e2e tests and benchmarks alike.
import * as fs from 'node:fs';
import * as path from 'node:path';

function findShared(): string {
  if (process.env.ATLAS_SHARED_DIR) return path.resolve(process.env.ATLAS_SHARED_DIR);
  for (let dir = path.resolve(__dirname, '../..'); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(path.dirname(dir), 'shared');
    if (fs.existsSync(path.join(candidate, 'fixtures/atlas-zips'))) return candidate;
  }
  return '/work/shared';
}

export const SHARED = findShared();
export const ATLAS_ZIPS = path.join(SHARED, 'fixtures/atlas-zips');
export const ATLAS_MODELS = path.join(SHARED, 'fixtures/atlas-models');
