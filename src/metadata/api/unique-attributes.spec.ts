import { describe, expect, it } from 'vitest';
import { AtlasError } from '../../common/errors';
import { TypeSystem } from '../typesystem/type-system';
import { checkUniqueAttributes, javaMapText, queryList, uniqueAttributesFromQuery } from './unique-attributes';

const types = TypeSystem.build({
  entityDefs: [
    { name: 'Referenceable', attributeDefs: [{ name: 'qualifiedName', typeName: 'string', isUnique: true, isOptional: false }] },
    { name: 'thing', superTypes: ['Referenceable'], attributeDefs: [{ name: 'name', typeName: 'string' }, { name: 'code', typeName: 'string', isUnique: true }] },
  ],
});

describe('attr:NAME=VALUE query parameters', () => {
  it('keeps attr: parameters only, first value of a repeated one', () => {
    expect(uniqueAttributesFromQuery({ 'attr:qualifiedName': 'a@cl1', 'attr:code': ['x', 'y'], minExtInfo: 'true', 'attr:': 'z' }))
      .toEqual({ qualifiedName: 'a@cl1', code: 'x' });
  });

  it('prints a Java map as Atlas messages do', () => {
    expect(javaMapText({ qualifiedName: 'a@cl1' })).toBe('{qualifiedName=a@cl1}');
    expect(javaMapText({ a: 1, b: 'x' })).toBe('{a=1, b=x}');
    expect(javaMapText({})).toBe('{}');
  });

  it('reads guid lists given once or repeated', () => {
    expect(queryList('a')).toEqual(['a']);
    expect(queryList(['a', 'b', 'a', ''])).toEqual(['a', 'b']);
    expect(queryList(undefined)).toEqual([]);
  });

  it('accepts own and inherited unique attributes, refuses others with ATLAS-400-00-013', () => {
    const thing = types.entityType('thing')!;
    expect(() => checkUniqueAttributes(thing, { qualifiedName: 'q', code: 'c' })).not.toThrow();
    const err = (attrs: Record<string, string>) => {
      try {
        checkUniqueAttributes(thing, attrs);
      } catch (e) {
        return (e as AtlasError).body();
      }
      return undefined;
    };
    expect(err({})).toEqual({ errorCode: 'ATLAS-400-00-013', errorMessage: 'Type thing with unique attribute  does not exist' });
    expect(err({ name: 'n' })).toEqual({ errorCode: 'ATLAS-400-00-013', errorMessage: 'Type thing with unique attribute name does not exist' });
    expect(err({ nope: 'n' })?.errorMessage).toBe('Type thing with unique attribute nope does not exist');
  });
});
