// PostgreSQL adapter of the MetadataStore port. Every statement works on a whole batch: rows travel as one
// jsonb parameter expanded with jsonb_to_recordset, so a batch of thousands of entities is a handful of statements.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { enterChangeFence } from './change-fence';
import { retryLostRace } from './retry';
import { copyRows, copyText } from './copy-rows';
import { ownedClosureCte } from './owned-closure.sql';
import { AtlasError, ErrorCode } from '../../common/errors';
import type {
  AnyTypeDef, AtlasClassification, AtlasEntity, AtlasEntityHeader, AtlasEntityWithExtInfo, AtlasTypesDef, TypeCategory,
} from '../model';
import { emptyTypesDef, TYPES_DEF_LISTS } from '../model';
import type { TypeLookup } from '../typesystem/resolved-types';
import { EntityReference, NormalizedEntity, normalizeEntity, ownClassifications, uniqueValueText } from './entity-normalizer';
import { normalizedValue, valueProblem } from './attribute-values';
import { EntityRow, RelationshipView, renderEntity, ClassificationRow } from './entity-renderer';
import {
  ENTITY_COLUMNS, entityRow, FreshBatch, freshBatch, identityProbes, RELATIONSHIP_COLUMNS, RelRow, relationshipLine, relationshipRows, relKey,
  UNIQUE_COLUMNS, UniqueRow, uniqueRowsOf, WrittenEntity, YIELD_EVERY,
} from './write-rows';
import {
  ImportCommitMark, MetadataStore, PreparedUnits, ReadOptions, StoredTypeDefs, UnitReport, WriteContext, WriteResult, WriteUnit,
} from './metadata-store';

const CATEGORY_LIST: Record<string, keyof AtlasTypesDef> = Object.fromEntries(TYPES_DEF_LISTS.map(([list, cat]) => [cat, list]));

/** What prepareUnits hands to writePrepared: normalised entities and the placeholder guids assigned. */
interface PreparedBatch extends PreparedUnits {
  norms: Array<{ unit: number; norm: NormalizedEntity }>;
  guidAssignments: Record<string, string>;
  ctx: WriteContext;
  /** the rows worked out ahead, for when no entity of the batch turns out to be stored (write-rows.ts) */
  fresh?: FreshBatch;
}

interface ExistingRow extends EntityRow {
  has_classifications: boolean;
}

/** A link a writer removed to an entity it owned (that entity is deleted with it, spec 5.7.5). */
interface OwnedLink {
  writer: string;
  child: string;
}

/** What writing a batch's links changed: owned links removed, and the ends of each link created. */
interface LinkChanges {
  cut: OwnedLink[];
  created: Array<Pick<RelRow, 'end1_guid' | 'end2_guid'>>;
}

interface PendingEntity {
  unit: number;
  norm: NormalizedEntity;
  existing?: ExistingRow;
  unchanged: boolean;
  /** final stored attributes (merged with the stored ones on update) */
  attributes: Record<string, unknown>;
  finalStatus: 'ACTIVE' | 'DELETED';
  outcome: 'created' | 'updated' | 'unchanged';
}

/**
 * spec 10.5: every own classification with propagate = true of an ACTIVE entity reaches, along ACTIVE relationships
 * (each hop in the direction its propagateTags allows), the ACTIVE entities it propagates to. The walk starts at the
 * propagating classifications and follows the relationships of the entities reached (index probes), and only the rows
 * that changed are deleted or inserted: the cost grows with what propagates, not with the catalogue (a full scan of
 * the relationships and the entities took 64 ms of every entity-API write on a 100k-entity catalogue).
 */
const RECOMPUTE_PROPAGATION_SQL = `
WITH RECURSIVE reach(source_guid, type_name, guid) AS (
  SELECT c.entity_guid, c.type_name, c.entity_guid
    FROM classification c JOIN entity e ON e.guid = c.entity_guid
   WHERE c.propagate AND e.status = 'ACTIVE'
  UNION
  SELECT r.source_guid, r.type_name, n.dst
    FROM reach r CROSS JOIN LATERAL (
      SELECT end2_guid AS dst FROM relationship WHERE end1_guid = r.guid AND status = 'ACTIVE' AND propagate_tags IN ('ONE_TO_TWO', 'BOTH')
      UNION ALL
      SELECT end1_guid FROM relationship WHERE end2_guid = r.guid AND status = 'ACTIVE' AND propagate_tags IN ('TWO_TO_ONE', 'BOTH')
    ) n
), fresh AS MATERIALIZED (
  SELECT DISTINCT r.guid AS entity_guid, r.source_guid, r.type_name
    FROM reach r CROSS JOIN LATERAL (SELECT 1 FROM entity e WHERE e.guid = r.guid AND e.status = 'ACTIVE' OFFSET 0) active
   WHERE r.guid <> r.source_guid
), gone AS (
  DELETE FROM propagated_classification p
   WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.entity_guid = p.entity_guid AND f.source_guid = p.source_guid AND f.type_name = p.type_name)
)
INSERT INTO propagated_classification (entity_guid, source_guid, type_name)
SELECT entity_guid, source_guid, type_name FROM fresh
ON CONFLICT DO NOTHING`;

/**
 * Recomputations run one at a time (a transaction-level advisory lock taken before the statement, whose snapshot
 * then sees every earlier one committed): two overlapping ones on different snapshots (two entity-API writes at
 * once) each deleted and inserted by their own snapshot, and the older one's late deletes and inserts left a tag
 * on an entity no relationship reaches any more and none on one that is reached.
 */
export const PROPAGATION_LOCK_KEY = 0x41544c41_50524f50n; // "ATLAPROP"
const RECOMPUTE_PROPAGATION_LOCK_SQL = `SELECT pg_advisory_xact_lock(${PROPAGATION_LOCK_KEY}) AS locked`;

function isPlaceholderGuid(guid: string | undefined): boolean {
  return !guid || guid.startsWith('-');
}

/** Atlas's AtlasEntityType.ENTITY_HEADER_ATTRIBUTES: in a header next to the type's unique attributes */
const HEADER_ATTRIBUTES = ['name', 'description', 'owner', 'createTime'];

/** The attributes a header of this type shows, worked out once per resolved type (headers are built per entity). */
const headerNames = new WeakMap<object, string[]>();
function headerAttributeNames(type: { uniqueAttributes: Map<string, unknown>; attributes: Map<string, unknown> }): string[] {
  let names = headerNames.get(type);
  if (!names) {
    names = [...type.uniqueAttributes.keys(), ...HEADER_ATTRIBUTES.filter((n) => type.attributes.has(n))];
    headerNames.set(type, names);
  }
  return names;
}

/**
 * Atlas's EntityGraphRetriever.toAtlasEntityHeader: the set values of the type's unique attributes and of name,
 * description, owner and createTime (qualifiedName and name when the type is unknown), displayText.
 */
