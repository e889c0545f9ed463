import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseArrayPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ValidationError } from 'class-validator';
import { CallerInfo } from '../../auth/caller.decorator';
import { AtlasError, ErrorCode, validationErrorToAtlas } from '../../common/errors';
import { firstOfRepeated } from '../../common/query-params';
import type { AtlasEntitiesWithExtInfo, AtlasEntityWithExtInfo, Caller, EntityMutationResponse } from '../model';
import { AtlasClassificationDto, AtlasEntitiesWithExtInfoDto, AtlasEntityWithExtInfoDto } from './dto/entity.dto';
import { EntityMutationResponseDto } from './dto/entity-mutation-response.dto';
import { EntityService } from './entity.service';
import { queryList } from './unique-attributes';

const UNIQUE_ATTRIBUTE_QUERY = {
  name: 'attr:qualifiedName',
  type: String,
  required: false,
  description: 'one or more `attr:<unique attribute>=<value>` parameters',
  example: 'sales@cl1',
};

/** A body that must be an array of AtlasClassification; failures in Atlas's error shape. */
const classificationList = new ParseArrayPipe({
  items: AtlasClassificationDto,
  whitelist: true,
  exceptionFactory: (e: unknown) => (typeof e === 'string' ? new AtlasError(ErrorCode.INVALID_PARAMETERS, [e]) : validationErrorToAtlas(e as ValidationError[])),
});

/** Atlas's EntityREST query parameter: an existing entity's own classifications are replaced only when it is true. */
const REPLACE_CLASSIFICATIONS_QUERY = {
  name: 'replaceClassifications', required: false, type: Boolean,
  description: 'true: an existing entity\'s own classifications become the given list; default false: they are kept (a created entity gets its list)',
};

/** Atlas's EntityREST query parameter of the GETs: true leaves every relationshipAttributes out. */
const IGNORE_RELATIONSHIPS_QUERY = {
  name: 'ignoreRelationships', required: false, type: Boolean,
  description: 'true: entities come without relationshipAttributes (references in attributes stay)',
};

/** Atlas's EntityREST query parameter of the GETs: true gives referred entities only their min-info attributes. */
const MIN_EXT_INFO_QUERY = {
  name: 'minExtInfo', required: false, type: Boolean,
  description: 'true: referredEntities carry only unique, header and schemaAttributes attributes, no relationshipAttributes',
};

/**
 * A boolean query parameter as Atlas's @QueryParam reads it: "true" in any case; repeated, the first one counts (the
 * parameters are declared `string | string[]` so that the validation pipe hands a repeated one over as the array).
 */
function isTrue(value: string | string[] | undefined): boolean {
  const first = firstOfRepeated(value);
  return typeof first === 'string' && first.trim().toLowerCase() === 'true';
}

