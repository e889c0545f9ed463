import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// STYLE 6: the environment is read once, here, validated, and handed out as typed settings. No process.env
// anywhere else. A bad value stops the start with a message that names the variable.

export type Env = Readonly<Record<string, string | undefined>>;

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export interface ArchiveLimits {
  /** largest uncompressed size of one ZIP entry */
  readonly maxEntryBytes: number;
  /** largest sum of uncompressed entry sizes of one archive */
  readonly maxTotalBytes: number;
  /** largest uncompressed/compressed ratio of one entry (zip-bomb guard) */
  readonly maxCompressionRatio: number;
  /** largest number of entries of one archive */
  readonly maxEntries: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Node's timers hold at most 2^31-1 ms (~24.8 days); a longer delay fires after 1 ms */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface AppConfigValues {
  port: number;
  databaseUrl?: string;
  dbPoolSize: number;
  dataDir: string;
  usersFile?: string;
  clusterName: string;
  importDir?: string;
  tempDir: string;
  modelsDir?: string;
  archive: ArchiveLimits;
  uploadMaxBytes: number;
  jsonBodyMaxBytes: number;
  searchDefaultLimit: number;
  searchMaxLimit: number;
  importBatchEntities: number;
  clientIdleTimeoutMs: number;
  nodeEnv: string;
  logLevel: LogLevel;
}

/** Typed, validated settings; provided by the global ConfigModule, built once by `AppConfig.fromEnv`. */
export class AppConfig implements AppConfigValues {
  /** PORT, default 21000 (Atlas's port) */
  readonly port: number;
  /** DATABASE_URL: PostgreSQL; absent ⇒ embedded PGlite under dataDir */
  readonly databaseUrl?: string;
  /** DB_POOL_SIZE, default 10, at least 4 (connections of the TypeORM pool) */
  readonly dbPoolSize: number;
  /** DATA_DIR, default ./data (embedded database files and lock) */
  readonly dataDir: string;
  /** USERS_FILE: Atlas users-credentials.properties; absent ⇒ admin/admin outside production */
  readonly usersFile?: string;
  /** CLUSTER_NAME, default 'default' (spec 1.5: atlas.metadata.namespace) */
  readonly clusterName: string;
  /** IMPORT_DIR: the only folder /importfile may read; absent ⇒ /importfile refuses every path */
  readonly importDir?: string;
  /** TEMP_DIR, default os.tmpdir(): upload spools and staging */
  readonly tempDir: string;
  /** MODELS_DIR: extra folder of typedef JSON files loaded at start */
  readonly modelsDir?: string;
  readonly archive: ArchiveLimits;
  /** UPLOAD_MAX_BYTES, default 8 GiB: largest multipart upload */
  readonly uploadMaxBytes: number;
  /** JSON_BODY_MAX_BYTES, default 50 MiB: largest JSON request body */
  readonly jsonBodyMaxBytes: number;
  /** SEARCH_DEFAULT_LIMIT / SEARCH_MAX_LIMIT, default 100 / 10000 (spec 1.5, audit paging) */
  readonly searchDefaultLimit: number;
  readonly searchMaxLimit: number;
  /** IMPORT_BATCH_ENTITIES, default 2500: entities (main + referred) written per import transaction (spec P11) */
  readonly importBatchEntities: number;
  /**
   * CLIENT_IDLE_TIMEOUT, default 5 min: how long a request waits for its client to send more of its body (an upload)
   * or to accept more of the response before the connection is cut (an import or export then frees the operation
   * lock); 0 never
   */
  readonly clientIdleTimeoutMs: number;
  /** NODE_ENV, default 'development' */
  readonly nodeEnv: string;
  /** LOG_LEVEL, default 'log' (one of error, warn, log, debug, verbose) */
  readonly logLevel: LogLevel;

  constructor(values: AppConfigValues) {
    this.port = values.port;
    this.databaseUrl = values.databaseUrl;
    this.dbPoolSize = values.dbPoolSize;
    this.dataDir = values.dataDir;
    this.usersFile = values.usersFile;
    this.clusterName = values.clusterName;
    this.importDir = values.importDir;
    this.tempDir = values.tempDir;
    this.modelsDir = values.modelsDir;
    this.archive = Object.freeze({ ...values.archive });
    this.uploadMaxBytes = values.uploadMaxBytes;
    this.jsonBodyMaxBytes = values.jsonBodyMaxBytes;
    this.searchDefaultLimit = values.searchDefaultLimit;
    this.searchMaxLimit = values.searchMaxLimit;
    this.importBatchEntities = values.importBatchEntities;
    this.clientIdleTimeoutMs = values.clientIdleTimeoutMs;
    this.nodeEnv = values.nodeEnv;
    this.logLevel = values.logLevel;
    Object.freeze(this);
  }

