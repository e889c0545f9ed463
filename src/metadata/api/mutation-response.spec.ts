import { describe, expect, it } from 'vitest';
import type { AtlasEntityHeader } from '../model';
import { deleteResponse, mutationResponse } from './mutation-response';

const h = (guid: string): AtlasEntityHeader => ({ guid, typeName: 't', status: 'ACTIVE', attributes: { qualifiedName: guid } });
const report = (p: Partial<Record<'created' | 'updated' | 'deleted' | 'unchanged', AtlasEntityHeader[]>>) => ({ created: [], updated: [], deleted: [], unchanged: [], ...p });

describe('EntityMutationResponse', () => {
  it('lists each entity once; created wins over updated; empty operations are absent', () => {
    const res = mutationResponse([report({ created: [h('a'), h('b')], updated: [h('a')] }), report({ updated: [h('c'), h('c')] })], { '-1': 'a' });
    expect(res).toEqual({ mutatedEntities: { CREATE: [h('a'), h('b')], UPDATE: [h('c')] }, guidAssignments: { '-1': 'a' } });
  });

  it('partial updates report as PARTIAL_UPDATE; no guidAssignments member without placeholders', () => {
    expect(mutationResponse([report({ updated: [h('a')] })], {}, 'PARTIAL_UPDATE')).toEqual({ mutatedEntities: { PARTIAL_UPDATE: [h('a')] } });
  });

  it('deleted entities (cascade) are listed under DELETE only', () => {
    expect(mutationResponse([report({ updated: [h('a')], deleted: [h('a'), h('b')] })])).toEqual({ mutatedEntities: { DELETE: [h('a'), h('b')] } });
    expect(deleteResponse([])).toEqual({});
    expect(deleteResponse([h('x')])).toEqual({ mutatedEntities: { DELETE: [h('x')] } });
  });
});
