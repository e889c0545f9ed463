import { Injectable } from '@nestjs/common';
import type { AtlasEntity, AtlasEntityWithExtInfo, AtlasExportRequest } from '../metadata/model';
import type { TypeLookup } from '../metadata/typesystem/resolved-types';
import {
  type ImportTransformOptions, ImportTransformPlan, applyTransforms, applyTransformsToUnit, parseImportTransforms,
} from './import-transforms';

/**
 * Injectable face of the import transforms (spec 6). No state and no database: the rules are the pure functions of
 * import-transforms.ts; the importer parses once per import and applies per entity of a batch.
 */
@Injectable()
export class TransformsService {
  /** Throws AtlasError INVALID_VALUE (400 ATLAS-400-00-028) for a spec or option that does not parse (spec P3). */
  parse(options: ImportTransformOptions, exportRequest: AtlasExportRequest | undefined, types: TypeLookup): ImportTransformPlan {
    return parseImportTransforms(options, exportRequest, types);
  }

  /** Mutates and returns the same entity. */
  apply(plan: ImportTransformPlan, entity: AtlasEntity): AtlasEntity {
    return applyTransforms(plan, entity);
  }

  /** Mutates and returns the same unit (main entity and referred entities). */
  applyToUnit(plan: ImportTransformPlan, unit: AtlasEntityWithExtInfo): AtlasEntityWithExtInfo {
    return applyTransformsToUnit(plan, unit);
  }
}
