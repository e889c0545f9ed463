import { describe, expect, it } from 'vitest';
import type { AtlasTypesDef } from '../model';
import { referencesToDeletedTypes } from './typedef-references';

const catalogue: AtlasTypesDef = {
  enumDefs: [{ name: 'state', elementDefs: [{ value: 'A' }] }],
  structDefs: [{ name: 'money', attributeDefs: [{ name: 'amount', typeName: 'double' }] }],
  entityDefs: [
    { name: 'base', attributeDefs: [] },
    { name: 'order', superTypes: ['base'], attributeDefs: [{ name: 's', typeName: 'map<string,state>' }, { name: 'm', typeName: 'array<money>' }] },
    { name: 'line', attributeDefs: [] },
    { name: 'lonely', attributeDefs: [] },
  ],
  classificationDefs: [{ name: 'tag', attributeDefs: [], entityTypes: ['order'] }],
  relationshipDefs: [{ name: 'order_lines', attributeDefs: [], endDef1: { type: 'order', name: 'lines' }, endDef2: { type: 'line', name: 'order' } }],
};

describe('types referenced by remaining types', () => {
  it('finds super-types, attribute types inside array/map, classification entity types and relationship ends', () => {
    const refs = referencesToDeletedTypes(new Set(['base', 'state', 'money', 'line', 'lonely']), catalogue);
    expect(Object.fromEntries(refs)).toEqual({ base: 'order', state: 'order', money: 'order', line: 'order_lines' });
  });

  it('references from types deleted in the same request do not count', () => {
    expect(referencesToDeletedTypes(new Set(['line', 'order_lines']), catalogue).size).toBe(0);
    expect(Object.fromEntries(referencesToDeletedTypes(new Set(['order', 'order_lines']), catalogue))).toEqual({ order: 'tag' });
  });
});
