import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * "No side effect without a recorded event" (docs/audit.md, "Changes and their event commit
 * together"). A state-changing request runs in a unit of work: from its first write on, every
 * query the request issues, through any repository or `dataSource.transaction()`, runs in one
 * database transaction, and the request's audit event is inserted in that same transaction just
 * before it commits. If the event cannot be written, the transaction rolls back: the change is
 * neither kept nor reported as done.
 *
 * Central, so no service changes: the DataSource is patched once at start. `createQueryRunner`,
 * which every TypeORM path (repositories, query builders, `query`, `transaction`) goes through,
 * hands out the unit's query runner while the request's async context carries a unit. The context
 * is an AsyncLocalStorage entered only for state-changing requests.
 *
 * Reads before the first write run outside the transaction (a login hashes a password between its
 * lookup and its first write: no connection or lock is held meanwhile).
 *
 * SQLite has one connection, so an open transaction is everyone's: a write issued by another
 * request would land in it (and vanish if it rolled back). Writes therefore take turns on a
 * "lane": a unit holds it from its first write to its commit; any other transaction holds it from
 * BEGIN to COMMIT; a lone statement issued meanwhile waits for it (a read would otherwise see a
 * change that may still roll back). Statements run at once when the lane is free. PostgreSQL
 * gives each unit its own pooled connection; the audit chain's advisory lock is taken last, just
 * before the commit, so units do not serialise on it for longer than their INSERT and COMMIT.
 */

/** A FIFO mutex over the SQLite connection's write transaction. */
class Lane {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  /** Held or awaited: a statement arriving now must queue behind. */
  get busy(): boolean {
    return this.holders > 0;
  }

  acquire(): Promise<() => void> {
    let release!: () => void;
    this.holders += 1;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail;
    this.tail = ready.then(() => held);
    let released = false;
    return ready.then(() => () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      release();
    });
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** Marks an async context that holds the SQLite lane for a transaction on the shared runner. */
const LANE_HOLDER = Symbol('laneHolder');

const context = new AsyncLocalStorage<UnitOfWork | typeof LANE_HOLDER>();

interface Support {
  readonly dataSource: DataSource;
  readonly sqlite: boolean;
  readonly lane: Lane;
  readonly createQueryRunner: (mode?: 'master' | 'slave') => QueryRunner;
}

const supports = new WeakMap<DataSource, Support>();

/** Statements that only read: everything else (DML, DDL, PRAGMA, a CTE) counts as a write. */
const READ_ONLY = /^\s*SELECT\b/i;

/** BEGIN as the driver spells it: the one statement a unit runs while it is beginning. */
const BEGIN = /^\s*(BEGIN|START TRANSACTION)\b/i;

type RawQuery = (sql: string, parameters?: unknown[], structured?: boolean) => Promise<unknown>;

/**
 * PostgreSQL refused the unit's last step because an earlier statement of the request failed
 * (SQLSTATE 25P02, "current transaction is aborted"): nothing of the request can commit, and the
 * transaction was rolled back. The request's evidence then has to be written on its own.
 */
export class UnitAbortedError extends Error {
  constructor() {
    super('the request transaction was aborted by a failed statement and rolled back');
    this.name = 'UnitAbortedError';
  }
}

const IN_FAILED_TRANSACTION = '25P02';

export class UnitOfWork {
  private runner: QueryRunner | undefined;
  private beginning: Promise<void> | undefined;
  private releaseLane: (() => void) | undefined;
  private finished = false;
  /** Abandoned while its handler may still run: any further query from it fails. */
  private aborted = false;

  constructor(private readonly support: Support) {}

  /** Runs `work` (the request's handler) with this unit as its async context. */
  run<T>(work: () => T): T {
    return context.run(this, work);
  }

  /** True once the request wrote something: its audit event must then commit with it. */
  get began(): boolean {
    return this.beginning !== undefined && !this.finished;
  }

  get active(): boolean {
    return !this.finished;
  }

  belongsTo(support: Support): boolean {
    return this.support === support;
  }

  /**
   * Writes the last step (the audit event) in the transaction and commits. If the step or the
   * commit fails, everything rolls back and the error is rethrown.
   */
  async commitWith(lastStep: (manager: EntityManager) => Promise<void>): Promise<void> {
    const runner = this.runner!;
    try {
      await this.beginning;
      await lastStep(runner.manager);
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
      throw code === IN_FAILED_TRANSACTION ? new UnitAbortedError() : error;
    } finally {
      await this.end();
    }
  }

  get refused(): boolean {
    return this.aborted;
  }

  /**
   * The safety net for a response that ends before the recorder ran (the client went away): rolls
   * back whatever was begun, and makes the handler's further queries fail rather than commit one
   * by one without the part already rolled back.
   */
  async abandon(): Promise<void> {
    if (this.finished) return;
    this.aborted = true;
    if (this.beginning !== undefined) {
      await this.beginning.catch(() => undefined);
      if (this.runner?.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
    }
    await this.end();
  }

  /** Ends a unit that never wrote: nothing to commit, later queries take the ordinary path. */
  close(): void {
    if (this.beginning === undefined) this.finished = true;
  }

  /** The unit's query runner, created on first use; `release()` is deferred to the unit's end. */
  queryRunner(): QueryRunner {
    if (this.runner) return this.runner;
    const { dataSource, sqlite } = this.support;
    // PostgreSQL: a pooled connection of its own. SQLite: a second runner object over the one
    // connection, so its transaction depth is not shared with other writers' transactions.
    const runner = sqlite
      ? new (dataSource.driver.createQueryRunner('master').constructor as new (driver: unknown) => QueryRunner)(dataSource.driver)
      : this.support.createQueryRunner('master');
    Object.assign(runner, { manager: dataSource.createEntityManager(runner) });
    const query = runner.query.bind(runner) as RawQuery;
    const startTransaction = runner.startTransaction.bind(runner);
    Object.assign(runner, {
      query: async (sql: string, parameters?: unknown[], structured?: boolean) => {
        if (this.beginning === undefined) {
          if (READ_ONLY.test(sql)) return this.outside(sql, parameters, structured);
          await this.begin(startTransaction);
        } else if (!(this.starting && BEGIN.test(sql))) {
          await this.beginning;
        }
        return query(sql, parameters, structured);
      },
      startTransaction: async (isolation?: Parameters<QueryRunner['startTransaction']>[0]) => {
        // A service's own `dataSource.transaction()` inside the unit becomes a savepoint in it.
        await (this.beginning ?? this.begin(startTransaction));
        return startTransaction(isolation);
      },
      release: () => Promise.resolve(),
    });
    this.runner = runner;
    return runner;
  }

  private starting = false;

  private begin(startTransaction: QueryRunner['startTransaction']): Promise<void> {
    this.beginning ??= (async () => {
      if (this.support.sqlite) this.releaseLane = await this.support.lane.acquire();
      this.starting = true;
      try {
        await startTransaction();
      } finally {
        this.starting = false;
      }
    })();
    return this.beginning;
  }

  /** A read before the first write: on a pooled connection (PostgreSQL) or the shared runner. */
  private async outside(sql: string, parameters?: unknown[], structured?: boolean): Promise<unknown> {
    const runner = this.support.createQueryRunner('master');
    try {
      return await (runner.query as RawQuery)(sql, parameters, structured);
    } finally {
      await runner.release();
    }
  }

  private async end(): Promise<void> {
    this.finished = true;
    const releaseLane = this.releaseLane;
    this.releaseLane = undefined;
    releaseLane?.();
    // The runner's own release (the instance's is a no-op while the unit lives).
    const runner = this.runner;
    if (!this.support.sqlite && runner) {
      await (Object.getPrototypeOf(runner) as QueryRunner).release.call(runner).catch(() => undefined);
    }
  }
}

/** Patches the DataSource once (at start, after migrations). */
export function installRequestTransactions(dataSource: DataSource): void {
  if (supports.has(dataSource)) return;
  const sqlite = dataSource.options.type === 'better-sqlite3';
  const originalCreate = dataSource.createQueryRunner.bind(dataSource);
  const support: Support = { dataSource, sqlite, lane: new Lane(), createQueryRunner: originalCreate };
  supports.set(dataSource, support);

  dataSource.createQueryRunner = (mode = 'master') => {
    const store = context.getStore();
    if (store instanceof UnitOfWork && store.refused) throw new Error('the request ended; its unit of work was rolled back');
    return store instanceof UnitOfWork && store.active && store.belongsTo(support) ? store.queryRunner() : originalCreate(mode);
  };
  if (!sqlite) return;

  // SQLite: transactions outside a unit hold the lane from BEGIN to COMMIT...
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = ((...args: unknown[]) => {
    const store = context.getStore();
    // Inside a unit it is a savepoint of the unit's transaction; inside a lane holder, of its own.
    if (store === LANE_HOLDER || (store instanceof UnitOfWork && store.active)) return transaction(...args);
    return support.lane.run(() => context.run(LANE_HOLDER, () => transaction(...args)));
  }) as EntityManager['transaction'];
  // ...and a lone statement waits for the lane, so a write never lands in another request's open
  // transaction (to vanish if it rolls back) and a read never sees a change not yet committed.
  const shared = originalCreate('master');
  const query = shared.query.bind(shared) as RawQuery;
  shared.query = ((sql: string, parameters?: unknown[], structured?: boolean) => {
    if (context.getStore() === LANE_HOLDER) return query(sql, parameters, structured);
    // A free lane lets a read through at once (the hot path); a write always queues, since the
    // driver awaits before it executes and a unit could BEGIN in between.
    if (READ_ONLY.test(sql) && !support.lane.busy) return query(sql, parameters, structured);
    return support.lane.run(() => query(sql, parameters, structured));
  }) as QueryRunner['query'];
}

/** A new unit of work for one state-changing request, or none if the DataSource is not patched. */
export function openUnitOfWork(dataSource: DataSource): UnitOfWork | undefined {
  const support = supports.get(dataSource);
  return support ? new UnitOfWork(support) : undefined;
}

/** Runs `work` holding the SQLite lane (no-op elsewhere): for a writer that is not a request. */
export function withWriteLane<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const support = supports.get(dataSource);
  if (!support?.sqlite || context.getStore() === LANE_HOLDER) return work();
  return support.lane.run(() => context.run(LANE_HOLDER, work));
}

/** Runs `work` outside any request's unit of work (the audit writer's batches belong to no request). */
export function outsideRequestTransactions<T>(work: () => T): T {
  return context.exit(work);
}

/**
 * PostgreSQL only: true when a statement issued now would run on a pooled connection of its own
 * anyway (no unit of work in this async context, or one that has not written yet), so a hot path
 * may take a connection from the pool itself instead of through a TypeORM query runner
 * (src/database/postgres-pool.ts). False on SQLite (one shared connection behind the lane) and
 * inside a unit that has begun (its statements must join its transaction) or was abandoned
 * (they must fail).
 */
export function runsOnPooledConnection(dataSource: DataSource): boolean {
  if (dataSource.options.type !== 'postgres') return false;
  const store = context.getStore();
  const support = supports.get(dataSource);
  if (!(store instanceof UnitOfWork) || !support || !store.belongsTo(support)) return true;
  return !store.began && !store.refused;
}
