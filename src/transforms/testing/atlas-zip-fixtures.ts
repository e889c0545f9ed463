// Entities of the shared fixtures stocks.zip and repl_exp_1.zip (spec 12), reduced to the attributes the
// transforms read or write. Generated from /work/shared/fixtures/atlas-zips; kept inline so unit tests need no files.
import type { AtlasEntity, AtlasExportRequest } from '../../metadata/model';

export const STOCKS_EXPORT_REQUEST: AtlasExportRequest = {"itemsToExport": [{"typeName": "hive_db", "uniqueAttributes": {"qualifiedName": "stocks@cl1"}}]};

const STOCKS_ENTITIES: AtlasEntity[] = [
  {"typeName": "hive_db", "guid": "886c5e9c-3ac6-40be-8201-fb0cebb64783", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks@cl1", "name": "stocks", "clusterName": "cl1", "description": null, "location": "hdfs://localhost.localdomain:8020/apps/hive/warehouse/stocks.db"}, "classifications": []},
  {"typeName": "hive_table", "guid": "027a987e-867a-4c98-ac1e-c5ded41130d3", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks.appl_daily_1@cl1", "name": "appl_daily_1", "description": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "7f958016-f390-4f85-a651-7578e9670500", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks.appl_daily_1.low@cl1", "name": "low", "description": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "e1122610-8137-4daa-bfdc-598cfe9818fc", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks.appl_daily_1.high@cl1", "name": "high", "description": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "eb78ff5e-e8bc-4e64-894d-c989d1d37838", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks.appl_daily_1.close@cl1", "name": "close", "description": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "dd18478e-598f-456b-b5a3-e0d2c917df20", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks.appl_daily_1.volume@cl1", "name": "volume", "description": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "c184fbf1-3d46-4e13-bad7-8ee3dcb54b50", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks.appl_daily_1.open@cl1", "name": "open", "description": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "c30b4bd9-4d46-4f30-b51d-caedd664639f", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks.appl_daily_1.dt@cl1", "name": "dt", "description": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "6208f7f8-583f-437f-936d-2b898e30b453", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks.appl_daily_1.adj_close@cl1", "name": "adj_close", "description": null}, "classifications": []},
  {"typeName": "hive_storagedesc", "guid": "0e88ed03-2926-4502-b4af-4874683091f7", "status": "ACTIVE", "attributes": {"qualifiedName": "stocks.appl_daily_1@cl1_storage", "location": "hdfs://localhost.localdomain:8020/apps/hive/warehouse/stocks.db/appl_daily_1"}, "classifications": []},
  {"typeName": "hive_process", "guid": "c13648d9-2eb5-44a9-b2a0-01c9f7593935", "status": "ACTIVE", "attributes": {"qualifiedName": "LOAD:hdfs:localhost.localdomain:8020rootappl_daily.csv->:stocks.appl_daily_1@cl1:1489174480000", "name": "load data inpath '/root/appl_daily.csv' into table appl_daily_1", "clusterName": "cl1", "description": null}, "classifications": []},
  {"typeName": "hdfs_path", "guid": "c0a5782a-e4b7-4552-9ad3-709771bfce00", "status": "ACTIVE", "attributes": {"qualifiedName": "hdfs://localhost.localdomain:8020/root/appl_daily.csv", "name": "/root/appl_daily.csv", "clusterName": null, "description": null, "path": "hdfs://localhost.localdomain:8020/root/appl_daily.csv"}, "classifications": []},
];

/** a fresh deep copy on every call: transforms mutate entities */
export function stocksEntities(): AtlasEntity[] {
  return structuredClone(STOCKS_ENTITIES);
}

export const REPL_EXP_1_EXPORT_REQUEST: AtlasExportRequest = {"itemsToExport": [{"typeName": "hive_table", "uniqueAttributes": {"qualifiedName": "db_5_1.tbl_5_1@nb_0509"}}, {"typeName": "hive_table", "uniqueAttributes": {"qualifiedName": "db_5_1.tbl_5_2@nb_0509"}}, {"typeName": "hive_table", "uniqueAttributes": {"qualifiedName": "db_5_1.tbl_5_3@nb_0509"}}]};

const REPL_EXP_1_ENTITIES: AtlasEntity[] = [
  {"typeName": "hive_table", "guid": "718a6d12-35a8-4731-aff8-3a64637a43a3", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_1@nb_0509", "name": "tbl_5_1", "description": null, "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "a6ccc0ca-3499-41e7-a750-2b3ec6221eb1", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_1.name_5_1@nb_0509", "name": "name_5_1", "description": null, "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_storagedesc", "guid": "ece682ff-d5c9-4c0d-9998-cdf84ddeba19", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_1@nb_0509_storage", "location": "hdfs://nb-atl-0509-1.openstacklocal:8020/warehouse/tablespace/managed/hive/db_5_1.db/tbl_5_1", "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "d6276e18-d342-4905-a36d-4e46e6e42ca7", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_1.id_5_1@nb_0509", "name": "id_5_1", "description": null, "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_db", "guid": "529ffa3e-9d5e-4ee7-9416-e5876bf86256", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1@nb_0509", "name": "db_5_1", "clusterName": "nb_0509", "description": null, "location": "hdfs://nb-atl-0509-1.openstacklocal:8020/warehouse/tablespace/managed/hive/db_5_1.db", "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_table", "guid": "2e28ae34-576e-4a8b-be48-cf5f925d7b15", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_3@nb_0509", "name": "tbl_5_3", "description": null, "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_storagedesc", "guid": "40552f94-1458-4e62-ad9f-7f929c4ad836", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_3@nb_0509_storage", "location": "hdfs://nb-atl-0509-1.openstacklocal:8020/warehouse/tablespace/managed/hive/db_5_1.db/tbl_5_3", "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "fc861550-0519-45ba-a3c7-78d07a546681", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_3.id_5_3@nb_0509", "name": "id_5_3", "description": null, "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "7426094d-dc3d-4cd0-a0f9-78b233ea2bd5", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_3.name_5_3@nb_0509", "name": "name_5_3", "description": null, "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_table", "guid": "e19e5683-d9ae-436a-af1e-0873582d0f1e", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_2@nb_0509", "name": "tbl_5_2", "description": null, "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "2a620797-c4ff-44c4-9e8f-21ca7cb17517", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_2.name_5_2@nb_0509", "name": "name_5_2", "description": null, "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_storagedesc", "guid": "515495ea-4d65-4889-b664-26632e317ed0", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_2@nb_0509_storage", "location": "hdfs://nb-atl-0509-1.openstacklocal:8020/warehouse/tablespace/managed/hive/db_5_1.db/tbl_5_2", "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
  {"typeName": "hive_column", "guid": "1a565d39-afd4-4725-8798-85b921f399b1", "status": "ACTIVE", "attributes": {"qualifiedName": "db_5_1.tbl_5_2.id_5_2@nb_0509", "name": "id_5_2", "description": null, "replicatedTo": null, "replicatedFrom": null}, "classifications": []},
];

/** a fresh deep copy on every call: transforms mutate entities */
export function replExp1Entities(): AtlasEntity[] {
  return structuredClone(REPL_EXP_1_ENTITIES);
}
