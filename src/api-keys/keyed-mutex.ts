/**
 * Runs tasks one at a time per key, in arrival order, within this process. Why: on SQLite,
 * TypeORM shares one connection among concurrent transactions, so a "count, then insert" made of
 * two statements is not isolated from another request's; PostgreSQL adds a row lock on top for
 * several instances. Entries are removed when their queue empties, so the map stays small.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await previous;
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
