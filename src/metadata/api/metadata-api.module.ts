import { Module } from '@nestjs/common';
import { EntityController } from './entity.controller';
import { EntityService } from './entity.service';
import { TypesController } from './types.controller';
import { TypesService } from './types.service';

/** /api/atlas/v2 types and entity endpoints used to fill and read a catalogue (spec 10.6). */
@Module({
  controllers: [TypesController, EntityController],
  providers: [TypesService, EntityService],
})
export class MetadataApiModule {}
