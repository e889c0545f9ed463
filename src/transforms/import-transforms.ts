// Import transforms (spec 6): the legacy `transforms` option and the `transformers` option, parsed once per import
// into an ImportTransformPlan, then applied to each entity of a batch in memory — no I/O, no query per entity.
import { AtlasError, ErrorCode } from '../common/errors';
import type { AtlasEntity, AtlasEntityWithExtInfo, AtlasExportRequest, AtlasObjectId, TypeCategory } from '../metadata/model';
import type { TypeLookup } from '../metadata/typesystem/resolved-types';
import {
  type LegacyEntry, type LegacyTransforms, applyLegacyEntry, legacyClassificationNames, legacyUsesTopLevel,
  parseLegacyTransforms, shapeLegacyEntry,
} from './legacy-transforms';
import { isTopLevelEntity } from './top-level';
import {
  type EntityTransformer, type HandlerType, applyTransformers, parseTransformers, selectHandlers,
  transformerClassificationNames, transformersUseTopLevel,
} from './transformers';

/** The two options as they arrive in AtlasImportRequest.options: JSON text (Atlas) or already-parsed JSON (spec P4). */
export interface ImportTransformOptions {
  transforms?: unknown;
  transformers?: unknown;
}

/**
 * Everything needed to transform the entities of one import. Immutable, except for a memo of the shaped legacy
 * entry per type name (the type hierarchy is looked up once per type, not once per entity).
 */
export class ImportTransformPlan {
  private readonly shaped = new Map<string, LegacyEntry | undefined>();

  /**
   * Every addClassification / ADD_CLASSIFICATION name that is not a registered classification type in `types`.
   * The importer creates them (no attributes, no super-types) before writing entities — even when no entity ends
   * up matching (spec 6.1 shaping step 1, 6.2).
   */
  readonly classificationsToCreate: string[];
  /** true when nothing would change any entity: the importer can skip the calls */
  readonly isEmpty: boolean;
  /** true when some transform needs the export request's items (topLevel / TOPLEVEL / OBJECTID) */
  readonly usesTopLevel: boolean;

  constructor(
    readonly legacy: LegacyTransforms,
    readonly transformers: readonly EntityTransformer[],
    /** enabled built-in handlers in run order; empty ⇒ the generic handler */
    readonly handlers: readonly HandlerType[],
    /** itemsToExport of the ZIP's export request (atlas-export-info.json) */
    readonly topLevelItems: readonly AtlasObjectId[],
    readonly types: TypeLookup,
  ) {
    const names = new Set([...legacyClassificationNames(legacy), ...transformerClassificationNames(transformers)]);
    this.classificationsToCreate = [...names].filter((name) => !types.classificationType(name));
    this.isEmpty = legacy.size === 0 && transformers.every((t) => t.actions.length === 0);
    this.usesTopLevel = legacyUsesTopLevel(legacy) || transformersUseTopLevel(transformers);
  }

  /**
   * The same plan against another view of the type system — e.g. after the typedef step of the import registered
   * the archive's types, so that super-type entries (`Asset`, `Referenceable`) and `Type.attr` keys see them.
   */
  withTypes(types: TypeLookup): ImportTransformPlan {
    return new ImportTransformPlan(this.legacy, this.transformers, this.handlers, this.topLevelItems, types);
  }

  /** The shaped legacy entry for entities of exactly `typeName` (spec 6.1 shaping step 2). */
  legacyEntryFor(typeName: string): LegacyEntry | undefined {
    if (!this.shaped.has(typeName)) this.shaped.set(typeName, shapeLegacyEntry(this.legacy, typeName, this.types));
    return this.shaped.get(typeName);
  }
}

/** JSON text is parsed; anything else is taken as already-parsed JSON (spec P4). Blank text ⇒ absent. */
function optionValue(name: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return undefined;
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new AtlasError(ErrorCode.INVALID_VALUE, [`${name}: ${(e as Error).message}`]);
  }
}

/**
 * Parses and checks both options once, before anything is written. A legacy spec that parses in neither the `~`
 * nor the `:` syntax, or an option that is not valid JSON, is a 400 ATLAS-400-00-028 naming it (spec P3).
 *
 * `exportRequest` is the request recorded in the ZIP's atlas-export-info.json (its items decide `topLevel`).
 * `types` is read for the hierarchy (shaping, `Type.attr` keys) and to list `classificationsToCreate`.
 */
export function parseImportTransforms(
  options: ImportTransformOptions,
  exportRequest: AtlasExportRequest | undefined,
  types: TypeLookup,
): ImportTransformPlan {
  const legacy = parseLegacyTransforms(optionValue('transforms', options.transforms));
  const transformers = parseTransformers(optionValue('transformers', options.transformers));
  return new ImportTransformPlan(legacy, transformers, selectHandlers(transformers), exportRequest?.itemsToExport ?? [], types);
}

/**
 * Atlas creates the classification types of addClassification / ADD_CLASSIFICATION while it shapes the transforms,
 * before the type step (ImportTransformsShaper): a name that is already a type of another category fails the import
 * there with 409 ATLAS-409-00-001, before anything is written. `categoryOf` answers for the types as they will be once
 * the import's type step has run (registered ones and the archive's new ones), so the check can precede that step.
 */
export function checkClassificationsToCreate(names: readonly string[], categoryOf: (name: string) => TypeCategory | undefined): void {
  for (const name of names) {
    const category = categoryOf(name);
    if (category !== undefined && category !== 'CLASSIFICATION') throw new AtlasError(ErrorCode.TYPE_ALREADY_EXISTS, [name]);
  }
}

/**
 * Transforms one entity: legacy `transforms` first, then `transformers` (spec 6). MUTATES the entity it is given
 * (attributes, classifications, status) and returns that same object, so the importer can call it on the entities of
 * a batch without copying them.
 *
 * Whether the entity is top-level is decided on the entity as read from the ZIP, before any transform changed it:
 * the export request's items describe the source entities.
 */
export function applyTransforms(plan: ImportTransformPlan, entity: AtlasEntity): AtlasEntity {
  if (plan.isEmpty) return entity;
  const topLevel = plan.usesTopLevel && isTopLevelEntity(entity, plan.topLevelItems);
  const isTopLevel = (): boolean => topLevel;

  const entry = plan.legacyEntryFor(entity.typeName);
  if (entry) applyLegacyEntry(entry, entity, { isTopLevel });

  applyTransformers(plan.transformers, plan.handlers, entity, { types: plan.types, isTopLevel });
  return entity;
}

/** Transforms the main entity and every referred entity of one unit, in place (spec 6: both are transformed). */
export function applyTransformsToUnit(plan: ImportTransformPlan, unit: AtlasEntityWithExtInfo): AtlasEntityWithExtInfo {
  if (plan.isEmpty) return unit;
  applyTransforms(plan, unit.entity);
  for (const referred of Object.values(unit.referredEntities ?? {})) applyTransforms(plan, referred);
  return unit;
}
