import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtlasError, ErrorCode } from '../../common/errors';
import { badFixtures, expectedFileName } from '../../../test/fixtures/bad/make-bad-zips';
import { BAD_ZIPS_DIR } from './testing/fixture-paths';
import { ZipSource } from './zip-source';

// Each committed bad archive must produce the error body recorded beside it, through the same steps an import
// takes before writing anything: open, empty check (spec 2.6 / P5), validate.
const LIMITS = { maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 16 * 1024 ** 3, maxCompressionRatio: 200, maxEntries: 5_000_000 };

async function importChecks(file: string): Promise<AtlasError> {
  let source: ZipSource | undefined;
  try {
    source = await ZipSource.open(file, LIMITS);
    if (await source.isEmpty()) throw new AtlasError(ErrorCode.IMPORT_ATTEMPTING_EMPTY_ZIP);
    await source.validate();
  } catch (err) {
    if (err instanceof AtlasError) return err;
    throw err;
  } finally {
    await source?.close();
  }
  throw new Error(`${file} was accepted`);
}

describe('bad-archive fixtures (test/fixtures/bad)', () => {
  for (const fixture of badFixtures()) {
    it(`${fixture.file} ⇒ ${fixture.expected.errorCode}`, async () => {
      const file = path.join(BAD_ZIPS_DIR, fixture.file);
      // the committed files are what make-bad-zips.ts generates
      expect(fs.readFileSync(file).equals(fixture.bytes)).toBe(true);
      const expected = JSON.parse(fs.readFileSync(path.join(BAD_ZIPS_DIR, expectedFileName(fixture.file)), 'utf8'));
      expect(expected).toEqual(fixture.expected);

      const err = await importChecks(file);
      expect(err.httpStatus).toBe(expected.status);
      expect(err.errorCode).toBe(expected.errorCode);
      if (expected.errorMessage) expect(err.message).toBe(expected.errorMessage);
      for (const fragment of expected.errorMessageContainsAll) expect(err.message).toContain(fragment);
    });
  }
});
