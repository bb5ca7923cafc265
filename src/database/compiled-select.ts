import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/** Stands for a named parameter while TypeORM generates the SQL; each run puts the real value in its place. */
const PLACEHOLDER = '\u0000compiled-select:';

type Slot<P extends string> = { readonly parameter: P } | { readonly constant: unknown };

export interface CompiledSelectOptions<Entity extends ObjectLiteral, P extends string> {
  readonly alias: string;
  /** Properties to read (default: every column). Unread columns are not decrypted. */
  readonly select?: readonly (keyof Entity & string)[];
  /** Names of the `:parameters` the query uses; each run must give all of them. */
  readonly parameters: readonly P[];
  /** Adds the WHERE clauses (and ORDER BY) with TypeORM's query builder, exactly as a one-off query would. */
  readonly build: (query: SelectQueryBuilder<Entity>) => SelectQueryBuilder<Entity>;
}

/**
 * A SELECT for a hot path (every authenticated request): written with TypeORM's query builder,
 * so it stays portable across SQLite and PostgreSQL and parameterised, but turned into SQL once
 * at start instead of on every request (building and escaping the query cost more than running
 * it). Each run executes that SQL with the values bound as parameters (never spliced into the
 * text) and hydrates rows through the driver and the column transformers, as TypeORM would:
 * encrypted columns are decrypted, timestamps and booleans converted. Parameter names map to
 * positions through placeholder values, so repeated or reordered parameters stay correct.
 */
export class CompiledSelect<Entity extends ObjectLiteral, P extends string> {
  private readonly metadata: EntityMetadata;
  private readonly sql: string;
  private readonly slots: readonly Slot<P>[];
  private readonly columns: readonly { readonly key: string; readonly column: ColumnMetadata }[];

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<Entity>,
    options: CompiledSelectOptions<Entity, P>,
  ) {
    this.metadata = dataSource.getMetadata(entity);
    const columns = options.select
      ? options.select.map((property) => {
          const column = this.metadata.findColumnWithPropertyPath(property);
          if (!column) throw new Error(`${this.metadata.name} has no column ${property}`);
          return column;
        })
      : this.metadata.columns;
    this.columns = columns.map((column, index) => ({ key: `c${index}`, column }));
    const query = dataSource.getRepository(entity).createQueryBuilder(options.alias);
    this.columns.forEach(({ key, column }, index) => {
      const path = `${options.alias}.${column.propertyPath}`;
      if (index === 0) query.select(path, key);
      else query.addSelect(path, key);
    });
    options.build(query).setParameters(Object.fromEntries(options.parameters.map((name) => [name, `${PLACEHOLDER}${name}`])));
    const [sql, values] = query.getQueryAndParameters();
    this.sql = sql;
    this.slots = values.map((value: unknown) =>
      typeof value === 'string' && value.startsWith(PLACEHOLDER)
        ? { parameter: value.slice(PLACEHOLDER.length) as P }
        : { constant: value },
    );
  }

  /** `manager`: a transaction's entity manager, to read inside that transaction. */
  async many(parameters: Readonly<Record<P, unknown>>, manager?: EntityManager): Promise<Entity[]> {
    const values = this.slots.map((slot) => ('parameter' in slot ? parameters[slot.parameter] : slot.constant));
    const rows = (await (manager ?? this.dataSource).query(this.sql, values)) as Record<string, unknown>[];
    return rows.map((row) => this.hydrate(row));
  }

  async one(parameters: Readonly<Record<P, unknown>>, manager?: EntityManager): Promise<Entity | null> {
    return (await this.many(parameters, manager))[0] ?? null;
  }

  /** The generated SQL (tests and docs). */
  get text(): string {
    return this.sql;
  }

  private hydrate(row: Record<string, unknown>): Entity {
    const entity = this.metadata.create() as Entity;
    for (const { key, column } of this.columns) {
      column.setEntityValue(entity, this.dataSource.driver.prepareHydratedValue(row[key], column));
    }
    return entity;
  }
}
