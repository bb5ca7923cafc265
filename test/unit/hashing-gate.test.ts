import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { hashingConcurrency } from '../../src/auth/passwords/password-hasher.service.js';
import { HashingBusyError, HashingGate } from '../../src/auth/passwords/hashing-gate.js';

/** A task the test finishes by hand, so nothing depends on how long anything takes. */
function deferred(): { promise: Promise<string>; finish: (value: string) => void } {
  let finish!: (value: string) => void;
  const promise = new Promise<string>((resolve) => (finish = resolve));
  return { promise, finish };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The bound on password hashing (src/auth/passwords/hashing-gate.ts): a login flood must never
 * build an unbounded queue of argon2 work (OWASP API4:2023). Deterministic: tasks are finished
 * by hand and the waiting deadline runs on mocked timers.
 */
describe('password hashing gate', () => {
  it('runs at most `concurrency` tasks at once and admits waiters in arrival order', async () => {
    const gate = new HashingGate({ concurrency: 2, maxWaiting: 10, maxWaitMs: 60_000 });
    const tasks = Array.from({ length: 4 }, () => deferred());
    const started: number[] = [];
    const results = tasks.map((task, index) =>
      gate.run(() => {
        started.push(index);
        return task.promise;
      }),
    );
    await settle();
    assert.deepEqual(started, [0, 1]);
    assert.equal(gate.active, 2);
    assert.equal(gate.queued, 2);
    tasks[1]!.finish('b');
    await settle();
    assert.deepEqual(started, [0, 1, 2], 'a finished task hands its slot to the first waiter');
    tasks[0]!.finish('a');
    tasks[2]!.finish('c');
    tasks[3]!.finish('d');
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c', 'd']);
    assert.equal(gate.active, 0);
    assert.equal(gate.queued, 0);
  });

  it('refuses at once with a 503 when the queue is full, and frees the slot of a failed task', async () => {
    const gate = new HashingGate({ concurrency: 1, maxWaiting: 1, maxWaitMs: 60_000 });
    const first = deferred();
    const running = gate.run(() => first.promise);
    const waiting = gate.run(async () => 'second');
    await assert.rejects(
      gate.run(async () => 'third'),
      (error: unknown) =>
        error instanceof HashingBusyError && error.getStatus() === 503 && error.problem.headers?.['Retry-After'] === '1',
    );
    first.finish('first');
    assert.equal(await running, 'first');
    assert.equal(await waiting, 'second');

    await assert.rejects(
      gate.run(() => Promise.reject(new Error('hash failed'))),
      /hash failed/,
    );
    assert.equal(gate.active, 0, 'a task that throws releases its slot');
    assert.equal(await gate.run(async () => 'after'), 'after');
  });

  it('refuses a waiter that is not admitted before its deadline', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const gate = new HashingGate({ concurrency: 1, maxWaiting: 5, maxWaitMs: 1000 });
      const first = deferred();
      const running = gate.run(() => first.promise);
      const waiting = gate.run(async () => 'late');
      mock.timers.tick(1000);
      await assert.rejects(waiting, HashingBusyError);
      assert.equal(gate.queued, 0);
      first.finish('done');
      assert.equal(await running, 'done');
      assert.equal(gate.active, 0);
    } finally {
      mock.timers.reset();
    }
  });

  it('keeps one core for the event loop, hashes on at least one, and on at most 4 (the libuv pool)', () => {
    assert.equal(hashingConcurrency(1), 1);
    assert.equal(hashingConcurrency(2), 1);
    assert.equal(hashingConcurrency(4), 3);
    assert.equal(hashingConcurrency(32), 4);
  });
});
