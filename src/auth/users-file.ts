import * as fs from 'node:fs';
import { parsePasswordHash, PasswordHash } from './passwords';

export const ADMIN_GROUP = 'ADMIN';

export interface UserRecord {
  readonly name: string;
  readonly groups: readonly string[];
  readonly hash: PasswordHash;
  /** the hash text as written in the file */
  readonly hashText: string;
}

/**
 * Reads Atlas's users-credentials.properties: `name=GROUP::hash`, `#` / `!` comments, blank lines. Several
 * groups may be given comma-separated. A malformed line stops the start with its file and line number.
 */
export function parseUsersFile(text: string, source: string): Map<string, UserRecord> {
  const users = new Map<string, UserRecord>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const where = `${source}:${i + 1}`;
    const sep = line.search(/[=:]/);
    if (sep <= 0) throw new Error(`${where}: expected name=GROUP::hash`);
    const name = line.slice(0, sep).trim();
    const value = line.slice(sep + 1).trim();
    const split = value.indexOf('::');
    if (split < 0) throw new Error(`${where}: user ${name}: expected GROUP::hash after '='`);
    const groups = value.slice(0, split).split(',').map((g) => g.trim()).filter((g) => g !== '');
    const hashText = value.slice(split + 2).trim();
    if (groups.length === 0) throw new Error(`${where}: user ${name}: no group`);
    const hash = parsePasswordHash(hashText);
    if (!hash) throw new Error(`${where}: user ${name}: the password hash is neither 64 hex digits (SHA-256) nor scrypt$<salt>$<hash>`);
    users.set(name, { name, groups, hash, hashText });
  });
  return users;
}

export function loadUsersFile(file: string): Map<string, UserRecord> {
  return parseUsersFile(fs.readFileSync(file, 'utf8'), file);
}

/** Adds or replaces the line of `name`, keeping every other line (comments included) as it was. */
export function upsertUserLine(text: string, name: string, groups: readonly string[], hashText: string): string {
  const entry = `${name}=${groups.join(',')}::${hashText}`;
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  let replaced = false;
  const out = lines.map((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return raw;
    const sep = line.search(/[=:]/);
    if (sep > 0 && line.slice(0, sep).trim() === name) {
      replaced = true;
      return entry;
    }
    return raw;
  });
  if (!replaced) out.push(entry);
  return out.join('\n') + '\n';
}
