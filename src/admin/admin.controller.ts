import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { packageInfo } from '../common/package-info';

export class VersionDto {
  @ApiProperty({ example: '0.1.0' }) Version: string;
  @ApiProperty({ example: 'atlas-expimp' }) Name: string;
  @ApiProperty() Description: string;
}

export class StatusDto {
  @ApiProperty({ example: 'ACTIVE' }) Status: string;
}

/** Atlas's AdminResource version and status, for any authenticated user (clients probe them before export/import). */
@ApiTags('admin')
@Controller('api/atlas/admin')
export class AdminController {
  @Get('version')
  @ApiOperation({ summary: 'Server version (Atlas shape)' })
  @ApiOkResponse({ type: VersionDto })
  version(): VersionDto {
    const pkg = packageInfo();
    return { Version: pkg.version, Name: pkg.name, Description: pkg.description };
  }

  // This server has no passive/standby mode: a process that answers is ACTIVE.
  @Get('status')
  @ApiOperation({ summary: 'Server status (always ACTIVE; there is no HA standby mode)' })
  @ApiOkResponse({ type: StatusDto })
  status(): StatusDto {
    return { Status: 'ACTIVE' };
  }
}
