// Export orchestration (spec 3): options -> hdfs_path creation -> start entities and traversal (in SQL) ->
// the ZIP streamed into the HTTP response -> after-export hooks. The catalogue never passes through Node as
// objects: entity files arrive as JSON text, page by page, and go straight into the archive.
import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config';
import type { AtlasExportRequest, AtlasExportResult, AtlasObjectId, Caller } from '../metadata/model';
import type { TypeLookup } from '../metadata/typesystem/resolved-types';
import { EXPORT_WRITTEN_VIEW, ExportReader, ExportSession, ExportSummary } from '../metadata/store/export-reader';
import { TypeRegistry } from '../metadata/typesystem/type-registry';
import { collectTypeClosure } from '../metadata/typesystem/typedef-rules';
import { HdfsPathService } from '../hdfs-export/hdfs-path.service';
import { ExportHooks } from './export-hooks';
import { ExportOptions, parseExportOptions } from './export-options';
import { exportMetrics, exportResult, ItemStatus, operationStatusOf, requestEcho } from './export-result';
import { startSpecFor } from './scope';
import { traversalOptionsFor } from './traversal';
import { ZipSink } from './zip/zip-sink';

export const EXPORT_ORDER_ENTRY = 'atlas-export-order.json';
export const TYPESDEF_ENTRY = 'atlas-typesdef.json';
export const EXPORT_INFO_ENTRY = 'atlas-export-info.json';

interface Traversed {
  session: ExportSession;
  options: ExportOptions;
  statuses: ItemStatus[];
  summary: ExportSummary;
}

@Injectable()
export class ExportService {
  private readonly log = new Logger('ExportService');

  constructor(
    private readonly config: AppConfig,
    private readonly reader: ExportReader,
    private readonly registry: TypeRegistry,
    private readonly hdfsPaths: HdfsPathService,
    private readonly hooks: ExportHooks,
  ) {}

  /**
   * Runs the export and writes the HTTP response: the ZIP (200) or nothing (204, spec 3.10). Errors before the
   * first byte are thrown (the error filter answers); after it, the response is cut, never ended as if complete.
   */
  async streamTo(res: Response, request: AtlasExportRequest, caller: Caller): Promise<void> {
    const startedAt = Date.now();
    const options = parseExportOptions(request.options);
    const items = request.itemsToExport ?? [];
    // spec 4: before any item is resolved
    await this.hdfsPaths.createRequestedPaths(items, caller);

    const types = await this.registry.lookup();
    const session = await this.reader.open(types);
    let failure: unknown;
    try {
      const run = await this.traverse(session, options, items, types);
      const traversedAt = Date.now();
      const typesDef = collectTypeClosure(run.summary.typeNames, run.summary.classificationNames, types);
      const echo = requestEcho(request, options);
      const resultFor = (): AtlasExportResult =>
        exportResult({
          request: echo,
          caller,
          startedAt,
          metrics: exportMetrics(run.summary, Date.now() - startedAt),
          operationStatus: operationStatusOf(run.statuses),
          clusterName: this.config.clusterName,
          changeMarker: session.changeMarker,
        });

      if (run.summary.files === 0 && options.omitZipResponseForEmptyExport) {
        const result = resultFor();
        await session.endSnapshot();
        await this.afterExport(run, result, request, caller, startedAt);
        res.status(204).end();
        return;
      }

      res.status(200);
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', 'attachment; filename=AtlasExportResult');
      // spec 3.10: no Content-Encoding (Atlas's "gzip" there is wrong: the body is a plain ZIP)
      const sink = new ZipSink(res, { endDestination: false, tempDir: this.config.tempDir });
      try {
        // spec 2.1 write order: entity files in export order, then the order, the typesdef, the result
        for await (const files of session.files()) {
          for (const file of files) await sink.addEntry(`${file.guid}.json`, file.json);
        }
        await sink.addEntryStream(EXPORT_ORDER_ENTRY, jsonArray(session.order()));
        await sink.addEntry(TYPESDEF_ENTRY, JSON.stringify(typesDef));
        const result = resultFor();
        await sink.addEntry(EXPORT_INFO_ENTRY, JSON.stringify(result));
        await sink.finalize();
        this.log.debug(`export: ${run.summary.files} files, ${sink.bytesWritten} bytes; traversal ${traversedAt - startedAt} ms, archive ${Date.now() - traversedAt} ms`);
        await session.endSnapshot();
        // the archive is complete; the response ends after the hooks, so they still run under the lock
        await this.afterExport(run, result, request, caller, startedAt);
        await endResponse(res);
      } catch (e) {
        // A half-written archive must not reach the client as a complete download: cut the connection.
        this.log.error(`export by ${caller.userName} failed after the response started (${sink.entryCount} entries written): ${describe(e)}`);
        failure = e;
        await sink.abort(e instanceof Error ? e : new Error(String(e)));
        if (!res.destroyed) res.destroy();
      }
    } catch (e) {
      failure = e;
      throw e;
    } finally {
      await session.close(failure);
    }
  }

  /** Start entities and traversal of every item, in array order, sharing one processed set (spec 3.3, 3.4). */
  private async traverse(session: ExportSession, options: ExportOptions, items: AtlasObjectId[], types: TypeLookup): Promise<Traversed> {
    // no other database work while the session's transaction is open: on the embedded database a second
    // connection would wait for it to end
    const traversal = traversalOptionsFor(options, items);
    const statuses: ItemStatus[] = [];
    for (const item of items) {
      const spec = startSpecFor(item ?? {}, options, types);
      const starts = spec ? await session.resolveStarts(spec) : 0;
      statuses.push(starts > 0 ? 'SUCCESS' : 'FAIL');
      if (starts > 0) await session.traverse(traversal);
    }
    const summary = await session.finish(options.fetchType === 'incremental' ? options.changeMarker : 0);
    return { session, options, statuses, summary };
  }

  /** spec 3.11 belongs to other modules: they register in ExportHooks. */
  private async afterExport(run: Traversed, result: AtlasExportResult, request: AtlasExportRequest, caller: Caller, startTime: number): Promise<void> {
    await this.hooks.afterExport({
      result,
      request,
      options: run.options,
      caller,
      startTime,
      endTime: Date.now(),
      files: run.summary.files,
      firstGuid: run.summary.firstGuid,
      written: { view: EXPORT_WRITTEN_VIEW, query: run.session.query, order: (pageSize?: number) => run.session.order(pageSize) },
    });
  }
}

/** `["a","b",…]` from pages of guids, without holding the whole list. */
async function* jsonArray(pages: AsyncIterable<string[]>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    const text = page.map((g) => JSON.stringify(g)).join(',');
    yield first ? text : `,${text}`;
    first = false;
  }
  yield ']';
}

function endResponse(res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    res.once('error', reject);
    // a client that went away meanwhile: nothing left to wait for
    res.once('close', () => resolve());
    res.end(() => resolve());
  });
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
