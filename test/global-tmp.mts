// One temporary folder per test run: every file a test writes under os.tmpdir() (archives, models folders, data
// folders of embedded databases) goes below it, and it is removed when the run ends, whatever a test forgot.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-test-run-'));
  const previous = process.env.TMPDIR;
  // the forked test workers start after this and inherit it; os.tmpdir() reads TMPDIR
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
