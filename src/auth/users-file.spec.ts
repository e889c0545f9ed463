import { describe, expect, it } from 'vitest';
import { atlasSha256, parsePasswordHash, scryptHash, verifyPassword } from './passwords';
import { parseUsersFile, upsertUserLine } from './users-file';

describe('passwords', () => {
  it("Atlas's hash is hex SHA-256 of password{name} (stock admin/admin line)", () => {
    expect(atlasSha256('admin', 'admin')).toBe('a4a88c0872bf652bb9ed803ece5fd6e82354838a9bf59ab4babb1dab322154e1');
  });

  it('verifies both forms and rejects wrong passwords', () => {
    const atlas = parsePasswordHash(atlasSha256('bob', 'pw'))!;
    expect(verifyPassword(atlas, 'bob', 'pw')).toBe(true);
    expect(verifyPassword(atlas, 'bob', 'pw2')).toBe(false);
    expect(verifyPassword(atlas, 'alice', 'pw')).toBe(false); // the name salts the hash
    const strong = parsePasswordHash(scryptHash('pw'))!;
    expect(strong.kind).toBe('scrypt');
    expect(verifyPassword(strong, 'bob', 'pw')).toBe(true);
    expect(verifyPassword(strong, 'bob', 'PW')).toBe(false);
  });

  it('salts scrypt hashes', () => {
    expect(scryptHash('pw')).not.toBe(scryptHash('pw'));
  });
});

describe('users file', () => {
  it('reads Atlas users-credentials.properties', () => {
    const users = parseUsersFile(
      [
        '# comment',
        '! another',
        '',
        'admin=ADMIN::a4a88c0872bf652bb9ed803ece5fd6e82354838a9bf59ab4babb1dab322154e1',
        ' rangertagsync = RANGER_TAG_SYNC::0afe7a1968b07d4c3ff4ed8c2d809a32ffea706c66cd795ead9048e81cfaf034 ',
        `bob=DATA_SCIENTIST,DATA_STEWARD::${scryptHash('x')}`,
      ].join('\n'),
      'f',
    );
    expect([...users.keys()]).toEqual(['admin', 'rangertagsync', 'bob']);
    expect(users.get('admin')!.groups).toEqual(['ADMIN']);
    expect(users.get('bob')!.groups).toEqual(['DATA_SCIENTIST', 'DATA_STEWARD']);
  });

  it.each([
    ['nogroup', /f:1: expected name=GROUP::hash/],
    ['bob=ADMIN', /f:1: user bob: expected GROUP::hash/],
    ['bob=ADMIN::plaintext', /f:1: user bob: the password hash/],
    ['# ok\nbob=::' + 'a'.repeat(64), /f:2: user bob: no group/],
  ])('names the bad line of %j', (text, message) => {
    expect(() => parseUsersFile(text, 'f')).toThrow(message);
  });

  it('upsert replaces the user line in place and keeps the rest', () => {
    const before = '# users\nadmin=ADMIN::aaa\nbob=X::bbb\n';
    expect(upsertUserLine(before, 'bob', ['ADMIN'], 'ccc')).toBe('# users\nadmin=ADMIN::aaa\nbob=ADMIN::ccc\n');
    expect(upsertUserLine(before, 'carol', ['G1', 'G2'], 'ddd')).toBe('# users\nadmin=ADMIN::aaa\nbob=X::bbb\ncarol=G1,G2::ddd\n');
    expect(upsertUserLine('', 'a', ['ADMIN'], 'h')).toBe('a=ADMIN::h\n');
  });
});
