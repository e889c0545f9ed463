// Which start entities an item of itemsToExport names (spec 3.3): pure rules from the item, the options and the
// type system to a StartSpec the export reader evaluates in SQL.
import type { AtlasObjectId } from '../metadata/model';
import type { StartSpec } from '../metadata/store/export-reader';
import type { TypeLookup } from '../metadata/typesystem/resolved-types';
import type { ExportOptions } from './export-options';
import { javaRegexAsPostgres } from './java-regex';

/** The start specification of `item`, or undefined when it names nothing (the item then FAILs). */
export function startSpecFor(item: AtlasObjectId, options: Pick<ExportOptions, 'forType' | 'attributeMatch'>, types: TypeLookup): StartSpec | undefined {
  // (1) a guid wins over everything else
  if (typeof item.guid === 'string' && item.guid !== '') return { kind: 'guid', guid: item.guid };
  const typeName = typeof item.typeName === 'string' ? item.typeName : '';
  // (2) forType: a comma-separated list of exact type names; uniqueAttributes ignored
  if (options.forType && typeName !== '') {
    const typeNames = [...new Set(typeName.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
    return typeNames.length > 0 ? { kind: 'types', typeNames } : undefined;
  }
  // (3) typeName + uniqueAttributes: every pair whose attribute exists on the type (unique or not)
  const attrs = item.uniqueAttributes;
  if (typeName === '' || !attrs || typeof attrs !== 'object' || Object.keys(attrs).length === 0) return undefined;
  const type = types.entityType(typeName);
  if (!type) return undefined; // UNKNOWN_TYPENAME: logged by Atlas, the item FAILs
  const pairs: Array<{ attr: string; value: string }> = [];
  for (const [attr, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || !type.attributes.has(attr)) continue;
    const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    // matches: Java's regular expression, as PostgreSQL evaluates it over the whole value
    pairs.push({ attr, value: options.attributeMatch === 'matches' ? javaRegexAsPostgres(text) : text });
  }
  return pairs.length > 0 ? { kind: 'attributes', typeName: type.name, pairs, match: options.attributeMatch } : undefined;
}
