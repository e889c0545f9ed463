export * from './resolved-types';
export * from './type-names';
export * from './type-system';
