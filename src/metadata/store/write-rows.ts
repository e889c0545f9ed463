// The rows a batch of normalised entities becomes: entity, entity_unique and relationship rows, and their COPY
// text. Pure: the store decides which rows go in by COPY and which by upsert. For a batch none of whose entities
// is stored yet (a first import), prepareUnits works all of it out ahead of the write (freshBatch), while
// PostgreSQL is still writing the previous batch.
import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { TypeLookup } from '../typesystem/resolved-types';
import { copyLine } from './copy-rows';
import { NormalizedEntity, uniqueValueText } from './entity-normalizer';
import type { EntityRow } from './entity-renderer';
import type { WriteContext } from './metadata-store';

export const ENTITY_COLUMNS = [
  'guid', 'type_name', 'status', 'attributes', 'created_by', 'updated_by', 'create_time', 'update_time', 'version',
  'home_id', 'provenance_type', 'is_incomplete', 'custom_attributes', 'labels', 'business_attributes',
] as const;
export const RELATIONSHIP_COLUMNS = [
  'guid', 'type_name', 'end1_guid', 'end2_guid', 'end1_attr', 'end2_attr', 'status', 'attributes', 'ordinal',
  'owner_end', 'propagate_tags', 'created_by', 'create_time', 'update_time',
] as const;
export const UNIQUE_COLUMNS = ['type_name', 'attr_name', 'value', 'guid'] as const;

export type EntityRowValues = Record<(typeof ENTITY_COLUMNS)[number], unknown>;

export interface RelRow {
  guid: string;
  type_name: string | null;
  end1_guid: string;
  end2_guid: string;
  end1_attr: string | null;
  end2_attr: string | null;
  status: string;
  attributes: Record<string, unknown> | null;
  ordinal: number;
  owner_end: number | null;
  propagate_tags: string;
  created_by: string;
  create_time: number;
  update_time: number;
}

/** entity_unique row: declaring type, attribute, value text, holder */
export interface UniqueRow {
  t: string;
  a: string;
  v: string;
  g: string;
}

/** resolveIdentity's probe: the i-th entity of the batch holds unique value (t, a, v) */
export interface IdentityProbe {
  i: number;
  t: string;
  a: string;
  v: string;
}

export function relKey(r: Pick<RelRow, 'type_name' | 'end1_guid' | 'end2_guid' | 'end1_attr'>): string {
  return `${r.type_name ?? ''}\u0000${r.end1_guid}\u0000${r.end2_guid}\u0000${r.end1_attr ?? ''}`;
}

/** One entity being written: its normalised input and the status it ends with. */
export interface WrittenEntity {
  norm: NormalizedEntity;
  finalStatus: string;
}

/**
 * The relationship rows of the written entities' references, one per (type, ends, end1 attribute): a link seen
 * from both ends is one row; a given relationshipGuid and attributes win over none, DELETED over ACTIVE.
 * `onReference` sees every reference with a target (the caller checks targets and collects attribute lists).
 */
export function relationshipRows(
  entities: Iterable<WrittenEntity>, ctx: Pick<WriteContext, 'user' | 'now'>,
  onReference?: (entity: WrittenEntity, attrKey: string, target: string) => void,
): Map<string, RelRow> {
  const rows = new Map<string, RelRow>();
  for (const p of entities) {
    const self = p.norm.guid;
    const status = p.finalStatus;
    for (const ref of p.norm.references) {
      const target = ref.target.guid;
      if (!target) continue;
      onReference?.(p, `${ref.relationshipType ?? ''}\u0000${ref.attr}`, target);
      const row: RelRow = {
        guid: ref.relationshipGuid ?? '',
        type_name: ref.relationshipType ?? null,
        end1_guid: ref.end === 1 ? self : target,
        end2_guid: ref.end === 1 ? target : self,
        end1_attr: ref.end === 1 ? ref.attr : ref.otherAttr ?? null,
        end2_attr: ref.end === 1 ? ref.otherAttr ?? null : ref.attr,
        status,
        attributes: ref.relationshipAttributes ?? null,
        ordinal: ref.ordinal,
        owner_end: ref.ownerEnd,
        propagate_tags: ref.propagateTags,
        created_by: ctx.user,
        create_time: ctx.now,
        update_time: ctx.now,
      };
      const key = relKey(row);
      const prev = rows.get(key);
      if (!prev) rows.set(key, row);
      else {
        if (!prev.guid && row.guid) prev.guid = row.guid;
        if (!prev.attributes && row.attributes) prev.attributes = row.attributes;
        if (row.status === 'DELETED') prev.status = 'DELETED';
      }
    }
  }
  return rows;
}

export function relationshipLine(r: RelRow): string {
  return copyLine(RELATIONSHIP_COLUMNS.map((c) => r[c]));
}

export function entityLine(row: EntityRowValues): string {
  return copyLine(ENTITY_COLUMNS.map((c) => row[c]));
}

export function uniqueLine(r: UniqueRow): string {
  return copyLine([r.t, r.a, r.v, r.g]);
}

