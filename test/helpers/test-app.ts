import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { atlasSha256, scryptHash } from '../../src/auth/passwords';
import { AppConfig } from '../../src/config/app-config';

// The e2e harness: the whole AppModule over HTTP against a fresh PostgreSQL database per app (STYLE 8).

export interface Credentials {
  readonly user: string;
  readonly pass: string;
}

/** the admin of the default test users file (and the built-in admin without a users file) */
export const ADMIN: Credentials = { user: 'admin', pass: 'admin' };
/** a non-admin user (group DATA_SCIENTIST) of the default test users file, stored as scrypt: for 403 tests */
export const NON_ADMIN: Credentials = { user: 'bob', pass: 'bob-secret' };

/** the server on which test databases are created */
export const SERVER_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type Agent = ReturnType<typeof supertest>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';
export type AuthedAgent = { [M in Method]: (url: string) => ReturnType<Agent[M]> };

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** http://127.0.0.1:<port> */
  url: string;
  /** the app's DataSource (migrated) */
  db: DataSource;
  /** the app's own database, e.g. to start a second app on it */
  databaseUrl?: string;
  /** supertest bound to the listening server: `t.request.get('/x').auth(ADMIN.user, ADMIN.pass)` */
  request: Agent;
  /** supertest with credentials applied: `t.as(ADMIN).get('/api/atlas/admin/version')` */
  as(credentials: Credentials): AuthedAgent;
  /** closes the app, then drops its database (unless it was shared) and removes temp folders */
  close(): Promise<void>;
}

export interface StartOptions {
  /** extra (test-only) modules, e.g. a controller that exercises a guard */
  modules?: Array<Type | DynamicModule>;
  /** run on this existing database instead of a fresh one (not dropped by close): two apps, one database */
  databaseUrl?: string;
}

/**
 * Starts the whole app on a fresh database `atlas_t_<random>` (migrations run at boot) and port 0.
 * `env` overrides the settings; defaults: NODE_ENV=test, LOG_LEVEL=warn, USERS_FILE with ADMIN and NON_ADMIN, a TEMP_DIR of its own.
 * `USERS_FILE: ''` ⇒ the built-in admin/admin. `DATABASE_URL: ''` ⇒ embedded PGlite in a temp DATA_DIR
 * (unless DATA_DIR is given).
 */
export async function startTestApp(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const runCleanups = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const fullEnv: Record<string, string> = { NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env };
    if (!('USERS_FILE' in env)) {
      fullEnv.USERS_FILE = writeUsersFile([
        { ...ADMIN, groups: ['ADMIN'], hash: 'atlas' },
        { ...NON_ADMIN, groups: ['DATA_SCIENTIST'], hash: 'scrypt' },
      ]);
      cleanups.push(() => fs.rmSync(fullEnv.USERS_FILE, { force: true }));
    }
    if (!('TEMP_DIR' in env)) {
      // spools and async-import archives of this app only: tests that count them see no other run's files
      fullEnv.TEMP_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-t-tmp-'));
      cleanups.push(() => fs.rmSync(fullEnv.TEMP_DIR, { recursive: true, force: true }));
    }
    let databaseUrl: string | undefined;
    if (env.DATABASE_URL === '') {
      if (!env.DATA_DIR) {
        fullEnv.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-t-data-'));
        cleanups.push(() => fs.rmSync(fullEnv.DATA_DIR, { recursive: true, force: true }));
      }
    } else if (options.databaseUrl ?? env.DATABASE_URL) {
      databaseUrl = options.databaseUrl ?? env.DATABASE_URL;
      fullEnv.DATABASE_URL = databaseUrl;
    } else {
      const created = await createTestDatabase();
      cleanups.push(created.drop);
      databaseUrl = fullEnv.DATABASE_URL = created.url;
    }

    const config = AppConfig.fromEnv(fullEnv);
    const app = await createApp(config, options.modules ?? []);
    cleanups.push(() => app.close());
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const request = supertest(app.getHttpServer());
    let closed = false;
    return {
      app,
      config,
      url: `http://127.0.0.1:${port}`,
      db: app.get(DataSource),
      databaseUrl,
      request,
      as: (c: Credentials) => authed(request, c),
      close: async () => {
        if (closed) return;
        closed = true;
        await runCleanups();
      },
    };
  } catch (e) {
    await runCleanups().catch(() => undefined);
    throw e;
  }
}

function authed(request: Agent, c: Credentials): AuthedAgent {
  const wrap = <M extends Method>(m: M) => ((url: string) => request[m](url).auth(c.user, c.pass)) as AuthedAgent[M];
  return { get: wrap('get'), post: wrap('post'), put: wrap('put'), patch: wrap('patch'), delete: wrap('delete'), head: wrap('head') };
}

/** Creates an empty database on SERVER_DATABASE_URL's server; `drop()` removes it (closing its sessions). */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `atlas_t_${randomBytes(6).toString('hex')}`;
  await onServer((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function onServer<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestUser extends Credentials {
  groups: string[];
  /** how the password is stored: Atlas's salted SHA-256 or the scrypt form */
  hash: 'atlas' | 'scrypt';
}

/** Writes a users-credentials.properties file in the temp folder and returns its path. */
export function writeUsersFile(users: TestUser[]): string {
  const lines = users.map((u) => `${u.user}=${u.groups.join(',')}::${u.hash === 'atlas' ? atlasSha256(u.user, u.pass) : scryptHash(u.pass)}`);
  const file = path.join(os.tmpdir(), `atlas-t-users-${randomBytes(6).toString('hex')}.properties`);
  fs.writeFileSync(file, `# test users\n${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}
