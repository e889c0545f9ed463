import { describe, expect, it } from 'vitest';
import { parseAuditQuery } from './audit-query';

const PAGING = { defaultLimit: 100, maxLimit: 10_000 };

describe('parseAuditQuery (spec 9.2)', () => {
  it('no parameters: no filter, first page of 100', () => {
    expect(parseAuditQuery({}, PAGING)).toEqual({ limit: 100, offset: 0 });
  });

  it('takes every filter; empty strings are ignored', () => {
    expect(parseAuditQuery({ serverName: 'cl1', userName: 'admin', operation: 'IMPORT', startTime: '17', endTime: '18' }, PAGING))
      .toMatchObject({ serverName: 'cl1', userName: 'admin', operation: 'IMPORT', startTime: 17, endTime: 18 });
    expect(parseAuditQuery({ serverName: '', userName: '', operation: '', startTime: '', endTime: '' }, PAGING)).toEqual({ limit: 100, offset: 0 });
  });

  it.each([
    [undefined, 100], ['0', 100], ['-5', 100], ['10001', 100], ['abc', 100], ['10000', 10_000], ['1', 1], ['25', 25],
  ])('limit %j => %j', (limit, expected) => {
    expect(parseAuditQuery({ limit }, PAGING).limit).toBe(expected);
  });

  it.each([[undefined, 0], ['-1', 0], ['0', 0], ['7', 7], ['x', 0]])('offset %j => %j', (offset, expected) => {
    expect(parseAuditQuery({ offset }, PAGING).offset).toBe(expected);
  });

  it('the first of repeated parameters counts', () => {
    expect(parseAuditQuery({ operation: ['EXPORT', 'IMPORT'] }, PAGING).operation).toBe('EXPORT');
  });

  it('a startTime that is not a number is a 400', () => {
    expect(() => parseAuditQuery({ startTime: 'yesterday' }, PAGING)).toThrow(/invalid parameters: startTime/);
  });
});
