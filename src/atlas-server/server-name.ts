// AtlasServer naming and REPL_DETAILS bookkeeping (spec 7.2, 3.11b, 5.9b): pure functions, spec beside them.

/**
 * Longest server reference (`replicatedTo`, `replicatedFrom`) taken: it becomes a unique attribute of an AtlasServer,
 * whose index holds values of a couple of kilobytes at most. Cluster names are short; a longer one is a 400.
 */
export const MAX_SERVER_REFERENCE_CHARS = 1024;

/** Why a server reference given as an option is refused, or undefined when it is taken. */
export function serverReferenceProblem(reference: string | undefined): string | undefined {
  if (reference === undefined || reference.length <= MAX_SERVER_REFERENCE_CHARS) return undefined;
  return `a server name of at most ${MAX_SERVER_REFERENCE_CHARS} characters`;
}

/** The `additionalInfo` key replication writes (spec 7.2). */
export const REPL_DETAILS = 'REPL_DETAILS';

/**
 * Server name of a server reference (spec 7.2): the part after `$` of a full name `DC$name`.
 * `SFO$cl1` → `cl1`, `cl1$` → `cl1`, `$cl1` → `cl1`, `cl1` → `cl1`, `""` → `""`; with several `$`, the second
 * segment. Empty segments do not count (Atlas splits with StringUtils.split, which drops them: `a$$b` → `b`).
 */
export function serverNameOf(reference: string | undefined | null): string {
  if (!reference) return '';
  if (!reference.includes('$')) return reference;
  const parts = reference.split('$').filter((p) => p !== '');
  return parts.length >= 2 ? parts[1] : parts[0] ?? '';
}

/** What an AtlasServer stores for a reference: name = displayName = server name, fullName verbatim (spec 7.2). */
export function serverIdentity(reference: string): { name: string; displayName: string; fullName: string } {
  const name = serverNameOf(reference);
  return { name, displayName: name, fullName: reference };
}

/**
 * Entity types whose replication key is their hive_db (spec 3.11b): the first exported entity of a table or
 * column export would otherwise give every table its own key.
 */
export const KEYED_BY_HIVE_DB = new Set(['hive_table', 'hive_column']);

/**
 * qualifiedName of the hive_db of a hive_table / hive_column (spec 3.11b): `<text before first '.'>@<text after '@'>`,
 * e.g. `db_5_1.tbl_5_1.col@nb_0509` → `db_5_1@nb_0509`. Undefined when the name has no `.` or no `@`.
 */
export function hiveDbQualifiedNameOf(qualifiedName: unknown): string | undefined {
  if (typeof qualifiedName !== 'string') return undefined;
  const dot = qualifiedName.indexOf('.');
  const at = qualifiedName.indexOf('@');
  if (dot <= 0 || at < 0) return undefined;
  return `${qualifiedName.slice(0, dot)}@${qualifiedName.slice(at + 1)}`;
}

/** Parses REPL_DETAILS text; anything that is not a JSON object counts as empty (Atlas would start over too). */
export function parseReplDetails(text: string | undefined | null): Record<string, number> {
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/**
 * `additionalInfo` after recording `changeMarker` for `keyGuid` (spec 7.2, 5.9c): REPL_DETAILS[key] = marker;
 * a marker of 0 (or none, e.g. ZIPs without changeMarker) removes the key, so REPL_DETAILS may become "{}".
 * Other additionalInfo keys are kept.
 */
export function withReplDetails(
  additionalInfo: Record<string, string> | null | undefined,
  keyGuid: string,
  changeMarker: number | null | undefined,
): Record<string, string> {
  const info = { ...(additionalInfo ?? {}) };
  const details = parseReplDetails(info[REPL_DETAILS]);
  const marker = Number(changeMarker ?? 0);
  if (!marker || !Number.isFinite(marker)) delete details[keyGuid];
  else details[keyGuid] = marker;
  info[REPL_DETAILS] = JSON.stringify(details);
  return info;
}
