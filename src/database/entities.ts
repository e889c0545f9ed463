// TypeORM entity classes registered with the DataSource. The schema itself comes only from migrations/
// (never synchronize); list a class here only if a module wants TypeORM's repository API for its table.
export const ENTITIES: Function[] = [];
