import { describe, expect, it } from 'vitest';
import { lostRace, retryLostRace, WRITE_ATTEMPTS } from './retry';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('lostRace', () => {
  it('knows deadlock, serialization and unique-key failures, also wrapped by TypeORM', () => {
    expect(['40P01', '40001', '23505'].map((c) => lostRace(pgError(c)))).toEqual([true, true, true]);
    expect(lostRace({ message: 'QueryFailedError', driverError: { code: '40P01' } })).toBe(true);
    expect(lostRace(pgError('23503'))).toBe(false);
    expect(lostRace(new Error('plain'))).toBe(false);
    expect(lostRace(undefined)).toBe(false);
  });
});

describe('retryLostRace', () => {
  it('runs a write again after a lost race, and gives up after WRITE_ATTEMPTS', async () => {
    let calls = 0;
    await expect(retryLostRace('t', async () => (++calls < 3 ? Promise.reject(pgError('23505')) : 'done'))).resolves.toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryLostRace('t', async () => { calls++; throw pgError('40P01'); })).rejects.toThrow('pg 40P01');
    expect(calls).toBe(WRITE_ATTEMPTS);
  });

  it('never runs a write again for other errors', async () => {
    let calls = 0;
    await expect(retryLostRace('t', async () => { calls++; throw pgError('23503'); })).rejects.toThrow('pg 23503');
    expect(calls).toBe(1);
  });
});
