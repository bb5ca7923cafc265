/** A TypeORM entity class. */
export type EntityClass = new (...args: never[]) => object;
