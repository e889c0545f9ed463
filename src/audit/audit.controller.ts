import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth';
import type { ExportImportAuditEntry } from './export-import-audit-entry';
import { ExportImportAuditService } from './export-import-audit.service';

@ApiTags('admin')
@ApiBasicAuth()
@Controller('api/atlas/admin')
export class AuditController {
  constructor(private readonly audits: ExportImportAuditService) {}

  @Get('expimp/audit')
  @AdminOnly('export import audit')
  @ApiOperation({ summary: 'Export/import audit entries, newest first (spec 9.2); all given filters are AND-ed' })
  @ApiQuery({ name: 'serverName', type: String, required: false, description: 'source or target server name' })
  @ApiQuery({ name: 'userName', type: String, required: false })
  @ApiQuery({ name: 'operation', required: false, enum: ['EXPORT', 'IMPORT', 'IMPORT_DELETE_REPL'] })
  @ApiQuery({ name: 'startTime', type: 'integer', required: false, description: 'exact match, epoch ms (Atlas behaviour: not a range)' })
  @ApiQuery({ name: 'endTime', type: 'integer', required: false, description: 'exact match, epoch ms' })
  @ApiQuery({ name: 'limit', type: 'integer', required: false, description: 'page size; absent, <= 0 or > 10000 => 100' })
  @ApiQuery({ name: 'offset', type: 'integer', required: false, description: '< 0 => 0' })
  @ApiOkResponse({ description: 'JSON array of ExportImportAuditEntry' })
  @ApiBadRequestResponse({ description: 'ATLAS-400-00-01A: startTime / endTime not a number, offset out of range' })
  async search(@Query() query: Record<string, unknown>): Promise<ExportImportAuditEntry[]> {
    return this.audits.search(query);
  }
}
