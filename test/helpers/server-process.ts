// The server as a child process, for tests that kill it (SIGKILL: no shutdown hook, no finally block runs).
// Started from the sources through ts-register.cjs (~2 s), not from dist/.
import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { ADMIN } from './test-app';

const ROOT = path.resolve(__dirname, '../..');

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  /** SIGKILL, resolved once the process is gone */
  kill(): Promise<void>;
}

export function basicAuth(): string {
  return `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.pass}`).toString('base64')}`;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['-r', path.join(ROOT, 'test/helpers/ts-register.cjs'), path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'error', USERS_FILE: '', PORT: String(port), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`the server exited at start (code ${proc.exitCode})`);
    try {
      if ((await fetch(`${url}/api/atlas/admin/status`, { headers: { Authorization: basicAuth() } })).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i > 300) throw new Error('the server did not start in 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    proc,
    url,
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
