// PostgreSQL adapter of the ExportReader port. One pinned connection per export: the start entities, the
// traversal state and the export order live in temporary tables of that session; the traversal expands a whole
// frontier per statement (never one query per entity); every `{guid}.json` is built as JSON text by PostgreSQL.
import { Injectable, Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource, QueryRunner } from 'typeorm';
import { AtlasError, ErrorCode } from '../../common/errors';
import { releaseRunner } from '../../database/raw-client';
import type { TypeLookup } from '../typesystem/resolved-types';
import { AppConfig } from '../../config/app-config';
import { copyBinaryRows, CopyRow } from './copy-binary-rows';
import { buildRenderPlan, RenderPlan } from './export-render-plan';
import { analyzeStaleTables } from './planner-statistics';
import { CLOSE_CHANGE_FENCE_SQL, OPEN_CHANGE_FENCE_SQL } from './change-fence';
import {
  AttributeMatch, EXPORT_WRITTEN_VIEW, ExportFile, ExportReader, ExportSession, ExportSummary, SqlQuery, StartSpec,
  TraversalOptions,
} from './export-reader';

/** Files per page: a page is one statement; 500 hive tables with their columns are ~8 MB of JSON. */
export const EXPORT_PAGE_FILES = 500;

/** Connections rendering pages besides the main one (when the pool has room). */
export const RENDER_CONNECTIONS = 2;

/** Direction of a queued entity (spec 3.4). 0: start entity or FULL; 1: OUT; 2: IN; 3: embedded only. */
const DIR_OUT = 1;
const DIR_IN = 2;
const DIR_EMBEDDED = 3;

/** Ownership deeper than this is a cycle in the data, not a model (hive: table -> sd, columns; process -> lineages). */
const MAX_OWNERSHIP_DEPTH = 32;


/**
 * Memory an export connection may use for its temporary tables and its sorts and hashes. The embedded database's
 * WebAssembly memory grows to the most it ever held and keeps it for the life of the process: there the traversal
 * spills to its files sooner (a 1M-entity embedded export peaked at 1.06 GB RSS in 96 s with the server's values,
 * 749 MB in 81 s with these).
 */
interface SessionMemory {
  tempBuffers: string;
  workMem: string;
}
const SERVER_MEMORY: SessionMemory = { tempBuffers: '128MB', workMem: '256MB' };
const EMBEDDED_MEMORY: SessionMemory = { tempBuffers: '16MB', workMem: '32MB' };

/** Session settings of every export connection. Reset when the connection goes back to the pool. */
function sessionSettings(memory: SessionMemory): string[] {
  return [
    // the traversal's temporary tables hold a few rows per exported entity; this much stays in memory (only
    // effective before the session's first temporary table; memory is taken as used)
    `SET temp_buffers = '${memory.tempBuffers}'`,
    // Temporary tables have no statistics, so estimates are large and JIT compilation (~250 ms a statement)
    // would cost more than the statements.
    `SET jit = off`,
    // the traversal groups and sorts up to a few rows per exported entity, pages a few MB: in memory, not on disk
    `SET work_mem = '${memory.workMem}'`,
    // merge joins over unsorted temporary tables only add sorts; with that much work_mem hash joins win
    `SET enable_mergejoin = off`,
    `SET random_page_cost = 1.1`,
    // the traversal ANALYZEs its temporary tables for row counts and join estimates: a small sample does
    `SET default_statistics_target = 10`,
  ];
}
/** Every setting above back to its default (temp_buffers cannot change once the session used temporary tables). */
const SESSION_RESET = [
  `DISCARD TEMP`,
  ...sessionSettings(SERVER_MEMORY).map((s) => /^SET (\w+)/.exec(s)![1]).filter((name) => name !== 'temp_buffers').map((name) => `RESET ${name}`),
];

/** What rendering `{guid}.json` needs on a connection: the type plans and the soft-reference functions. */
const RENDER_SETUP_SQL = `
      CREATE TEMP TABLE x_tplan (type_name text PRIMARY KEY, lineage boolean NOT NULL, attr_base jsonb NOT NULL,
        strip text[] NOT NULL, softrefs text[]);
      CREATE TEMP TABLE x_rplan (type_name text, attr text, rel_type text, PRIMARY KEY (type_name, attr, rel_type));
      CREATE TEMP TABLE x_aplan (type_name text, attr text, kind text, is_coll boolean NOT NULL, is_legacy boolean NOT NULL,
        PRIMARY KEY (type_name, attr, kind));
      CREATE TEMP TABLE x_reltype (type_name text PRIMARY KEY, end1_type text NOT NULL);
      CREATE TEMP TABLE x_lplan (type_name text NOT NULL, attr text NOT NULL, rel_type text NOT NULL, kind text NOT NULL,
        is_coll boolean NOT NULL, is_legacy boolean NOT NULL, qrel text);
      CREATE TEMP TABLE x_page (seq bigint NOT NULL, guid text NOT NULL, ext boolean NOT NULL);
      CREATE TEMP TABLE x_pmem (root text NOT NULL, guid text NOT NULL);
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
`;

async function loadRenderPlan(exec: (sql: string, params?: unknown[]) => Promise<unknown>, plan: RenderPlan): Promise<void> {
  await exec(
    `INSERT INTO x_tplan SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type_name text, lineage boolean, attr_base jsonb, strip text[], softrefs text[])`,
    [JSON.stringify(plan.types)],
  );
  await exec(`INSERT INTO x_rplan SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type_name text, attr text, rel_type text)`, [JSON.stringify(plan.relationships)]);
  await exec(
    `INSERT INTO x_aplan SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type_name text, attr text, kind text, is_coll boolean, is_legacy boolean)`,
    [JSON.stringify(plan.linkAttributes)],
  );
  await exec(`INSERT INTO x_reltype SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type_name text, end1_type text)`, [JSON.stringify(plan.relationshipEnds)]);
  // which links show in which attribute: R rows per relationshipDef, O rows for any link of that name ('*')
  await exec(
    `INSERT INTO x_lplan
     SELECT a.type_name, a.attr, p.rel_type, 'R', a.is_coll, a.is_legacy, to_json(p.rel_type)::text
       FROM x_aplan a JOIN x_rplan p ON p.type_name = a.type_name AND p.attr = a.attr WHERE a.kind = 'R'
     UNION ALL
     SELECT a.type_name, a.attr, '*', 'O', a.is_coll, a.is_legacy, NULL FROM x_aplan a WHERE a.kind = 'O'`,
  );
  await exec(`ANALYZE x_tplan, x_rplan, x_aplan, x_lplan, x_reltype`);
}

