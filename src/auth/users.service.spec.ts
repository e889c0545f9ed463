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

/** Median ms of each check, the checks taken in turn (round after round) so that a busy machine slows them alike. */
function medianMs(checks: Array<() => void>, rounds = 7): number[] {
  const times = checks.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    checks.forEach((check, i) => {
      const t0 = process.hrtime.bigint();
      check();
      times[i].push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(rounds / 2)]);
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
    const [sha, scrypt, unknown] = medianMs(['admin', 'bob', 'nobody'].map((name) => () => expect(users.authenticate(name, `wrong-${i++}`)).toBeUndefined()));
    // one scrypt each (tens of ms); before, a sha256 user answered ~600x faster than an unknown name
    for (const known of [sha, scrypt]) expect(Math.max(known, unknown) / Math.min(known, unknown)).toBeLessThan(3);
  });
});
