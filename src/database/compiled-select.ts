import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { poolForStatementNow, runStatement, withPooledClient } from './postgres-pool.js';
import { preparedStatement } from './prepared-statement.js';

/** Stands for a named parameter while TypeORM generates the SQL; each run puts the real value in its place. */
const PLACEHOLDER = '\u0000compiled-select:';

type Slot<P extends string> = { readonly parameter: P } | { readonly constant: unknown };

export interface CompiledSelectOptions<Entity extends ObjectLiteral, P extends string> {
  readonly alias: string;
  /** Properties to read (default: every column). Unread columns are not decrypted. */
  readonly select?: readonly (keyof Entity & string)[];
  /** Names of the `:parameters` the query uses; each run must give all of them. */
  readonly parameters: readonly P[];
  /** Adds the WHERE clauses (and ORDER BY, and any JOIN) with TypeORM's query builder, exactly as a one-off query would. */
  readonly build: (query: SelectQueryBuilder<Entity>) => SelectQueryBuilder<Entity>;
  /**
   * Columns of entities that `build` joins, read in the same query (one round trip where there
   * would be two): hydrated through their driver and transformers like the entity's own, and
   * returned by `oneJoined` under `alias.property`.
   */
  readonly joined?: readonly JoinedColumns[];
}

export interface JoinedColumns {
  readonly alias: string;
  readonly entity: EntityTarget<ObjectLiteral>;
  readonly select: readonly string[];
}

interface SelectedColumn {
  readonly key: string;
  readonly column: ColumnMetadata;
}

function columnOf(metadata: EntityMetadata, property: string): ColumnMetadata {
  const column = metadata.findColumnWithPropertyPath(property);
  if (!column) throw new Error(`${metadata.name} has no column ${property}`);
  return column;
}

/**
 * A SELECT for a hot path (every authenticated request): written with TypeORM's query builder,
 * so it stays portable across SQLite and PostgreSQL and parameterised, but turned into SQL once
 * at start instead of on every request (building and escaping the query cost more than running
 * it); on PostgreSQL it is also a named prepared statement (prepared-statement.ts). Each run
 * executes that SQL with the values bound as parameters (never spliced into the text) and
 * hydrates rows through the driver and the column transformers, as TypeORM would: encrypted
 * columns are decrypted, timestamps and booleans converted. Parameter names map to
 * positions through placeholder values, so repeated or reordered parameters stay correct.
 */
export class CompiledSelect<Entity extends ObjectLiteral, P extends string> {
  private readonly metadata: EntityMetadata;
  private readonly sql: string;
  private readonly statement: () => string;
  private readonly slots: readonly Slot<P>[];
  private readonly columns: readonly SelectedColumn[];
  private readonly joinedColumns: readonly (SelectedColumn & { readonly name: string })[];

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<Entity>,
    options: CompiledSelectOptions<Entity, P>,
  ) {
    this.metadata = dataSource.getMetadata(entity);
    const columns = options.select ? options.select.map((property) => columnOf(this.metadata, property)) : this.metadata.columns;
    this.columns = columns.map((column, index) => ({ key: `c${index}`, column }));
    this.joinedColumns = (options.joined ?? [])
      .flatMap(({ alias, entity: joinedEntity, select }) =>
        select.map((property) => ({
          name: `${alias}.${property}`,
          column: columnOf(dataSource.getMetadata(joinedEntity), property),
        })),
      )
      .map((joined, index) => ({ ...joined, key: `j${index}` }));
    const query = dataSource.getRepository(entity).createQueryBuilder(options.alias);
    this.columns.forEach(({ key, column }, index) => {
      const path = `${options.alias}.${column.propertyPath}`;
      if (index === 0) query.select(path, key);
      else query.addSelect(path, key);
    });
    for (const { name, key } of this.joinedColumns) query.addSelect(name, key);
    options.build(query).setParameters(Object.fromEntries(options.parameters.map((name) => [name, `${PLACEHOLDER}${name}`])));
    const [sql, values] = query.getQueryAndParameters();
    this.sql = sql;
    this.statement = preparedStatement(dataSource, sql);
    this.slots = values.map((value: unknown) =>
      typeof value === 'string' && value.startsWith(PLACEHOLDER)
        ? { parameter: value.slice(PLACEHOLDER.length) as P }
        : { constant: value },
    );
  }

  /** `manager`: a transaction's entity manager, to read inside that transaction. */
  async many(parameters: Readonly<Record<P, unknown>>, manager?: EntityManager): Promise<Entity[]> {
    return (await this.rows(parameters, manager)).map((row) => this.hydrate(row));
  }

  async one(parameters: Readonly<Record<P, unknown>>, manager?: EntityManager): Promise<Entity | null> {
    return (await this.many(parameters, manager))[0] ?? null;
  }

  /** The first row's entity and its joined columns (`options.joined`), keyed `alias.property`. */
  async oneJoined(
    parameters: Readonly<Record<P, unknown>>,
    manager?: EntityManager,
  ): Promise<{ entity: Entity; joined: Readonly<Record<string, unknown>> } | null> {
    const row = (await this.rows(parameters, manager))[0];
    if (!row) return null;
    const joined: Record<string, unknown> = {};
    for (const { name, key, column } of this.joinedColumns) {
      joined[name] = this.dataSource.driver.prepareHydratedValue(row[key], column);
    }
    return { entity: this.hydrate(row), joined };
  }

  private async rows(
    parameters: Readonly<Record<P, unknown>>,
    manager: EntityManager | undefined,
  ): Promise<Record<string, unknown>[]> {
    const values = this.slots.map((slot) => ('parameter' in slot ? parameters[slot.parameter] : slot.constant));
    // PostgreSQL outside a transaction: straight to the pool (postgres-pool.ts); otherwise through
    // TypeORM, so a read inside a transaction or a request's unit of work sees its writes.
    const pool = manager ? undefined : poolForStatementNow(this.dataSource);
    return pool
      ? withPooledClient(pool, (client) => runStatement(client, this.statement(), values))
      : ((await (manager ?? this.dataSource).query(this.statement(), values)) as Record<string, unknown>[]);
  }

  /** The generated SQL (tests and docs). */
  get text(): string {
    return this.sql;
  }

  /** An entity from a row this query's SQL returned (read elsewhere, e.g. in a multi-statement round trip). */
  hydrate(row: Record<string, unknown>): Entity {
    const entity = this.metadata.create() as Entity;
    for (const { key, column } of this.columns) {
      column.setEntityValue(entity, this.dataSource.driver.prepareHydratedValue(row[key], column));
    }
    return entity;
  }
}
