import { describe, expect, it } from 'vitest';
import { TypeSystem } from '../typesystem/type-system';
import { normalizedValue, valueProblem } from './attribute-values';

const types = TypeSystem.build({
  enumDefs: [{ name: 'level', elementDefs: [{ ordinal: 1, value: 'LOW' }, { ordinal: 2, value: 'HIGH' }] }],
  structDefs: [{ name: 'range', attributeDefs: [{ name: 'min', typeName: 'long', isOptional: true, cardinality: 'SINGLE' }] }],
  classificationDefs: [], entityDefs: [], relationshipDefs: [], businessMetadataDefs: [],
});
const norm = (typeName: string, value: unknown) => {
  expect(valueProblem(typeName, value, types, 'x')).toBeUndefined();
  return normalizedValue(typeName, value, types);
};

// Atlas stores what it accepts as its types normalise it (AtlasType.getNormalizedValue)
describe('normalizedValue', () => {
  it('numbers from numeric strings; whole numbers for the integral types', () => {
    expect([norm('int', '42'), norm('int', ' 7 '), norm('long', '-3'), norm('int', 3.9), norm('short', '+5')]).toEqual([42, 7, -3, 3, 5]);
    expect([norm('double', '2.5'), norm('float', '1e3'), norm('bigdecimal', '0.25')]).toEqual([2.5, 1000, 0.25]);
  });

  it('leaves numbers a double cannot hold exactly as they came (spec 2.8)', () => {
    expect(norm('biginteger', '1000000000000000000000')).toBe('1000000000000000000000');
    expect(norm('long', '9007199254740993')).toBe('9007199254740993');
    expect(norm('bigdecimal', '0.1000000000000000000001')).toBe('0.1000000000000000000001');
    expect(norm('biginteger', 1e21)).toBe(1e21);
  });

  it('booleans, dates, enum ordinals', () => {
    expect([norm('boolean', 'true'), norm('boolean', 'FALSE'), norm('boolean', true)]).toEqual([true, false, true]);
    expect([norm('date', '1700000000000'), norm('date', '2023-11-14T22:13:20.000Z'), norm('date', 1700000000000.5)]).toEqual([1700000000000, 1700000000000, 1700000000000]);
    expect([norm('level', 2), norm('level', 'LOW')]).toEqual(['HIGH', 'LOW']);
  });

  it('a single value of a list type becomes a list; lists, maps and structs element by element', () => {
    expect(norm('array<level>', 'HIGH')).toEqual(['HIGH']);
    expect(norm('array<level>', [1, 'HIGH'])).toEqual(['LOW', 'HIGH']);
    expect(norm('map<string,double>', { a: '2.5', b: 1 })).toEqual({ a: 2.5, b: 1 });
    expect(norm('range', { min: '3' })).toEqual({ min: 3 });
    expect(norm('range', { typeName: 'range', attributes: { min: '3' } })).toEqual({ typeName: 'range', attributes: { min: 3 } });
  });

  it('returns the value itself when nothing changes (no copy on the import path)', () => {
    const list = ['LOW', 'HIGH'];
    const map = { a: 1.5 };
    const struct = { min: 3 };
    expect(norm('array<level>', list)).toBe(list);
    expect(norm('map<string,double>', map)).toBe(map);
    expect(norm('range', struct)).toBe(struct);
    expect(norm('string', 'x')).toBe('x');
  });
});
