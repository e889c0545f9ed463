export * from './typedefs';
export * from './entity';
export * from './export-import';
