export * from './error-codes';
export * from './atlas-error';
export * from './atlas-exception.filter';
export * from './error-response';
export * from './validation';
