import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { WalCheckpointer, type CheckpointResult } from '../../src/database/wal-checkpointer.js';

const autocheckpoint = async (dataSource: DataSource) =>
  ((await dataSource.query('PRAGMA wal_autocheckpoint')) as { wal_autocheckpoint: number }[])[0]!.wal_autocheckpoint;

/**
 * SQLite checkpoints run in a worker thread, not inside a commit on the event loop
 * (src/database/wal-checkpointer.ts): the app's connection stops checkpointing by itself, the
 * worker copies committed frames into the database file, and once the worker is gone the app's
 * connection checkpoints by itself again, so the WAL never grows without bound. Waits are for
 * events; nothing here measures time.
 */
describe('WAL checkpointer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
  const file = join(dir, 'app.sqlite');
  const dataSource = new DataSource({ type: 'better-sqlite3', database: file, enableWAL: true, logging: false });

  before(async () => {
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE rows (id integer PRIMARY KEY, value text NOT NULL)');
  });
  after(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checkpoints committed writes from its own thread while the app connection does not', async () => {
    const checkpointer = new WalCheckpointer(dataSource, file, 20);
    await checkpointer.onApplicationBootstrap();
    try {
      assert.equal(checkpointer.running, true);
      assert.equal(await autocheckpoint(dataSource), 0, 'the app connection no longer checkpoints inside commits');
      for (let i = 0; i < 50; i++) await dataSource.query('INSERT INTO rows (value) VALUES (?)', ['x'.repeat(500)]);
      // The worker is unref'd (it never holds a process open): keep this test's loop alive meanwhile.
      const keepAlive = setInterval(() => undefined, 1000);
      const done = await new Promise<CheckpointResult>((resolve) => {
        const stop = checkpointer.onCheckpoint((result) => {
          if (result.log > 0 && result.checkpointed === result.log) {
            stop();
            resolve(result);
          }
        });
      }).finally(() => clearInterval(keepAlive));
      assert.ok(done.log > 0);
      const [{ count }] = (await dataSource.query('SELECT count(*) AS count FROM rows')) as { count: number }[];
      assert.equal(count, 50, 'nothing written is lost or hidden by the checkpoints');
    } finally {
      await checkpointer.onApplicationShutdown();
    }
    assert.equal(checkpointer.running, false);
  });

  it('hands checkpointing back to the app connection when it stops', async () => {
    const checkpointer = new WalCheckpointer(dataSource, file, 20);
    await checkpointer.onApplicationBootstrap();
    await checkpointer.onApplicationShutdown();
    // The worker's exit handler restores the setting; wait for it without timing anything.
    while ((await autocheckpoint(dataSource)) === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await autocheckpoint(dataSource), 1000);
  });

  it('does nothing for PostgreSQL (no file)', async () => {
    const checkpointer = new WalCheckpointer(dataSource, undefined);
    await checkpointer.onApplicationBootstrap();
    assert.equal(checkpointer.running, false);
    await checkpointer.onApplicationShutdown();
  });
});
