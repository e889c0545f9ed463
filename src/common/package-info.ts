import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PackageInfo {
  name: string;
  version: string;
  description: string;
}

let cached: PackageInfo | undefined;

/** This service's package.json, found by walking up from this file (works from src/ and from dist/src/). */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PackageInfo>;
      if (pkg.name && pkg.version) {
        cached = { name: pkg.name, version: pkg.version, description: pkg.description ?? '' };
        return cached;
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`package.json not found above ${__dirname}`);
  }
}