  /** true when no DATABASE_URL is set: the server runs on PGlite persisted in dataDir */
  get isEmbeddedDatabase(): boolean {
    return this.databaseUrl === undefined;
  }

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  /** Reads and validates the settings; throws an Error naming the first bad variable. */
  static fromEnv(env: Env): AppConfig {
    const r = new EnvReader(env);
    const nodeEnv = r.string('NODE_ENV') ?? 'development';
    const config = new AppConfig({
      port: r.integer('PORT', 21000, 0, 65535),
      databaseUrl: r.databaseUrl('DATABASE_URL'),
      // an export holds the lock's connection and its own while the after-export hooks need a third: 4 at least
      dbPoolSize: r.integer('DB_POOL_SIZE', 10, 4, 1000),
      dataDir: path.resolve(r.string('DATA_DIR') ?? './data'),
      usersFile: r.existingFile('USERS_FILE'),
      clusterName: r.string('CLUSTER_NAME') ?? 'default',
      importDir: r.existingDir('IMPORT_DIR'),
      tempDir: r.writableDir('TEMP_DIR') ?? os.tmpdir(),
      modelsDir: r.existingDir('MODELS_DIR'),
      archive: {
        maxEntryBytes: r.bytes('ARCHIVE_MAX_ENTRY_BYTES', 256 * MIB),
        maxTotalBytes: r.bytes('ARCHIVE_MAX_TOTAL_BYTES', 16 * GIB),
        maxCompressionRatio: r.number('ARCHIVE_MAX_RATIO', 200),
        maxEntries: r.integer('ARCHIVE_MAX_ENTRIES', 5_000_000, 1, Number.MAX_SAFE_INTEGER),
      },
      uploadMaxBytes: r.bytes('UPLOAD_MAX_BYTES', 8 * GIB),
      jsonBodyMaxBytes: r.bytes('JSON_BODY_MAX_BYTES', 50 * MIB),
      searchDefaultLimit: r.integer('SEARCH_DEFAULT_LIMIT', 100, 1, Number.MAX_SAFE_INTEGER),
      searchMaxLimit: r.integer('SEARCH_MAX_LIMIT', 10_000, 1, Number.MAX_SAFE_INTEGER),
      importBatchEntities: r.integer('IMPORT_BATCH_ENTITIES', 2500, 1, 1_000_000),
      clientIdleTimeoutMs: r.duration('CLIENT_IDLE_TIMEOUT', 5 * MINUTE),
      nodeEnv,
      logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'log'),
    });
    if (config.isProduction && config.usersFile === undefined) {
      throw new ConfigError(
        'USERS_FILE',
        '',
        'required when NODE_ENV=production: the built-in admin/admin login is for development only. ' +
          'Create a users file with `npm run add-user -- --file users.properties --user admin --group ADMIN`.',
      );
    }
    if (config.searchDefaultLimit > config.searchMaxLimit) {
      throw new ConfigError('SEARCH_DEFAULT_LIMIT', String(config.searchDefaultLimit), `must not exceed SEARCH_MAX_LIMIT (${config.searchMaxLimit})`);
    }
    return config;
  }
}

export class ConfigError extends Error {
  constructor(readonly variable: string, value: string, reason: string) {
    super(value === '' ? `Missing setting ${variable}: ${reason}` : `Invalid setting ${variable}=${JSON.stringify(value)}: ${reason}`);
    this.name = 'ConfigError';
  }
}

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: KIB, kb: KIB, kib: KIB,
  m: MIB, mb: MIB, mib: MIB,
  g: GIB, gb: GIB, gib: GIB,
  t: 1024 * GIB, tb: 1024 * GIB, tib: 1024 * GIB,
};

/** Parses "1048576", "256MiB", "16g", "1.5GB" (binary units) into bytes. Exported for tests. */
export function parseBytes(text: string): number | undefined {
  const amount = quantity(text, BYTE_UNITS);
  const bytes = amount === undefined ? NaN : Math.floor(amount);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: SECOND, sec: SECOND, m: MINUTE, min: MINUTE, h: 60 * MINUTE };

