/** A TypeORM entity class. */
export type EntityClass = new (...args: never[]) => object;

/**
 * Every entity of the application, in one list: the DataSource, the migration-drift test and
 * `cli reencrypt` all read it, so a new entity is registered once. Feature issues append here.
 */
export const ENTITIES: EntityClass[] = [];
