export * from './import-transforms';
export * from './transforms.module';
export * from './transforms.service';
export { parseLegacySpec, type LegacySpec, type LegacyEntry, type LegacyTransforms } from './legacy-transforms';
export { type EntityTransformer, type HandlerType, type TransformAction, type TransformCondition } from './transformers';
export { isTopLevelEntity, matchesExportItem } from './top-level';
