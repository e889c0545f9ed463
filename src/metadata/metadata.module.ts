import { Global, Module } from '@nestjs/common';
import { MetadataStore } from './store/metadata-store';
import { PostgresMetadataStore } from './store/postgres-metadata-store';
import { ModelBootstrap } from './typesystem/model-bootstrap';
import { TypeRegistry } from './typesystem/type-registry';

/** The metadata repository: type registry + entity store (ARCHITECTURE "metadata/"). Global: every feature uses it. */
@Global()
@Module({
  providers: [{ provide: MetadataStore, useClass: PostgresMetadataStore }, TypeRegistry, ModelBootstrap],
  exports: [MetadataStore, TypeRegistry],
})
export class MetadataModule {}
