import { Module } from '@nestjs/common';
import { TransformsService } from './transforms.service';

@Module({
  providers: [TransformsService],
  exports: [TransformsService],
})
export class TransformsModule {}
