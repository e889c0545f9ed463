// Shared fixture access for e2e tests: real Atlas ZIPs and models from ../shared (read-only).
import archiver from 'archiver';
import StreamZip from 'node-stream-zip';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelBootstrap } from '../../src/metadata/typesystem/model-bootstrap';
import { ATLAS_MODELS, ATLAS_ZIPS } from './shared-dir';
import { ADMIN, type TestApp } from './test-app';

export { ATLAS_MODELS, ATLAS_ZIPS, SHARED } from './shared-dir';

export function zipPath(name: string): string {
  return path.join(ATLAS_ZIPS, name);
}

/** A MODELS_DIR holding Atlas's fs and hive models: with it the app is the spec's Repo(hive). */
export function hiveModelsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-models-'));
  for (const f of ['1020-fs_model.json', '1030-hive_model.json']) {
    fs.copyFileSync(path.join(ATLAS_MODELS, '1000-Hadoop', f), path.join(dir, f));
  }
  return dir;
}

/** POST /admin/import with a shared fixture (or any file) and an optional request part. */
export function importZip(t: TestApp, fileOrName: string, request?: unknown) {
  const file = path.isAbsolute(fileOrName) ? fileOrName : zipPath(fileOrName);
  const r = t.as(ADMIN).post('/api/atlas/admin/import').attach('data', file);
  return request === undefined ? r : r.field('request', typeof request === 'string' ? request : JSON.stringify(request));
}

export async function getEntity(t: TestApp, guid: string) {
  return t.as(ADMIN).get(`/api/atlas/v2/entity/guid/${guid}`);
}

/** rows of `entity` by guid prefix, straight from the database */
export async function entityRow(t: TestApp, guid: string): Promise<{ guid: string; type_name: string; status: string; attributes: Record<string, unknown> } | undefined> {
  const rows = await t.db.query(`SELECT guid, type_name, status, attributes FROM entity WHERE guid = $1`, [guid]);
  return rows[0];
}

/**
 * Back to a fresh repository on the same app (spec 12: "every case starts from a fresh repository"): empties the
 * catalogue and re-runs the start-up model loading. Much faster than a new app per case.
 */
export async function resetRepository(t: TestApp): Promise<void> {
  await t.db.query(`TRUNCATE entity, entity_unique, relationship, classification, propagated_classification, export_import_audit, type_def`);
  await t.db.query(`UPDATE type_system_state SET version = version + 1`);
  await t.app.get(ModelBootstrap).onModuleInit();
}

/** A copy of a shared fixture ZIP with each JSON entry passed through `edit` (e.g. to break one entity). */
export async function editedFixture(name: string, edit: (entryName: string, json: any) => any): Promise<string> {
  const src = new StreamZip.async({ file: zipPath(name) });
  const entries = Object.keys(await src.entries());
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-edited-')), name);
  const out = fs.createWriteStream(file);
  const zip = archiver('zip');
  zip.pipe(out);
  for (const entry of entries) {
    const json = JSON.parse((await src.entryData(entry)).toString('utf8'));
    zip.append(JSON.stringify(edit(entry, json)), { name: entry });
  }
  await src.close();
  await zip.finalize();
  await new Promise<void>((r) => out.on('close', () => r()));
  return file;
}

/** A ZIP of the given [name, content] entries, in a temporary folder of its own. */
export async function makeZip(entries: Array<[string, string]>): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-zip-')), 'test.zip');
  const out = fs.createWriteStream(file);
  const zip = archiver('zip');
  zip.pipe(out);
  for (const [name, content] of entries) zip.append(content, { name });
  await zip.finalize();
  await new Promise<void>((r) => out.on('close', () => r()));
  return file;
}

/** One entry of a ZIP as text. */
export async function readZipEntry(zipFile: string, name: string): Promise<string> {
  const zip = new StreamZip.async({ file: zipFile });
  try {
    return (await zip.entryData(name)).toString('utf8');
  } finally {
    await zip.close();
  }
}
