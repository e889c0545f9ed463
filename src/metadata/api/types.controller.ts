import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CallerInfo } from '../../auth/caller.decorator';
import type { AnyTypeDef, AtlasTypesDef, Caller } from '../model';
import { AtlasTypesDefDto } from './dto/types-def.dto';
import { TYPEDEF_KINDS } from './typedef-view';
import { TypesService } from './types.service';

/** Atlas's TypesREST (spec 10.6), for any authenticated user. */
@ApiTags('types')
@ApiBasicAuth('basic') // app.factory's BASIC_AUTH_SCHEME (importing it from there would be a require cycle)
@Controller('api/atlas/v2/types')
export class TypesController {
  constructor(private readonly types: TypesService) {}

  @Get('typedefs')
  @ApiOperation({ summary: 'All type definitions (AtlasTypesDef), narrowed by Atlas\'s SearchFilter parameters' })
  @ApiQuery({ name: 'type', required: false, description: 'entity (class), classification (trait), struct, enum, relationship, business_metadata' })
  @ApiQuery({ name: 'name', required: false })
  @ApiQuery({ name: 'supertype', required: false, description: 'entity / classification types with this (transitive) super-type' })
  @ApiQuery({ name: 'notsupertype', required: false })
  @ApiOkResponse({ type: AtlasTypesDefDto })
  all(@Query() query: Record<string, unknown>): Promise<AtlasTypesDef> {
    return this.types.all(query);
  }

  @Post('typedefs')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Create types; every one must be new (409 ATLAS-409-00-001), referenced types must exist (404 ATLAS-404-00-001)' })
  @ApiOkResponse({ type: AtlasTypesDefDto, description: 'the created definitions' })
  create(@Body() body: AtlasTypesDefDto, @CallerInfo() caller: Caller): Promise<AtlasTypesDef> {
    return this.types.create(body, caller);
  }

  @Put('typedefs')
  @ApiOperation({ summary: 'Replace existing types (404 ATLAS-404-00-001 for an unknown one)' })
  @ApiOkResponse({ type: AtlasTypesDefDto, description: 'the updated definitions' })
  update(@Body() body: AtlasTypesDefDto, @CallerInfo() caller: Caller): Promise<AtlasTypesDef> {
    return this.types.update(body, caller);
  }

  @Delete('typedefs')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete the types named in the body; refused (409 ATLAS-409-00-002) while other types or instances use them' })
  @ApiBody({ type: AtlasTypesDefDto })
  @ApiNoContentResponse()
  delete(@Body() body: AtlasTypesDefDto): Promise<void> {
    return this.types.delete(body);
  }

  @Delete('typedef/name/:name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one type by name, with the same rules as DELETE /typedefs' })
  @ApiNoContentResponse()
  deleteByName(@Param('name') name: string): Promise<void> {
    return this.types.deleteByName(name);
  }

  @Get(':kind/name/:name')
  @ApiOperation({ summary: 'One type definition by name; `typedef` matches any category (404 ATLAS-404-00-001 when unknown)' })
  @ApiParam({ name: 'kind', enum: Object.keys(TYPEDEF_KINDS) })
  @ApiOkResponse({ description: 'AtlasEnumDef | AtlasStructDef | AtlasClassificationDef | AtlasEntityDef | AtlasRelationshipDef | AtlasBusinessMetadataDef' })
  byName(@Param('kind') kind: string, @Param('name') name: string): Promise<AnyTypeDef> {
    return this.types.byName(kind, name);
  }
}
