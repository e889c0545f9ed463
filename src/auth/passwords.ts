import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// Password hashes of a users file (spec 1.2). Two forms:
//  * Atlas's: hex SHA-256 of `password{username}` — an Atlas users-credentials.properties works unchanged;
//  * the strong form written by `npm run add-user`: `scrypt$<hex salt>$<hex hash>` (N=2^14, r=8, p=1, 32 bytes).

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32, maxmem: 64 * 1024 * 1024 } as const;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const SCRYPT_FORM = /^scrypt\$([0-9a-fA-F]{16,})\$([0-9a-fA-F]{64})$/;

export type PasswordHash =
  | { kind: 'atlas-sha256'; digest: Buffer }
  | { kind: 'scrypt'; salt: Buffer; digest: Buffer };

export function parsePasswordHash(text: string): PasswordHash | undefined {
  if (SHA256_HEX.test(text)) return { kind: 'atlas-sha256', digest: Buffer.from(text, 'hex') };
  const m = SCRYPT_FORM.exec(text);
  if (m) return { kind: 'scrypt', salt: Buffer.from(m[1], 'hex'), digest: Buffer.from(m[2], 'hex') };
  return undefined;
}

export function atlasSha256(userName: string, password: string): string {
  return createHash('sha256').update(`${password}{${userName}}`, 'utf8').digest('hex');
}

export function scryptHash(password: string, salt: Buffer = randomBytes(16)): string {
  const digest = scryptSync(password, salt, SCRYPT.keyLength, SCRYPT);
  return `scrypt$${salt.toString('hex')}$${digest.toString('hex')}`;
}

/** Constant-time check of a password against a stored hash. */
export function verifyPassword(hash: PasswordHash, userName: string, password: string): boolean {
  const candidate =
    hash.kind === 'atlas-sha256'
      ? createHash('sha256').update(`${password}{${userName}}`, 'utf8').digest()
      : scryptSync(password, hash.salt, hash.digest.length, SCRYPT);
  return candidate.length === hash.digest.length && timingSafeEqual(candidate, hash.digest);
}

/** A hash no password matches: checked for unknown names, and besides a fast sha256 check, so every failed login costs one scrypt. */
export const DUMMY_HASH: PasswordHash = { kind: 'scrypt', salt: randomBytes(16), digest: randomBytes(32) };
