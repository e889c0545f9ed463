// PostgreSQL adapter of the ExportReader port. One pinned connection per export: the start entities, the
// traversal state and the export order live in temporary tables of that session; the traversal expands a whole
// frontier per statement (never one query per entity); every `{guid}.json` is built as JSON text by PostgreSQL.
import { Injectable, Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { AtlasError, ErrorCode } from '../../common/errors';
import { releaseRunner } from '../../database/raw-client';
import type { TypeLookup } from '../typesystem/resolved-types';
import { buildRenderPlan } from './export-render-plan';
import {
  AttributeMatch, EXPORT_WRITTEN_VIEW, ExportFile, ExportReader, ExportSession, ExportSummary, SqlQuery, StartSpec,
  TraversalOptions,
} from './export-reader';

/** Files per page: a page is one statement; ~1,000 hive tables with their columns is ~10 MB of JSON. */
export const EXPORT_PAGE_FILES = 1000;

/** Direction of a queued entity (spec 3.4). 0: start entity or FULL; 1: OUT; 2: IN; 3: embedded only. */
const DIR_OUT = 1;
const DIR_IN = 2;
const DIR_EMBEDDED = 3;

/** Ownership deeper than this is a cycle in the data, not a model (hive: table -> sd, columns; process -> lineages). */
const MAX_OWNERSHIP_DEPTH = 32;

@Injectable()
export class PostgresExportReader extends ExportReader {
  constructor(private readonly db: DataSource) {
    super();
  }

  async open(types: TypeLookup): Promise<ExportSession> {
    const runner = this.db.createQueryRunner('master');
    let client: PoolClient;
    try {
      client = (await runner.connect()) as PoolClient;
    } catch (e) {
      await releaseRunner(runner, e).catch(() => undefined);
      throw e;
    }
    const session = new PostgresExportSession(runner, client);
    try {
      await session.init(types);
    } catch (e) {
      await session.close(e);
      throw e;
    }
    return session;
  }
}

class PostgresExportSession implements ExportSession {
  private readonly log = new Logger('ExportReader');
  changeMarker = 0;
  /** next order key: every frontier gets keys above all earlier ones, so key order = processing order */
  private ordBase = 0;
  private mode: TraversalOptions['mode'] = 'FULL';
  private inTransaction = false;
  private closed = false;

  constructor(
    private readonly runner: QueryRunner,
    private readonly client: PoolClient,
  ) {}

  query: SqlQuery = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const t0 = Date.now();
    const res = await this.client.query(sql, params);
    if (Date.now() - t0 > 10) this.log.debug(`${Date.now() - t0} ms: ${sql.replace(/\s+/g, ' ').slice(0, 90)}`);
    return res.rows as T[];
  };

  private async exec(sql: string, params: unknown[] = []): Promise<number> {
    const t0 = Date.now();
    const res = await this.client.query(sql, params);
    if (Date.now() - t0 > 10) this.log.debug(`${Date.now() - t0} ms: ${sql.replace(/\s+/g, ' ').slice(0, 90)}`);
    return (Array.isArray(res) ? 0 : res.rowCount) ?? 0;
  }

  async init(types: TypeLookup): Promise<void> {
    // One snapshot for the traversal and every read: the archive is a consistent picture of the catalogue, and
    // the marker matches it (spec P8). Temporary tables outlive the transaction (after-export work reads them).
    // Temporary tables have no statistics, so estimates are large and JIT compilation (~250 ms a statement)
    // would cost more than the statements. Reset on close.
    await this.exec(`SET jit = off`);
    await this.exec('BEGIN ISOLATION LEVEL REPEATABLE READ');
    this.inTransaction = true;
    const [{ marker }] = await this.query<{ marker: string }>(`SELECT COALESCE(max(change_seq), 0)::text AS marker FROM entity`);
    this.changeMarker = Number(marker);
    await this.exec(`
      CREATE TEMP TABLE x_tplan (type_name text PRIMARY KEY, lineage boolean NOT NULL, attr_defaults jsonb NOT NULL,
        rel_defaults jsonb NOT NULL, strip text[] NOT NULL, softrefs text[]);
      CREATE TEMP TABLE x_rplan (type_name text, attr text, rel_type text, is_coll boolean NOT NULL, is_legacy boolean NOT NULL,
        PRIMARY KEY (type_name, attr, rel_type));
      CREATE TEMP TABLE x_oplan (type_name text, attr text, is_coll boolean NOT NULL, PRIMARY KEY (type_name, attr));
      CREATE TEMP TABLE x_reltype (type_name text PRIMARY KEY, end1_type text NOT NULL);
      CREATE TEMP TABLE x_start (guid text PRIMARY KEY, ord bigint NOT NULL);
      CREATE TEMP TABLE x_seen (guid text PRIMARY KEY, dir smallint NOT NULL, lineage boolean NOT NULL, done boolean NOT NULL);
      CREATE TEMP TABLE x_front (guid text NOT NULL, dir smallint NOT NULL, ord bigint NOT NULL, fresh boolean NOT NULL);
      CREATE TEMP TABLE x_next (guid text NOT NULL, dir smallint NOT NULL, ord bigint NOT NULL, fresh boolean NOT NULL);
      CREATE TEMP TABLE x_lpool (guid text PRIMARY KEY, ord bigint NOT NULL);
      CREATE TEMP TABLE x_exp (root text NOT NULL, guid text NOT NULL, dir smallint NOT NULL, ord bigint NOT NULL,
        depth int NOT NULL, ordinal int NOT NULL, fresh boolean NOT NULL);
      CREATE TEMP TABLE x_cand (guid text PRIMARY KEY, dir smallint NOT NULL, lineage boolean NOT NULL, o bigint NOT NULL);
      CREATE TEMP TABLE x_root (guid text PRIMARY KEY, seq bigint NOT NULL);
      CREATE TEMP TABLE x_member (root text NOT NULL, guid text NOT NULL, ord bigint NOT NULL);
      CREATE TEMP TABLE x_export (seq bigint PRIMARY KEY, guid text NOT NULL, ext boolean NOT NULL);
      CREATE TEMP VIEW ${EXPORT_WRITTEN_VIEW} AS
        SELECT x.guid, true AS top, x.seq FROM x_export x
        UNION ALL
        SELECT m.guid, false AS top, x.seq FROM x_export x JOIN x_member m ON m.root = x.guid WHERE x.ext;
      CREATE FUNCTION pg_temp.atlas_soft_ref1(v jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $f$
        SELECT CASE WHEN jsonb_typeof(v) <> 'string' THEN v
                    WHEN strpos(v #>> '{}', ':') = 0 THEN jsonb_build_object('guid', v #>> '{}')
                    ELSE jsonb_build_object('guid', substr(v #>> '{}', strpos(v #>> '{}', ':') + 1),
                                            'typeName', substr(v #>> '{}', 1, strpos(v #>> '{}', ':') - 1)) END
      $f$;
      CREATE FUNCTION pg_temp.atlas_soft_refs(a jsonb, names text[]) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $f$
        DECLARE n text; v jsonb;
        BEGIN
          FOREACH n IN ARRAY names LOOP
            v := a -> n;
            CONTINUE WHEN v IS NULL OR jsonb_typeof(v) = 'null';
            IF jsonb_typeof(v) = 'array' THEN
              v := (SELECT COALESCE(jsonb_agg(pg_temp.atlas_soft_ref1(x) ORDER BY i), '[]') FROM jsonb_array_elements(v) WITH ORDINALITY t(x, i));
            ELSIF jsonb_typeof(v) = 'object' THEN
              v := (SELECT COALESCE(jsonb_object_agg(k, pg_temp.atlas_soft_ref1(x)), '{}') FROM jsonb_each(v) t(k, x));
            ELSE
              v := pg_temp.atlas_soft_ref1(v);
            END IF;
            a := jsonb_set(a, ARRAY[n], v);
          END LOOP;
          RETURN a;
        END
      $f$;
      CREATE INDEX ON x_member (root);
      CREATE INDEX ON x_member (guid);
    `);
    const plan = buildRenderPlan(types);
    await this.exec(
      `INSERT INTO x_tplan SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type_name text, lineage boolean,
         attr_defaults jsonb, rel_defaults jsonb, strip text[], softrefs text[])`,
      [JSON.stringify(plan.types)],
    );
    await this.exec(
      `INSERT INTO x_rplan SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type_name text, attr text, rel_type text, is_coll boolean, is_legacy boolean)`,
      [JSON.stringify(plan.relationships)],
    );
    await this.exec(`INSERT INTO x_oplan SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type_name text, attr text, is_coll boolean)`, [
      JSON.stringify(plan.objectRefs),
    ]);
    await this.exec(`INSERT INTO x_reltype SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type_name text, end1_type text)`, [
      JSON.stringify(plan.relationshipEnds),
    ]);
    await this.exec(`ANALYZE x_tplan, x_rplan, x_oplan, x_reltype`);
  }

  // ------------------------------------------------------------------------------------------- start entities

  async resolveStarts(spec: StartSpec): Promise<number> {
    await this.exec(`TRUNCATE x_start`);
    switch (spec.kind) {
      case 'guid':
        return this.exec(`INSERT INTO x_start (guid, ord) SELECT guid, 1 FROM entity WHERE guid = $1`, [spec.guid]);
      case 'types':
        // spec 3.3 (2): exact type names, any status
        return this.exec(
          `INSERT INTO x_start (guid, ord)
           SELECT guid, row_number() OVER (ORDER BY array_position($1::text[], type_name), create_time, guid COLLATE "C")
             FROM entity WHERE type_name = ANY($1::text[])`,
          [spec.typeNames],
        );
      case 'attributes': {
        if (spec.pairs.length === 0) return 0;
        const params: unknown[] = [spec.typeName];
        const predicates = spec.pairs.map(({ attr, value }) => {
          params.push(attr, value);
          return matchPredicate(spec.match, `e.attributes->>$${params.length - 1}`, `$${params.length}`);
        });
        try {
          // spec 3.3 (3): exactly this type (no sub-types), any status, union over the pairs
          return await this.exec(
            `INSERT INTO x_start (guid, ord)
             SELECT guid, row_number() OVER (ORDER BY create_time, guid COLLATE "C")
               FROM entity e WHERE e.type_name = $1 AND (${predicates.join(' OR ')})`,
            params,
          );
        } catch (e) {
          if ((e as { code?: string }).code === '2201B') {
            throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [`matchType matches: invalid regular expression (${(e as Error).message})`]);
          }
          throw e;
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ traversal

  /**
   * spec 3.4, set-at-a-time. Atlas drains a FIFO `queue` and, each time it runs dry, moves `lineageQueue` into it.
   * Here each BFS level of the queue is one frontier expanded by a few statements; when no frontier is left the
   * lineage pool becomes the next one. A level-synchronous BFS visits in the same order as the FIFO, so the export
   * order keeps Atlas's "non-lineage before lineage of the same wave" (hive_db, hive_table…, hive_process, …).
   */
  async traverse(options: TraversalOptions): Promise<void> {
    this.mode = options.mode;
    // start entities not processed by an earlier item; they have no direction yet (expanded both ways)
    const started = await this.exec(
      `WITH s AS (
         INSERT INTO x_seen (guid, dir, lineage, done)
         SELECT s.guid, 0, COALESCE(t.lineage, false), false
           FROM x_start s JOIN entity e ON e.guid = s.guid LEFT JOIN x_tplan t ON t.type_name = e.type_name
         ON CONFLICT (guid) DO NOTHING
         RETURNING guid)
       INSERT INTO x_front (guid, dir, ord, fresh)
       SELECT s.guid, 0, $1 + x.ord, true FROM s JOIN x_start x ON x.guid = s.guid`,
      [this.ordBase],
    );
    this.ordBase += started + 1;
    let frontier = started;
    while (frontier > 0) {
      frontier = await this.expandLevel(options);
      if (frontier === 0) frontier = await this.takeLineagePool();
    }
  }

  /** Processes the frontier x_front; leaves the next one in x_front and returns its size. */
  private async expandLevel(options: TraversalOptions): Promise<number> {
    // processed now; a first processing makes it a root in processing order
    await this.exec(`UPDATE x_seen s SET done = true FROM x_front f WHERE s.guid = f.guid AND NOT s.done`);
    await this.exec(`INSERT INTO x_root (guid, seq) SELECT guid, ord FROM x_front WHERE fresh ON CONFLICT (guid) DO NOTHING`);

    // each processed entity with its owned closure (spec 3.4 step 3: referred entities are expanded too)
    await this.exec(`TRUNCATE x_exp`);
    await this.exec(
      `WITH RECURSIVE cl(root, guid, dir, ord, depth, ordinal, fresh) AS (
         SELECT f.guid, f.guid, f.dir, f.ord, 0, 0, f.fresh FROM x_front f
         UNION ALL
         SELECT cl.root, c.child, cl.dir, cl.ord, cl.depth + 1, c.ordinal, cl.fresh
           FROM cl CROSS JOIN LATERAL (
             SELECT r.end2_guid AS child, r.ordinal FROM relationship r WHERE r.owner_end = 1 AND r.end1_guid = cl.guid
             UNION ALL
             SELECT r.end1_guid, r.ordinal FROM relationship r WHERE r.owner_end = 2 AND r.end2_guid = cl.guid
           ) c
          WHERE cl.depth < ${MAX_OWNERSHIP_DEPTH}
       )
       INSERT INTO x_exp (root, guid, dir, ord, depth, ordinal, fresh)
       SELECT cl.root, cl.guid, cl.dir, cl.ord, cl.depth, cl.ordinal, cl.fresh
         FROM cl WHERE cl.depth = 0 OR EXISTS (SELECT 1 FROM entity e WHERE e.guid = cl.guid)`,
    );
    await this.recordMembers();

    // neighbours over every edge of every expanded entity, filtered by the mode's direction rules
    await this.exec(`TRUNCATE x_cand`);
    const connected = options.mode === 'CONNECTED';
    // an edge is "outward" for X iff its relationshipDef's endDef1 type is exactly X's type (spec 3.4); a plain
    // reference is outward for its holder
    const outward = `COALESCE(rt.end1_type = xe.type_name, n.xend = 1)`;
    const follow = connected
      ? `CASE WHEN x.dir = 0 THEN true
              WHEN xt.lineage THEN n.rtype IS NULL OR NOT ${outward}
              WHEN x.dir = ${DIR_OUT} THEN ${outward}
              ELSE NOT ${outward} END`
      : 'true';
    const nbrDir = connected
      ? `CASE WHEN x.dir = 0 THEN CASE WHEN ${outward} THEN ${DIR_OUT} ELSE ${DIR_IN} END
              WHEN xt.lineage THEN ${DIR_OUT}
              ELSE x.dir END`
      : '0';
    const parts: string[] = [];
    const { hiveDbShortcut: db, hiveTableShortcut: table } = options;
    if (!db) {
      parts.push(`
        SELECT n.other AS guid, (${nbrDir})::smallint AS dir, COALESCE(ot.lineage, false) AS lineage, x.ord,
               (x.depth::bigint << 32) + n.ordinal AS k
          FROM x_exp x
          JOIN entity xe ON xe.guid = x.guid
          LEFT JOIN x_tplan xt ON xt.type_name = xe.type_name
          CROSS JOIN LATERAL (
            SELECT r.end2_guid AS other, r.type_name AS rtype, 1 AS xend, r.ordinal FROM relationship r WHERE r.end1_guid = x.guid
            UNION ALL
            SELECT r.end1_guid, r.type_name, 2, r.ordinal FROM relationship r WHERE r.end2_guid = x.guid
          ) n
          LEFT JOIN x_reltype rt ON rt.type_name = n.rtype
          JOIN entity oe ON oe.guid = n.other
          LEFT JOIN x_tplan ot ON ot.type_name = oe.type_name
         WHERE (${follow}) AND NOT ((SELECT skip_lineage FROM prm) AND COALESCE(ot.lineage, false))${table ? ` AND xe.type_name <> 'hive_table'` : ''}`);
    }
    // spec 3.5 special cases of incremental export with skipLineage (Atlas optimisations)
    if (db) {
      // a hive_db yields only its tables (those whose \`db\` points at it), with a marker only the changed ones and
      // the changed storage descriptors and columns of its tables; nothing else is expanded
      parts.push(`
        SELECT r.end1_guid AS guid, 0::smallint AS dir, false AS lineage, x.ord, r.ordinal::bigint AS k
          FROM x_exp x JOIN entity xe ON xe.guid = x.guid AND xe.type_name = 'hive_db'
          JOIN relationship r ON r.end2_guid = x.guid AND r.type_name = 'hive_table_db'
          JOIN entity t ON t.guid = r.end1_guid
         WHERE (SELECT changed_after FROM prm) = 0 OR t.change_seq > (SELECT changed_after FROM prm)`);
      if (db.changedAfter > 0) {
        parts.push(`
          SELECT c.end2_guid, 0::smallint, false, x.ord, (1::bigint << 32) + c.ordinal
            FROM x_exp x JOIN entity xe ON xe.guid = x.guid AND xe.type_name = 'hive_db'
            JOIN relationship r ON r.end2_guid = x.guid AND r.type_name = 'hive_table_db'
            JOIN relationship c ON c.end1_guid = r.end1_guid AND c.type_name IN ('hive_table_storagedesc', 'hive_table_columns')
            JOIN entity ce ON ce.guid = c.end2_guid
           WHERE ce.change_seq > (SELECT changed_after FROM prm)`);
      }
    }
    if (table) {
      // a hive_table yields only its db, storage descriptor and columns (with a marker only the changed ones)
      parts.push(`
        SELECT r.end2_guid, ${DIR_OUT}::smallint, false, x.ord, r.ordinal::bigint
          FROM x_exp x JOIN entity xe ON xe.guid = x.guid AND xe.type_name = 'hive_table'
          JOIN relationship r ON r.end1_guid = x.guid AND r.type_name IN ('hive_table_db', 'hive_table_storagedesc', 'hive_table_columns')
          JOIN entity n ON n.guid = r.end2_guid
         WHERE (SELECT changed_after FROM prm) = 0 OR n.change_seq > (SELECT changed_after FROM prm)`);
    }
    await this.exec(
      `WITH prm AS (SELECT $1::boolean AS skip_lineage, $2::bigint AS changed_after)
       INSERT INTO x_cand (guid, dir, lineage, o)
       SELECT c.guid, max(c.dir), bool_or(c.lineage), row_number() OVER (ORDER BY min(c.ord), min(c.k), c.guid COLLATE "C")
         FROM (${parts.join('\n         UNION ALL')}) c
        GROUP BY c.guid`,
      [options.skipLineage, (db ?? table)?.changedAfter ?? 0],
    );
    return this.mergeCandidates(connected);
  }

  /** Owned closures: of new roots recorded as members; every embedded entity counts as processed. */
  private async recordMembers(): Promise<void> {
    await this.exec(
      `INSERT INTO x_member (root, guid, ord)
       SELECT root, guid, row_number() OVER (ORDER BY ord, depth, ordinal, guid COLLATE "C") FROM x_exp WHERE fresh AND depth > 0`,
    );
    await this.exec(
      `INSERT INTO x_seen (guid, dir, lineage, done)
       SELECT DISTINCT ON (x.guid) x.guid, ${DIR_EMBEDDED}, false, true FROM x_exp x WHERE x.depth > 0
       ON CONFLICT (guid) DO UPDATE SET done = true`,
    );
  }

  /** Candidates (x_cand) against what is known: new ones are queued, OUT ones reached IN are expanded again. */
  private async mergeCandidates(connected: boolean): Promise<number> {
    const base = this.ordBase;
    let next = 0;
    await this.exec(`TRUNCATE x_next`);
    if (connected) {
      // spec 3.4: an entity known with direction OUT that is reached via IN is expanded again with IN
      next += await this.exec(
        `WITH upd AS (
           UPDATE x_seen s SET dir = ${DIR_IN} FROM x_cand c
            WHERE s.guid = c.guid AND s.dir = ${DIR_OUT} AND c.dir = ${DIR_IN} AND NOT s.lineage
           RETURNING s.guid, s.done, c.o)
         INSERT INTO x_next (guid, dir, ord, fresh) SELECT guid, ${DIR_IN}, $1 + o, false FROM upd WHERE done`,
        [base],
      );
    }
    const [{ queued }] = await this.query<{ queued: string }>(
      `WITH ins AS (
         INSERT INTO x_seen (guid, dir, lineage, done)
         SELECT guid, dir, lineage, false FROM x_cand ON CONFLICT (guid) DO NOTHING
         RETURNING guid, dir, lineage),
       lin AS (
         INSERT INTO x_lpool (guid, ord) SELECT i.guid, $1 + c.o FROM ins i JOIN x_cand c ON c.guid = i.guid WHERE i.lineage
         RETURNING 1),
       non AS (
         INSERT INTO x_next (guid, dir, ord, fresh) SELECT i.guid, i.dir, $1 + c.o, true FROM ins i JOIN x_cand c ON c.guid = i.guid WHERE NOT i.lineage
         RETURNING 1)
       SELECT (SELECT count(*) FROM non)::text AS queued`,
      [base],
    );
    next += Number(queued);
    const [{ n }] = await this.query<{ n: string }>(`SELECT count(*)::text AS n FROM x_cand`);
    this.ordBase += Number(n) + 1;
    await this.swapFrontier();
    return next;
  }

  private async swapFrontier(): Promise<void> {
    await this.exec(`TRUNCATE x_front`);
    await this.exec(`INSERT INTO x_front SELECT * FROM x_next`);
    await this.exec(`TRUNCATE x_next`);
  }

  /** Atlas moves lineageQueue into the drained queue: lineage entities found so far, in discovery order. */
  private async takeLineagePool(): Promise<number> {
    const moved = await this.exec(
      `INSERT INTO x_front (guid, dir, ord, fresh)
       SELECT p.guid, CASE WHEN s.dir = 0 THEN 0 ELSE ${DIR_OUT} END, $1 + row_number() OVER (ORDER BY p.ord), true
         FROM x_lpool p JOIN x_seen s ON s.guid = p.guid WHERE NOT s.done`,
      [this.ordBase],
    );
    await this.exec(`TRUNCATE x_lpool`);
    this.ordBase += moved + 1;
    return moved;
  }

  // ------------------------------------------------------------------------------------------------- results

  async finish(changedAfter: number): Promise<ExportSummary> {
    // Top-level files: processed roots not embedded in another processed root (an owned entity travels inside
    // its owner's file, spec 2.5). A root that does not qualify (spec 3.5) contributes its qualifying owned
    // entities as standalone files without ext-info.
    await this.exec(
      `INSERT INTO x_export (seq, guid, ext)
       SELECT row_number() OVER (ORDER BY k1, k2), guid, ext FROM (
         SELECT r.seq AS k1, 0::bigint AS k2, r.guid, true AS ext
           FROM x_root r JOIN entity e ON e.guid = r.guid
          WHERE e.change_seq > $1 AND NOT EXISTS (SELECT 1 FROM x_member m WHERE m.guid = r.guid)
         UNION ALL
         SELECT r.seq, min(m.ord), m.guid, false
           FROM x_root r JOIN entity e ON e.guid = r.guid
           JOIN x_member m ON m.root = r.guid JOIN entity me ON me.guid = m.guid
          WHERE e.change_seq <= $1 AND me.change_seq > $1 AND NOT EXISTS (SELECT 1 FROM x_member m2 WHERE m2.guid = r.guid)
          GROUP BY r.seq, m.guid
       ) f`,
      [changedAfter],
    );
    await this.exec(`ANALYZE x_export, x_member`);
    const byType = await this.query<{ type_name: string; n: string }>(
      `SELECT e.type_name, count(*)::text AS n FROM (SELECT DISTINCT guid FROM ${EXPORT_WRITTEN_VIEW}) w JOIN entity e ON e.guid = w.guid GROUP BY e.type_name`,
    );
    const [counts] = await this.query<{ files: string; ext: string; first: string | null }>(
      `SELECT count(*)::text AS files, count(*) FILTER (WHERE ext)::text AS ext, (SELECT guid FROM x_export WHERE seq = 1) AS first FROM x_export`,
    );
    const classifications = await this.query<{ type_name: string }>(
      `SELECT DISTINCT c.type_name FROM ${EXPORT_WRITTEN_VIEW} w JOIN classification c ON c.entity_guid = w.guid
       UNION
       SELECT DISTINCT p.type_name FROM ${EXPORT_WRITTEN_VIEW} w JOIN propagated_classification p ON p.entity_guid = w.guid`,
    );
    return {
      files: Number(counts.files),
      withExtInfo: Number(counts.ext),
      entitiesByType: Object.fromEntries(byType.map((r) => [r.type_name, Number(r.n)])),
      classificationNames: classifications.map((c) => c.type_name).sort(),
      firstGuid: counts.first ?? undefined,
    };
  }

  async *order(pageSize = 10_000): AsyncIterable<string[]> {
    let after = 0;
    for (;;) {
      const rows = await this.query<{ seq: string; guid: string }>(
        `SELECT seq::text, guid FROM x_export WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, pageSize],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => r.guid);
      after = Number(rows[rows.length - 1].seq);
      if (rows.length < pageSize) return;
    }
  }

  async *files(pageSize = EXPORT_PAGE_FILES): AsyncIterable<ExportFile[]> {
    let after = 0;
    // the next page is asked for before the current one is handed out: PostgreSQL builds it while Node writes
    let pending: Promise<Array<{ seq: string; guid: string; json: string }>> | undefined = this.filePage(after, pageSize);
    while (pending) {
      const rows = await pending;
      pending = undefined;
      if (rows.length === 0) return;
      after = Number(rows[rows.length - 1].seq);
      if (rows.length === pageSize) {
        pending = this.filePage(after, pageSize);
        // a rejected prefetch surfaces when awaited; never as an unhandled rejection meanwhile
        pending.catch(() => undefined);
      }
      yield rows.map((r) => ({ guid: r.guid, json: r.json }));
    }
  }

  private filePage(after: number, limit: number): Promise<Array<{ seq: string; guid: string; json: string }>> {
    return this.query(FILE_PAGE_SQL, [after, limit]);
  }

  async close(error?: unknown): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (error === undefined) {
      try {
        if (this.inTransaction) await this.exec('COMMIT');
        await this.exec('DISCARD TEMP');
        await this.exec('RESET jit');
      } catch (e) {
        error = e;
      }
    }
    if (error !== undefined) this.log.debug(`export session closed after an error: ${(error as Error)?.message ?? error}`);
    // after an error the connection is discarded, not reused (temp tables, an open transaction)
    await releaseRunner(this.runner, error).catch(() => undefined);
  }

  /** Ends the read transaction; the temporary tables stay for after-export work on this session. */
  async endSnapshot(): Promise<void> {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    await this.exec('COMMIT');
  }
}

function matchPredicate(match: AttributeMatch, value: string, param: string): string {
  switch (match) {
    case 'startsWith':
      return `starts_with(${value}, ${param})`;
    case 'endsWith':
      return `right(${value}, length(${param})) = ${param}`;
    case 'contains':
      return `strpos(${value}, ${param}) > 0`;
    case 'matches':
      // Java's String.matches: the whole value (PostgreSQL ARE; close to Java's syntax for common patterns)
      return `${value} ~ ('^(?:' || ${param} || ')$')`;
    default:
      return `${value} = ${param}`;
  }
}

/**
 * One page of `{guid}.json` texts in export order: AtlasEntityWithExtInfo with the entity rendered as
 * entity-renderer.ts renders it (spec 3.6) and referredEntities = its owned closure. $1: last seq of the previous
 * page, $2: page size.
 */
const RELATED_OBJECT = `
  jsonb_build_object('guid', lo.other, 'typeName', lo.otype, 'entityStatus', lo.ostatus,
    'displayText', COALESCE(lo.oname, lo.oqn, lo.other), 'relationshipType', lo.rtype, 'relationshipGuid', lo.rguid,
    'relationshipStatus', lo.status,
    'relationshipAttributes', CASE WHEN lo.rattrs IS NULL OR jsonb_typeof(lo.rattrs) = 'null'
      THEN jsonb_build_object('typeName', lo.rtype) ELSE jsonb_build_object('typeName', lo.rtype, 'attributes', lo.rattrs) END)
  || CASE WHEN lo.oqn <> '' THEN jsonb_build_object('qualifiedName', lo.oqn) ELSE '{}'::jsonb END`;

const LINK_ORDER = `lo.ordinal, lo.other COLLATE "C"`;

const FILE_PAGE_SQL = `
WITH page AS (
  SELECT seq, guid, ext FROM x_export WHERE seq > $1 ORDER BY seq LIMIT $2
), pe AS MATERIALIZED (
  SELECT guid FROM page
  UNION
  SELECT m.guid FROM page p JOIN x_member m ON m.root = p.guid WHERE p.ext
), e AS MATERIALIZED (
  SELECT e.* FROM pe JOIN entity e ON e.guid = pe.guid
), lo AS MATERIALIZED (
  SELECT l.*, s.type_name AS self_type, o.type_name AS otype, o.status AS ostatus,
         o.attributes->>'qualifiedName' AS oqn, o.attributes->>'name' AS oname
    FROM (
      SELECT r.end1_guid AS self, r.end1_attr AS attr, r.type_name AS rtype, r.guid AS rguid, r.status,
             r.attributes AS rattrs, r.ordinal, r.end2_guid AS other
        FROM pe JOIN relationship r ON r.end1_guid = pe.guid
      UNION ALL
      SELECT r.end2_guid, r.end2_attr, r.type_name, r.guid, r.status, r.attributes, r.ordinal, r.end1_guid
        FROM pe JOIN relationship r ON r.end2_guid = pe.guid
       WHERE r.end2_attr IS NOT NULL
    ) l
    JOIN e s ON s.guid = l.self
    JOIN entity o ON o.guid = l.other
), ra AS (
  SELECT lo.self, lo.attr, p.is_coll, p.is_legacy,
         jsonb_agg(${RELATED_OBJECT} ORDER BY ${LINK_ORDER}) FILTER (WHERE p.is_coll) AS related,
         -- a single-valued attribute shows its ACTIVE relationship, else the last one (entity-renderer.ts)
         (array_agg(${RELATED_OBJECT} ORDER BY lo.status <> 'ACTIVE', CASE WHEN lo.status = 'ACTIVE' THEN lo.ordinal ELSE -lo.ordinal END,
            CASE WHEN lo.status = 'ACTIVE' THEN lo.other END COLLATE "C", lo.other COLLATE "C" DESC) FILTER (WHERE NOT p.is_coll))[1] AS single,
         jsonb_agg(jsonb_build_object('guid', lo.other, 'typeName', lo.otype) ORDER BY ${LINK_ORDER})
           FILTER (WHERE p.is_legacy AND lo.status = 'ACTIVE') AS active_ids
    FROM lo JOIN x_rplan p ON p.type_name = lo.self_type AND p.attr = lo.attr AND p.rel_type = lo.rtype
   GROUP BY lo.self, lo.attr, p.is_coll, p.is_legacy
), rs AS (
  SELECT self,
         jsonb_object_agg(attr, CASE WHEN is_coll THEN related ELSE single END) AS rel,
         jsonb_object_agg(attr, CASE WHEN is_coll THEN COALESCE(active_ids, '[]'::jsonb) ELSE COALESCE(active_ids->0, 'null'::jsonb) END)
           FILTER (WHERE is_legacy) AS legacy
    FROM ra GROUP BY self
), os AS (
  SELECT self, jsonb_object_agg(attr, CASE WHEN is_coll THEN ids ELSE ids->0 END) AS refs
    FROM (
      SELECT lo.self, lo.attr, p.is_coll, jsonb_agg(jsonb_build_object('guid', lo.other, 'typeName', lo.otype) ORDER BY ${LINK_ORDER}) AS ids
        FROM lo JOIN x_oplan p ON p.type_name = lo.self_type AND p.attr = lo.attr
       WHERE lo.status = 'ACTIVE'
       GROUP BY lo.self, lo.attr, p.is_coll
    ) o GROUP BY self
), cls AS (
  SELECT holder, jsonb_agg(c ORDER BY k, tn, src COLLATE "C") AS list FROM (
    SELECT c.entity_guid AS holder, 0 AS k, c.type_name AS tn, c.entity_guid AS src,
           jsonb_build_object('typeName', c.type_name, 'attributes', COALESCE(c.attributes, '{}'::jsonb), 'entityGuid', c.entity_guid,
             'entityStatus', s.status, 'propagate', c.propagate, 'removePropagationsOnEntityDelete', c.remove_propagations_on_entity_delete,
             'validityPeriods', COALESCE(c.validity_periods, '[]'::jsonb)) AS c
      FROM e s JOIN classification c ON c.entity_guid = s.guid
    UNION ALL
    SELECT p.entity_guid, 1, c.type_name, c.entity_guid,
           jsonb_build_object('typeName', c.type_name, 'attributes', COALESCE(c.attributes, '{}'::jsonb), 'entityGuid', c.entity_guid,
             'entityStatus', s.status, 'propagate', c.propagate, 'removePropagationsOnEntityDelete', c.remove_propagations_on_entity_delete,
             'validityPeriods', COALESCE(c.validity_periods, '[]'::jsonb))
      FROM e h JOIN propagated_classification p ON p.entity_guid = h.guid
      JOIN classification c ON c.entity_guid = p.source_guid AND c.type_name = p.type_name
      JOIN entity s ON s.guid = c.entity_guid
  ) x GROUP BY holder
), rendered AS (
  SELECT e.guid,
    jsonb_build_object(
      'typeName', e.type_name, 'guid', e.guid, 'status', e.status,
      'createTime', e.create_time, 'updateTime', e.update_time, 'version', e.version,
      'attributes', COALESCE(t.attr_defaults, '{}'::jsonb)
                    || CASE WHEN t.softrefs IS NULL THEN e.attributes - COALESCE(t.strip, '{}'::text[])
                            ELSE pg_temp.atlas_soft_refs(e.attributes - t.strip, t.softrefs) END
                    || COALESCE(os.refs, '{}'::jsonb) || COALESCE(rs.legacy, '{}'::jsonb),
      'relationshipAttributes', COALESCE(t.rel_defaults, '{}'::jsonb) || COALESCE(rs.rel, '{}'::jsonb),
      'labels', COALESCE(e.labels, '[]'::jsonb))
    || CASE WHEN e.created_by IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('createdBy', e.created_by) END
    || CASE WHEN e.updated_by IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('updatedBy', e.updated_by) END
    || CASE WHEN cls.list IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('classifications', cls.list) END
    || CASE WHEN COALESCE(e.home_id, '') = '' THEN '{}'::jsonb ELSE jsonb_build_object('homeId', e.home_id) END
    || CASE WHEN e.provenance_type IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('provenanceType', e.provenance_type) END
    || CASE WHEN e.custom_attributes IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('customAttributes', e.custom_attributes) END
    || CASE WHEN e.business_attributes IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('businessAttributes', e.business_attributes) END
    || CASE WHEN e.is_incomplete THEN '{"isIncomplete": true}'::jsonb ELSE '{}'::jsonb END AS j
  FROM e
  LEFT JOIN x_tplan t ON t.type_name = e.type_name
  LEFT JOIN rs ON rs.self = e.guid
  LEFT JOIN os ON os.self = e.guid
  LEFT JOIN cls ON cls.holder = e.guid
), referred AS (
  SELECT m.root, jsonb_object_agg(m.guid, r.j) AS map
    FROM page p JOIN x_member m ON m.root = p.guid JOIN rendered r ON r.guid = m.guid
   WHERE p.ext GROUP BY m.root
)
SELECT p.seq::text AS seq, p.guid,
       (CASE WHEN p.ext THEN jsonb_build_object('entity', r.j, 'referredEntities', COALESCE(f.map, '{}'::jsonb))
             ELSE jsonb_build_object('entity', r.j) END)::text AS json
  FROM page p JOIN rendered r ON r.guid = p.guid LEFT JOIN referred f ON f.root = p.guid
 ORDER BY p.seq`;
