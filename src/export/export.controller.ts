import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminOnly, CallerInfo } from '../auth';
import type { Caller } from '../metadata/model';
import { ExclusiveOperation } from '../operation-lock';
import { ExportRequestDto } from './dto/export-request.dto';
import { ExportService } from './export.service';

@ApiTags('export')
@ApiBasicAuth()
@Controller('api/atlas/admin')
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  @Post('export')
  @AdminOnly('export')
  @ExclusiveOperation()
  @ApiOperation({ summary: 'Export entities and the types they need as an Atlas ZIP, streamed (spec 3)' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'the ZIP (entity files, atlas-export-order.json, atlas-typesdef.json, atlas-export-info.json)' })
  @ApiNoContentResponse({ description: 'nothing exported and options.omitZipResponseForEmptyExport is true' })
  @ApiBadRequestResponse({ description: 'ATLAS-400-00-01A: a bad option value, named' })
  async export(@Body() request: ExportRequestDto, @CallerInfo() caller: Caller, @Res() res: Response): Promise<void> {
    await this.exports.streamTo(res, request, caller);
  }
}
