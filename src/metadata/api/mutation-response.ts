// The store's per-unit reports -> Atlas's EntityMutationResponse (spec 10.6): only non-empty operations are
// present, each entity at most once per response, a created entity never also listed as updated.
import type { AtlasEntityHeader, EntityMutationResponse } from '../model';
import type { UnitReport } from '../store/metadata-store';

export type UpdateOperation = 'UPDATE' | 'PARTIAL_UPDATE';

export function mutationResponse(
  reports: UnitReport[],
  guidAssignments: Record<string, string> = {},
  updateOperation: UpdateOperation = 'UPDATE',
): EntityMutationResponse {
  const created = new Map<string, AtlasEntityHeader>();
  const updated = new Map<string, AtlasEntityHeader>();
  const deleted = new Map<string, AtlasEntityHeader>();
  for (const r of reports) {
    for (const h of r.created) created.set(h.guid, h);
    for (const h of r.deleted) deleted.set(h.guid, h);
  }
  for (const r of reports) {
    // spec 5.7.5's "unchanged" only exists with skipUnchanged; through the API it is an update like Atlas reports it
    for (const h of [...r.updated, ...r.unchanged]) if (!created.has(h.guid) && !deleted.has(h.guid)) updated.set(h.guid, h);
  }
  const mutatedEntities: NonNullable<EntityMutationResponse['mutatedEntities']> = {};
  if (created.size > 0) mutatedEntities.CREATE = [...created.values()];
  if (updated.size > 0) mutatedEntities[updateOperation] = [...updated.values()];
  if (deleted.size > 0) mutatedEntities.DELETE = [...deleted.values()];
  const out: EntityMutationResponse = {};
  if (Object.keys(mutatedEntities).length > 0) out.mutatedEntities = mutatedEntities;
  if (Object.keys(guidAssignments).length > 0) out.guidAssignments = guidAssignments;
  return out;
}

/** The response of a delete: `{ mutatedEntities: { DELETE: [...] } }`, or `{}` when nothing was ACTIVE. */
export function deleteResponse(deleted: AtlasEntityHeader[]): EntityMutationResponse {
  return deleted.length > 0 ? { mutatedEntities: { DELETE: deleted } } : {};
}
