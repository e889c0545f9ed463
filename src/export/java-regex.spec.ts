import { describe, expect, it } from 'vitest';
import { javaRegexAsPostgres } from './java-regex';

describe('javaRegexAsPostgres', () => {
  it('anchors the whole value', () => {
    expect(javaRegexAsPostgres('stocks.*')).toBe('\\A(?:stocks.*)\\Z');
    expect(javaRegexAsPostgres('a|b')).toBe('\\A(?:a|b)\\Z');
  });

  it('rewrites word boundaries and \\z outside brackets, keeps other escapes', () => {
    expect(javaRegexAsPostgres('.*\\bappl_daily_1\\b.*')).toBe('\\A(?:.*\\yappl_daily_1\\y.*)\\Z');
    expect(javaRegexAsPostgres('\\Bx\\d+\\w\\s\\.\\z')).toBe('\\A(?:\\Yx\\d+\\w\\s\\.\\Z)\\Z');
    expect(javaRegexAsPostgres('[\\b]x')).toBe('\\A(?:[\\b]x)\\Z');
    expect(javaRegexAsPostgres('\\\\b')).toBe('\\A(?:\\\\b)\\Z'); // an escaped backslash, then the letter b
  });

  it('moves leading inline flags ahead as ARE options', () => {
    expect(javaRegexAsPostgres('(?i)STOCKS.*')).toBe('(?i)\\A(?:STOCKS.*)\\Z');
    expect(javaRegexAsPostgres('(?is)a.b')).toBe('(?i)\\A(?:a.b)\\Z');
    expect(javaRegexAsPostgres('(?m)^a$')).toBe('(?w)\\A(?:^a$)\\Z');
    // not all flags known: left in place (PostgreSQL then refuses the expression)
    expect(javaRegexAsPostgres('(?u)a')).toBe('\\A(?:(?u)a)\\Z');
  });
});
