import { describe, expect, it } from 'vitest';
import { emptyTypesDef } from '../model';
import { pickDefs, withSubTypes } from './typedef-view';

describe('typedef views', () => {
  const defs = {
    ...emptyTypesDef(),
    entityDefs: [
      { name: 'A', attributeDefs: [] }, { name: 'C', superTypes: ['A'], attributeDefs: [] }, { name: 'B', superTypes: ['A'], attributeDefs: [] },
    ],
    classificationDefs: [{ name: 'T', attributeDefs: [] }, { name: 'U', superTypes: ['T'], attributeDefs: [] }],
  };

  it('fills direct subTypes of entity and classification defs', () => {
    const out = withSubTypes(defs);
    expect(out.entityDefs.map((d) => [d.name, d.subTypes])).toEqual([['A', ['B', 'C']], ['C', []], ['B', []]]);
    expect(out.classificationDefs.map((d) => d.subTypes)).toEqual([['U'], []]);
    expect(defs.entityDefs[0]).not.toHaveProperty('subTypes');
  });

  it('picks defs in the order asked for', () => {
    expect(pickDefs(defs, ['B', 'A', 'U']).entityDefs.map((d) => d.name)).toEqual(['B', 'A']);
    expect(pickDefs(defs, ['B', 'A', 'U']).classificationDefs.map((d) => d.name)).toEqual(['U']);
  });
});
