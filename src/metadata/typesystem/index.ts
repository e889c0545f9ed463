export * from './resolved-types';
export * from './type-names';
export * from './type-system';
export * from './typedef-rules';
export * from './model-files';
export * from './relationship-attribute-defs';
