export * from './error-codes';
export * from './atlas-error';
