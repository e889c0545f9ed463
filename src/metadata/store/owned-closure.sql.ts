// The owned closure (spec 2.5, 10.2): every entity a root owns, transitively, over `relationship.owner_end`
// (composition containers and ownedRef attributes). One recursive CTE, used for referredEntities, cascade delete
// and replication stamping. Each step is two index lookups (end1 side, end2 side), not an OR join.

export interface OwnedClosureOptions {
  /** SQL of the roots, e.g. `$1::text[]` */
  roots: string;
  /** follow ACTIVE relationships only (cascade delete); otherwise any status (DELETED children too) */
  activeOnly?: boolean;
}

/** `owned(root, guid)`: one row per root and per entity it owns, the root itself included (root = guid). */
export function ownedClosureCte({ roots, activeOnly = false }: OwnedClosureOptions): string {
  const status = activeOnly ? ` AND r.status = 'ACTIVE'` : '';
  return `owned(root, guid) AS (
         SELECT g, g FROM unnest(${roots}) AS g
         UNION
         SELECT o.root, c.child FROM owned o
           CROSS JOIN LATERAL (
             SELECT r.end2_guid AS child FROM relationship r WHERE r.owner_end = 1 AND r.end1_guid = o.guid${status}
             UNION ALL
             SELECT r.end1_guid FROM relationship r WHERE r.owner_end = 2 AND r.end2_guid = o.guid${status}
           ) c
       )`;
}
