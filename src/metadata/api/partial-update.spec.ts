import { describe, expect, it } from 'vitest';
import { TypeSystem } from '../typesystem/type-system';
import { partialUpdateOf } from './partial-update';

const types = TypeSystem.build({
  entityDefs: [{
    name: 'db',
    attributeDefs: [
      { name: 'qualifiedName', typeName: 'string', isOptional: false, isUnique: true },
      { name: 'clusterName', typeName: 'string', isOptional: false },
      { name: 'description', typeName: 'string', isOptional: true },
    ],
  }],
});

describe('partial update by unique attribute', () => {
  const stored = { typeName: 'db', guid: 'g1', attributes: { qualifiedName: 'q', clusterName: 'cl1', description: 'old' } };

  it('takes the missing mandatory attributes from the stored entity, keeps what the body says', () => {
    const out = partialUpdateOf({ typeName: 'db', guid: '-1', attributes: { description: 'new' } }, stored, types.entityType('db')!);
    expect(out).toEqual({ typeName: 'db', guid: 'g1', attributes: { description: 'new', qualifiedName: 'q', clusterName: 'cl1' } });
  });

  it('does not override a mandatory attribute the body sets', () => {
    const out = partialUpdateOf({ typeName: 'db', attributes: { clusterName: 'cl2' } }, stored, types.entityType('db')!);
    expect(out.attributes).toEqual({ clusterName: 'cl2', qualifiedName: 'q' });
  });
});
