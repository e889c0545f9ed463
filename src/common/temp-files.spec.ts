import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLeftover, ownedTempName, ownerOf, removeLeftovers } from './temp-files';

/** the pid of a process that has ended */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('ownedTempName', () => {
  it('names its process and host, and reads back', () => {
    const name = ownedTempName('atlas-upload');
    expect(ownerOf(name)).toEqual({ prefix: 'atlas-upload', pid: process.pid, boot: expect.stringMatching(/^[0-9a-f]{8}$/), host: os.hostname() });
    expect(ownedTempName('atlas-upload')).not.toBe(name);
    expect(ownerOf('atlas-upload-6f1c2d9e-0b7a-4a51-9a43-1c1e6b0f3e21')).toBeUndefined();
  });

  it('is a leftover only on this host, when its process is gone or is an earlier one with this pid', () => {
    const mine = ownerOf(ownedTempName('zip-sink'))!;
    expect(isLeftover(mine)).toBe(false);
    expect(isLeftover({ ...mine, boot: mine.boot === '00000000' ? '11111111' : '00000000' })).toBe(true);
    expect(isLeftover({ ...mine, pid: deadPid() })).toBe(true);
    expect(isLeftover({ ...mine, pid: process.ppid })).toBe(false);
    expect(isLeftover({ ...mine, pid: deadPid(), host: `not-${os.hostname()}` })).toBe(false);
  });
});

describe('removeLeftovers', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temp-files-'));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('removes the files and folders of gone processes with the given prefixes, nothing else', () => {
    const gone = (prefix: string) => ownedTempName(prefix).replace(`-${process.pid}-`, `-${deadPid()}-`);
    const spool = gone('atlas-upload');
    const spill = gone('zip-sink');
    fs.writeFileSync(path.join(dir, spool), 'half an upload');
    fs.mkdirSync(path.join(dir, spill));
    fs.writeFileSync(path.join(dir, spill, 'central-directory'), 'x');
    const kept = [ownedTempName('atlas-upload'), gone('other-prefix'), 'atlas-upload-6f1c2d9e-0b7a-4a51-9a43-1c1e6b0f3e21', `${gone('atlas-upload')}x`.replace(/@.*/, `@not-${os.hostname()}`)];
    for (const k of kept) fs.writeFileSync(path.join(dir, k), '');

    expect(removeLeftovers(dir, ['atlas-upload', 'zip-sink']).sort()).toEqual([spool, spill].sort());
    expect(fs.readdirSync(dir).sort()).toEqual(kept.sort());
  });
});
