// Async import requests (spec 5.12, P10): register a spooled archive as a job, report status, abort.
// The job itself is run by AsyncImportWorker.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { AtlasError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { checkBeforeImport } from '../import/import-checks';
import { parseImportRequest } from '../import/import-request';
import { ZipSource } from '../import/zip/zip-source';
import type { Caller } from '../metadata/model';
import { TypeRegistry } from '../metadata/typesystem/type-registry';
import { AsyncImportJob, toAtlasAsyncImportRequest, toStatusEntry } from './async-import-job';
import { AsyncImportStore } from './async-import-store';
import { AsyncImportWorker } from './async-import.worker';
import { computeImportId } from './import-id';

export interface AsyncImportSubmission {
  /** the uploaded archive, spooled by multer; moved into the job folder when registered */
  uploadPath: string;
  /** the `request` part (AtlasImportRequest JSON) */
  requestText: unknown;
  caller: Caller;
}

@Injectable()
export class AsyncImportService {
  constructor(
    private readonly config: AppConfig,
    private readonly store: AsyncImportStore,
    private readonly worker: AsyncImportWorker,
    private readonly registry: TypeRegistry,
  ) {}

  /** Where archives wait for their job: TEMP_DIR/async-imports (shared by the processes of one deployment). */
  get jobDir(): string {
    return path.join(this.config.tempDir, 'async-imports');
  }

  async submit(s: AsyncImportSubmission): Promise<Record<string, unknown>> {
    const receivedTime = Date.now();
    const options = parseImportRequest(s.requestText);
    // spec P5 / P3 over Atlas's 200 default: a bad or empty archive, or transforms that do not parse, are refused
    // at once, like /import, and no job is registered
    const source = await ZipSource.open(s.uploadPath, this.config.archive, options.format);
    let totalEntitiesCount: number;
    try {
      await checkBeforeImport(source, options, await this.registry.lookup());
      totalEntitiesCount = options.format === 'standard' ? (await source.exportOrder()).length : options.size;
    } finally {
      await source.close();
    }
    const importId = await computeImportId(s.uploadPath);

    await fs.mkdir(this.jobDir, { recursive: true });
    const filePath = path.join(this.jobDir, `${importId}-${randomUUID()}.zip`);
    await fs.rename(s.uploadPath, filePath);
    let registered: { job: AsyncImportJob; created: boolean };
    try {
      registered = await this.store.register({
        importId,
        guid: randomUUID(),
        status: 'WAITING',
        filePath,
        options: options.raw,
        userName: s.caller.userName,
        caller: s.caller,
        receivedTime,
        stagedTime: Date.now(),
        totalEntitiesCount,
        importedEntitiesCount: 0,
        failedEntitiesCount: 0,
        failures: {},
        abortRequested: false,
      });
    } catch (e) {
      await fs.rm(filePath, { force: true });
      throw e;
    }
    // spec 5.12: a WAITING / PROCESSING job of the same archive is returned as it is; this upload is not needed
    if (!registered.created) await fs.rm(filePath, { force: true });
    else this.worker.kick();
    return toAtlasAsyncImportRequest(registered.job);
  }

  async status(importId: string): Promise<Record<string, unknown>> {
    const job = await this.store.find(importId);
    if (!job) throw new AtlasError(ErrorCode.IMPORT_NOT_FOUND, [importId]);
    return toAtlasAsyncImportRequest(job);
  }

  async list(offset: number, limit: number): Promise<Record<string, unknown>> {
    const page = await this.store.list(offset, limit);
    return { list: page.list.map(toStatusEntry), startIndex: offset, pageSize: limit, totalCount: page.totalCount, sortType: 'NONE' };
  }

  /**
   * STAGING / WAITING ⇒ ABORTED at once. PROCESSING ⇒ product choice (P10): the job stops at its next batch
   * boundary and ends ABORTED with its resume point; committed batches stay (P11). The request is answered before
   * the job has stopped. Terminal ⇒ 409 ATLAS-409-00-016, not wrapped into Atlas's 500-00-022.
   */
  async abort(importId: string): Promise<void> {
    const queued = await this.store.abortQueued(importId, Date.now());
    if (queued) {
      if (queued.filePath) await fs.rm(queued.filePath, { force: true });
      return;
    }
    if (await this.store.requestAbort(importId)) {
      // this process runs it: stop now; another process notices the flag at its next batch or poll
      this.worker.abortLocal(importId);
      return;
    }
    const job = await this.store.find(importId);
    if (!job) throw new AtlasError(ErrorCode.IMPORT_NOT_FOUND, [importId]);
    if (job.status === 'STAGING' || job.status === 'WAITING' || job.status === 'PROCESSING') {
      // its status changed between the statements (e.g. claimed just now): the caller may retry
      throw new AtlasError(ErrorCode.ABORT_IMPORT_FAILED, [importId]);
    }
    throw new AtlasError(ErrorCode.IMPORT_ABORT_NOT_ALLOWED, [importId, job.status]);
  }
}
