import * as path from 'node:path';
import { ATLAS_ZIPS } from '../../../../test/helpers/shared-dir';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

// the shared Atlas fixture ZIPs: found by test/helpers/shared-dir (wherever the checkout is)
export const SHARED_ZIPS_DIR = ATLAS_ZIPS;

export const BAD_ZIPS_DIR = path.resolve(REPO_ROOT, 'test/fixtures/bad');

export function sharedZip(name: string): string {
  return path.join(SHARED_ZIPS_DIR, name);
}
