// Export e2e helpers: POST /admin/export and read the ZIP that comes back.
import unzipper from 'unzipper';
import { ADMIN, type Credentials, type TestApp } from './test-app';

export interface ExportedArchive {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** entry names in archive order */
  names: string[];
  /** parsed JSON of every entry by name */
  json: Map<string, unknown>;
  /** atlas-export-order.json */
  order: string[];
  /** atlas-export-info.json */
  info: { operationStatus: string; metrics: Record<string, number>; changeMarker: number; [k: string]: unknown };
  typesDef: Record<string, Array<{ name: string }>>;
  /** every entity guid in the archive: top-level files and referredEntities */
  allGuids(): Set<string>;
  /** `{guid}.json` of one top-level entity */
  file(guid: string): { entity: { guid: string; typeName: string; status: string; [k: string]: unknown }; referredEntities?: Record<string, { typeName: string; status: string }> };
}

export async function exportZip(t: TestApp, request: unknown, as: Credentials = ADMIN): Promise<ExportedArchive> {
  const res = await t.as(as).post('/api/atlas/admin/export').send(request as object)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  const body = res.body as Buffer;
  const archive: ExportedArchive = {
    status: res.status,
    headers: res.headers,
    body,
    names: [],
    json: new Map(),
    order: [],
    info: { operationStatus: '', metrics: {}, changeMarker: 0 },
    typesDef: {},
    allGuids() {
      const out = new Set<string>();
      for (const g of this.order) {
        const f = this.json.get(`${g}.json`) as { referredEntities?: Record<string, unknown> } | undefined;
        if (!f) continue;
        out.add(g);
        for (const r of Object.keys(f.referredEntities ?? {})) out.add(r);
      }
      return out;
    },
    file(guid: string) {
      return this.json.get(`${guid}.json`) as ReturnType<ExportedArchive['file']>;
    },
  };
  if (res.status !== 200 || !String(res.headers['content-type'] ?? '').startsWith('application/zip')) return archive;
  const dir = await unzipper.Open.buffer(body);
  for (const f of dir.files) {
    archive.names.push(f.path);
    archive.json.set(f.path, JSON.parse((await f.buffer()).toString('utf8')));
  }
  archive.order = (archive.json.get('atlas-export-order.json') as string[]) ?? [];
  archive.info = archive.json.get('atlas-export-info.json') as ExportedArchive['info'];
  archive.typesDef = archive.json.get('atlas-typesdef.json') as ExportedArchive['typesDef'];
  return archive;
}

/** the JSON error body of a non-ZIP answer */
export function errorBody(a: ExportedArchive): Record<string, unknown> {
  return a.body.length ? JSON.parse(a.body.toString('utf8')) : {};
}
