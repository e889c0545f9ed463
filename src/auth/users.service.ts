import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AuthenticatedUser } from './authenticated-user';
import { atlasSha256, DUMMY_HASH, parsePasswordHash, verifyPassword } from './passwords';
import { ADMIN_GROUP, loadUsersFile, UserRecord } from './users-file';

const CACHE_LIMIT = 1000;

/**
 * The user store: USERS_FILE read once at start, or the built-in admin/admin outside production.
 * A scrypt check costs tens of milliseconds, so successful logins are remembered under a keyed digest of
 * name and password (never the password itself) — clients send credentials on every request.
 */
@Injectable()
export class UsersService {
  private readonly logger = new Logger('Auth');
  private readonly users: Map<string, UserRecord>;
  private readonly cacheKey = randomBytes(32);
  private readonly verified = new Map<string, AuthenticatedUser>();

  constructor(config: AppConfig) {
    if (config.usersFile) {
      this.users = loadUsersFile(config.usersFile);
      this.logger.log(`${this.users.size} user(s) from ${config.usersFile}`);
    } else if (config.isProduction) {
      // AppConfig.fromEnv refuses this already; kept so that no other construction path can open a default login
      throw new Error('USERS_FILE is required when NODE_ENV=production (the built-in admin/admin is for development only)');
    } else {
      const hashText = atlasSha256('admin', 'admin');
      this.users = new Map([['admin', { name: 'admin', groups: [ADMIN_GROUP], hash: parsePasswordHash(hashText)!, hashText }]]);
      this.logger.warn('No USERS_FILE: built-in user admin/admin (development only; refused when NODE_ENV=production)');
    }
  }

  /** the user if the password matches, else undefined; constant time in the password */
  authenticate(userName: string, password: string): AuthenticatedUser | undefined {
    const key = createHash('sha256').update(this.cacheKey).update(userName).update('\0').update(password).digest('base64');
    const hit = this.verified.get(key);
    if (hit) return hit;

    const record = this.users.get(userName);
    const ok = verifyPassword(record?.hash ?? DUMMY_HASH, userName, password);
    // every check that gets here costs one scrypt, whoever the user and whatever the form of the stored hash (Atlas's
    // sha256 form takes microseconds), so that the time of a failed login tells nothing of which names exist
    if (record && record.hash.kind !== 'scrypt') verifyPassword(DUMMY_HASH, userName, password);
    if (!record || !ok) return undefined;
    const user: AuthenticatedUser = { userName: record.name, groups: record.groups, isAdmin: record.groups.includes(ADMIN_GROUP) };
    if (this.verified.size >= CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(key, user);
    return user;
  }
}