@Injectable()
export class PostgresExportReader extends ExportReader {
  private readonly log = new Logger('ExportReader');

  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async open(types: TypeLookup): Promise<ExportSession> {
    // before the traversal is planned: a large write since the last ANALYZE made plans several times slower
    const started = Date.now();
    const analyzed = await analyzeStaleTables((sql, params) => this.db.query(sql, params));
    if (analyzed.length > 0) this.log.log(`planner statistics refreshed (ANALYZE ${analyzed.join(', ')}) in ${Date.now() - started} ms`);
    const main = await Connection.open(this.db, this.config.isEmbeddedDatabase ? EMBEDDED_MEMORY : SERVER_MEMORY);
    // Entity files are rendered by PostgreSQL, a page per statement: with connections to spare, pages are
    // rendered on RENDER_CONNECTIONS more connections at once, on the main connection's snapshot. The
    // embedded database has one backend (nothing to gain, and a second connection would wait for the first).
    const renderers = this.config.isEmbeddedDatabase ? 0 : Math.max(0, Math.min(RENDER_CONNECTIONS, this.config.dbPoolSize - 4));
    const session = new PostgresExportSession(this.db, main, renderers);
    try {
      await session.init(types);
    } catch (e) {
      await session.close(e);
      throw e;
    }
    return session;
  }
}

/** One pinned pool connection with the export's session settings. */
class Connection {
  private readonly log = new Logger('ExportReader');
  private released = false;

  private constructor(
    private readonly runner: QueryRunner,
    private readonly client: PoolClient,
  ) {}

  static async open(db: DataSource, memory: SessionMemory): Promise<Connection> {
    const runner = db.createQueryRunner('master');
    try {
      const c = new Connection(runner, (await runner.connect()) as PoolClient);
      for (const sql of sessionSettings(memory)) await c.exec(sql);
      return c;
    } catch (e) {
      await releaseRunner(runner, e).catch(() => undefined);
      throw e;
    }
  }

  query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const t0 = Date.now();
    const res = await this.client.query(sql, params);
    if (Date.now() - t0 > 100) this.log.debug(`${Date.now() - t0} ms: ${sql.replace(/\s+/g, ' ').slice(0, 90)}`);
    return res.rows as T[];
  };

  exec = async (sql: string, params: unknown[] = []): Promise<number> => {
    const t0 = Date.now();
    const res = await this.client.query(sql, params);
    if (Date.now() - t0 > 100) this.log.debug(`${Date.now() - t0} ms: ${sql.replace(/\s+/g, ' ').slice(0, 90)}`);
    return (Array.isArray(res) ? 0 : res.rowCount) ?? 0;
  };

  /**
   * Starts rendering a page: loads its guids, then streams `COPY (FILE_PAGE_SQL) TO STDOUT (FORMAT binary)`.
   * Starts at once (PostgreSQL builds the page while Node still reads the previous one from another connection);
   * the statements run one after another (a pg client must not be handed a query while it runs one).
   */
  renderPage(ref: PageRef): RenderedPage {
    let stream: Readable | undefined;
    let discarded = false;
    const started = (async () => {
      // TRUNCATE, not DELETE: thousands of pages would leave the page tables full of dead rows
      await this.exec(`TRUNCATE x_page, x_pmem`);
      await this.exec(LOAD_PAGE_SQL, [ref.seqs, ref.guids, ref.exts, ref.roots ?? '{}', ref.members ?? '{}']);
      if (discarded) throw new Error('page discarded');
      stream = this.client.query(copyTo(`COPY (${FILE_PAGE_SQL}) TO STDOUT (FORMAT binary)`));
      // errors surface through the iteration; never as an unhandled 'error' event
      stream.on('error', () => undefined);
      return stream;
    })();
    started.catch(() => undefined);
    return {
      rows: (async function* () {
        yield* copyBinaryRows(await started);
      })(),
      discard: () => {
        discarded = true;
        stream?.destroy();
      },
    };
  }

  /** Back to the pool clean (temporary objects dropped, settings reset); after an error, discarded. */
  async release(error?: unknown): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (error === undefined) {
      try {
        await this.exec('ROLLBACK'); // ends a transaction if one is open (a warning otherwise)
        for (const sql of SESSION_RESET) await this.exec(sql);
      } catch (e) {
        error = e;
      }
    }
    await releaseRunner(this.runner, error).catch(() => undefined);
  }
}

