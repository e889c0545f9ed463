// Shared plumbing for the benchmarks: a throw-away database, the server as a child process, its peak RSS.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { ATLAS_MODELS } from '../test/helpers/shared-dir';

export const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REPO_ROOT = path.resolve(__dirname, '../..');

export async function withServerClient<T>(fn: (c: Client) => Promise<T>, url = SERVER_URL): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createBenchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `atlas_bench_${randomBytes(4).toString('hex')}`;
  await withServerClient((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => withServerClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

/** Atlas's fs + hive models (test data in ../shared) as a MODELS_DIR, so the catalogue knows hive types. */
export function hiveModelsDir(): string {
  const src = path.join(ATLAS_MODELS, '1000-Hadoop');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-models-'));
  for (const f of ['1020-fs_model.json', '1030-hive_model.json']) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  // removed when the bench ends (each run left one behind in the temp folder)
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface RunningServer {
  proc: ChildProcess;
  base: string;
  stop: () => Promise<void>;
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = 20000 + Math.floor(Math.random() * 9000);
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // the same heap budget as `npm start` (package.json): V8 sizes its heap growth by the limit, and with the
// default limit of a large machine (~4 GB) an import's garbage piles up to ~350 MB before it is collected
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '--max-old-space-size=1024').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeFlags, ...profile, path.join(REPO_ROOT, 'dist/src/main.js')], {
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`${base}/api/atlas/admin/status`, { headers: auth() });
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    proc,
    base,
    stop: () => new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    }),
  };
}

export function auth(): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
}

/** Peak resident set size of a process (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
