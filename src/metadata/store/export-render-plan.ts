// Per-type rendering plans for the export reader: what entity-renderer.ts decides per attribute in Node, turned
// into rows PostgreSQL joins against, so the export's `{guid}.json` text is built in SQL (ARCHITECTURE "The two
// hot paths") and stays equal to what GET /v2/entity/guid returns.
import type { TypeLookup } from '../typesystem/resolved-types';
import { renderEntity, type EntityRow } from './entity-renderer';

export interface TypePlanRow {
  type_name: string;
  /** sub-type of Process (spec 3.4) */
  lineage: boolean;
  /** every value attribute of the type at its "unset" value (null); reference attributes come from links */
  attr_base: Record<string, unknown>;
  /** names never taken from stored attributes: they are rendered from links */
  strip: string[];
  /** soft-reference attributes: stored "Type:guid" strings rendered as AtlasObjectId (spec 8.2) */
  softrefs: string[] | null;
}

/** One relationship attribute candidate: (entity type, attribute name, relationshipDef). */
export interface RelationshipPlanRow {
  type_name: string;
  attr: string;
  rel_type: string;
}

/**
 * An attribute rendered from links: kind R = a relationship attribute (in `relationshipAttributes`; when
 * `is_legacy` also as plain AtlasObjectId inside `attributes`, spec 2.5); kind O = a non-relationship entity
 * reference (legacy types such as Table_v1.db), inside `attributes`, ACTIVE links only.
 */
export interface LinkAttributePlanRow {
  type_name: string;
  attr: string;
  kind: 'R' | 'O';
  /** a list (LIST/SET end, array or map attribute) rather than one value */
  is_coll: boolean;
  is_legacy: boolean;
}

export interface RenderPlan {
  types: TypePlanRow[];
  relationships: RelationshipPlanRow[];
  linkAttributes: LinkAttributePlanRow[];
  /** relationshipDef name -> endDef1 type (the CONNECTED direction rule of spec 3.4) */
  relationshipEnds: Array<{ type_name: string; end1_type: string }>;
}

const EMPTY_ROW: Omit<EntityRow, 'type_name'> = {
  guid: '',
  status: 'ACTIVE',
  attributes: {},
  created_by: null,
  updated_by: null,
  create_time: 0,
  update_time: 0,
  version: 0,
  home_id: null,
  provenance_type: null,
  is_incomplete: false,
  custom_attributes: null,
  labels: null,
  business_attributes: null,
};

export function buildRenderPlan(types: TypeLookup): RenderPlan {
  const plan: RenderPlan = { types: [], relationships: [], linkAttributes: [], relationshipEnds: [] };
  for (const def of types.allDefs().entityDefs) {
    const type = types.entityType(def.name);
    if (!type) continue;
    // the renderer's output for an entity with nothing set gives exactly the defaults it would fill in
    const empty = renderEntity({ ...EMPTY_ROW, type_name: type.name }, [], [], types);
    const strip = new Set<string>();
    const softrefs: string[] = [];
    for (const attr of type.attributes.values()) {
      if (attr.kind === 'OBJECT_REF') strip.add(attr.name);
      if (attr.kind === 'SOFT_REF') softrefs.push(attr.name);
    }
    const legacy = new Set<string>();
    for (const [name, rels] of type.relationshipAttributes) {
      const isLegacy = rels.some((r) => r.isLegacyAttribute);
      if (isLegacy) {
        strip.add(name);
        legacy.add(name);
      }
      plan.linkAttributes.push({ type_name: type.name, attr: name, kind: 'R', is_coll: rels.some((r) => r.cardinality !== 'SINGLE'), is_legacy: isLegacy });
      for (const r of rels) plan.relationships.push({ type_name: type.name, attr: name, rel_type: r.relationshipType });
    }
    for (const attr of type.attributes.values()) {
      // a legacy relationship end of the same name overrides the plain reference (entity-renderer.ts)
      if (attr.kind !== 'OBJECT_REF' || legacy.has(attr.name)) continue;
      plan.linkAttributes.push({ type_name: type.name, attr: attr.name, kind: 'O', is_coll: attr.isArray || attr.isMap, is_legacy: false });
    }
    const base = { ...(empty.attributes ?? {}) };
    for (const name of strip) delete base[name];
    plan.types.push({ type_name: type.name, lineage: type.isLineage, attr_base: base, strip: [...strip], softrefs: softrefs.length > 0 ? softrefs : null });
  }
  for (const def of types.allDefs().relationshipDefs) {
    const rel = types.relationshipType(def.name);
    if (rel) plan.relationshipEnds.push({ type_name: rel.name, end1_type: rel.end1Type });
  }
  return plan;
}
