import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { OperationLockInterceptor } from './operation-lock.interceptor';
import { OperationLockService } from './operation-lock.service';

@Global()
@Module({
  providers: [OperationLockService, { provide: APP_INTERCEPTOR, useClass: OperationLockInterceptor }],
  exports: [OperationLockService],
})
export class OperationLockModule {}