/** A connection rendering pages on the main connection's snapshot, with its own copy of the type plans. */
async function openRenderer(db: DataSource, snapshot: string, plan: RenderPlan): Promise<Connection> {
  // render connections exist only on a PostgreSQL server (the embedded database has one backend)
  const c = await Connection.open(db, SERVER_MEMORY);
  try {
    await c.exec('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await c.exec(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
    await c.exec(RENDER_SETUP_SQL);
    await loadRenderPlan(c.exec, plan);
    return c;
  } catch (e) {
    await c.release(e);
    throw e;
  }
}

interface RenderedPage {
  /** [guid, AtlasEntityWithExtInfo JSON] rows, a chunk's worth at a time */
  rows: AsyncIterable<CopyRow[]>;
  discard(): void;
}

interface PageRef {
  last: number;
  seqs: string;
  guids: string;
  exts: string;
  roots: string | null;
  members: string | null;
}

class PostgresExportSession implements ExportSession {
  changeMarker = 0;
  /** next order key: every frontier gets keys above all earlier ones, so key order = processing order */
  private ordBase = 0;
  private mode: TraversalOptions['mode'] = 'FULL';
  private inTransaction = false;
  private closed = false;
  private plan!: RenderPlan;
  private snapshot?: string;

  constructor(
    private readonly db: DataSource,
    private readonly main: Connection,
    private readonly renderers: number,
  ) {}

  query: SqlQuery = <T>(sql: string, params: unknown[] = []): Promise<T[]> => this.main.query<T>(sql, params);

  private exec(sql: string, params: unknown[] = []): Promise<number> {
    return this.main.exec(sql, params);
  }

  async init(types: TypeLookup): Promise<void> {
    // a session left over by an export that failed (on the embedded database every connection is one session, so
    // a discarded connection keeps its temporary tables): start from none
    await this.exec('DISCARD TEMP');
    // One snapshot for the traversal and every read: the archive is a consistent picture of the catalogue, and
    // the marker matches it (spec P8). Temporary tables outlive the transaction (after-export work reads them).
    // The change fence (change-fence.ts) is closed while the snapshot is taken: no entity write is in flight, so
    // the marker misses none (spec P8). Writers wait only for these few statements.
    await this.exec(CLOSE_CHANGE_FENCE_SQL);
    let marker: string;
    try {
      await this.exec('BEGIN ISOLATION LEVEL REPEATABLE READ');
      this.inTransaction = true;
      if (this.renderers > 0) [{ snapshot: this.snapshot }] = await this.query<{ snapshot: string }>(`SELECT pg_export_snapshot() AS snapshot`);
      [{ marker }] = await this.query<{ marker: string }>(`SELECT COALESCE(max(change_seq), 0)::text AS marker FROM entity`);
    } finally {
      await this.exec(OPEN_CHANGE_FENCE_SQL);
    }
    this.changeMarker = Number(marker);
    this.plan = buildRenderPlan(types);
    await this.exec(RENDER_SETUP_SQL);
    await loadRenderPlan((sql, params) => this.exec(sql, params), this.plan);
    await this.exec(`
      CREATE TEMP TABLE x_start (guid text PRIMARY KEY, ord bigint NOT NULL);
      CREATE TEMP TABLE x_seen (guid text NOT NULL, dir smallint NOT NULL, lineage boolean NOT NULL, done boolean NOT NULL);
      CREATE TEMP TABLE x_front (guid text NOT NULL, dir smallint NOT NULL, ord bigint NOT NULL, fresh boolean NOT NULL);
      CREATE TEMP TABLE x_next (guid text NOT NULL, dir smallint NOT NULL, ord bigint NOT NULL, fresh boolean NOT NULL);
      CREATE TEMP TABLE x_lpool (guid text NOT NULL, ord bigint NOT NULL);
      CREATE TEMP TABLE x_exp (root text NOT NULL, guid text NOT NULL, type_name text NOT NULL, lineage boolean NOT NULL,
        dir smallint NOT NULL, ord bigint NOT NULL, depth int NOT NULL, ordinal int NOT NULL, fresh boolean NOT NULL);
      CREATE TEMP TABLE x_cand (guid text NOT NULL, dir smallint NOT NULL, lineage boolean NOT NULL, o bigint NOT NULL);
      CREATE TEMP TABLE x_root (guid text NOT NULL, seq bigint NOT NULL);
      CREATE TEMP TABLE x_member (root text NOT NULL, guid text NOT NULL, depth int NOT NULL, ordinal int NOT NULL);
      CREATE TEMP TABLE x_export (seq bigint PRIMARY KEY, guid text NOT NULL, ext boolean NOT NULL);
      CREATE TEMP VIEW ${EXPORT_WRITTEN_VIEW} AS
        SELECT x.guid, true AS top, x.seq FROM x_export x
        UNION ALL
        SELECT m.guid, false AS top, x.seq FROM x_export x JOIN x_member m ON m.root = x.guid WHERE x.ext;
    `);
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
          WHERE NOT EXISTS (SELECT 1 FROM x_seen x WHERE x.guid = s.guid)
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
    // (the bookkeeping tables have no unique indexes: anti-joins keep them unique, cheaper than index upkeep)
    await this.exec(`INSERT INTO x_root (guid, seq) SELECT guid, ord FROM x_front WHERE fresh`);

    // each processed entity with its owned closure (spec 3.4 step 3: referred entities are expanded too), one
    // ownership level per statement: plain joins, so PostgreSQL may hash-join a large frontier
    await this.exec(`TRUNCATE x_exp`);
    // FULL expansion needs no types (CONNECTED direction rules and the hive shortcuts do)
    const typed = options.mode === 'CONNECTED' || !!options.hiveDbShortcut || !!options.hiveTableShortcut;
    const typeOf = (alias: string) => (typed
      ? `(SELECT e.type_name FROM entity e WHERE e.guid = ${alias})`
      : `''`);
    const lineageOf = (alias: string) => (typed
      ? `COALESCE((SELECT t.lineage FROM entity e JOIN x_tplan t ON t.type_name = e.type_name WHERE e.guid = ${alias}), false)`
      : 'false');
    let added = await this.exec(
      `INSERT INTO x_exp (root, guid, type_name, lineage, dir, ord, depth, ordinal, fresh)
       SELECT f.guid, f.guid, ${typeOf('f.guid')}, ${lineageOf('f.guid')}, f.dir, f.ord, 0, 0, f.fresh FROM x_front f`,
    );
    for (let depth = 0; added > 0 && depth < MAX_OWNERSHIP_DEPTH; depth++) {
      // x_exp has no statistics yet: for a large level, hash joins (one pass over relationship) instead of a
      // probe per entity, which the planner would pick for what it takes to be a handful of rows
      const large = added > 5000;
      if (large) await this.exec(`SET enable_nestloop = off`);
      const level = this.exec(
        `INSERT INTO x_exp (root, guid, type_name, lineage, dir, ord, depth, ordinal, fresh)
         SELECT c.root, c.child, ${typed ? 'e.type_name' : `''`}, ${typed ? 'COALESCE(t.lineage, false)' : 'false'}, c.dir, c.ord, $1 + 1, c.ordinal, c.fresh
           FROM (
             SELECT x.root, r.end2_guid AS child, x.dir, x.ord, r.ordinal, x.fresh
               FROM x_exp x JOIN relationship r ON r.end1_guid = x.guid AND r.owner_end = 1 WHERE x.depth = $1
             UNION ALL
             SELECT x.root, r.end1_guid, x.dir, x.ord, r.ordinal, x.fresh
               FROM x_exp x JOIN relationship r ON r.end2_guid = x.guid AND r.owner_end = 2 WHERE x.depth = $1
           ) c
           ${typed ? 'JOIN entity e ON e.guid = c.child LEFT JOIN x_tplan t ON t.type_name = e.type_name' : ''}`,
        [depth],
      );
      try {
        added = await level;
      } finally {
        if (large) await this.exec(`RESET enable_nestloop`);
      }
    }
    // with statistics PostgreSQL probes indexes for a small level and hash-joins whole tables for a large one
    await this.exec(`ANALYZE x_exp`);
    await this.recordMembers();

    // neighbours over every edge of every expanded entity, filtered by the mode's direction rules
    await this.exec(`TRUNCATE x_cand`);
    const connected = options.mode === 'CONNECTED';
    // an edge is "outward" for X iff its relationshipDef's endDef1 type is exactly X's type (spec 3.4); a plain
    // reference is outward for its holder
    const outward = `COALESCE(rt.end1_type = x.type_name, n.xend = 1)`;
    const follow = connected
      ? `CASE WHEN x.dir = 0 THEN true
              WHEN x.lineage THEN n.rtype IS NULL OR NOT ${outward}
              WHEN x.dir = ${DIR_OUT} THEN ${outward}
              ELSE NOT ${outward} END`
      : 'true';
    const nbrDir = connected
      ? `CASE WHEN x.dir = 0 THEN CASE WHEN ${outward} THEN ${DIR_OUT} ELSE ${DIR_IN} END
              WHEN x.lineage THEN ${DIR_OUT}
              ELSE x.dir END`
      : '0';
    const parts: string[] = [];
    const { hiveDbShortcut: db, hiveTableShortcut: table } = options;
    let edges = '';
    if (!db) {
      // Edges to entities not known yet, first (most neighbours are known: the grouping, the other end's type and
      // the ordering then see only the new ones); in CONNECTED mode one known with direction OUT and reached IN
      // stays: it is expanded again.
      edges = `, edges AS MATERIALIZED (
        SELECT n.other, (${nbrDir})::smallint AS dir, x.ord, (x.depth::bigint << 32) + n.ordinal AS k
          FROM x_exp x
          JOIN (
            SELECT r.end1_guid AS self, r.end2_guid AS other, r.type_name AS rtype, 1 AS xend, r.ordinal FROM relationship r
            UNION ALL
            SELECT r.end2_guid, r.end1_guid, r.type_name, 2, r.ordinal FROM relationship r
          ) n ON n.self = x.guid
          LEFT JOIN x_reltype rt ON rt.type_name = n.rtype
         WHERE (${follow})${table ? ` AND x.type_name <> 'hive_table'` : ''}
           AND NOT EXISTS (SELECT 1 FROM x_seen s WHERE s.guid = n.other${connected ? ` AND NOT (s.dir = ${DIR_OUT} AND (${nbrDir}) = ${DIR_IN} AND NOT s.lineage)` : ''}))`;
      parts.push(`
        SELECT d.other AS guid, d.dir, COALESCE(ot.lineage, false) AS lineage, d.ord, d.k
          FROM edges d
          JOIN entity oe ON oe.guid = d.other
          LEFT JOIN x_tplan ot ON ot.type_name = oe.type_name
         WHERE NOT ((SELECT skip_lineage FROM prm) AND COALESCE(ot.lineage, false))`);
    }
    // spec 3.5 special cases of incremental export with skipLineage (Atlas optimisations)
    if (db) {
      // a hive_db yields only its tables (those whose \`db\` points at it), with a marker only the changed ones and
      // the changed storage descriptors and columns of its tables; nothing else is expanded
      parts.push(`
        SELECT r.end1_guid AS guid, 0::smallint AS dir, false AS lineage, x.ord, r.ordinal::bigint AS k
          FROM x_exp x
          JOIN relationship r ON r.end2_guid = x.guid AND r.type_name = 'hive_table_db'
          JOIN entity t ON t.guid = r.end1_guid
         WHERE x.type_name = 'hive_db' AND ((SELECT changed_after FROM prm) = 0 OR t.change_seq > (SELECT changed_after FROM prm))`);
      if (db.changedAfter > 0) {
        parts.push(`
          SELECT c.end2_guid, 0::smallint, false, x.ord, (1::bigint << 32) + c.ordinal
            FROM x_exp x
            JOIN relationship r ON r.end2_guid = x.guid AND r.type_name = 'hive_table_db'
            JOIN relationship c ON c.end1_guid = r.end1_guid AND c.type_name IN ('hive_table_storagedesc', 'hive_table_columns')
            JOIN entity ce ON ce.guid = c.end2_guid
           WHERE x.type_name = 'hive_db' AND ce.change_seq > (SELECT changed_after FROM prm)`);
      }
    }
    if (table) {
      // a hive_table yields only its db, storage descriptor and columns (with a marker only the changed ones)
      parts.push(`
        SELECT r.end2_guid, ${DIR_OUT}::smallint, false, x.ord, r.ordinal::bigint
          FROM x_exp x
          JOIN relationship r ON r.end1_guid = x.guid AND r.type_name IN ('hive_table_db', 'hive_table_storagedesc', 'hive_table_columns')
          JOIN entity n ON n.guid = r.end2_guid
         WHERE x.type_name = 'hive_table' AND ((SELECT changed_after FROM prm) = 0 OR n.change_seq > (SELECT changed_after FROM prm))`);
    }
    await this.exec(
      `WITH prm AS (SELECT $1::boolean AS skip_lineage, $2::bigint AS changed_after)${edges}
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
      `INSERT INTO x_member (root, guid, depth, ordinal) SELECT root, guid, depth, ordinal FROM x_exp WHERE fresh AND depth > 0`,
    );
    await this.exec(
      `UPDATE x_seen s SET done = true FROM x_exp x WHERE x.depth > 0 AND s.guid = x.guid AND NOT s.done`,
    );
    await this.exec(
      `INSERT INTO x_seen (guid, dir, lineage, done)
       SELECT x.guid, ${DIR_EMBEDDED}, false, true FROM x_exp x
        WHERE x.depth > 0 AND NOT EXISTS (SELECT 1 FROM x_seen s WHERE s.guid = x.guid)
        GROUP BY x.guid`,
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
         SELECT c.guid, c.dir, c.lineage, false FROM x_cand c WHERE NOT EXISTS (SELECT 1 FROM x_seen s WHERE s.guid = c.guid)
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
       SELECT row_number() OVER (ORDER BY k1, k2, guid COLLATE "C"), guid, ext FROM (
         SELECT r.seq AS k1, 0::bigint AS k2, r.guid, true AS ext
           FROM x_root r JOIN entity e ON e.guid = r.guid
          WHERE e.change_seq > $1 AND NOT EXISTS (SELECT 1 FROM x_member m WHERE m.guid = r.guid)
         UNION ALL
         SELECT r.seq, min((m.depth::bigint << 32) + m.ordinal), m.guid, false
           FROM x_root r JOIN entity e ON e.guid = r.guid
           JOIN x_member m ON m.root = r.guid JOIN entity me ON me.guid = m.guid
          WHERE e.change_seq <= $1 AND me.change_seq > $1 AND NOT EXISTS (SELECT 1 FROM x_member m2 WHERE m2.guid = r.guid)
          GROUP BY r.seq, m.guid
       ) f`,
      [changedAfter],
    );
    // built once the traversal is over: cheaper than keeping them up to date row by row
    await this.exec(`CREATE INDEX ON x_member (root)`);
    await this.exec(`ANALYZE x_export, x_member`);
    await this.placeGlossaryTerms(changedAfter);
    const byType = await this.query<{ type_name: string; n: string }>(
      `SELECT e.type_name, count(*)::text AS n FROM ${EXPORT_WRITTEN_VIEW} w JOIN entity e ON e.guid = w.guid GROUP BY e.type_name`,
    );
    const [counts] = await this.query<{ files: string; ext: string; first: string | null }>(
      `SELECT count(*)::text AS files, count(*) FILTER (WHERE ext)::text AS ext, (SELECT guid FROM x_export WHERE seq = 1) AS first FROM x_export`,
    );
    // spec 3.4 step 1, 3.7: types are collected from every processed entity with its owned closure, written or not;
    // only an incremental export processes entities it does not write
    const processed = changedAfter > 0
      ? `(SELECT guid FROM x_root UNION SELECT guid FROM x_member UNION SELECT guid FROM ${EXPORT_WRITTEN_VIEW})`
      : EXPORT_WRITTEN_VIEW;
    const typeNames = changedAfter > 0
      ? (await this.query<{ type_name: string }>(`SELECT DISTINCT e.type_name FROM ${processed} w JOIN entity e ON e.guid = w.guid`)).map((r) => r.type_name)
      : byType.map((r) => r.type_name);
    const classifications = await this.query<{ type_name: string }>(
      `SELECT DISTINCT c.type_name FROM ${processed} w JOIN classification c ON c.entity_guid = w.guid
       UNION
       SELECT DISTINCT p.type_name FROM ${processed} w JOIN propagated_classification p ON p.entity_guid = w.guid`,
    );
    return {
      files: Number(counts.files),
      withExtInfo: Number(counts.ext),
      entitiesByType: Object.fromEntries(byType.map((r) => [r.type_name, Number(r.n)])),
      typeNames: typeNames.sort(),
      classificationNames: classifications.map((c) => c.type_name).sort(),
      firstGuid: counts.first ?? undefined,
    };
  }

  /**
   * spec 3.8: the glossary terms assigned to a written entity (its `meanings`), each after its anchor glossary,
   * come before the file that writes the entity, unless written already. One the export writes anyway as a
   * top-level file moves up to that place as it is (with its referred entities, so nothing is lost or written
   * twice); one it would not write otherwise is added as a standalone file without ext-info. An incremental export
   * adds only those changed after its marker (spec 3.5). Types (spec 3.7: added entities add none): the glossary
   * types come with any Referenceable anyway (its `meanings` relationshipDef), and the classification types of an
   * added term are included, so that the archive imports where they are not defined.
   */
  private async placeGlossaryTerms(changedAfter: number): Promise<void> {
    const [{ any }] = await this.query<{ any: boolean }>(
      // any term assigned in the catalogue at all (the partial index relationship_semantic_assignment_idx)
      `SELECT EXISTS (SELECT 1 FROM relationship r WHERE r.type_name = 'AtlasGlossarySemanticAssignment' AND r.status = 'ACTIVE') AS any`,
    );
    if (!any) return;
    await this.exec(
      `CREATE TEMP TABLE x_placed AS
       WITH written AS (
         SELECT x.seq, x.guid, 0::bigint AS k FROM x_export x
         UNION ALL
         SELECT x.seq, m.guid, (m.depth::bigint << 32) + m.ordinal FROM x_export x JOIN x_member m ON m.root = x.guid WHERE x.ext
       ), assigned AS (
         SELECT w.seq, w.k, r.ordinal, r.end1_guid AS term
           FROM written w JOIN relationship r ON r.end2_guid = w.guid
          WHERE r.type_name = 'AtlasGlossarySemanticAssignment' AND r.status = 'ACTIVE'
       ), needed AS (
         -- the anchor glossary first (part 0), then the term (part 1); each entity at its first place only
         SELECT DISTINCT ON (guid) guid, seq, k, ordinal, part FROM (
           SELECT a.seq, a.k, a.ordinal, 0 AS part, g.end1_guid AS guid
             FROM assigned a JOIN relationship g ON g.end2_guid = a.term
            WHERE g.type_name = 'AtlasGlossaryTermAnchor' AND g.status = 'ACTIVE'
           UNION ALL
           SELECT a.seq, a.k, a.ordinal, 1, a.term FROM assigned a
         ) n ORDER BY guid, seq, k, ordinal, part
       ), files AS (
         -- every top-level file at its place: (seq, 0) as traversed, or moved up before the file that needs it
         SELECT x.guid, x.ext,
                CASE WHEN n.seq < x.seq THEN n.seq ELSE x.seq END AS k1,
                CASE WHEN n.seq < x.seq THEN -1 ELSE 0 END AS k2,
                CASE WHEN n.seq < x.seq THEN n.k ELSE 0 END AS k3,
                CASE WHEN n.seq < x.seq THEN n.ordinal ELSE 0 END AS k4,
                CASE WHEN n.seq < x.seq THEN n.part ELSE 0 END AS k5
           FROM x_export x LEFT JOIN needed n ON n.guid = x.guid
       )
       , inside AS MATERIALIZED (
         -- where the needed entities are written inside another file (one pass over the members)
         SELECT m.guid, f.k1, f.k2, f.k3, f.k4, f.k5
           FROM x_member m JOIN needed n ON n.guid = m.guid JOIN files f ON f.guid = m.root
          WHERE f.ext
       )
       SELECT guid, ext, k1, k2, k3, k4, k5 FROM files
       UNION ALL
       -- needed entities no file writes before their place: standalone, without ext-info
       SELECT n.guid, false, n.seq, -1, n.k, n.ordinal, n.part
         FROM needed n JOIN entity e ON e.guid = n.guid
        WHERE ($1 = 0 OR e.change_seq > $1)
          AND NOT EXISTS (SELECT 1 FROM x_export x WHERE x.guid = n.guid)
          AND NOT EXISTS (
            SELECT 1 FROM inside i
             WHERE i.guid = n.guid AND (i.k1, i.k2, i.k3, i.k4, i.k5) < (n.seq, -1, n.k, n.ordinal, n.part))`,
      [changedAfter],
    );
    await this.exec(`TRUNCATE x_export`);
    await this.exec(
      `INSERT INTO x_export (seq, guid, ext)
       SELECT row_number() OVER (ORDER BY k1, k2, k3, k4, k5, guid COLLATE "C"), guid, ext FROM x_placed`,
    );
    await this.exec(`DROP TABLE x_placed`);
    await this.exec(`ANALYZE x_export`);
  }

  async *order(pageSize = 10_000): AsyncIterable<string[]> {
    let after = 0;
    for (;;) {
      const rows = await this.query<{ seq: string; guid: string }>(
        // ORDER BY x.seq, the number: a bare `seq` would name the text column of the output and sort "10" before "2"
        `SELECT x.seq::text AS seq, x.guid FROM x_export x WHERE x.seq > $1 ORDER BY x.seq LIMIT $2`,
        [after, pageSize],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => r.guid);
      after = Number(rows[rows.length - 1].seq);
      if (rows.length < pageSize) return;
    }
  }

  /**
   * Pages are cut on this connection (a few arrays of guids, passed on as text) and rendered on the render
   * connections (or here when there are none), each as a binary COPY whose bytes go on as they are. While Node
   * reads one page, the other render connection builds the next: a page's statement does all its work (the final
   * sort) before its first row, and then waits on the socket. Pages come out in export order.
   */
  async *files(pageSize = EXPORT_PAGE_FILES): AsyncIterable<ExportFile[]> {
    const renderers: Connection[] = [];
    const started: RenderedPage[] = [];
    let failure: unknown;
    try {
      if (this.snapshot && this.inTransaction) {
        for (let i = 0; i < this.renderers; i++) renderers.push(await openRenderer(this.db, this.snapshot, this.plan));
      }
      const workers = renderers.length > 0 ? renderers : [this.main];
      let after = 0;
      let exhausted = false;
      let turn = 0;
      const fill = async () => {
        while (!exhausted && started.length < workers.length) {
          const ref = await this.pageRef(after, pageSize);
          if (!ref) {
            exhausted = true;
            return;
          }
          after = ref.last;
          started.push(workers[turn++ % workers.length].renderPage(ref));
        }
      };
      await fill();
      while (started.length > 0) {
        const page = started[0];
        for await (const rows of page.rows) {
          yield rows.map((r) => ({ guid: r[0]!.toString('utf8'), json: r[1]! }));
        }
        started.shift();
        await fill();
      }
    } catch (e) {
      failure = e;
      throw e;
    } finally {
      // also when the consumer stops early (a failed archive): the connections with unread pages are discarded
      const unfinished = failure ?? (started.length > 0 ? new Error('export stopped before its last page') : undefined);
      for (const p of started) p.discard();
      await Promise.all(renderers.map((r) => r.release(unfinished)));
    }
  }

  private async pageRef(after: number, limit: number): Promise<PageRef | undefined> {
    const [ref] = await this.query<PageRef & { last: string | null }>(PAGE_REF_SQL, [after, limit]);
    return ref.last === null ? undefined : { ...ref, last: Number(ref.last) };
  }

  async close(error?: unknown): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (error === undefined && this.inTransaction) {
      try {
        await this.exec('COMMIT');
      } catch (e) {
        error = e;
      }
    }
    await this.main.release(error);
  }

  /** Ends the read transaction; the temporary tables stay for after-export work on this session. */
  async endSnapshot(): Promise<void> {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    await this.exec('COMMIT');
  }
}

