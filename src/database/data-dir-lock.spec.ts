import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataDirLock, HEARTBEAT_MS, STALE_AFTER_MS } from './data-dir-lock';

describe('DataDirLock', () => {
  let dir: string;
  const lockfile = () => path.join(dir, 'atlas-expimp.lock');
  const leftBy = (pid: number, host = os.hostname()) => fs.writeFileSync(lockfile(), JSON.stringify({ pid, host, since: '2026-01-01T00:00:00.000Z' }));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes over a lockfile whose process is gone (kill -9)', () => {
    leftBy(2 ** 22 + 1); // above pid_max: no such process
    const lock = DataDirLock.acquire(dir);
    expect(JSON.parse(fs.readFileSync(lockfile(), 'utf8')).pid).toBe(process.pid);
    lock.releaseSync();
    expect(fs.existsSync(lockfile())).toBe(false);
  });

  it('takes over a lockfile naming its own pid that an earlier process left (pid 1 of a restarted container)', () => {
    leftBy(process.pid);
    const lock = DataDirLock.acquire(dir);
    lock.releaseSync();
  });

  it('refuses a second lock in the same process, and a live process of this host', () => {
    const lock = DataDirLock.acquire(dir);
    expect(() => DataDirLock.acquire(dir)).toThrow(/is in use by process \d+/);
    lock.releaseSync();
    leftBy(process.ppid);
    expect(() => DataDirLock.acquire(dir)).toThrow(new RegExp(`in use by process ${process.ppid}`));
  });

  it('refuses the lockfile of another host while its holder keeps it fresh, and takes it over once it is stale', () => {
    leftBy(process.ppid, `other-${os.hostname()}`);
    expect(() => DataDirLock.acquire(dir)).toThrow(new RegExp(`in use by process ${process.ppid} on other-`));
    // untouched for longer than STALE_AFTER_MS: its holder is gone (a container created again gets a new hostname)
    const old = new Date(Date.now() - STALE_AFTER_MS - 1000);
    fs.utimesSync(lockfile(), old, old);
    const lock = DataDirLock.acquire(dir);
    expect(JSON.parse(fs.readFileSync(lockfile(), 'utf8')).host).toBe(os.hostname());
    lock.releaseSync();
  });

  it('keeps its own lockfile fresh while it holds it', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const lock = DataDirLock.acquire(dir);
      const old = new Date(Date.now() - STALE_AFTER_MS - 1000);
      fs.utimesSync(lockfile(), old, old);
      vi.advanceTimersByTime(HEARTBEAT_MS);
      expect(Date.now() - fs.statSync(lockfile()).mtimeMs).toBeLessThan(STALE_AFTER_MS);
      lock.releaseSync();
    } finally {
      vi.useRealTimers();
    }
  });

  /** `n` processes of this host asking for the lock of `dir` at the same moment; how many got it (each holds it 1.5 s) */
  async function raceFor(n: number): Promise<number> {
    const register = path.resolve(__dirname, '../../test/helpers/ts-register.cjs');
    const script = `
      const { DataDirLock } = require(${JSON.stringify(path.resolve(__dirname, 'data-dir-lock.ts'))});
      while (Date.now() < Number(process.argv[2])) {}
      try { DataDirLock.acquire(process.argv[1]); process.stdout.write('held'); setTimeout(() => {}, 1500); } catch { process.stdout.write('refused'); }`;
    const at = Date.now() + 1500;
    const outs = await Promise.all(Array.from({ length: n }, () => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-r', register, '-e', script, dir, String(at)]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', () => resolve(out));
    })));
    expect(outs.every((o) => o === 'held' || o === 'refused')).toBe(true);
    return outs.filter((o) => o === 'held').length;
  }

  it('goes to one process only of several starting at once, on a fresh DATA_DIR and over a stale lockfile', async () => {
    for (let round = 0; round < 2; round++) {
      fs.rmSync(lockfile(), { force: true });
      expect(await raceFor(6)).toBe(1);
      fs.rmSync(lockfile(), { force: true });
      leftBy(2 ** 22 + 1);
      expect(await raceFor(6)).toBe(1);
    }
  }, 60_000);
});
