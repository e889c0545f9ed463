import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { atlasSha256, scryptHash } from './passwords';
import { UsersService } from './users.service';

const file = path.join(os.tmpdir(), `users-service-spec-${process.pid}.properties`);
// Atlas's own form for admin, the scrypt form for bob
fs.writeFileSync(file, `admin=ADMIN::${atlasSha256('admin', 'admin')}\nbob=DATA_STEWARD::${scryptHash('bob-secret')}\n`);
afterAll(() => fs.rmSync(file, { force: true }));

function medianMs(fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[3];
}

describe('UsersService', () => {
  const users = new UsersService({ usersFile: file, isProduction: false } as unknown as AppConfig);

  it('checks both hash forms', () => {
    expect(users.authenticate('admin', 'admin')).toMatchObject({ userName: 'admin', isAdmin: true });
    expect(users.authenticate('bob', 'bob-secret')).toMatchObject({ userName: 'bob', isAdmin: false });
    expect(users.authenticate('admin', 'bob-secret')).toBeUndefined();
    expect(users.authenticate('nobody', 'admin')).toBeUndefined();
  });

  it('a failed login costs about the same for a known user (either hash form) and an unknown name', () => {
    let i = 0;
    const sha = medianMs(() => expect(users.authenticate('admin', `wrong-${i++}`)).toBeUndefined());
    const scrypt = medianMs(() => expect(users.authenticate('bob', `wrong-${i++}`)).toBeUndefined());
    const unknown = medianMs(() => expect(users.authenticate('nobody', `wrong-${i++}`)).toBeUndefined());
    // one scrypt each (tens of ms); before, a sha256 user answered ~600x faster than an unknown name
    for (const known of [sha, scrypt]) expect(Math.max(known, unknown) / Math.min(known, unknown)).toBeLessThan(3);
  });
});
