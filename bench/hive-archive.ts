// A hive-like Atlas export archive of a given size, written as Atlas writes it (entity-per-file layout):
// dbs; tables with 8 columns and a storage descriptor each (embedded in the table's file as referredEntities);
// a lineage process per 10 tables. Used by the import benchmark.
import archiver from 'archiver';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';

export interface ArchiveStats {
  file: string;
  entities: number;
  units: number;
  bytes: number;
}

const COLUMNS_PER_TABLE = 8;
const TABLES_PER_DB = 1000;
const TABLES_PER_PROCESS = 10;

export async function writeHiveArchive(file: string, targetEntities: number): Promise<ArchiveStats> {
  const out = fs.createWriteStream(file);
  const zip = archiver('zip', { zlib: { level: 1 } });
  const done = new Promise<void>((resolve, reject) => {
    out.on('close', () => resolve());
    zip.on('error', reject);
  });
  zip.pipe(out);
  const order: string[] = [];
  let entities = 0;
  const now = Date.now();
  const sys = (typeName: string, guid: string) => ({ typeName, guid, status: 'ACTIVE', createdBy: 'bench', updatedBy: 'bench', createTime: now, updateTime: now, version: 0 });
  const append = async (name: string, content: string) => {
    const entry = new Promise<void>((r) => zip.once('entry', () => r()));
    zip.append(content, { name });
    await entry;
    // archiver has no backpressure of its own: wait when the output is behind
    if (out.writableNeedDrain) await new Promise<void>((r) => out.once('drain', () => r()));
  };

  let db = '';
  let dbName = '';
  let tableNo = 0;
  let processInputs: Array<{ guid: string; typeName: string }> = [];
  while (entities < targetEntities) {
    if (tableNo % TABLES_PER_DB === 0) {
      db = randomUUID();
      dbName = `db${tableNo / TABLES_PER_DB}`;
      await append(`${db}.json`, JSON.stringify({
        entity: { ...sys('hive_db', db), attributes: { qualifiedName: `${dbName}@bench`, name: dbName, clusterName: 'bench', owner: 'bench', location: `hdfs://nn/warehouse/${dbName}.db` }, classifications: [] },
        referredEntities: {},
      }));
      order.push(db);
      entities++;
    }
    const table = randomUUID();
    const tName = `t${tableNo}`;
    const tqn = `${dbName}.${tName}@bench`;
    const referred: Record<string, unknown> = {};
    const columns = [];
    for (let c = 0; c < COLUMNS_PER_TABLE; c++) {
      const col = randomUUID();
      columns.push({ guid: col, typeName: 'hive_column', relationshipType: 'hive_table_columns' });
      referred[col] = {
        ...sys('hive_column', col),
        attributes: { qualifiedName: `${dbName}.${tName}.c${c}@bench`, name: `c${c}`, type: c % 2 ? 'string' : 'bigint', position: c, owner: 'bench', comment: null },
        relationshipAttributes: { table: { guid: table, typeName: 'hive_table', relationshipType: 'hive_table_columns' } },
        classifications: [],
      };
    }
    const sd = randomUUID();
    referred[sd] = {
      ...sys('hive_storagedesc', sd),
      attributes: { qualifiedName: `${tqn}_storage`, location: `hdfs://nn/warehouse/${dbName}.db/${tName}`, compressed: false, inputFormat: 'org.apache.hadoop.mapred.TextInputFormat', outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat', numBuckets: -1 },
      relationshipAttributes: { table: { guid: table, typeName: 'hive_table', relationshipType: 'hive_table_storagedesc' } },
      classifications: [],
    };
    await append(`${table}.json`, JSON.stringify({
      entity: {
        ...sys('hive_table', table),
        attributes: { qualifiedName: tqn, name: tName, owner: 'bench', tableType: 'MANAGED_TABLE', temporary: false, lastAccessTime: now, retention: 0 },
        relationshipAttributes: {
          db: { guid: db, typeName: 'hive_db', relationshipType: 'hive_table_db' },
          columns,
          sd: { guid: sd, typeName: 'hive_storagedesc', relationshipType: 'hive_table_storagedesc' },
        },
        classifications: [],
      },
      referredEntities: referred,
    }));
    order.push(table);
    entities += 2 + COLUMNS_PER_TABLE;
    tableNo++;
    processInputs.push({ guid: table, typeName: 'hive_table' });
    if (processInputs.length === TABLES_PER_PROCESS && entities < targetEntities) {
      const p = randomUUID();
      await append(`${p}.json`, JSON.stringify({
        entity: {
          ...sys('hive_process', p),
          attributes: { qualifiedName: `${dbName}.proc${tableNo}@bench:${now}`, name: `proc${tableNo}`, startTime: now, endTime: now, userName: 'bench', operationType: 'QUERY', queryText: 'insert into ...', queryPlan: 'n/a', queryId: `q${tableNo}` },
          relationshipAttributes: {
            inputs: processInputs.slice(0, 9).map((x) => ({ ...x, relationshipType: 'dataset_process_inputs' })),
            outputs: processInputs.slice(9).map((x) => ({ ...x, relationshipType: 'process_dataset_outputs' })),
          },
          classifications: [],
        },
        referredEntities: {},
      }));
      order.push(p);
      entities++;
      processInputs = [];
    }
  }
  await append('atlas-export-order.json', JSON.stringify(order));
  await append('atlas-typesdef.json', JSON.stringify({ enumDefs: [], structDefs: [], classificationDefs: [], entityDefs: [], relationshipDefs: [] }));
  await append('atlas-export-info.json', JSON.stringify({
    request: { itemsToExport: [{ typeName: 'hive_db', uniqueAttributes: { qualifiedName: 'db0@bench' } }], options: { fetchType: 'full' } },
    userName: 'bench', timeStamp: now, metrics: {}, operationStatus: 'SUCCESS', sourceClusterName: 'bench', changeMarker: 0,
  }));
  await zip.finalize();
  await done;
  return { file, entities, units: order.length, bytes: fs.statSync(file).size };
}
