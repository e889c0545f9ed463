// Import orchestration (spec 5.5): open the archive, check it, transforms, typedefs, then entities in export
// order in batches of thousands (one transaction per batch, spec P11), then the side effects.
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import * as path from 'node:path';
import { ReplicationService } from '../atlas-server/replication.service';
import { AtlasError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import type { AtlasEntityWithExtInfo, AtlasImportResult, Caller } from '../metadata/model';
import { MetadataStore, PreparedUnits, WriteContext, WriteUnit } from '../metadata/store/metadata-store';
import { retryLostRace } from '../metadata/store/retry';
import { TypeRegistry } from '../metadata/typesystem/type-registry';
import { planTypeDefImport } from '../metadata/typesystem/typedef-rules';
import { applyTransformsToUnit, checkClassificationsToCreate } from '../transforms';
import { checkBeforeImport } from './import-checks';
import { ImportMetrics } from './import-metrics';
import { ImportRecovery } from './import-recovery';
import { ImportRunStore } from './import-run-store';
import { ImportOptions, resumePosition, startIndex } from './import-request';
import { ZipSource } from './zip/zip-source';

export interface ImportRun {
  zipPath: string;
  options: ImportOptions;
  caller: Caller;
  endpoint: 'import' | 'importfile';
  /** aborted when the client disconnects (or an async import is aborted): the import stops at the next batch boundary */
  signal?: AbortSignal;
  /** called after every committed batch: units committed so far (position + 1 of the last one) and the total */
  onProgress?: (progress: { committedUnits: number; totalUnits: number; lastCommittedGuid?: string }) => void | Promise<void>;
}

/** processedEntities up to this many are part of the result object; beyond, they are streamed (issue 4: flat memory) */
export const PROCESSED_INLINE_MAX = 20_000;

/** entities read between two turns of the event loop while the previous batch is being written */
const READ_YIELD_EVERY = 20;

export interface ImportOutcome {
  /** the AtlasImportResult; its processedEntities are complete unless `processedPages` is set */
  result: AtlasImportResult;
  /** the processedEntities of a large import, read page by page while the response is written */
  processedPages?: AsyncIterable<string[]>;
}

/** Where a failed import stopped (spec P9): resume with startPosition = lastCommittedPosition (resumePosition). */
export interface ResumePoint {
  lastCommittedPosition?: number;
  lastCommittedGuid?: string;
}

@Injectable()
export class ImportService {
  private readonly log = new Logger('ImportService');

  constructor(
    private readonly config: AppConfig,
    private readonly store: MetadataStore,
    private readonly registry: TypeRegistry,
    // issue 6: AtlasServer, audit and replicatedFrom side effects (spec 5.9, 5.10)
    private readonly replication: ReplicationService,
    // spec P9 across a crash: the running import's resume point is kept in import_run, batch by batch
    private readonly runs: ImportRunStore,
    private readonly recovery: ImportRecovery,
  ) {}

  /** `fileName` of /importfile, resolved inside IMPORT_DIR only (symlinks and `..` included). */
  resolveImportFile(fileName: string | undefined): string {
    if (!fileName) throw new AtlasError(ErrorCode.INVALID_PARAMETERS, ['FILENAME parameter not found']);
    const notFound = () => new AtlasError(ErrorCode.INVALID_PARAMETERS, [`${fileName}: file not found`]);
    const root = this.config.importDir;
    if (!root) throw notFound();
    let rootReal: string;
    let real: string;
    try {
      rootReal = fs.realpathSync(root);
      real = fs.realpathSync(path.resolve(rootReal, fileName));
    } catch {
      throw notFound();
    }
    const rel = path.relative(rootReal, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw notFound();
    if (!fs.statSync(real).isFile()) throw notFound();
    return real;
  }

  async run(req: ImportRun): Promise<ImportOutcome> {
    const started = Date.now();
    const { options } = req;
    // run under the operation lock (spec P1): an import_run row left now is one a dead process could not audit
    await this.recovery.recoverInterrupted();
    const runId = randomUUID();
    await this.runs.begin({
      id: runId, startTime: started, caller: req.caller, request: { options: options.echo, sizeOption: options.size }, replicatedFrom: options.replicatedFrom,
    });
    let source: ZipSource;
    try {
      source = await ZipSource.open(req.zipPath, this.config.archive, options.format);
    } catch (e) {
      await this.runs.end(runId);
      throw e;
    }
    const resume: ResumePoint = {};
    try {
      // spec P5, P3: a bad archive or a transform spec that does not parse fails the request before types or
      // entities change
      let types = await this.registry.lookup();
      const { exportResult, transformPlan: plan } = await checkBeforeImport(source, options, types);
      const metrics = new ImportMetrics();

      const typePlan = options.updateTypeDefinition ? planTypeDefImport(await source.typesDef(), types) : undefined;
      // a classification to create whose name is another kind of type fails before the type step writes anything
      const registered = types;
      checkClassificationsToCreate(plan.classificationsToCreate, (name) => registered.categoryOf(name) ?? typePlan?.toCreate.find((d) => d.name === name)?.category);
      if (typePlan) {
        types = await this.registry.save(typePlan.toCreate, typePlan.toUpdate, req.caller.userName);
        metrics.addTypedefMetrics(typePlan.metrics);
      }
      if (plan.classificationsToCreate.length > 0) {
        const missing = plan.classificationsToCreate.filter((n) => !types.classificationType(n));
        types = await this.registry.save(missing.map((name) => ({ category: 'CLASSIFICATION', name, attributeDefs: [], superTypes: [] })), [], req.caller.userName);
      }
      const transformPlan = plan.withTypes(types);

      const order = await source.exportOrder();
      const first = startIndex(options, order);
      if (options.format === 'standard' && first >= order.length) {
        throw new AtlasError(ErrorCode.INVALID_PARAMETERS, ['no entities to create/update.']);
      }

      // spec P9/P8: every entity this import writes gets a change_seq past this marker (processedEntities query)
      const startMarker = await this.store.currentChangeMarker();
      const entityPhaseStart = Date.now();
      const now = entityPhaseStart;
      let batch: WriteUnit[] = [];
      let batchPositions: Array<{ position: number; guid: string }> = [];
      let batchEntities = 0;
      // one batch is written while the next is read and parsed: PostgreSQL and Node work side by side. Batches
      // still commit strictly in order, one at a time, so the resume point is always a whole prefix (spec P11).
      let inFlight: Promise<void> | undefined;
      const unresolved = new Set<string>();
      const ctx: WriteContext = { mode: 'import', user: req.caller.userName, now, types, skipUnchanged: true, defaultPropagate: false, replaceClassifications: true };
      const write = async (units: WriteUnit[], prepared: PreparedUnits, positions: Array<{ position: number; guid: string }>) => {
        // a batch that lost a race with a concurrent entity write (the entity API is not locked out) rolled back
        // whole: it is prepared again from its units, so that it sees what the other write committed
        let first: PreparedUnits | undefined = prepared;
        const written = await retryLostRace('import batch', async () => {
          const attempt = first ?? (await this.store.prepareUnits(units, ctx));
          first = undefined;
          const last = positions[positions.length - 1];
          return this.store.writePrepared(attempt, { importRunId: runId, resumePosition: resumePosition(options.format, last.position), resumeGuid: last.guid });
        });
        metrics.addBatch(written.units);
        for (const g of written.unresolvedTargets) unresolved.add(g);
        const last = positions[positions.length - 1];
        resume.lastCommittedPosition = resumePosition(options.format, last.position);
        resume.lastCommittedGuid = last.guid;
        await req.onProgress?.({ committedUnits: last.position + 1, totalUnits: order.length || options.size, lastCommittedGuid: last.guid });
      };
      const flush = async () => {
        // normalise and check the new batch while the previous one is still being written (CPU beside PostgreSQL);
        // an invalid entity fails only after the previous batch committed, so the resume point stays exact
        let prepared: PreparedUnits | undefined;
        let invalid: unknown;
        try {
          if (batch.length > 0) prepared = await this.store.prepareUnits(batch, ctx);
        } catch (e) {
          invalid = e;
        }
        if (inFlight) await inFlight;
        inFlight = undefined;
        if (invalid !== undefined) throw invalid;
        if (req.signal?.aborted) throw new AtlasError(ErrorCode.BAD_REQUEST, ['the client disconnected: import stopped at a batch boundary']);
        if (!prepared) return;
        const pending = write(batch, prepared, batchPositions);
        pending.catch(() => undefined); // observed by the next flush; never an unhandled rejection meanwhile
        inFlight = pending;
        batch = [];
        batchPositions = [];
        batchEntities = 0;
      };
      try {
        let sinceYield = 0;
        for await (const item of source.entities(first)) {
          // reading and parsing are synchronous: every few dozen entities the event loop gets a turn, so that the
          // write of the previous batch goes on (its statements' results are handled) while this one is read
          if (++sinceYield === READ_YIELD_EVERY) {
            sinceYield = 0;
            await setImmediate();
          }
          if (!item.value?.entity) {
            if (item.value === undefined) this.log.warn(`${item.guid}: listed in the export order but not in the archive; skipped`);
            continue;
          }
          const unit = applyTransformsToUnit(transformPlan, item.value) as AtlasEntityWithExtInfo;
          batch.push(unit);
          batchPositions.push({ position: item.position, guid: item.guid });
          batchEntities += 1 + Object.keys(unit.referredEntities ?? {}).length;
          if (batchEntities >= this.config.importBatchEntities) await flush();
        }
        await flush(); // writes the last batch
        await flush(); // waits for it
      } finally {
        // a read error must not leave a write running behind the response
        if (inFlight) await inFlight.catch(() => undefined);
      }
      // spec P6: references are resolved once every entity of the archive is known; the rest are dropped
      await this.store.dropDanglingReferences(unresolved);
      await this.store.recomputePropagation();

      const result: AtlasImportResult = {
        request: { options: options.echo, sizeOption: options.size },
        userName: req.caller.userName,
        clientIpAddress: req.caller.clientIpAddress,
        hostName: req.caller.hostName,
        timeStamp: started,
        metrics: metrics.metrics,
        processedEntities: [],
        operationStatus: 'SUCCESS',
        exportResult: exportResult,
        ...resume,
      };
      // processedEntities: held in memory for ordinary imports; a large one streams them from the database into
      // the response, so memory stays flat however many entities an archive has
      const processedPages = () => this.store.writtenByImport(startMarker, now, req.caller.userName);
      const inline = metrics.processedCount <= PROCESSED_INLINE_MAX;
      if (inline) for await (const page of processedPages()) result.processedEntities.push(...page);
      // issue 6: AtlasServer, IMPORT audit, replicatedFrom stamping, table-replication clean-up (spec 5.9, 5.10)
      await this.replication.afterImport({
        result, options, exportOrder: order, caller: req.caller, entityPhaseStart, processedPages: inline ? undefined : processedPages,
      });
      result.metrics.duration = Date.now() - started;
      return inline ? { result } : { result, processedPages: processedPages() };
    } catch (err) {
      if (!(err instanceof AtlasError)) this.log.error(`import failed: ${(err as Error)?.stack ?? err}`);
      // committed batches stay (spec P11) and are complete: their classifications propagate (spec 10.5). Links to
      // entities not imported yet are kept for a resume (spec P6).
      if (resume.lastCommittedPosition !== undefined) {
        await this.store.recomputePropagation().catch((e) => this.log.error(`propagation after a failed import: ${(e as Error)?.stack ?? e}`));
      }
      // issue 6: a failed import is audited too, with its resume point (spec P9); never masks `err`
      await this.replication.afterFailedImport({
        error: err, request: { options: options.echo, sizeOption: options.size }, options, caller: req.caller, startTime: started, ...resume,
      });
      throw withResumePoint(err, resume);
    } finally {
      await source.close();
      // after the audit entry (success or failure) is written: a crash in between audits the import twice, never not at all
      await this.runs.end(runId).catch((e) => this.log.error(`could not remove the import_run row ${runId}: ${(e as Error)?.message ?? e}`));
    }
  }
}

/** spec P9: a failed import's error body says where to resume. */
function withResumePoint(err: unknown, resume: ResumePoint): unknown {
  if (resume.lastCommittedPosition === undefined) return err;
  if (err instanceof AtlasError) {
    err.extra = { ...err.extra, ...resume };
    return err;
  }
  return new AtlasError(ErrorCode.INTERNAL_ERROR, ['import failed'], { ...resume });
}
