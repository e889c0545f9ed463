// Temporary files and folders that say which process made them, so that a server starting up can remove what a
// crashed one left in TEMP_DIR (an upload spool of up to UPLOAD_MAX_BYTES after a kill -9 mid-import stayed for
// good). TEMP_DIR may be shared by the processes of one deployment: only entries of this host whose process is gone
// are removed.
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Tells this process from an earlier one with the same pid (pid 1 of a restarted container). */
const BOOT = randomBytes(4).toString('hex');

/** `<prefix>-<pid>-<boot>-<uuid>@<host>`: unique, and naming its process. */
export function ownedTempName(prefix: string): string {
  return `${prefix}-${process.pid}-${BOOT}-${randomUUID()}@${os.hostname()}`;
}

const OWNED = /^([a-z-]+?)-(\d+)-([0-9a-f]{8})-[0-9a-f-]{36}@(.+)$/;

/** The process an ownedTempName belongs to, or undefined for any other name. */
export function ownerOf(name: string): { prefix: string; pid: number; boot: string; host: string } | undefined {
  const m = OWNED.exec(name);
  return m ? { prefix: m[1], pid: Number(m[2]), boot: m[3], host: m[4] } : undefined;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether an entry of that owner can only be a leftover: made on this host by a process that is gone. */
export function isLeftover(owner: { pid: number; boot: string; host: string }): boolean {
  if (owner.host !== os.hostname()) return false;
  if (owner.pid === process.pid) return owner.boot !== BOOT;
  return !pidAlive(owner.pid);
}

/** Removes the leftovers among `dir`'s entries with one of `prefixes`; returns their names. */
export function removeLeftovers(dir: string, prefixes: readonly string[]): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = ownerOf(name);
    if (!owner || !prefixes.includes(owner.prefix) || !isLeftover(owner)) continue;
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
