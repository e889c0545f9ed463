import { Controller, Get, Param } from '@nestjs/common';
import { ApiBasicAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth';
import type { AtlasServer } from './atlas-server';
import { AtlasServerService } from './atlas-server.service';

@ApiTags('admin')
@ApiBasicAuth()
@Controller('api/atlas/admin')
export class AtlasServerController {
  constructor(private readonly servers: AtlasServerService) {}

  // Express has already URL-decoded the parameter: SFO%24cl1 arrives as SFO$cl1 (spec 7.4)
  @Get('server/:serverName')
  @AdminOnly('get server')
  @ApiOperation({ summary: 'The AtlasServer whose fullName is serverName (spec 7.4)' })
  @ApiParam({ name: 'serverName', description: 'full name, e.g. cl1 or SFO$cl1 (send $ as %24 or verbatim)' })
  @ApiOkResponse({ description: 'AtlasServer {guid, name, fullName, displayName, additionalInfo?, urls?}' })
  @ApiNotFoundResponse({ description: 'ATLAS-404-00-009 no such server; ATLAS-404-00-012 the server entity is DELETED' })
  async get(@Param('serverName') serverName: string): Promise<AtlasServer> {
    return this.servers.getByFullName(serverName);
  }
}