/** A page's files and their members (PAGE_REF_SQL's arrays) into the render connection's page tables. */
export const LOAD_PAGE_SQL = `
WITH files AS (INSERT INTO x_page SELECT * FROM unnest($1::bigint[], $2::text[], $3::boolean[]))
INSERT INTO x_pmem SELECT * FROM unnest($4::text[], $5::text[])`;

/** The next page of x_export after seq $1 (at most $2 files) and the members of its files, as array literals. */
export const PAGE_REF_SQL = `
WITH page AS (
  SELECT seq, guid, ext FROM x_export WHERE seq > $1 ORDER BY seq LIMIT $2
), mem AS (
  SELECT array_agg(m.root)::text AS roots, array_agg(m.guid)::text AS members
    FROM page p JOIN x_member m ON m.root = p.guid WHERE p.ext
)
SELECT max(p.seq)::text AS last, array_agg(p.seq ORDER BY p.seq)::text AS seqs, array_agg(p.guid ORDER BY p.seq)::text AS guids,
       array_agg(p.ext ORDER BY p.seq)::text AS exts, (SELECT roots FROM mem) AS roots, (SELECT members FROM mem) AS members
  FROM page p`;

function matchPredicate(match: AttributeMatch, value: string, param: string): string {
  switch (match) {
    case 'startsWith':
      return `starts_with(${value}, ${param})`;
    case 'endsWith':
      return `right(${value}, length(${param})) = ${param}`;
    case 'contains':
      return `strpos(${value}, ${param}) > 0`;
    case 'matches':
      // the parameter is a PostgreSQL ARE over the whole value (scope.ts rewrites Java's syntax into it)
      return `${value} ~ ${param}`;
    default:
      return `${value} = ${param}`;
  }
}

