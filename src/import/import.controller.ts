import { Body, Controller, HttpCode, Post, Res, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import * as fs from 'node:fs/promises';
import { AdminOnly, CallerInfo } from '../auth';
import { AtlasError, ErrorCode } from '../common/errors';
import type { Caller } from '../metadata/model';
import { ExclusiveOperation } from '../operation-lock';
import { parseImportRequest } from './import-request';
import { ImportOutcome, ImportService } from './import.service';

type UploadedParts = { data?: Express.Multer.File[]; request?: Express.Multer.File[] };

@ApiTags('import')
@ApiBasicAuth()
@Controller('api/atlas/admin')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post('import')
  @HttpCode(200)
  @AdminOnly('importData')
  @ExclusiveOperation()
  @UseInterceptors(FileFieldsInterceptor([{ name: 'data', maxCount: 1 }, { name: 'request', maxCount: 1 }]))
  @ApiOperation({ summary: 'Import a ZIP exported by Atlas or by this server (multipart: data = ZIP, request = AtlasImportRequest JSON)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['data'], properties: { data: { type: 'string', format: 'binary' }, request: { type: 'string', example: '{"options":{"replicatedFrom":"cl1"}}' } } } })
  @ApiOkResponse({ description: 'AtlasImportResult' })
  @ApiBadRequestResponse({ description: 'ATLAS-400-00-09F a bad archive (naming the entry), 08A an empty one, 01A a bad option, 028 a bad transform; nothing written' })
  async import(
    @UploadedFiles() files: UploadedParts,
    @Body() body: Record<string, unknown>,
    @CallerInfo() caller: Caller,
    @Res() res: Response,
  ): Promise<void> {
    const data = files?.data?.[0];
    const requestFile = files?.request?.[0];
    try {
      if (!data) throw new AtlasError(ErrorCode.INVALID_PARAMETERS, ['data: the multipart part with the ZIP is missing']);
      const requestText = requestFile ? await fs.readFile(requestFile.path, 'utf8') : body?.request;
      const options = parseImportRequest(requestText);
      await sendOutcome(res, await this.imports.run({ zipPath: data.path, options, caller, endpoint: 'import', signal: disconnectSignal(res) }));
    } finally {
      // the spooled upload never outlives the request
      await Promise.all([data, requestFile].filter((f) => f).map((f) => fs.rm(f!.path, { force: true })));
    }
  }

  @Post('importfile')
  @HttpCode(200)
  @AdminOnly('importFile')
  @ExclusiveOperation()
  @ApiOperation({ summary: 'Import a ZIP from the server folder IMPORT_DIR (body: AtlasImportRequest with options.fileName)' })
  @ApiBody({ schema: { type: 'object', example: { options: { fileName: 'stocks.zip', replicatedFrom: 'cl1' } } } })
  @ApiOkResponse({ description: 'AtlasImportResult' })
  @ApiBadRequestResponse({ description: 'ATLAS-400-00-09F a bad archive (naming the entry), 08A an empty one, 01A a bad option, 028 a bad transform; nothing written' })
  async importFile(@Body() body: unknown, @CallerInfo() caller: Caller, @Res() res: Response): Promise<void> {
    const options = parseImportRequest(body);
    const zipPath = this.imports.resolveImportFile(options.fileName);
    await sendOutcome(res, await this.imports.run({ zipPath, options, caller, endpoint: 'importfile', signal: disconnectSignal(res) }));
  }
}

/**
 * Aborted when the client goes away before the response is sent: the import stops at its next batch boundary (the
 * operation lock is released once it has, spec P1); what was committed stays whole and the audit records where to
 * resume (P9, P11).
 */
function disconnectSignal(res: Response): AbortSignal {
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  return abort.signal;
}

/** 200 with the AtlasImportResult; a large import's processedEntities are written page by page. */
async function sendOutcome(res: Response, outcome: ImportOutcome): Promise<void> {
  res.status(200).type('application/json; charset=UTF-8');
  if (!outcome.processedPages) {
    res.send(JSON.stringify(outcome.result));
    return;
  }
  const { processedEntities: _, ...rest } = outcome.result;
  // backpressure; a client that leaves mid-stream ends the loop instead of leaving it waiting for 'drain'
  const write = (text: string) =>
    res.write(text)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const onDrain = () => {
            res.off('close', onClose);
            resolve();
          };
          const onClose = () => {
            res.off('drain', onDrain);
            reject(new Error('the client disconnected while the import result was being sent'));
          };
          res.once('drain', onDrain);
          res.once('close', onClose);
        });
  await write(`${JSON.stringify(rest).slice(0, -1)},"processedEntities":[`);
  let first = true;
  for await (const page of outcome.processedPages) {
    const text = page.map((g) => JSON.stringify(g)).join(',');
    await write(first ? text : `,${text}`);
    first = false;
  }
  res.end(']}');
}