/** Atlas's EntityREST (spec 10.6), for any authenticated user. */
@ApiTags('entity')
@ApiBasicAuth('basic') // app.factory's BASIC_AUTH_SCHEME (importing it from there would be a require cycle)
@Controller('api/atlas/v2/entity')
export class EntityController {
  constructor(private readonly entities: EntityService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Create or update one entity with its referredEntities; negative guids are placeholders' })
  @ApiQuery(REPLACE_CLASSIFICATIONS_QUERY)
  @ApiOkResponse({ type: EntityMutationResponseDto })
  createOrUpdate(
    @Body() body: AtlasEntityWithExtInfoDto, @CallerInfo() caller: Caller, @Query('replaceClassifications') replace?: string | string[],
  ): Promise<EntityMutationResponse> {
    return this.entities.createOrUpdate(body, caller, isTrue(replace));
  }

  @Post('bulk')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Create or update many entities in one transaction (AtlasEntitiesWithExtInfo)' })
  @ApiQuery(REPLACE_CLASSIFICATIONS_QUERY)
  @ApiOkResponse({ type: EntityMutationResponseDto })
  createOrUpdateBulk(
    @Body() body: AtlasEntitiesWithExtInfoDto, @CallerInfo() caller: Caller, @Query('replaceClassifications') replace?: string | string[],
  ): Promise<EntityMutationResponse> {
    return this.entities.createOrUpdateBulk(body, caller, isTrue(replace));
  }

  @Get('bulk')
  @ApiOperation({ summary: 'Entities by guid (`guid` repeated), with the entities they own in referredEntities' })
  @ApiQuery({ name: 'guid', type: String, isArray: true })
  @ApiQuery(MIN_EXT_INFO_QUERY)
  @ApiQuery(IGNORE_RELATIONSHIPS_QUERY)
  @ApiOkResponse({ type: AtlasEntitiesWithExtInfoDto })
  getByGuids(
    @Query('guid') guid: string | string[], @Query('minExtInfo') minExtInfo?: string | string[], @Query('ignoreRelationships') ignore?: string | string[],
  ): Promise<AtlasEntitiesWithExtInfo> {
    return this.entities.getByGuids(queryList(guid), { minExtInfo: isTrue(minExtInfo), ignoreRelationships: isTrue(ignore) });
  }

  @Get('guid/:guid')
  @ApiOperation({ summary: 'One entity (also when DELETED) with referredEntities; 404 ATLAS-404-00-005 when unknown' })
  @ApiQuery(MIN_EXT_INFO_QUERY)
  @ApiQuery(IGNORE_RELATIONSHIPS_QUERY)
  @ApiOkResponse({ type: AtlasEntityWithExtInfoDto })
  getByGuid(
    @Param('guid') guid: string, @Query('minExtInfo') minExtInfo?: string | string[], @Query('ignoreRelationships') ignore?: string | string[],
  ): Promise<AtlasEntityWithExtInfo> {
    return this.entities.getByGuid(guid, { minExtInfo: isTrue(minExtInfo), ignoreRelationships: isTrue(ignore) });
  }

  @Delete('guid/:guid')
  @ApiOperation({ summary: 'Soft delete (status DELETED), cascading to owned entities; an unknown guid deletes nothing (200 {})' })
  @ApiOkResponse({ type: EntityMutationResponseDto })
  delete(@Param('guid') guid: string, @CallerInfo() caller: Caller): Promise<EntityMutationResponse> {
    return this.entities.delete(guid, caller);
  }

  @Post('guid/:guid/classifications')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Add classifications to an entity; `propagate` defaults to true' })
  @ApiBody({ type: [AtlasClassificationDto] })
  @ApiNoContentResponse()
  addClassifications(
    @Param('guid') guid: string,
    @Body(classificationList) classifications: AtlasClassificationDto[],
    @CallerInfo() caller: Caller,
  ): Promise<void> {
    return this.entities.addClassifications(guid, classifications, caller);
  }

  @Get('uniqueAttribute/type/:typeName')
  @ApiOperation({ summary: 'One non-DELETED entity of the type (or a sub-type) by unique attribute; 404 ATLAS-404-00-009 when none' })
  @ApiQuery(UNIQUE_ATTRIBUTE_QUERY)
  @ApiQuery(MIN_EXT_INFO_QUERY)
  @ApiQuery(IGNORE_RELATIONSHIPS_QUERY)
  @ApiOkResponse({ type: AtlasEntityWithExtInfoDto })
  getByUniqueAttributes(
    @Param('typeName') typeName: string, @Query() query: Record<string, unknown>,
    @Query('minExtInfo') minExtInfo?: string | string[], @Query('ignoreRelationships') ignore?: string | string[],
  ): Promise<AtlasEntityWithExtInfo> {
    return this.entities.getByUniqueAttributes(typeName, query, { minExtInfo: isTrue(minExtInfo), ignoreRelationships: isTrue(ignore) });
  }

  @Put('uniqueAttribute/type/:typeName')
  @ApiOperation({ summary: 'Partial update of the entity found by unique attribute (reported as PARTIAL_UPDATE)' })
  @ApiQuery(UNIQUE_ATTRIBUTE_QUERY)
  @ApiOkResponse({ type: EntityMutationResponseDto })
  updateByUniqueAttributes(
    @Param('typeName') typeName: string,
    @Query() query: Record<string, unknown>,
    @Body() body: AtlasEntityWithExtInfoDto,
    @CallerInfo() caller: Caller,
  ): Promise<EntityMutationResponse> {
    return this.entities.updateByUniqueAttributes(typeName, query, body, caller);
  }
}
