import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readPassword } from './add-user.cli';

describe('add-user readPassword', () => {
  it('--password-stdin reads the first line of piped input', async () => {
    await expect(readPassword(true, Readable.from([Buffer.from('s3cret\nignored\n')]))).resolves.toBe('s3cret');
  });

  it('without --password-stdin and without a terminal it says so, instead of ending silently with no user added', async () => {
    await expect(readPassword(false, Readable.from([Buffer.from('s3cret\n')]))).rejects.toThrow('no terminal to ask the password on: pipe it in with --password-stdin');
  });
});
