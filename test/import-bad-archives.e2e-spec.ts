// One case per bad-archive failure mode (spec P5, 2.1, 2.6): each fixture in test/fixtures/bad/ is imported over
// HTTP and must give exactly its recorded error body, with nothing written to the catalogue.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/test-app';
import { importZip } from './helpers/fixtures';

const BAD = path.resolve(__dirname, 'fixtures/bad');
const fixtures = fs.readdirSync(BAD).filter((f) => f.endsWith('.zip')).sort();

interface Expected {
  status: number;
  errorCode: string;
  errorMessage?: string;
  errorMessageContainsAll?: string[];
}

describe('bad archives through /admin/import and /admin/importfile', () => {
  let t: TestApp;
  const catalogue = async () => {
    const [row] = await t.db.query(
      `SELECT (SELECT count(*) FROM entity)::int AS entities, (SELECT count(*) FROM relationship)::int AS links,
              (SELECT count(*) FROM type_def)::int AS types, (SELECT version FROM type_system_state)::int AS version`);
    return row;
  };
  let before: Awaited<ReturnType<typeof catalogue>>;

  beforeAll(async () => {
    t = await startTestApp({ IMPORT_DIR: BAD });
    before = await catalogue();
  });
  afterAll(async () => t?.close());

  it('has a fixture for every failure mode', () => {
    expect(fixtures).toEqual(expect.arrayContaining([
      'absolute-path.zip', 'bad-json.zip', 'crc-mismatch.zip', 'dotdot.zip', 'empty-order.zip', 'not-a-zip.zip', 'nul-character.zip', 'truncated.zip', 'zip-bomb.zip',
    ]));
  });

  it.each(fixtures)('%s', async (file) => {
    const expected: Expected = JSON.parse(fs.readFileSync(path.join(BAD, file.replace(/\.zip$/, '.expected.json')), 'utf8'));
    for (const res of [
      await importZip(t, path.join(BAD, file)),
      await t.as(ADMIN).post('/api/atlas/admin/importfile').send({ options: { fileName: file } }),
    ]) {
      expect(res.status).toBe(expected.status);
      expect(Object.keys(res.body).sort()).toEqual(['errorCode', 'errorMessage']);
      expect(res.body.errorCode).toBe(expected.errorCode);
      if (expected.errorMessage) expect(res.body.errorMessage).toBe(expected.errorMessage);
      for (const fragment of expected.errorMessageContainsAll ?? []) expect(res.body.errorMessage).toContain(fragment);
    }
    expect(await catalogue()).toEqual(before);
  });
});
