import { describe, expect, it } from 'vitest';
import { hiveDbQualifiedNameOf, parseReplDetails, serverIdentity, serverNameOf, withReplDetails } from './server-name';

describe('serverNameOf (spec 7.2)', () => {
  it.each([
    ['SFO$cl1', 'cl1'],
    ['cl1$', 'cl1'],
    ['$cl1', 'cl1'],
    ['cl1', 'cl1'],
    ['', ''],
    ['DC$cl1$x', 'cl1'],
    ['a$$b', 'b'],
    ['$$cl1$', 'cl1'],
    ['$', ''],
  ])('%j → %j', (reference, name) => {
    expect(serverNameOf(reference)).toBe(name);
  });

  it('treats undefined and null as ""', () => {
    expect(serverNameOf(undefined)).toBe('');
    expect(serverNameOf(null)).toBe('');
  });

  it('keeps the full name verbatim (not SFO@cl1 as the documentation says)', () => {
    expect(serverIdentity('SFO$cl1')).toEqual({ name: 'cl1', displayName: 'cl1', fullName: 'SFO$cl1' });
    expect(serverIdentity('cl1')).toEqual({ name: 'cl1', displayName: 'cl1', fullName: 'cl1' });
  });
});

describe('hiveDbQualifiedNameOf (spec 3.11b)', () => {
  it.each([
    ['db_5_1.tbl_5_1@nb_0509', 'db_5_1@nb_0509'],
    ['stocks.appl_daily_1.low@cl1', 'stocks@cl1'],
    ['stocks@cl1', undefined],
    ['stocks.appl_daily_1', undefined],
    [undefined, undefined],
    [42, undefined],
  ])('%j → %j', (qn, db) => {
    expect(hiveDbQualifiedNameOf(qn)).toBe(db);
  });
});

describe('REPL_DETAILS bookkeeping (spec 7.2)', () => {
  it('records the change marker under the key guid', () => {
    expect(withReplDetails(undefined, 'g1', 1567761893912)).toEqual({ REPL_DETAILS: '{"g1":1567761893912}' });
  });

  it('updates one key and keeps the others and other additionalInfo entries', () => {
    const info = { REPL_DETAILS: '{"g1":1,"g2":2}', other: 'x' };
    expect(withReplDetails(info, 'g2', 5)).toEqual({ REPL_DETAILS: '{"g1":1,"g2":5}', other: 'x' });
    expect(info.REPL_DETAILS).toBe('{"g1":1,"g2":2}');
  });

  it('removes the key for a marker of 0 or none, leaving "{}"', () => {
    expect(withReplDetails({ REPL_DETAILS: '{"g1":1}' }, 'g1', 0)).toEqual({ REPL_DETAILS: '{}' });
    expect(withReplDetails(undefined, 'g1', undefined)).toEqual({ REPL_DETAILS: '{}' });
    expect(withReplDetails({ REPL_DETAILS: '{"g1":1}' }, 'g2', null)).toEqual({ REPL_DETAILS: '{"g1":1}' });
  });

  it('starts over from unreadable REPL_DETAILS text', () => {
    expect(parseReplDetails('not json')).toEqual({});
    expect(parseReplDetails('[1]')).toEqual({});
    expect(withReplDetails({ REPL_DETAILS: 'garbage' }, 'g', 3)).toEqual({ REPL_DETAILS: '{"g":3}' });
  });
});
