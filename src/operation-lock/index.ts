export * from './exclusive-operation.decorator';
export * from './operation-lock.service';