function header(guid: string, typeName: string, status: string, attributes: Record<string, unknown>, types?: TypeLookup): AtlasEntityHeader {
  const h: AtlasEntityHeader = { typeName, guid, status: status as 'ACTIVE' | 'DELETED', attributes: {} };
  const type = types?.entityType(typeName);
  const names = type ? headerAttributeNames(type) : ['qualifiedName', 'name'];
  for (const n of names) if (attributes[n] !== undefined && attributes[n] !== null) h.attributes![n] = attributes[n];
  const display = attributes.name ?? attributes.qualifiedName;
  if (typeof display === 'string') h.displayText = display;
  return h;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') {
    // numbers come back from jsonb as numbers; big ones may round-trip as different text
    return typeof a === 'number' && typeof b === 'number' ? a === b : String(a) === String(b) && typeof a === typeof b;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== null && (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== null && (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

@Injectable()
export class PostgresMetadataStore extends MetadataStore {
  /** COPY for rows that cannot exist yet (fresh entities and their links); not on the embedded database */
  private readonly useCopy: boolean;

  constructor(private readonly db: DataSource, config: AppConfig) {
    super();
    this.useCopy = !config.isEmbeddedDatabase;
  }

  // ---------------------------------------------------------------------------------------------------- types

  async loadTypeDefs(): Promise<StoredTypeDefs> {
    const rows: Array<{ category: string; def: AnyTypeDef }> = await this.db.query(`SELECT category, def FROM type_def ORDER BY name`);
    const [{ version }] = await this.db.query(`SELECT version FROM type_system_state WHERE id = 1`);
    const defs = emptyTypesDef();
    for (const r of rows) {
      const list = CATEGORY_LIST[r.category];
      if (list) (defs[list] as AnyTypeDef[]).push(r.def);
    }
    return { defs, version: Number(version) };
  }

  async typeSystemVersion(): Promise<number> {
    const [{ version }] = await this.db.query(`SELECT version FROM type_system_state WHERE id = 1`);
    return Number(version);
  }

  async saveTypeDefs(create: AnyTypeDef[], update: AnyTypeDef[], user: string): Promise<void> {
    if (create.length === 0 && update.length === 0) return;
    const now = Date.now();
    const rows = [...create, ...update].map((d) => ({
      name: d.name,
      category: d.category as TypeCategory,
      guid: d.guid ?? randomUUID(),
      def: { ...d, guid: d.guid ?? undefined },
      user,
      now,
    }));
    for (const r of rows) {
      r.def = { ...r.def, guid: r.guid, createdBy: r.def.createdBy ?? user, updatedBy: user, createTime: r.def.createTime ?? now, updateTime: now };
    }
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO type_def (name, category, guid, def, version, created_by, updated_by, create_time, update_time)
         SELECT x.name, x.category, x.guid, x.def, 1, x."user", x."user", x.now, x.now
           FROM jsonb_to_recordset($1::jsonb) AS x(name text, category text, guid text, def jsonb, "user" text, now bigint)
         ON CONFLICT (name) DO UPDATE SET def = jsonb_set(EXCLUDED.def, '{guid}', to_jsonb(type_def.guid)),
           category = EXCLUDED.category, version = type_def.version + 1,
           updated_by = EXCLUDED.updated_by, update_time = EXCLUDED.update_time`,
        [JSON.stringify(rows)],
      );
      await m.query(`UPDATE type_system_state SET version = version + 1 WHERE id = 1`);
    });
  }

  async deleteTypeDefs(names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM type_def WHERE name = ANY($1::text[])`, [names]);
      await m.query(`UPDATE type_system_state SET version = version + 1 WHERE id = 1`);
    });
  }

  async countEntitiesOfTypes(typeNames: string[]): Promise<number> {
    const [{ n }] = await this.db.query(
      `SELECT (SELECT count(*) FROM entity WHERE type_name = ANY($1::text[]))
            + (SELECT count(*) FROM classification WHERE type_name = ANY($1::text[]))
            + (SELECT count(*) FROM relationship WHERE type_name = ANY($1::text[]))
            + (SELECT count(*) FROM entity WHERE business_attributes ?| $1::text[]) AS n`,
      [typeNames],
    );
    return Number(n);
  }

  // ------------------------------------------------------------------------------------------------- entities

  async writeUnits(units: WriteUnit[], ctx: WriteContext): Promise<WriteResult> {
    // prepared again on a retry: a write changes its prepared form (resolved references, re-mapped guids)
    return retryLostRace('entity write', async () => this.writePrepared(await this.prepareUnits(units, ctx)));
  }

  async prepareUnits(units: WriteUnit[], ctx: WriteContext): Promise<PreparedUnits> {
    const guidAssignments: Record<string, string> = {};
    // 1. flatten, assign guids to placeholders (negative guids inside one request, as Atlas clients send)
    const flat: Array<{ unit: number; entity: AtlasEntity }> = [];
    units.forEach((u, unit) => {
      flat.push({ unit, entity: u.entity });
      for (const [key, e] of Object.entries(u.referredEntities ?? {})) {
        flat.push({ unit, entity: e.guid ? e : { ...e, guid: key } });
      }
    });
    for (const f of flat) {
      const g = f.entity.guid;
      if (isPlaceholderGuid(g)) {
        const assigned = (g && guidAssignments[g]) || randomUUID();
        if (g) guidAssignments[g] = assigned;
        // a classification naming its entity by the placeholder is the entity's own (spec 5.7.7)
        const classifications = f.entity.classifications?.map((c) => (g && c?.entityGuid === g ? { ...c, entityGuid: assigned } : c));
        f.entity = { ...f.entity, guid: assigned, ...(classifications ? { classifications } : {}) };
      }
    }
    // 2. normalise (validation errors abort before anything is written)
    const norms: Array<{ unit: number; norm: NormalizedEntity }> = [];
    for (let i = 0; i < flat.length; i++) {
      // a few hundred at a time: the write of the previous batch goes on meanwhile
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await setImmediate();
      norms.push({ unit: flat[i].unit, norm: normalizeEntity(flat[i].entity, ctx.types, { defaultPropagate: ctx.defaultPropagate }) });
    }
    for (const { norm } of norms) {
      for (const ref of norm.references) {
        if (ref.target.guid && guidAssignments[ref.target.guid]) ref.target.guid = guidAssignments[ref.target.guid];
      }
      if (norm.classifications) norm.classifications = norm.classifications.map((c) => checkedClassification(ctx.types, c, norm.guid, norm.typeName));
    }
    const fresh = this.useCopy ? await freshBatch(norms.map((n) => n.norm), ctx) : undefined;
    const prepared: PreparedBatch = { norms, guidAssignments, ctx, fresh };
    return prepared;
  }

  async writePrepared(prepared: PreparedUnits, mark?: ImportCommitMark): Promise<WriteResult> {
    const { norms, guidAssignments, ctx, fresh } = prepared as PreparedBatch;
    return this.db.transaction(async (m) => {
      await enterChangeFence(m);
      // per call, never on the (singleton) store: concurrent requests must not see each other's re-mapping
      const remap: Record<string, string> = {};
      const unresolved = new Set<string>();
      const result = await this.writeNormalized(m, norms, ctx, remap, unresolved, fresh);
      // spec P9 after a crash: the resume point commits with the batch, so it is never behind or ahead of it
      if (mark) {
        await m.query(`UPDATE import_run SET resume_position = $2, resume_guid = $3 WHERE id = $1`, [mark.importRunId, mark.resumePosition, mark.resumeGuid]);
      }
      // a placeholder whose entity turned out to exist (api: matched by unique attributes) maps to that entity
      const assignments: Record<string, string> = {};
      const assigned = new Set(Object.values(guidAssignments));
      for (const [placeholder, guid] of Object.entries(guidAssignments)) assignments[placeholder] = remap[guid] ?? guid;
      for (const [given, guid] of Object.entries(remap)) if (!assigned.has(given)) assignments[given] = guid;
      return { units: result, guidAssignments: assignments, unresolvedTargets: [...unresolved] };
    });
  }

  private async writeNormalized(
    m: EntityManager, norms: Array<{ unit: number; norm: NormalizedEntity }>, ctx: WriteContext, remap: Record<string, string>,
    unresolved: Set<string>, prepared?: FreshBatch,
  ): Promise<UnitReport[]> {
    const reports: UnitReport[] = [];
    const unitCount = norms.reduce((n, x) => Math.max(n, x.unit + 1), 0);
    for (let i = 0; i < unitCount; i++) reports.push({ created: [], updated: [], deleted: [], unchanged: [] });

    // 3. references given only by unique attributes
    await this.resolveUniqueReferences(m, norms.map((n) => n.norm), ctx.types);

    // 4. identity: existing rows by guid; api placeholders and import collisions by unique attributes
    let existing = await this.loadExisting(m, prepared?.guids ?? norms.map((n) => n.norm.guid));
    const identity = await this.resolveIdentity(m, norms, existing, ctx, remap, existing.size === 0 ? prepared : undefined);
    if (identity.changed) existing = await this.loadExisting(m, norms.map((n) => n.norm.guid));
    // nothing of the batch is stored: the rows worked out in prepareUnits are the rows to write
    const fresh = existing.size === 0 && !identity.changed ? prepared : undefined;

    // 5. decide per entity (the last occurrence of a guid in the batch wins; earlier ones report as updated)
    const lastIndex = new Map<string, number>();
    norms.forEach((n, i) => lastIndex.set(n.norm.guid, i));
    const existingRels = await this.loadLinks(m, [...existing.keys()]);
    const pending: PendingEntity[] = [];
    const seen = new Set<string>();
    norms.forEach(({ unit, norm }, i) => {
      const ex = existing.get(norm.guid);
      const first = !seen.has(norm.guid);
      seen.add(norm.guid);
      if (lastIndex.get(norm.guid) !== i) {
        const h = header(norm.guid, norm.typeName, norm.status, norm.values, ctx.types);
        (first && !ex ? reports[unit].created : reports[unit].updated).push(h);
        return;
      }
      const attributes = ex ? { ...ex.attributes, ...norm.values } : { ...norm.values };
      const repeated = ctx.mode === 'import' && !!ex && Number(ex.update_time) === ctx.now;
      const unchanged = !!ex && ctx.skipUnchanged && first && this.isUnchanged(norm, ex, existingRels);
      const outcome = !ex || (ex.status === 'DELETED' && norm.status === 'ACTIVE') ? 'created' : unchanged ? 'unchanged' : 'updated';
      const p: PendingEntity = { unit, norm, existing: ex, unchanged, attributes, finalStatus: norm.status, outcome: first ? outcome : 'updated' };
      pending.push(p);
      const h = header(norm.guid, norm.typeName, norm.status, attributes, ctx.types);
      if (repeated) (reports[unit].repeated ??= []).push(h);
      else if (p.outcome === 'created') reports[unit].created.push(h);
      else if (p.outcome === 'updated') reports[unit].updated.push(h);
      else reports[unit].unchanged.push(h);
    });
    const toWrite = pending.filter((p) => !p.unchanged);
    if (toWrite.length === 0) return reports;

    // 6. uniqueness (spec 5.7.3, 10.3): checked before writing so a violation changes nothing
    const uniqueRows = fresh?.uniqueRows ?? this.uniqueRows(toWrite, ctx.types);
    // entities whose every unique value resolveIdentity just probed without a hit cannot clash with stored rows
    await this.checkUniqueCollisions(m, uniqueRows, toWrite, identity.probedClean);

    // 7. entity rows
    if (fresh) await copyText(m, 'entity', ENTITY_COLUMNS, fresh.entityCopy);
    else await this.upsertEntities(m, toWrite, ctx);
    const rewrittenExisting = toWrite.filter((p) => p.existing).map((p) => p.norm.guid);
    if (rewrittenExisting.length > 0) {
      await m.query(`DELETE FROM entity_unique WHERE guid = ANY($1::text[])`, [rewrittenExisting]);
    }
    if (uniqueRows.length > 0) {
      if (fresh) {
        await copyText(m, 'entity_unique', UNIQUE_COLUMNS, fresh.uniqueCopy);
      } else if (this.useCopy) {
        await copyRows(m, 'entity_unique', UNIQUE_COLUMNS, uniqueRows.map((r) => [r.t, r.a, r.v, r.g]));
      } else {
        await m.query(
          `INSERT INTO entity_unique (type_name, attr_name, value, guid)
           SELECT t, a, v, g FROM jsonb_to_recordset($1::jsonb) AS x(t text, a text, v text, g text)`,
          [JSON.stringify(uniqueRows)],
        );
      }
    }

    // 8. references
    const { known, preexisting, deletedTargets } = await this.existingGuids(m, toWrite, existing);
    const links = await this.writeRelationships(m, toWrite, known, preexisting, ctx, unresolved, fresh);
    const batchGuids = new Set(toWrite.map((p) => p.norm.guid));
    const unitOf = new Map(toWrite.map((p) => [p.norm.guid, p.unit]));
    await this.touchLinkedEntities(m, links.created, unitOf, preexisting, ctx, reports);

    // 9. classifications (own list replaced when supplied, spec 5.7.5)
    await this.writeClassifications(m, toWrite, ctx.replaceClassifications);

    // 10. status: ACTIVE -> DELETED cascades (owned children not in the batch are reported deleted by the first unit
    // that deletes); so does an owned child whose link its owner no longer lists (spec 5.7.5)
    const cascade = async (roots: string[], unit: number) => {
      for (const h of await this.softDelete(m, roots, ctx.user, ctx.now, ctx.types)) if (!batchGuids.has(h.guid)) reports[unit].deleted.push(h);
    };
    const newlyDeleted = toWrite.filter((p) => p.finalStatus === 'DELETED' && p.existing?.status === 'ACTIVE').map((p) => p.norm.guid);
    if (newlyDeleted.length > 0) await cascade(newlyDeleted, unitOf.get(newlyDeleted[0]) ?? 0);
    // (not one the batch writes itself or links anew: a child moved to another owner stays)
    const linked = links.cut.length === 0 ? undefined : new Set(links.created.flatMap((r) => [r.end1_guid, r.end2_guid]));
    const orphans = links.cut.filter((c) => !batchGuids.has(c.child) && !linked?.has(c.child));
    if (orphans.length > 0) {
      const active: Array<{ guid: string }> = await m.query(
        `SELECT guid FROM entity WHERE guid = ANY($1::text[]) AND status = 'ACTIVE'`, [orphans.map((o) => o.child)],
      );
      if (active.length > 0) await cascade(active.map((r) => r.guid), unitOf.get(orphans[0].writer) ?? 0);
    }
    // every link touching a DELETED entity is DELETED: this batch's and the stored ones it links to
    const deletedEnds = [...toWrite.filter((p) => p.finalStatus === 'DELETED').map((p) => p.norm.guid), ...deletedTargets];
    if (deletedEnds.length > 0) {
      await m.query(
        `UPDATE relationship SET status = 'DELETED', update_time = $2
          WHERE status = 'ACTIVE' AND (end1_guid = ANY($1::text[]) OR end2_guid = ANY($1::text[]))`,
        [deletedEnds, ctx.now],
      );
    }
    return reports;
  }

  private async resolveUniqueReferences(m: EntityManager, norms: NormalizedEntity[], types: TypeLookup): Promise<void> {
    const wanted: Array<{ ref: EntityReference; t: string; a: string; v: string }> = [];
    for (const n of norms) {
      for (const ref of n.references) {
        if (ref.target.guid || !ref.target.uniqueAttributes || !ref.target.typeName) continue;
        const type = types.entityType(ref.target.typeName);
        if (!type) continue;
        for (const [a, value] of Object.entries(ref.target.uniqueAttributes)) {
          const decl = type.uniqueAttributes.get(a);
          const v = uniqueValueText(value);
          if (decl && v !== undefined) { wanted.push({ ref, t: decl, a, v }); break; }
        }
      }
    }
    if (wanted.length === 0) return;
    // references to entities of this same batch resolve against the batch first
    const inBatch = new Map<string, string>();
    for (const n of norms) {
      const type = types.entityType(n.typeName);
      for (const [a, decl] of type?.uniqueAttributes ?? []) {
        const v = uniqueValueText(n.values[a]);
        if (v !== undefined && n.status === 'ACTIVE') inBatch.set(`${decl}\u0000${a}\u0000${v}`, n.guid);
      }
    }
    const rows: Array<{ t: string; a: string; v: string; guid: string }> = await m.query(
      `SELECT u.type_name AS t, u.attr_name AS a, u.value AS v, u.guid
         FROM entity_unique u JOIN jsonb_to_recordset($1::jsonb) AS k(t text, a text, v text)
           ON u.type_name = k.t AND u.attr_name = k.a AND u.value = k.v`,
      [JSON.stringify(wanted.map(({ t, a, v }) => ({ t, a, v })))],
    );
    const found = new Map(rows.map((r) => [`${r.t}\u0000${r.a}\u0000${r.v}`, r.guid]));
    for (const w of wanted) {
      const key = `${w.t}\u0000${w.a}\u0000${w.v}`;
      const guid = inBatch.get(key) ?? found.get(key);
      if (guid) w.ref.target.guid = guid;
    }
  }

  private async loadExisting(m: EntityManager, guids: string[]): Promise<Map<string, ExistingRow>> {
    if (guids.length === 0) return new Map();
    const rows: ExistingRow[] = await m.query(
      `SELECT e.guid, e.type_name, e.status, e.attributes, e.created_by, e.updated_by, e.create_time, e.update_time,
              e.version, e.home_id, e.provenance_type, e.is_incomplete, e.custom_attributes, e.labels, e.business_attributes,
              (EXISTS (SELECT 1 FROM classification c WHERE c.entity_guid = e.guid)
                OR EXISTS (SELECT 1 FROM propagated_classification p WHERE p.entity_guid = e.guid)) AS has_classifications
         FROM entity e WHERE e.guid = ANY($1::text[])`,
      [[...new Set(guids)]],
    );
    return new Map(rows.map((r) => [r.guid, r]));
  }

  /**
   * Entities not found by guid may still exist under another guid with the same unique attributes.
   * api: the request means that entity (createOrUpdate by unique attributes).
   * import: the existing entity is re-keyed to the incoming guid, which Atlas keeps across clusters (spec 5.7.3).
   */
  private async resolveIdentity(
    m: EntityManager, norms: Array<{ unit: number; norm: NormalizedEntity }>, existing: Map<string, ExistingRow>, ctx: WriteContext,
    remap: Record<string, string>, prepared?: Pick<FreshBatch, 'probes' | 'probesJson'>,
  ): Promise<{ changed: boolean; probedClean: Set<string> }> {
    // the unique values of every entity not stored and not DELETED (worked out ahead when none is stored)
    const probes = prepared?.probes ?? identityProbes(norms.map((n) => n.norm), ctx.types, (n) => existing.has(n.guid));
    if (probes.length === 0) return { changed: false, probedClean: new Set() };
    const rows: Array<{ i: number; guid: string; type_name: string }> = await m.query(
      `SELECT k.i, u.guid, e.type_name
         FROM jsonb_to_recordset($1::jsonb) AS k(i int, t text, a text, v text)
         JOIN entity_unique u ON u.type_name = k.t AND u.attr_name = k.a AND u.value = k.v
         JOIN entity e ON e.guid = u.guid`,
      [prepared?.probesJson ?? JSON.stringify(probes)],
    );
    const rekeys: Array<{ old: string; new: string }> = [];
    const done = new Set<number>();
    for (const r of rows) {
      if (done.has(r.i)) continue;
      const { norm } = norms[r.i];
      if (r.guid === norm.guid) continue;
      if (!ctx.types.isSubTypeOf(r.type_name, norm.typeName)) continue; // a clash across types fails later as duplicate
      done.add(r.i);
      if (ctx.mode === 'api') {
        if (!Object.hasOwn(remap, norm.guid)) remap[norm.guid] = r.guid;
      } else {
        rekeys.push({ old: r.guid, new: norm.guid });
      }
    }
    // one pass over the batch for all re-mapped guids (not one pass per entity: 10,000 updates would be 10^8 steps)
    if (Object.keys(remap).length > 0) {
      const to = (g: string | undefined) => (g !== undefined && Object.hasOwn(remap, g) ? remap[g] : g);
      for (const n of norms) {
        n.norm.guid = to(n.norm.guid)!;
        for (const ref of n.norm.references) ref.target.guid = to(ref.target.guid);
        for (const c of n.norm.classifications ?? []) c.entityGuid = to(c.entityGuid);
      }
    }
    if (rekeys.length > 0) await this.rekey(m, rekeys);
    const hit = new Set(rows.map((r) => r.i));
    const probedClean = new Set<string>();
    for (const pr of probes) if (!hit.has(pr.i)) probedClean.add(norms[pr.i].norm.guid);
    return { changed: rekeys.length > 0 || Object.keys(remap).length > 0, probedClean };
  }

  private async rekey(m: EntityManager, pairs: Array<{ old: string; new: string }>): Promise<void> {
    const p = [JSON.stringify(pairs)];
    const map = `jsonb_to_recordset($1::jsonb) AS k(old text, new text)`;
    await m.query(`UPDATE entity e SET guid = k.new, historical_guids = array_append(COALESCE(e.historical_guids, '{}'), k.old) FROM ${map} WHERE e.guid = k.old`, p);
    await m.query(`UPDATE entity_unique u SET guid = k.new FROM ${map} WHERE u.guid = k.old`, p);
    await m.query(`UPDATE relationship r SET end1_guid = k.new FROM ${map} WHERE r.end1_guid = k.old`, p);
    await m.query(`UPDATE relationship r SET end2_guid = k.new FROM ${map} WHERE r.end2_guid = k.old`, p);
    await m.query(`UPDATE classification c SET entity_guid = k.new FROM ${map} WHERE c.entity_guid = k.old`, p);
    await m.query(`UPDATE propagated_classification c SET entity_guid = k.new FROM ${map} WHERE c.entity_guid = k.old`, p);
    await m.query(`UPDATE propagated_classification c SET source_guid = k.new FROM ${map} WHERE c.source_guid = k.old`, p);
  }

  /** The links of stored entities, whatever their status: guid \0 attr -> target guid -> whether the link is ACTIVE. */
  private async loadLinks(m: EntityManager, guids: string[]): Promise<Map<string, Map<string, boolean>>> {
    const out = new Map<string, Map<string, boolean>>();
    if (guids.length === 0) return out;
    const rows: Array<{ self: string; attr: string; other: string; active: boolean }> = await m.query(
      `SELECT end1_guid AS self, end1_attr AS attr, end2_guid AS other, status = 'ACTIVE' AS active FROM relationship
        WHERE end1_guid = ANY($1::text[])
       UNION ALL
       SELECT end2_guid, end2_attr, end1_guid, status = 'ACTIVE' FROM relationship
        WHERE end2_attr IS NOT NULL AND end2_guid = ANY($1::text[])`,
      [guids],
    );
    for (const r of rows) {
      const k = `${r.self}\u0000${r.attr}`;
      let targets = out.get(k);
      if (!targets) out.set(k, (targets = new Map()));
      targets.set(r.other, r.active || targets.get(r.other) === true);
    }
    return out;
  }

  /**
   * spec 5.7.5 unchanged skip. "Every relationship attribute present references the same targets": the ZIP lists a
   * relationship attribute's links of any status (spec 3.6), an older ZIP maybe only the ACTIVE ones; so the links
   * match when every stored ACTIVE link is listed and every listed target is a stored link (ACTIVE or DELETED).
   */
  private isUnchanged(norm: NormalizedEntity, ex: ExistingRow, links: Map<string, Map<string, boolean>>): boolean {
    if (ex.status !== norm.status || ex.type_name !== norm.typeName) return false;
    if (norm.classifications === undefined || norm.classifications.length > 0 || ex.has_classifications) return false;
    for (const [k, v] of Object.entries(norm.values)) {
      if (!sameJson(v, ex.attributes[k])) return false;
    }
    const listed = new Map<string, Set<string>>();
    for (const s of norm.suppliedReferenceAttrs) listed.set(s.attr, new Set());
    for (const r of norm.references) if (r.target.guid) listed.get(r.attr)?.add(r.target.guid);
    for (const [attr, targets] of listed) {
      const stored = links.get(`${norm.guid}\u0000${attr}`) ?? new Map<string, boolean>();
      for (const g of targets) if (!stored.has(g)) return false;
      for (const [g, active] of stored) if (active && !targets.has(g)) return false;
    }
    if (norm.customAttributes !== undefined && !sameJson(norm.customAttributes, ex.custom_attributes ?? {})) return false;
    if (!sameJson(norm.businessAttributes ?? {}, ex.business_attributes ?? {})) return false;
    return true;
  }

  private uniqueRows(toWrite: PendingEntity[], types: TypeLookup): UniqueRow[] {
    const rows: UniqueRow[] = [];
    for (const p of toWrite) if (p.finalStatus === 'ACTIVE') uniqueRowsOf(p.norm.guid, p.norm.typeName, p.attributes, types, rows);
    return rows;
  }

  private async checkUniqueCollisions(
    m: EntityManager, rows: Array<{ t: string; a: string; v: string; g: string }>, toWrite: PendingEntity[], probedClean: Set<string>,
  ): Promise<void> {
    const typeOf = new Map(toWrite.map((p) => [p.norm.guid, p.norm.typeName]));
    const inBatch = new Map<string, string>();
    for (const r of rows) {
      const k = `${r.t}\u0000${r.a}\u0000${r.v}`;
      const other = inBatch.get(k);
      if (other && other !== r.g) throw new AtlasError(ErrorCode.INSTANCE_UNIQUE_ATTRIBUTE_DUPLICATE, [r.a, r.v, typeOf.get(r.g)]);
      inBatch.set(k, r.g);
    }
    const unchecked = rows.filter((r) => !probedClean.has(r.g));
    if (unchecked.length === 0) return;
    const clashes: Array<{ t: string; a: string; v: string; g: string }> = await m.query(
      `SELECT k.t, k.a, k.v, k.g FROM jsonb_to_recordset($1::jsonb) AS k(t text, a text, v text, g text)
         JOIN entity_unique u ON u.type_name = k.t AND u.attr_name = k.a AND u.value = k.v
        WHERE u.guid <> k.g AND NOT (u.guid = ANY($2::text[]))
        LIMIT 1`,
      [JSON.stringify(unchecked), toWrite.filter((p) => p.existing).map((p) => p.norm.guid)],
    );
    if (clashes.length > 0) {
      const c = clashes[0];
      throw new AtlasError(ErrorCode.INSTANCE_UNIQUE_ATTRIBUTE_DUPLICATE, [c.a, c.v, typeOf.get(c.g)]);
    }
  }

  private async upsertEntities(m: EntityManager, toWrite: PendingEntity[], ctx: WriteContext): Promise<void> {
    const rows = toWrite.map((p) => entityRow(p.norm, ctx, p.existing, p.attributes, p.finalStatus));
    const fresh = this.useCopy ? rows.filter((r, i) => !toWrite[i].existing) : [];
    if (fresh.length > 0) {
      await copyRows(m, 'entity', ENTITY_COLUMNS, fresh.map((r) => ENTITY_COLUMNS.map((c) => r[c as keyof typeof r])));
    }
    const upserts = fresh.length > 0 ? rows.filter((r, i) => toWrite[i].existing) : rows;
    if (upserts.length === 0) return;
    await m.query(
      `INSERT INTO entity (guid, type_name, status, attributes, created_by, updated_by, create_time, update_time, version,
                           home_id, provenance_type, is_incomplete, custom_attributes, labels, business_attributes)
       SELECT guid, type_name, status, attributes, created_by, updated_by, create_time, update_time, version,
              home_id, provenance_type, is_incomplete, custom_attributes, labels, business_attributes
         FROM jsonb_to_recordset($1::jsonb) AS x(guid text, type_name text, status text, attributes jsonb, created_by text,
              updated_by text, create_time bigint, update_time bigint, version bigint, home_id text, provenance_type int,
              is_incomplete boolean, custom_attributes jsonb, labels jsonb, business_attributes jsonb)
       ON CONFLICT (guid) DO UPDATE SET
         type_name = EXCLUDED.type_name, status = EXCLUDED.status, attributes = EXCLUDED.attributes,
         created_by = EXCLUDED.created_by, updated_by = EXCLUDED.updated_by, create_time = EXCLUDED.create_time,
         update_time = EXCLUDED.update_time, version = EXCLUDED.version, home_id = EXCLUDED.home_id,
         provenance_type = EXCLUDED.provenance_type, is_incomplete = EXCLUDED.is_incomplete,
         custom_attributes = EXCLUDED.custom_attributes, labels = EXCLUDED.labels,
         business_attributes = EXCLUDED.business_attributes, change_seq = nextval('entity_change_seq')`,
      [JSON.stringify(upserts)],
    );
  }

  /**
   * `known`: targets in the repository or in this batch; `preexisting`: entities stored before this batch;
   * `deletedTargets`: referenced entities that stay DELETED without being written by this batch (a link to one is
   * DELETED, spec 10.2, whatever the writer's status).
   */
  private async existingGuids(m: EntityManager, toWrite: PendingEntity[], existing: Map<string, ExistingRow>): Promise<{ known: Map<string, string>; preexisting: Set<string>; deletedTargets: string[] }> {
    const known = new Map<string, string>([...existing.values()].map((e) => [e.guid, e.type_name]));
    for (const p of toWrite) known.set(p.norm.guid, p.norm.typeName);
    // stored entities of the batch that stay DELETED without being written (unchanged ones)
    const written = existing.size > 0 ? new Set(toWrite.map((p) => p.norm.guid)) : undefined;
    const preexisting = new Set<string>(existing.keys());
    const unknown = new Set<string>();
    const deletedTargets = new Set<string>();
    for (const p of toWrite) {
      for (const r of p.norm.references) {
        const target = r.target.guid;
        if (!target) continue;
        if (!known.has(target)) unknown.add(target);
        else if (written && !written.has(target) && existing.get(target)?.status === 'DELETED') deletedTargets.add(target);
      }
    }
    if (unknown.size > 0) {
      const rows: Array<{ guid: string; status: string; type_name: string }> = await m.query(
        `SELECT guid, status, type_name FROM entity WHERE guid = ANY($1::text[])`, [[...unknown]],
      );
      for (const r of rows) {
        known.set(r.guid, r.type_name);
        preexisting.add(r.guid);
        if (r.status === 'DELETED') deletedTargets.add(r.guid);
      }
    }
    return { known, preexisting, deletedTargets: [...deletedTargets] };
  }

  private async writeRelationships(
    m: EntityManager, toWrite: PendingEntity[], known: Map<string, string>, preexisting: Set<string>, ctx: WriteContext, unresolved: Set<string>,
    prepared?: FreshBatch,
  ): Promise<LinkChanges> {
    const checkTarget = (p: WrittenEntity, target: string) => {
      if (known.has(target)) return;
      if (ctx.mode === 'api') {
        const ref = p.norm.references.find((r) => r.target.guid === target)!;
        throw new AtlasError(ErrorCode.INVALID_OBJECT_ID, [`${ref.target.typeName ?? ''}:${target} (${p.norm.typeName}.${ref.attr})`]);
      }
      // import: a reference to an entity later in the archive is kept (spec P6); dangling ones are dropped at the end
      unresolved.add(target);
    };
    checkEndTypes(toWrite, known, ctx.types);
    let list: RelRow[];
    let cut: OwnedLink[] = [];
    const lines = new Map<RelRow, string>();
    if (prepared) {
      // none of the entities was stored: no stale links; the rows and their COPY lines were worked out ahead
      for (const p of toWrite) for (const ref of p.norm.references) if (ref.target.guid) checkTarget(p, ref.target.guid);
      list = prepared.relationships.map((r) => r.row);
      for (const r of prepared.relationships) lines.set(r.row, r.line);
      await this.keepRelationshipGuids(m, prepared.relationships.filter((r) => r.given).map((r) => r.row), lines);
    } else {
      // for entities that existed, links of a supplied attribute that are no longer listed are removed (spec 5.7.5)
      const listed = new Map<PendingEntity, Map<string, string[]>>();
      const rows = relationshipRows(toWrite, ctx, (p, attrKey, target) => {
        checkTarget(p, target);
        const e = p as PendingEntity;
        if (!e.existing) return;
        let byAttr = listed.get(e);
        if (!byAttr) listed.set(e, (byAttr = new Map()));
        const targets = byAttr.get(attrKey);
        if (targets) targets.push(target);
        else byAttr.set(attrKey, [target]);
      });
      const stale: Array<{ guid: string; rtype: string | null; endn: number; attr: string; targets: string[] }> = [];
      for (const p of toWrite) {
        if (!p.existing) continue;
        for (const s of p.norm.suppliedReferenceAttrs) {
          const targets = listed.get(p)?.get(`${s.relationshipType ?? ''}\u0000${s.attr}`) ?? [];
          stale.push({ guid: p.norm.guid, rtype: s.relationshipType ?? null, endn: s.end, attr: s.attr, targets });
        }
      }
      if (stale.length > 0) cut = await this.removeStaleLinks(m, stale, ctx.now);
      if (rows.size === 0) return { cut, created: [] };
      list = [...rows.values()];
      await this.keepRelationshipGuids(m, list.filter((r) => r.guid), lines);
      for (const r of list) if (!r.guid) r.guid = randomUUID();
    }
    // a link can only be stored already when one of its ends was stored before this batch (its writer); the
    // others are fresh and go in by COPY
    const fresh = this.useCopy ? list.filter((r) => !preexisting.has(r.end1_guid) && !preexisting.has(r.end2_guid)) : [];
    const created: LinkChanges['created'] = fresh.slice();
    if (fresh.length > 0) {
      await copyText(m, 'relationship', RELATIONSHIP_COLUMNS, fresh.map((r) => lines.get(r) ?? relationshipLine(r)).join(''));
    }
    const upserts = fresh.length > 0 ? list.filter((r) => preexisting.has(r.end1_guid) || preexisting.has(r.end2_guid)) : list;
    if (upserts.length === 0) return { cut, created };
    const upserted = returnedRows<{ end1_guid: string; end2_guid: string; inserted: boolean }>(await m.query(
      `INSERT INTO relationship (guid, type_name, end1_guid, end2_guid, end1_attr, end2_attr, status, attributes, ordinal,
                                 owner_end, propagate_tags, created_by, create_time, update_time)
       SELECT guid, type_name, end1_guid, end2_guid, end1_attr, end2_attr, status, attributes, ordinal,
              owner_end, propagate_tags, created_by, create_time, update_time
         FROM jsonb_to_recordset($1::jsonb) AS x(guid text, type_name text, end1_guid text, end2_guid text, end1_attr text,
              end2_attr text, status text, attributes jsonb, ordinal int, owner_end smallint, propagate_tags text,
              created_by text, create_time bigint, update_time bigint)
       ON CONFLICT (end1_guid, end2_guid, (COALESCE(type_name, '')), (COALESCE(end1_attr, ''))) DO UPDATE SET
         status = EXCLUDED.status, attributes = COALESCE(EXCLUDED.attributes, relationship.attributes),
         ordinal = EXCLUDED.ordinal, owner_end = EXCLUDED.owner_end, propagate_tags = EXCLUDED.propagate_tags,
         end2_attr = COALESCE(EXCLUDED.end2_attr, relationship.end2_attr), update_time = EXCLUDED.update_time
       RETURNING end1_guid, end2_guid, xmax = 0 AS inserted`,
      [JSON.stringify(upserts)],
    ));
    for (const r of upserted) if (r.inserted) created.push(r);
    return { cut, created };
  }

  /** A given relationshipGuid already used by another pair of ends is replaced by a new one (its COPY line dropped). */
  private async keepRelationshipGuids(m: EntityManager, given: RelRow[], lines: Map<RelRow, string>): Promise<void> {
    if (given.length === 0) return;
    const taken: Array<Pick<RelRow, 'guid' | 'type_name' | 'end1_guid' | 'end2_guid' | 'end1_attr'>> = await m.query(
      `SELECT guid, type_name, end1_guid, end2_guid, end1_attr FROM relationship WHERE guid = ANY($1::text[])`,
      [given.map((r) => r.guid)],
    );
    if (taken.length === 0) return;
    const keyOf = new Map(taken.map((t) => [t.guid, relKey(t)]));
    for (const r of given) {
      if (keyOf.has(r.guid) && keyOf.get(r.guid) !== relKey(r)) {
        r.guid = randomUUID();
        lines.delete(r);
      }
    }
  }

  /**
   * spec 5.7.4: "Creating a relationship to an entity outside the unit counts that other entity as updated in this
   * unit's mutation report." A stored ACTIVE entity that is not part of the batch and gains a link is stamped as
   * updated (so that an incremental export and processedEntities see it) and reported by the unit linking to it;
   * one this import or request wrote already (its update time is ours) is counted once already (spec 5.7.9).
   */
  private async touchLinkedEntities(
    m: EntityManager, created: LinkChanges['created'], unitOf: Map<string, number>, preexisting: Set<string>, ctx: WriteContext,
    reports: UnitReport[],
  ): Promise<void> {
    const linkedBy = new Map<string, number>();
    const note = (writer: string, other: string) => {
      const unit = unitOf.get(writer);
      if (unit !== undefined && !unitOf.has(other) && preexisting.has(other) && !linkedBy.has(other)) linkedBy.set(other, unit);
    };
    for (const r of created) {
      note(r.end1_guid, r.end2_guid);
      note(r.end2_guid, r.end1_guid);
    }
    if (linkedBy.size === 0) return;
    const touched = returnedRows<{ guid: string; type_name: string; attributes: Record<string, unknown> }>(await m.query(
      `UPDATE entity SET updated_by = $2, update_time = $3, change_seq = nextval('entity_change_seq')
        WHERE guid = ANY($1::text[]) AND status = 'ACTIVE' AND update_time <> $3
       RETURNING guid, type_name, attributes`,
      [[...linkedBy.keys()], ctx.user, ctx.now],
    ));
    for (const r of touched) reports[linkedBy.get(r.guid)!].updated.push(header(r.guid, r.type_name, 'ACTIVE', r.attributes, ctx.types));
  }

  /**
   * Links of a supplied attribute whose target is no longer listed: relationships become DELETED, plain references
   * go. Returns the children the writer owned through them (spec 5.7.5: "owned children that are removed get deleted").
   */
  private async removeStaleLinks(
    m: EntityManager, stale: Array<{ guid: string; rtype: string | null; endn: number; attr: string; targets: string[] }>, now: number,
  ): Promise<OwnedLink[]> {
    const p = [JSON.stringify(stale), now];
    const s = `jsonb_to_recordset($1::jsonb) AS s(guid text, rtype text, endn int, attr text, targets jsonb)`;
    const cut: OwnedLink[] = [];
    const owned = (rows: unknown) => {
      for (const r of returnedRows(rows) as Array<{ writer: string; child: string | null }>) if (r.child) cut.push({ writer: r.writer, child: r.child });
    };
    owned(await m.query(
      `UPDATE relationship r SET status = 'DELETED', update_time = $2 FROM ${s}
        WHERE s.rtype IS NOT NULL AND s.endn = 1 AND r.end1_guid = s.guid AND r.type_name = s.rtype
          AND r.status = 'ACTIVE' AND NOT (s.targets ? r.end2_guid)
       RETURNING s.guid AS writer, CASE WHEN r.owner_end = 1 THEN r.end2_guid END AS child`, p));
    owned(await m.query(
      `UPDATE relationship r SET status = 'DELETED', update_time = $2 FROM ${s}
        WHERE s.rtype IS NOT NULL AND s.endn = 2 AND r.end2_guid = s.guid AND r.type_name = s.rtype
          AND r.status = 'ACTIVE' AND NOT (s.targets ? r.end1_guid)
       RETURNING s.guid AS writer, CASE WHEN r.owner_end = 2 THEN r.end1_guid END AS child`, p));
    owned(await m.query(
      `DELETE FROM relationship r USING ${s}
        WHERE s.rtype IS NULL AND r.type_name IS NULL AND r.end1_guid = s.guid AND r.end1_attr = s.attr
          AND NOT (s.targets ? r.end2_guid)
       RETURNING s.guid AS writer, CASE WHEN r.owner_end = 1 THEN r.end2_guid END AS child`, [p[0]]));
    return cut;
  }

  private async writeClassifications(m: EntityManager, toWrite: PendingEntity[], replace: boolean): Promise<void> {
    const supplied = toWrite.filter((p) => p.norm.classifications !== undefined && (replace || !p.existing));
    if (supplied.length === 0) return;
    const existingGuids = supplied.filter((p) => p.existing).map((p) => p.norm.guid);
    if (existingGuids.length > 0) await m.query(`DELETE FROM classification WHERE entity_guid = ANY($1::text[])`, [existingGuids]);
    const rows = supplied.flatMap((p) => (p.norm.classifications ?? []).map((c) => classificationRow(p.norm.guid, c)));
    if (rows.length === 0) return;
    await this.insertClassifications(m, rows);
  }

  private async insertClassifications(m: EntityManager, rows: ReturnType<typeof classificationRow>[]): Promise<void> {
    await m.query(
      `INSERT INTO classification (entity_guid, type_name, attributes, propagate, remove_propagations_on_entity_delete, validity_periods)
       SELECT entity_guid, type_name, attributes, propagate, remove_propagations_on_entity_delete, validity_periods
         FROM jsonb_to_recordset($1::jsonb) AS x(entity_guid text, type_name text, attributes jsonb, propagate boolean,
              remove_propagations_on_entity_delete boolean, validity_periods jsonb)
       ON CONFLICT (entity_guid, type_name) DO UPDATE SET attributes = EXCLUDED.attributes, propagate = EXCLUDED.propagate,
         remove_propagations_on_entity_delete = EXCLUDED.remove_propagations_on_entity_delete,
         validity_periods = EXCLUDED.validity_periods`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Soft delete with cascade over owned children (spec 10.2). Returns headers of every entity that changed, in the
   * order the closure reaches them (the roots first).
   */
  private async softDelete(m: EntityManager, guids: string[], user: string, now: number, types: TypeLookup): Promise<AtlasEntityHeader[]> {
    // PostgreSQL guesses a recursive CTE at ~1000 rows per root (a hive table owns ~10): joined to entity, from a
    // dozen roots on that guess hashed the whole entity table (12 tables of 100k entities: 50 ms for 120 rows). The
    // closure as an array is looked up by primary key.
    const rows: Array<{ guid: string; type_name: string; attributes: Record<string, unknown> }> = await m.query(
      `WITH RECURSIVE ${ownedClosureCte({ roots: '$1::text[]', activeOnly: true })},
       deleted AS (
         UPDATE entity e SET status = 'DELETED', updated_by = $2, update_time = $3, change_seq = nextval('entity_change_seq')
          WHERE e.guid = ANY (ARRAY(SELECT o.guid FROM owned o)) AND (e.status = 'ACTIVE' OR e.guid = ANY($1::text[]))
         RETURNING e.guid, e.type_name, e.attributes
       )
       SELECT d.guid, d.type_name, d.attributes
         FROM deleted d
         JOIN (SELECT o.guid, min(o.n) AS n FROM (SELECT guid, row_number() OVER () AS n FROM owned) o GROUP BY o.guid) c ON c.guid = d.guid
        ORDER BY c.n`,
      [guids, user, now],
    );
    const all = rows.map((r) => r.guid);
    if (all.length > 0) {
      await m.query(`DELETE FROM entity_unique WHERE guid = ANY($1::text[])`, [all]);
      await m.query(
        `UPDATE relationship SET status = 'DELETED', update_time = $2
          WHERE status = 'ACTIVE' AND (end1_guid = ANY($1::text[]) OR end2_guid = ANY($1::text[]))`,
        [all, now],
      );
    }
    return rows.map((r) => header(r.guid, r.type_name, 'DELETED', r.attributes, types));
  }

  async deleteEntities(guids: string[], ctx: Pick<WriteContext, 'user' | 'now' | 'types'>): Promise<AtlasEntityHeader[]> {
    const deleted = await retryLostRace('entity delete', () => this.db.transaction(async (m) => {
      await enterChangeFence(m);
      // locked: of concurrent deletes of one entity, the first deletes it and the others find it DELETED
      // an unknown guid is no error: it is already gone (Atlas's deleteById ignores it)
      const found: Array<{ guid: string; status: string }> = await m.query(`SELECT guid, status FROM entity WHERE guid = ANY($1::text[]) FOR UPDATE`, [guids]);
      const active = found.filter((f) => f.status === 'ACTIVE').map((f) => f.guid);
      return active.length ? this.softDelete(m, active, ctx.user, ctx.now, ctx.types) : [];
    }));
    if (deleted.length > 0) await this.recomputePropagation();
    return deleted;
  }

  async addClassifications(guid: string, classifications: AtlasClassification[], ctx: Pick<WriteContext, 'user' | 'now' | 'types'>): Promise<void> {
    for (const c of classifications) {
      if (!c?.typeName || !ctx.types.classificationType(c.typeName)) {
        throw new AtlasError(ErrorCode.TYPE_NAME_INVALID, ['CLASSIFICATION', c?.typeName]);
      }
    }
    await retryLostRace('classification add', () => this.db.transaction(async (m) => {
      await enterChangeFence(m);
      // the entity row is locked (the transaction updates it anyway): concurrent adds to one entity take turns, so
      // the check below sees the classifications a previous one committed
      const found: Array<{ guid: string; type_name: string }> = await m.query(`SELECT guid, type_name FROM entity WHERE guid = $1 FOR UPDATE`, [guid]);
      if (found.length === 0) throw new AtlasError(ErrorCode.INSTANCE_GUID_NOT_FOUND, [guid]);
      const checked = classifications.map((c) => checkedClassification(ctx.types, c, guid, found[0].type_name));
      // Atlas: a type the entity already carries as its own, or named twice in the request, is refused (the
      // update of an existing classification is another call); a propagated one may become an own one
      const held: Array<{ type_name: string }> = await m.query(
        `SELECT type_name FROM classification WHERE entity_guid = $1 AND type_name = ANY($2::text[])`,
        [guid, classifications.map((c) => c.typeName)],
      );
      const taken = new Set(held.map((h) => h.type_name));
      for (const c of classifications) {
        if (taken.has(c.typeName)) throw new AtlasError(ErrorCode.CLASSIFICATION_ALREADY_ASSOCIATED, [guid, c.typeName]);
        taken.add(c.typeName);
      }
      const own = ownClassifications(guid, checked.map((c) => ({ ...c, entityGuid: guid })), true);
      await this.insertClassifications(m, own.map((c) => classificationRow(guid, c)));
      // adding a classification is an entity change (spec 3.5: it bumps updateTime)
      await m.query(
        `UPDATE entity SET update_time = $2, updated_by = $3, change_seq = nextval('entity_change_seq') WHERE guid = $1`,
        [guid, ctx.now, ctx.user],
      );
    }));
    await this.recomputePropagation();
  }

  async recomputePropagation(): Promise<void> {
    await this.db.transaction(async (m) => {
      const [{ any }] = await m.query(
        `SELECT EXISTS (SELECT 1 FROM classification WHERE propagate) OR EXISTS (SELECT 1 FROM propagated_classification) AS any`,
      );
      if (!any) return;
      await m.query(RECOMPUTE_PROPAGATION_LOCK_SQL);
      await m.query(RECOMPUTE_PROPAGATION_SQL);
    });
  }

  async dropDanglingReferences(targets: Iterable<string>): Promise<number> {
    const guids = [...targets];
    if (guids.length === 0) return 0;
    let dropped = 0;
    for (let i = 0; i < guids.length; i += 10_000) {
      const chunk = guids.slice(i, i + 10_000);
      const rows = returnedRows(await this.db.query(
        `DELETE FROM relationship r
          WHERE (r.end2_guid = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM entity e WHERE e.guid = r.end2_guid))
             OR (r.end1_guid = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM entity e WHERE e.guid = r.end1_guid))
         RETURNING 1`,
        [chunk],
      ));
      dropped += rows.length;
    }
    return dropped;
  }

  async *writtenByImport(marker: number, now: number, user: string, pageSize = 10_000): AsyncIterable<string[]> {
    let after = marker;
    for (;;) {
      const rows: Array<{ guid: string; change_seq: string }> = await this.db.query(
        `SELECT guid, change_seq FROM entity
          WHERE change_seq > $1 AND update_time = $2 AND updated_by = $3
          ORDER BY change_seq LIMIT $4`,
        [after, now, user, pageSize],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => r.guid);
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1].change_seq);
    }
  }

  async currentChangeMarker(): Promise<number> {
    const [{ v }] = await this.db.query(`SELECT COALESCE(max(change_seq), 0) AS v FROM entity`);
    return Number(v);
  }

  async findByUniqueAttributes(typeName: string, attrs: Record<string, unknown>, types: TypeLookup): Promise<string | undefined> {
    const type = types.entityType(typeName);
    if (!type) throw new AtlasError(ErrorCode.TYPE_NAME_INVALID, ['ENTITY', typeName]);
    const subTypes = [type.name, ...type.allSubTypes];
    for (const [a, value] of Object.entries(attrs)) {
      const decl = type.uniqueAttributes.get(a);
      const v = uniqueValueText(value);
      if (!decl || v === undefined) continue;
      const rows: Array<{ guid: string }> = await this.db.query(
        `SELECT u.guid FROM entity_unique u JOIN entity e ON e.guid = u.guid
          WHERE u.type_name = $1 AND u.attr_name = $2 AND u.value = $3 AND e.type_name = ANY($4::text[]) AND e.status = 'ACTIVE'`,
        [decl, a, v, subTypes],
      );
      if (rows.length > 0) return rows[0].guid;
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------- reads

  async getEntities(guids: string[], types: TypeLookup, opts: ReadOptions = {}): Promise<Map<string, AtlasEntityWithExtInfo>> {
    const out = new Map<string, AtlasEntityWithExtInfo>();
    if (guids.length === 0) return out;
    const roots = [...new Set(guids)];
    const owned: Array<{ root: string; guid: string }> = opts.withExtInfo ? await this.ownedClosure(this.db.manager, roots) : [];
    const all = [...new Set([...roots, ...owned.map((o) => o.guid)])];
    const rendered = await this.renderGuids(this.db.manager, all, types);
    for (const g of roots) {
      const entity = rendered.get(g);
      if (!entity) continue;
      const referred: Record<string, AtlasEntity> = {};
      for (const o of owned) if (o.root === g && rendered.has(o.guid)) referred[o.guid] = rendered.get(o.guid)!;
      out.set(g, { entity, referredEntities: referred });
    }
    return out;
  }

  /**
   * root -> every entity it owns, transitively (composition containers and ownedRef attributes). A guid without an
   * entity row may be among them: it renders as nothing. (Not joined to entity here: PostgreSQL guesses a recursive
   * CTE at ~1000 rows per root and, from two roots on, hashed the whole entity table for it.)
   */
  async ownedClosure(m: EntityManager, roots: string[]): Promise<Array<{ root: string; guid: string }>> {
    return m.query(
      `WITH RECURSIVE ${ownedClosureCte({ roots: '$1::text[]' })}
       SELECT o.root, o.guid FROM owned o WHERE o.root <> o.guid`,
      [roots],
    );
  }

  /** Renders entities in a few set-based statements: rows, links (with the other end), classifications. */
  async renderGuids(m: EntityManager, guids: string[], types: TypeLookup): Promise<Map<string, AtlasEntity>> {
    const out = new Map<string, AtlasEntity>();
    if (guids.length === 0) return out;
    const rows: EntityRow[] = await m.query(
      `SELECT guid, type_name, status, attributes, created_by, updated_by, create_time, update_time, version, home_id,
              provenance_type, is_incomplete, custom_attributes, labels, business_attributes
         FROM entity WHERE guid = ANY($1::text[])`,
      [guids],
    );
    // The links first, then their other ends: joined in one step, PostgreSQL guessed ~10 links per guid (a column
    // has none) and from ~100 guids read the whole relationship table in parallel (GET /entity/bulk of 10 tables on
    // a 100k-entity catalogue: 18-27 ms for 200 links, now 3 ms).
    const links: RelationshipView[] = await m.query(
      `WITH l AS MATERIALIZED (
         SELECT r.end1_guid AS self, r.end1_attr AS attr, 1 AS self_end, r.guid, r.type_name, r.status, r.attributes, r.ordinal,
                r.end2_guid AS other
           FROM relationship r
          WHERE r.end1_guid = ANY($1::text[])
         UNION ALL
         SELECT r.end2_guid, r.end2_attr, 2, r.guid, r.type_name, r.status, r.attributes, r.ordinal, r.end1_guid
           FROM relationship r
          WHERE r.end2_guid = ANY($1::text[]) AND r.end2_attr IS NOT NULL
       )
       SELECT l.self, l.attr, l.self_end, l.guid, l.type_name, l.status, l.attributes, l.ordinal,
              e.guid AS other_guid, e.type_name AS other_type, e.status AS other_status,
              e.attributes->>'qualifiedName' AS other_qn, e.attributes->>'name' AS other_name
         FROM l JOIN entity e ON e.guid = l.other`,
      [guids],
    );
    const classes: ClassificationRow[] = await m.query(
      `SELECT c.entity_guid AS holder, c.entity_guid, c.type_name, c.attributes, c.propagate,
              c.remove_propagations_on_entity_delete, c.validity_periods, e.status AS entity_status
         FROM classification c JOIN entity e ON e.guid = c.entity_guid WHERE c.entity_guid = ANY($1::text[])
       UNION ALL
       SELECT p.entity_guid, c.entity_guid, c.type_name, c.attributes, c.propagate,
              c.remove_propagations_on_entity_delete, c.validity_periods, e.status
         FROM propagated_classification p
         JOIN classification c ON c.entity_guid = p.source_guid AND c.type_name = p.type_name
         JOIN entity e ON e.guid = c.entity_guid
        WHERE p.entity_guid = ANY($1::text[])`,
      [guids],
    );
    const linksBy = groupBy(links, (l) => l.self);
    const classesBy = groupBy(classes, (c) => c.holder);
    for (const row of rows) {
      out.set(row.guid, renderEntity(row, linksBy.get(row.guid) ?? [], classesBy.get(row.guid) ?? [], types));
    }
    return out;
  }
}

/**
 * TypeORM's `query()` answers an UPDATE / DELETE with `[rows, affectedCount]` instead of the rows: the RETURNING
 * rows of such a statement are the first element.
 */
function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}

/**
 * Each end of a relationship is of the relationshipDef's end type or a sub-type (Atlas's validateRelationship:
 * 400 ATLAS-400-00-036). Targets not known yet (later in an archive, spec P6) are checked when they are.
 */
function checkEndTypes(toWrite: PendingEntity[], known: Map<string, string>, types: TypeLookup): void {
  for (const p of toWrite) {
    for (const ref of p.norm.references) {
      const targetType = ref.target.guid ? known.get(ref.target.guid) : undefined;
      const rel = ref.relationshipType ? types.relationshipType(ref.relationshipType) : undefined;
      if (!targetType || !rel) continue;
      if (!types.isSubTypeOf(targetType, ref.end === 1 ? rel.end2Type : rel.end1Type)) {
        const [end1, end2] = ref.end === 1 ? [p.norm.typeName, targetType] : [targetType, p.norm.typeName];
        throw new AtlasError(ErrorCode.INVALID_RELATIONSHIP_END_TYPE, [rel.name, end1, end2]);
      }
    }
  }
}

/**
 * The classification as stored: its type exists, may classify an entity of this type (its `entityTypes`
 * restriction) and its attribute values fit their types (Atlas: INVALID_PARAMETERS with what it found); the values
 * are normalised as Atlas stores them (a copy when one changes).
 */
function checkedClassification(types: TypeLookup, c: AtlasClassification, guid: string, entityType: string): AtlasClassification {
  const type = types.classificationType(c.typeName);
  if (!type) throw new AtlasError(ErrorCode.TYPE_NAME_INVALID, ['CLASSIFICATION', c.typeName]);
  if (!types.canClassify(c.typeName, entityType)) throw new AtlasError(ErrorCode.INVALID_ENTITY_FOR_CLASSIFICATION, [guid, entityType, c.typeName]);
  let attributes: Record<string, unknown> | undefined;
  for (const [name, attr] of type.attributes) {
    const value = c.attributes?.[name];
    const problem = valueProblem(attr.def.typeName, value, types, `${c.typeName}.${name}`);
    if (problem) throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [problem]);
    const normalized = normalizedValue(attr.def.typeName, value, types);
    if (normalized !== value) (attributes ??= { ...c.attributes })[name] = normalized;
  }
  return attributes ? { ...c, attributes } : c;
}

function classificationRow(guid: string, c: AtlasClassification) {
  return {
    entity_guid: guid,
    type_name: c.typeName,
    attributes: c.attributes ?? {},
    propagate: c.propagate === true,
    remove_propagations_on_entity_delete: c.removePropagationsOnEntityDelete === true,
    validity_periods: c.validityPeriods ?? [],
  };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(it);
  }
  return out;
}
