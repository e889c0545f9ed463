// What an import refuses before it writes anything (spec P5, P3). Shared by /import and /importfile (ImportService)
// and by the async submit (spec 5.12), so a job is never registered for an archive the import would refuse.
import { AtlasError, ErrorCode } from '../common/errors';
import type { AtlasExportResult } from '../metadata/model';
import type { TypeLookup } from '../metadata/typesystem/resolved-types';
import { ImportTransformPlan, parseImportTransforms } from '../transforms';
import { ImportOptions } from './import-request';
import { ZipSource } from './zip/zip-source';

export interface CheckedArchive {
  /** atlas-export-info.json; `{ changeMarker: 0 }` when absent (zipDirect, or a ZIP without it) */
  exportResult: AtlasExportResult;
  /** the parsed transforms and transformers, not yet bound to the types the import may add */
  transformPlan: ImportTransformPlan;
}

/**
 * Every entry the import reads is sound (P5: 400 ATLAS-400-00-09F naming the entry), the archive is not empty
 * (400 ATLAS-400-00-08A) and the transforms / transformers parse against the archive's export request (P3: 400
 * ATLAS-400-00-028 naming the spec). Reads the whole archive once; keeps no entity.
 */
export async function checkBeforeImport(source: ZipSource, options: ImportOptions, types: TypeLookup): Promise<CheckedArchive> {
  await source.validate();
  if (await source.isEmpty()) throw new AtlasError(ErrorCode.IMPORT_ATTEMPTING_EMPTY_ZIP);
  const exportResult: AtlasExportResult = (await source.exportInfo()) ?? { changeMarker: 0 };
  const transformPlan = parseImportTransforms({ transforms: options.transforms, transformers: options.transformers }, exportResult.request, types);
  return { exportResult, transformPlan };
}
