import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse, ApiBasicAuth, ApiBody, ApiConflictResponse, ApiConsumes, ApiNoContentResponse, ApiNotFoundResponse,
  ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags,
} from '@nestjs/swagger';
import * as fs from 'node:fs/promises';
import { AdminOnly, CallerInfo } from '../auth';
import { AtlasError, ErrorCode } from '../common/errors';
import { firstOfRepeated } from '../common/query-params';
import type { Caller } from '../metadata/model';
import { AsyncImportService } from './async-import.service';

type UploadedParts = { data?: Express.Multer.File[]; request?: Express.Multer.File[] };

/** Spec 5.12 / P10. Never @ExclusiveOperation: the worker takes the operation lock when it runs the job. */
@ApiTags('async import')
@ApiBasicAuth()
@Controller('api/atlas/admin/async/import')
export class AsyncImportController {
  constructor(private readonly asyncImports: AsyncImportService) {}

  @Post()
  @HttpCode(200)
  @AdminOnly('asyncImportData')
  @UseInterceptors(FileFieldsInterceptor([{ name: 'data', maxCount: 1 }, { name: 'request', maxCount: 1 }]))
  @ApiOperation({ summary: 'Queue an import (multipart as /import: data = ZIP, request = AtlasImportRequest JSON); the importId is the MD5 of the entry contents' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['data'], properties: { data: { type: 'string', format: 'binary' }, request: { type: 'string', example: '{"options":{}}' } } } })
  @ApiOkResponse({ description: 'AtlasAsyncImportRequest (WAITING; the existing request when the same archive is WAITING or PROCESSING)' })
  @ApiBadRequestResponse({ description: 'ATLAS-400-00-08A empty ZIP, ATLAS-400-00-09F bad archive, ATLAS-400-00-01A bad request' })
  async submit(@UploadedFiles() files: UploadedParts, @Body() body: Record<string, unknown>, @CallerInfo() caller: Caller): Promise<Record<string, unknown>> {
    const data = files?.data?.[0];
    const requestFile = files?.request?.[0];
    try {
      if (!data) throw new AtlasError(ErrorCode.INVALID_PARAMETERS, ['data: the multipart part with the ZIP is missing']);
      const requestText = requestFile ? await fs.readFile(requestFile.path, 'utf8') : body?.request;
      return await this.asyncImports.submit({ uploadPath: data.path, requestText, caller });
    } finally {
      // a registered archive has been moved away; whatever is left of the upload goes
      await Promise.all([data, requestFile].filter((f) => f).map((f) => fs.rm(f!.path, { force: true })));
    }
  }

  @Get('status')
  @AdminOnly('async import status')
  @ApiOperation({ summary: 'Async import requests, newest first' })
  @ApiQuery({ name: 'offset', required: false, example: 0 })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiOkResponse({ description: '{ list: [{ importId, status, importRequestReceivedTime, importRequestUser }], startIndex, pageSize, totalCount, sortType }' })
  async list(@Query('offset') offset?: string | string[], @Query('limit') limit?: string | string[]): Promise<Record<string, unknown>> {
    return this.asyncImports.list(intParam('offset', offset, 0, 0), intParam('limit', limit, 50, 1));
  }

  @Get('status/:importId')
  @AdminOnly('async import status by id')
  @ApiOperation({ summary: 'One async import request with its progress, result or error' })
  @ApiParam({ name: 'importId', description: 'MD5 of the archive entry contents' })
  @ApiOkResponse({ description: 'AtlasAsyncImportRequest' })
  @ApiNotFoundResponse({ description: 'ATLAS-404-00-017 unknown importId' })
  async status(@Param('importId') importId: string): Promise<Record<string, unknown>> {
    return this.asyncImports.status(importId);
  }

  @Delete(':importId')
  @HttpCode(204)
  @AdminOnly('abort async import')
  @ApiOperation({ summary: 'Abort: WAITING ⇒ ABORTED; PROCESSING ⇒ stops at the next batch boundary (committed batches stay), then ABORTED' })
  @ApiParam({ name: 'importId', description: 'MD5 of the archive entry contents' })
  @ApiNoContentResponse({ description: 'aborted, or abort requested for a running job' })
  @ApiNotFoundResponse({ description: 'ATLAS-404-00-017 unknown importId' })
  @ApiConflictResponse({ description: 'ATLAS-409-00-016 the job has already ended (not wrapped into 500-00-022 as Atlas does)' })
  async abort(@Param('importId') importId: string): Promise<void> {
    await this.asyncImports.abort(importId);
  }
}

function intParam(name: string, given: string | string[] | undefined, fallback: number, min: number): number {
  const text = firstOfRepeated(given);
  if (text === undefined || text.trim() === '') return fallback;
  // a safe integer: a longer run of digits would reach PostgreSQL out of the bigint range
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new AtlasError(ErrorCode.INVALID_PARAMETERS, [`${name}: "${text}" is not an integer >= ${min}`]);
  }
  return Number(text);
}