/**
 * One page of `{guid}.json` texts in export order: AtlasEntityWithExtInfo with the entity rendered as
 * entity-renderer.ts renders it (spec 3.6) and referredEntities = its owned closure, for the files in x_page
 * and their members in x_pmem (LOAD_PAGE_SQL). COPY takes no parameters, hence the tables. The JSON is built as text (cheaper than jsonb values); aggregates read their input in the
 * order of a sorted subquery instead of sorting each group.
 */
export const FILE_PAGE_SQL = `
WITH page AS (
  SELECT seq, guid, ext FROM x_page
), mem AS (
  SELECT root, guid FROM x_pmem
), pe AS MATERIALIZED (
  SELECT guid FROM page
  UNION
  SELECT guid FROM mem
), e AS MATERIALIZED (
  -- LATERAL … OFFSET 0: a page is small next to the catalogue; index probes, never a hash of the whole table
  SELECT e.* FROM pe CROSS JOIN LATERAL (SELECT * FROM entity e WHERE e.guid = pe.guid OFFSET 0) e
), ref AS MATERIALIZED (
  -- how a link shows an entity of the page, quoted once per entity rather than once per link
  SELECT e.guid, e.type_name, e.status, ${REF_TEXT('e')} FROM e
), lo AS MATERIALIZED (
  SELECT l.*, s.type_name AS self_type, o.*
    FROM e s
    CROSS JOIN LATERAL (
      SELECT r.end1_guid AS self, r.end1_attr AS attr, r.type_name AS rtype, r.guid AS rguid, r.status,
             r.attributes AS rattrs, r.ordinal, r.end2_guid AS other
        FROM relationship r WHERE r.end1_guid = s.guid
      UNION ALL
      SELECT r.end2_guid, r.end2_attr, r.type_name, r.guid, r.status, r.attributes, r.ordinal, r.end1_guid
        FROM relationship r WHERE r.end2_guid = s.guid AND r.end2_attr IS NOT NULL
    ) l
    -- the other end: most links of a page stay inside it (table <-> columns, storage descriptor)
    LEFT JOIN ref pg ON pg.guid = l.other
    CROSS JOIN LATERAL (
      SELECT pg.id_head, pg.ref_head, pg.ref_tail WHERE pg.guid IS NOT NULL
      UNION ALL
      SELECT ${REF_TEXT('o')} FROM entity o WHERE pg.guid IS NULL AND o.guid = l.other
    ) o
), lk AS (
  -- each link once per attribute showing it: R = a relationship attribute of one of its relationshipDefs,
  -- O = a plain reference attribute (ACTIVE links only)
  SELECT lo.self, lo.self_type, lo.attr, a.kind, a.is_coll, a.is_legacy, lo.status, lo.ordinal, lo.other,
    lo.id_head || '}' AS id,
    CASE WHEN a.kind = 'R' THEN
      lo.ref_head || ',"relationshipType":' || a.qrel || ',"relationshipGuid":' || to_json(lo.rguid)
      || ',"relationshipStatus":"' || lo.status || '","relationshipAttributes":{"typeName":' || a.qrel
      || CASE WHEN lo.rattrs IS NULL OR jsonb_typeof(lo.rattrs) = 'null' THEN '' ELSE ',"attributes":' || lo.rattrs::text END || '}'
      || lo.ref_tail END AS related
  FROM lo
  JOIN x_lplan a ON a.type_name = lo.self_type AND a.attr = lo.attr AND (a.rel_type = lo.rtype OR a.rel_type = '*')
  WHERE a.kind = 'R' OR lo.status = 'ACTIVE'
), ra AS (
  -- per (entity, attribute): lists in (ordinal, guid) order; a single value is the first ACTIVE link, else the
  -- last one (entity-renderer.ts); the sort key puts that one first
  SELECT self, self_type, attr, kind,
    CASE WHEN kind <> 'R' THEN NULL WHEN bool_or(is_coll) THEN '[' || string_agg(related, ',') || ']' ELSE (array_agg(related))[1] END AS rel,
    -- in attributes: a legacy end (R) shows the links its relationship attribute shows, whatever their status (as
    -- Atlas writes them); a plain reference (O) its ACTIVE links (lk keeps no other)
    CASE WHEN kind = 'R' AND NOT bool_or(is_legacy) THEN NULL
         WHEN bool_or(is_coll) THEN '[' || string_agg(id, ',') || ']'
         ELSE (array_agg(id))[1] END AS att
  FROM (SELECT * FROM lk ORDER BY self, self_type, attr, kind,
          CASE WHEN is_coll THEN 0 ELSE (status <> 'ACTIVE')::int END,
          CASE WHEN is_coll OR status = 'ACTIVE' THEN ordinal ELSE -ordinal END,
          CASE WHEN is_coll OR status = 'ACTIVE' THEN other END COLLATE "C",
          other COLLATE "C" DESC) sorted
  GROUP BY self, self_type, attr, kind
), rs AS (
  -- the attributes an entity has links for, and which ones (its signature)
  SELECT self, self_type, array_agg(kind || ':' || attr) AS sig,
    string_agg(to_json(attr) || ':' || rel, ',') FILTER (WHERE rel IS NOT NULL) AS rel,
    string_agg(to_json(attr) || ':' || att, ',') FILTER (WHERE att IS NOT NULL) AS att
  FROM ra GROUP BY self, self_type
), sigs AS (
  SELECT DISTINCT e.type_name, rs.sig FROM e LEFT JOIN rs ON rs.self = e.guid
), missing AS (
  -- what an unset attribute shows ([] or null; a single relationship attribute is absent), once per type and
  -- signature: entities of a page share a handful
  SELECT k.type_name, k.sig,
    string_agg(to_json(a.attr) || ':[]', ',') FILTER (WHERE a.kind = 'R' AND a.is_coll) AS rel,
    -- an unset attribute is null, a list included (spec 3.6; Atlas writes "partitionKeys": null)
    string_agg(to_json(a.attr) || ':null', ',') FILTER (WHERE a.kind = 'O' OR a.is_legacy) AS att
  FROM sigs k JOIN x_aplan a ON a.type_name = k.type_name
  WHERE k.sig IS NULL OR NOT ((a.kind || ':' || a.attr) = ANY (k.sig))
  GROUP BY k.type_name, k.sig
), cls AS (
  SELECT holder, '[' || string_agg(c, ',') || ']' AS list FROM (
    SELECT c.entity_guid AS holder,
      '{"typeName":' || to_json(c.type_name) || ',"attributes":' || ${jsonOr('c.attributes', '{}')} || ',"entityGuid":' || to_json(c.entity_guid)
      || ',"entityStatus":' || to_json(s.status) || ',"propagate":' || c.propagate || ',"removePropagationsOnEntityDelete":' || c.remove_propagations_on_entity_delete
      || ',"validityPeriods":' || ${jsonOr('c.validity_periods', '[]')} || '}' AS c
      FROM e s JOIN classification c ON c.entity_guid = s.guid
    UNION ALL
    SELECT p.entity_guid,
      '{"typeName":' || to_json(c.type_name) || ',"attributes":' || ${jsonOr('c.attributes', '{}')} || ',"entityGuid":' || to_json(c.entity_guid)
      || ',"entityStatus":' || to_json(s.status) || ',"propagate":' || c.propagate || ',"removePropagationsOnEntityDelete":' || c.remove_propagations_on_entity_delete
      || ',"validityPeriods":' || ${jsonOr('c.validity_periods', '[]')} || '}'
      FROM e h JOIN propagated_classification p ON p.entity_guid = h.guid
      JOIN classification c ON c.entity_guid = p.source_guid AND c.type_name = p.type_name
      JOIN entity s ON s.guid = c.entity_guid
  ) x GROUP BY holder
), ea AS (
  SELECT e.*, (CASE WHEN t.type_name IS NULL THEN e.attributes
                    -- soft references are rewritten only when set (the usual replicatedTo/From are null)
                    WHEN t.softrefs IS NULL OR (cardinality(t.softrefs) <= 2
                         AND COALESCE(jsonb_typeof(e.attributes -> t.softrefs[1]), 'null') = 'null'
                         AND COALESCE(jsonb_typeof(e.attributes -> t.softrefs[2]), 'null') = 'null')
                      THEN t.attr_base || (e.attributes - t.strip)
                    ELSE pg_temp.atlas_soft_refs(t.attr_base || (e.attributes - t.strip), t.softrefs) END)::text AS attrs
    FROM e LEFT JOIN x_tplan t ON t.type_name = e.type_name
), rendered AS (
  SELECT e.guid,
    '{"typeName":' || to_json(e.type_name) || ',"guid":' || to_json(e.guid) || ',"status":' || to_json(e.status)
    || ',"createTime":' || e.create_time || ',"updateTime":' || e.update_time || ',"version":' || e.version
    || CASE WHEN e.created_by IS NULL THEN '' ELSE ',"createdBy":' || to_json(e.created_by) END
    || CASE WHEN e.updated_by IS NULL THEN '' ELSE ',"updatedBy":' || to_json(e.updated_by) END
    || ',"attributes":' || CASE WHEN e.att IS NULL THEN e.attrs WHEN e.attrs = '{}' THEN '{' || e.att || '}' ELSE left(e.attrs, -1) || ',' || e.att || '}' END
    || ',"relationshipAttributes":{' || COALESCE(e.rel, '') || '}'
    || ',"labels":' || ${jsonOr('e.labels', '[]')}
    || CASE WHEN cls.list IS NULL THEN '' ELSE ',"classifications":' || cls.list END
    || CASE WHEN COALESCE(e.home_id, '') = '' THEN '' ELSE ',"homeId":' || to_json(e.home_id) END
    || CASE WHEN e.provenance_type IS NULL THEN '' ELSE ',"provenanceType":' || e.provenance_type END
    || CASE WHEN e.custom_attributes IS NULL OR jsonb_typeof(e.custom_attributes) = 'null' THEN '' ELSE ',"customAttributes":' || e.custom_attributes::text END
    || CASE WHEN e.business_attributes IS NULL OR jsonb_typeof(e.business_attributes) = 'null' THEN '' ELSE ',"businessAttributes":' || e.business_attributes::text END
    || CASE WHEN e.is_incomplete THEN ',"isIncomplete":true' ELSE '' END
    || '}' AS j
  FROM (SELECT ea.*, concat_ws(',', rs.rel, mi.rel) AS rel, NULLIF(concat_ws(',', rs.att, mi.att), '') AS att
          FROM ea LEFT JOIN rs ON rs.self = ea.guid
          LEFT JOIN missing mi ON mi.type_name = ea.type_name AND mi.sig IS NOT DISTINCT FROM rs.sig) e
  LEFT JOIN cls ON cls.holder = e.guid
), referred AS (
  SELECT m.root, string_agg(to_json(m.guid) || ':' || r.j, ',') AS map
    FROM mem m JOIN rendered r ON r.guid = m.guid GROUP BY m.root
)
SELECT p.guid,
       CASE WHEN p.ext THEN '{"entity":' || r.j || ',"referredEntities":{' || COALESCE(f.map, '') || '}}'
            ELSE '{"entity":' || r.j || '}' END AS json
  FROM page p JOIN rendered r ON r.guid = p.guid LEFT JOIN referred f ON f.root = p.guid
 ORDER BY p.seq`;

