import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppConfig, parseBytes, parseDuration, redactUrl } from './app-config';

describe('AppConfig.fromEnv', () => {
  it('defaults', () => {
    const c = AppConfig.fromEnv({});
    expect(c.port).toBe(21000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.isEmbeddedDatabase).toBe(true);
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.clusterName).toBe('default');
    expect(c.tempDir).toBe(os.tmpdir());
    expect(c.importDir).toBeUndefined();
    expect(c.archive).toEqual({ maxEntryBytes: 256 * 2 ** 20, maxTotalBytes: 16 * 2 ** 30, maxCompressionRatio: 200, maxEntries: 5_000_000 });
    expect(c.uploadMaxBytes).toBe(8 * 2 ** 30);
    expect(c.clientIdleTimeoutMs).toBe(5 * 60_000);
    expect(c.nodeEnv).toBe('development');
    expect(c.logLevel).toBe('log');
  });

  it('reads every setting', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const users = path.join(dir, 'users.properties');
    fs.writeFileSync(users, '');
    const c = AppConfig.fromEnv({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/atlas',
      DATA_DIR: dir,
      USERS_FILE: users,
      CLUSTER_NAME: 'cl1',
      IMPORT_DIR: dir,
      TEMP_DIR: path.join(dir, 'tmp'),
      MODELS_DIR: dir,
      ARCHIVE_MAX_ENTRY_BYTES: '1MiB',
      ARCHIVE_MAX_TOTAL_BYTES: '2g',
      ARCHIVE_MAX_RATIO: '50.5',
      ARCHIVE_MAX_ENTRIES: '1000',
      UPLOAD_MAX_BYTES: '1048576',
      CLIENT_IDLE_TIMEOUT: '30s',
      NODE_ENV: 'production',
      LOG_LEVEL: 'DEBUG',
    });
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: 'postgresql://u:p@db:5432/atlas',
      isEmbeddedDatabase: false,
      usersFile: users,
      clusterName: 'cl1',
      importDir: dir,
      tempDir: path.join(dir, 'tmp'),
      modelsDir: dir,
      archive: { maxEntryBytes: 2 ** 20, maxTotalBytes: 2 * 2 ** 30, maxCompressionRatio: 50.5, maxEntries: 1000 },
      uploadMaxBytes: 1048576,
      clientIdleTimeoutMs: 30_000,
      nodeEnv: 'production',
      logLevel: 'debug',
    });
    expect(fs.statSync(path.join(dir, 'tmp')).isDirectory()).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ PORT: 'http' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ USERS_FILE: '/no/such/file' }, /USERS_FILE/],
    [{ IMPORT_DIR: '/no/such/dir' }, /IMPORT_DIR/],
    [{ MODELS_DIR: '/no/such/dir' }, /MODELS_DIR/],
    [{ ARCHIVE_MAX_ENTRY_BYTES: 'lots' }, /ARCHIVE_MAX_ENTRY_BYTES/],
    [{ ARCHIVE_MAX_RATIO: '-1' }, /ARCHIVE_MAX_RATIO/],
    [{ ARCHIVE_MAX_ENTRIES: '0' }, /ARCHIVE_MAX_ENTRIES/],
    [{ UPLOAD_MAX_BYTES: '5 parsecs' }, /UPLOAD_MAX_BYTES/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ CLIENT_IDLE_TIMEOUT: '30 fortnights' }, /CLIENT_IDLE_TIMEOUT/],
    [{ CLIENT_IDLE_TIMEOUT: '-1s' }, /CLIENT_IDLE_TIMEOUT/],
    // Node's timers hold at most 2^31-1 ms: a longer timeout would fire after 1 ms
    [{ CLIENT_IDLE_TIMEOUT: '600h' }, /CLIENT_IDLE_TIMEOUT/],
    // an export holds the lock's connection and its own, and its after-export work needs a third
    [{ DB_POOL_SIZE: '3' }, /DB_POOL_SIZE/],
  ])('names the bad variable: %o', (env, name) => {
    expect(() => AppConfig.fromEnv(env)).toThrow(name);
  });

  it('refuses production without USERS_FILE, with a clear message', () => {
    expect(() => AppConfig.fromEnv({ NODE_ENV: 'production' })).toThrow(/USERS_FILE.*required when NODE_ENV=production/);
  });

  it('does not echo a database password', () => {
    expect(() => AppConfig.fromEnv({ DATABASE_URL: 'mysql://user:s3cret@h/db' })).toThrow(/^(?!.*s3cret)/s);
    expect(redactUrl('postgres://user:s3cret@h:5432/db')).toBe('postgres://user:***@h:5432/db');
  });
});

describe('parseBytes', () => {
  it.each([
    ['1048576', 1048576],
    ['1k', 1024],
    ['256MiB', 256 * 2 ** 20],
    ['16GiB', 16 * 2 ** 30],
    ['1.5 GB', 1.5 * 2 ** 30],
  ])('%s', (text, bytes) => expect(parseBytes(text)).toBe(bytes));

  it.each(['', '0', '-1', '1 XB', 'MiB'])('rejects %j', (text) => expect(parseBytes(text)).toBeUndefined());
});

describe('parseDuration', () => {
  it.each([
    ['30000', 30_000],
    ['0', 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5 s', 1500],
    ['5min', 300_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '-1', 's', '5 minutes', '1e3'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
