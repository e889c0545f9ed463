// Model folders applied at start-up (spec 10.1), laid out like Atlas's `models` directory:
//   models/0010-base_model.json            typedef files, applied in file-name order
//   models/0000-Area0/0011-x.json          sub-folders, in name order among the files
//   models/0000-Area0/patches/001-x.json   patch files, applied after the models of their folder
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { emptyTypesDef, type AnyTypeDef, type AtlasTypesDef } from '../model';
import { applyModelPatch, defsWithCategory, mergeModelFile, type AtlasTypeDefPatchFile, type ModelMergeResult } from './typedef-rules';

export interface ModelFileEntry {
  /** absolute path */
  file: string;
  /** path relative to the folder given to readModelDir, with '/' separators (for logs and audit) */
  relativePath: string;
  /** typedef file content */
  defs?: AtlasTypesDef;
  /** patch file content */
  patches?: AtlasTypeDefPatchFile;
}

const PATCHES_DIR = 'patches';

/**
 * Reads every `*.json` below `dir` in the order Atlas applies them: lexical by name, sub-folders recursed where they
 * sort, each folder's `patches` sub-folder after everything else of that folder. A file with a `patches` array is
 * a patch file wherever it lies; anything else is an AtlasTypesDef. A file that is not valid JSON stops the start
 * with an error naming it. A missing folder yields no entries.
 */
export async function readModelDir(dir: string): Promise<ModelFileEntry[]> {
  const root = resolve(dir);
  const out: ModelFileEntry[] = [];
  if (!existsSync(root) || !statSync(root).isDirectory()) return out;
  await walk(root, root, out);
  return out;
}

async function walk(root: string, dir: string, out: ModelFileEntry[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let patchesDir: string | undefined;
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === PATCHES_DIR) patchesDir = full;
      else await walk(root, full, out);
    } else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) {
      out.push(await readEntry(root, full));
    }
  }
  if (patchesDir) await walk(root, patchesDir, out);
}

async function readEntry(root: string, file: string): Promise<ModelFileEntry> {
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new Error(`model file ${file}: not valid JSON (${(err as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`model file ${file}: not a JSON object`);
  const relativePath = relative(root, file).split('\\').join('/');
  if (Array.isArray((json as { patches?: unknown }).patches)) return { file, relativePath, patches: json as AtlasTypeDefPatchFile };
  return { file, relativePath, defs: json as AtlasTypesDef };
}

/**
 * Folds the entries of readModelDir over a catalogue: typedef files through mergeModelFile, patch files through
 * applyModelPatch. `created` / `updated` are relative to `existing` (a type created by one file and patched by a
 * later one is only in `created`, in its final form).
 */
export function applyModelEntries(existing: AtlasTypesDef, entries: Iterable<ModelFileEntry>): ModelMergeResult {
  const created = new Set<string>();
  const updated = new Set<string>();
  let defs: Required<AtlasTypesDef> = { ...emptyTypesDef(), ...existing } as Required<AtlasTypesDef>;
  for (const entry of entries) {
    const step = entry.patches ? applyModelPatch(defs, entry.patches) : entry.defs ? mergeModelFile(defs, entry.defs) : undefined;
    if (!step) continue;
    defs = step.defs;
    for (const d of step.created) created.add(d.name);
    for (const d of step.updated) if (!created.has(d.name)) updated.add(d.name);
  }
  const createdDefs: AnyTypeDef[] = [];
  const updatedDefs: AnyTypeDef[] = [];
  for (const [, d] of defsWithCategory(defs)) {
    if (created.has(d.name)) createdDefs.push(d);
    else if (updated.has(d.name)) updatedDefs.push(d);
  }
  return { defs, created: createdDefs, updated: updatedDefs };
}

let shippedDir: string | undefined;

/**
 * Absolute path of the `models/` folder this product ships (the repository's top-level folder). Found by walking
 * up from this file, so it works from `src/metadata/typesystem` (ts-node, vitest) and from
 * `dist/src/metadata/typesystem` (compiled) alike.
 */
export function shippedModelsDir(): string {
  if (shippedDir) return shippedDir;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'models');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate) && statSync(candidate).isDirectory()) {
      return (shippedDir = candidate);
    }
    const parent = resolve(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  // not found: fall back to the layout of the repository (src/metadata/typesystem -> ../../../models)
  return (shippedDir = resolve(__dirname, '..', '..', '..', 'models'));
}