/** The stored row an entity becomes: merged with the stored one (`existing`) when there is one (spec 5.7.8). */
export function entityRow(
  n: NormalizedEntity, ctx: Pick<WriteContext, 'mode' | 'user' | 'now'>,
  existing?: EntityRow,
  attributes: Record<string, unknown> = n.values, status: string = n.status,
): EntityRowValues {
  const ex = existing;
  const keepSystem = ctx.mode === 'import';
  return {
    guid: n.guid,
    type_name: n.typeName,
    status,
    attributes,
    created_by: (keepSystem && n.createdBy) || ex?.created_by || ctx.user,
    updated_by: ctx.user,
    create_time: (keepSystem && n.createTime) || ex?.create_time || ctx.now,
    update_time: ctx.now,
    version: keepSystem ? n.version ?? ex?.version ?? 0 : ex ? Number(ex.version) + 1 : 0,
    home_id: n.homeId ?? ex?.home_id ?? null,
    provenance_type: n.provenanceType ?? ex?.provenance_type ?? null,
    is_incomplete: n.isIncomplete,
    custom_attributes: n.customAttributes ?? ex?.custom_attributes ?? null,
    labels: n.labels ?? ex?.labels ?? null,
    business_attributes: keepSystem ? n.businessAttributes ?? null : n.businessAttributes ?? ex?.business_attributes ?? null,
  };
}

/** The unique values an entity holds, each under the type that declares the attribute (spec 10.3). */
export function uniqueRowsOf(guid: string, typeName: string, attributes: Record<string, unknown>, types: TypeLookup, out: UniqueRow[]): void {
  const type = types.entityType(typeName);
  if (!type) return;
  for (const [a, decl] of type.uniqueAttributes) {
    const v = uniqueValueText(attributes[a]);
    if (v !== undefined) out.push({ t: decl, a, v, g: guid });
  }
}

/**
 * resolveIdentity's probes: the unique values of the batch's entities that are not DELETED and not `skip`ped
 * (those already stored by guid), each with the entity's index in the batch.
 */
export function identityProbes(norms: ReadonlyArray<NormalizedEntity>, types: TypeLookup, skip?: (n: NormalizedEntity) => boolean): IdentityProbe[] {
  const probes: IdentityProbe[] = [];
  const values: UniqueRow[] = [];
  norms.forEach((n, i) => {
    if (n.status === 'DELETED' || skip?.(n)) return;
    values.length = 0;
    uniqueRowsOf(n.guid, n.typeName, n.values, types, values);
    for (const { t, a, v } of values) probes.push({ i, t, a, v });
  });
  return probes;
}

/** What a batch writes when none of its entities is stored: decided in prepareUnits, used by writePrepared. */
export interface FreshBatch {
  /** the batch's guids (all distinct) */
  guids: string[];
  entityCopy: string;
  uniqueRows: UniqueRow[];
  uniqueCopy: string;
  /** resolveIdentity's probes, as its jsonb parameter */
  probes: IdentityProbe[];
  probesJson: string;
  /** relationship rows with their COPY lines; `given`: the guid came with the input (not assigned here) */
  relationships: Array<{ row: RelRow; line: string; given: boolean }>;
}

/** entities worked on between two turns of the event loop */
export const YIELD_EVERY = 100;

/**
 * The fresh-batch plan, or undefined when the batch cannot take that path: a guid twice in the batch, or a
 * reference known only by unique attributes (resolved against the database at write time). Yields to the event
 * loop every few hundred entities, so that the write of the previous batch goes on meanwhile.
 */
export async function freshBatch(norms: readonly NormalizedEntity[], ctx: Pick<WriteContext, 'mode' | 'user' | 'now' | 'types'>): Promise<FreshBatch | undefined> {
  const guids = new Set<string>();
  for (const n of norms) {
    if (guids.has(n.guid)) return undefined;
    guids.add(n.guid);
    for (const r of n.references) if (!r.target.guid) return undefined;
  }
  const entityLines: string[] = [];
  for (let i = 0; i < norms.length; i++) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await setImmediate();
    entityLines.push(entityLine(entityRow(norms[i], ctx)));
  }
  // resolveIdentity probes the unique values of every entity not DELETED; those of the ACTIVE ones are stored
  const probes = identityProbes(norms, ctx.types);
  const uniqueRows = probes.filter((p) => norms[p.i].status === 'ACTIVE').map(({ i, t, a, v }) => ({ t, a, v, g: norms[i].guid }));
  await setImmediate();
  const rows = [...relationshipRows(norms.map((norm) => ({ norm, finalStatus: norm.status })), ctx).values()];
  const relationships: FreshBatch['relationships'] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await setImmediate();
    const row = rows[i];
    const given = !!row.guid;
    if (!given) row.guid = randomUUID();
    relationships.push({ row, line: relationshipLine(row), given });
  }
  await setImmediate();
  return {
    guids: [...guids],
    entityCopy: entityLines.join(''),
    uniqueRows,
    uniqueCopy: uniqueRows.map(uniqueLine).join(''),
    probes,
    probesJson: JSON.stringify(probes),
    relationships,
  };
}
