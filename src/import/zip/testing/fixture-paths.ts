import * as fs from 'node:fs';
import * as path from 'node:path';

// Where the shared Atlas fixture ZIPs are: `shared/` lies beside the checkout (CI clones elsewhere and copies
// shared/ next to the clone), else at the workplace's fixed path.
const REPO_ROOT = path.resolve(__dirname, '../../../..');

export const SHARED_ZIPS_DIR = [path.resolve(REPO_ROOT, '../shared/fixtures/atlas-zips'), '/work/shared/fixtures/atlas-zips'].find((dir) =>
  fs.existsSync(dir),
) ?? path.resolve(REPO_ROOT, '../shared/fixtures/atlas-zips');

export const BAD_ZIPS_DIR = path.resolve(REPO_ROOT, 'test/fixtures/bad');

export function sharedZip(name: string): string {
  return path.join(SHARED_ZIPS_DIR, name);
}