/**
 * The parts of AtlasObjectId / AtlasRelatedObjectId that depend only on the referenced entity `t` (entity-renderer.ts):
 * id_head `{"guid":…,"typeName":…` (close with `}`), ref_head adds entityStatus and displayText, ref_tail is the
 * optional qualifiedName and the closing brace. Statuses are ACTIVE / DELETED: no quoting needed.
 */
function REF_TEXT(t: string): string {
  const idHead = `'{"guid":' || to_json(${t}.guid) || ',"typeName":' || to_json(${t}.type_name)`;
  return `${idHead} AS id_head,
    ${idHead} || ',"entityStatus":"' || ${t}.status || '","displayText":'
      || to_json(COALESCE(${t}.attributes->>'name', ${t}.attributes->>'qualifiedName', ${t}.guid)) AS ref_head,
    CASE WHEN ${t}.attributes->>'qualifiedName' <> '' THEN ',"qualifiedName":' || to_json(${t}.attributes->>'qualifiedName') || '}' ELSE '}' END AS ref_tail`;
}

/** JSON text of a jsonb column, `dflt` when SQL NULL or JSON null (the renderer's `?? default`). */
function jsonOr(column: string, dflt: string): string {
  return `(CASE WHEN ${column} IS NULL OR jsonb_typeof(${column}) = 'null' THEN '${dflt}' ELSE ${column}::text END)`;
}
