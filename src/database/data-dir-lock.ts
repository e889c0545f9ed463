import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pidAlive } from '../common/temp-files';

/**
 * The lockfiles this process holds. A lockfile naming this process's pid is not necessarily its own: in a container
 * the server is pid 1 at every start, so after a kill -9 (or an out-of-memory kill) and a restart of the same
 * container, the stale lockfile names the new process's pid too.
 */
const HELD_HERE = new Set<string>();

/**
 * The holder touches its lockfile this often. A lockfile of another host (a volume shared, or a container created
 * again: a new hostname) cannot be checked by pid; untouched for STALE_AFTER_MS its holder is gone. Before, such a
 * lockfile refused every start until someone deleted it.
 */
export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 6 * HEARTBEAT_MS;

/**
 * An exclusive lockfile in DATA_DIR. PGlite has none of its own, and two processes opening the same data
 * directory corrupt it (STACK.md). It also makes the in-process operation lock sufficient on the embedded
 * database: only one process can ever serve a given DATA_DIR.
 */
export class DataDirLock {
  private released = false;
  private readonly onExit = () => this.releaseSync();
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(readonly file: string) {
    process.once('exit', this.onExit);
    this.heartbeat = setInterval(() => this.touch(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private touch(): void {
    const now = new Date();
    try {
      fs.utimesSync(this.file, now, now);
    } catch {
      // gone meanwhile (removed by hand): nothing to keep fresh
    }
  }

  static acquire(dataDir: string): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'atlas-expimp.lock');
    // Checking the holder and creating or taking over the lockfile is one step among processes starting at once:
    // without the guard, one could read another's lockfile before its content was written (empty: "stale") or
    // remove a lockfile another had just created over a stale one, and both went on holding the lock.
    return underGuard(`${file}.guard`, () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const fd = fs.openSync(file, 'wx', 0o600);
          fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }));
          fs.closeSync(fd);
          HELD_HERE.add(file);
          return new DataDirLock(file);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          const holder = readHolder(file);
          if (holder && isAlive(holder, file)) {
            throw new Error(
              `DATA_DIR ${dataDir} is in use by process ${holder.pid} on ${holder.host} (lockfile ${file}). ` +
                'Stop that server, or give this one another DATA_DIR or a DATABASE_URL.',
            );
          }
          // the holder died without cleaning up (kill -9): the lock is stale
          fs.rmSync(file, { force: true });
        }
      }
      throw new Error(`Could not take the lockfile ${file}`);
    });
  }

  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.heartbeat);
    HELD_HERE.delete(this.file);
    process.removeListener('exit', this.onExit);
    const holder = readHolder(this.file);
    if (holder && holder.pid === process.pid && holder.host === os.hostname()) fs.rmSync(this.file, { force: true });
  }
}

interface Holder {
  pid: number;
  host: string;
}

function readHolder(file: string): Holder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(holder: Holder, file: string): boolean {
  // a lock taken on another host cannot be checked by pid: held while its holder keeps touching it
  if (holder.host !== os.hostname()) return Date.now() - modifiedAt(file) < STALE_AFTER_MS;
  // our pid: held if this process took it (a second app in one process), stale if an earlier process with the same
  // pid left it (pid 1 of a restarted container)
  if (holder.pid === process.pid) return HELD_HERE.has(file);
  return pidAlive(holder.pid);
}

function modifiedAt(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** A guard held for a few milliseconds; one older than this was left by a process that died holding it. */
const GUARD_STALE_MS = 10_000;
const GUARD_WAIT_MS = 30_000;

/** Runs `fn` while holding the guard file `guard` (created exclusively, removed after), waiting for it if need be. */
function underGuard<T>(guard: string, fn: () => T): T {
  const until = Date.now() + GUARD_WAIT_MS;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(guard, 'wx', 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - modifiedAt(guard);
      if (age > GUARD_STALE_MS && modifiedAt(guard) !== 0) fs.rmSync(guard, { force: true });
      else if (Date.now() > until) throw new Error(`Could not take ${guard} within ${GUARD_WAIT_MS} ms`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(guard, { force: true });
  }
}