/** Parses "30000", "500ms", "30s", "5min", "1h" into milliseconds (a plain number is milliseconds). Exported for tests. */
export function parseDuration(text: string): number | undefined {
  const amount = quantity(text, DURATION_UNITS);
  const ms = amount === undefined ? NaN : Math.round(amount);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** "<number><unit>" (blanks allowed around both, unit case-insensitive) times the unit's factor; undefined if not. */
function quantity(text: string, units: Record<string, number>): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? units[m[2].toLowerCase()] : undefined;
  return unit === undefined ? undefined : Number(m![1]) * unit;
}

class EnvReader {
  constructor(private readonly env: Env) {}

  /** a set, non-blank value (trimmed), or undefined */
  string(name: string): string | undefined {
    const v = this.env[name];
    if (v === undefined) return undefined;
    const t = v.trim();
    return t === '' ? undefined : t;
  }

  integer(name: string, dflt: number, min: number, max: number): number {
    const v = this.string(name);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v)) throw new ConfigError(name, v, 'expected a whole number');
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(name, v, `expected a whole number from ${min} to ${max}`);
    return n;
  }

  number(name: string, dflt: number): number {
    const v = this.string(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new ConfigError(name, v, 'expected a positive number');
    return n;
  }

  bytes(name: string, dflt: number): number {
    const v = this.string(name);
    if (v === undefined) return dflt;
    const n = parseBytes(v);
    if (n === undefined) throw new ConfigError(name, v, 'expected a positive size in bytes, e.g. 1048576, 256MiB or 16GiB');
    return n;
  }

  /** milliseconds; 0 allowed (off) */
  duration(name: string, dflt: number): number {
    const v = this.string(name);
    if (v === undefined) return dflt;
    const ms = parseDuration(v);
    if (ms === undefined) throw new ConfigError(name, v, 'expected a duration: milliseconds or a number with a unit, e.g. 30000, 500ms, 30s, 5min');
    if (ms > MAX_TIMER_MS) throw new ConfigError(name, v, `expected at most ${MAX_TIMER_MS} ms (~24 days)`);
    return ms;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], dflt: T): T {
    const v = this.string(name);
    if (v === undefined) return dflt;
    const t = v.toLowerCase() as T;
    if (!allowed.includes(t)) throw new ConfigError(name, v, `expected one of ${allowed.join(', ')}`);
    return t;
  }

  databaseUrl(name: string): string | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new ConfigError(name, redactUrl(v), 'not a URL; expected postgres://user:password@host:port/database');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError(name, redactUrl(v), 'expected a postgres:// or postgresql:// URL');
    }
    return v;
  }

  existingFile(name: string): string | undefined {
    const found = this.existingPath(name, 'file');
    if (!found) return undefined;
    if (!found.stats.isFile()) throw new ConfigError(name, found.value, 'not a regular file');
    try {
      fs.accessSync(found.path, fs.constants.R_OK);
    } catch {
      throw new ConfigError(name, found.value, 'file is not readable');
    }
    return found.path;
  }

  existingDir(name: string): string | undefined {
    const found = this.existingPath(name, 'directory');
    if (!found) return undefined;
    if (!found.stats.isDirectory()) throw new ConfigError(name, found.value, 'not a directory');
    return found.path;
  }

  /** the variable as an absolute path that exists, with its stats; undefined when unset */
  private existingPath(name: string, what: 'file' | 'directory'): { value: string; path: string; stats: fs.Stats } | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const p = path.resolve(value);
    try {
      return { value, path: p, stats: fs.statSync(p) };
    } catch {
      throw new ConfigError(name, value, `${what} does not exist`);
    }
  }

  /** a directory that exists (or is created) and is writable */
  writableDir(name: string): string | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const p = path.resolve(v);
    try {
      fs.mkdirSync(p, { recursive: true });
      fs.accessSync(p, fs.constants.W_OK);
    } catch (e) {
      throw new ConfigError(name, v, `not a writable directory (${(e as Error).message})`);
    }
    if (!fs.statSync(p).isDirectory()) throw new ConfigError(name, v, 'not a directory');
    return p;
  }
}

/** hides the password of a connection URL in messages and logs */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
