import { Module } from '@nestjs/common';
import { HdfsPathService } from './hdfs-path.service';

/** hdfs_path specifics of export (ARCHITECTURE "hdfs-export/", spec 4). */
@Module({
  providers: [HdfsPathService],
  exports: [HdfsPathService],
})
export class HdfsExportModule {}
