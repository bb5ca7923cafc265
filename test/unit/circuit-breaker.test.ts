import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CircuitBreaker, type ProbeScheduler } from '../../src/shared-state/circuit-breaker.js';

/** Probes run when the test says so: no timers, no timed assertions. */
class ManualScheduler {
  readonly pending: { callback: () => void; delayMs: number }[] = [];
  readonly schedule: ProbeScheduler = (callback, delayMs) => {
    const entry = { callback, delayMs };
    this.pending.push(entry);
    return () => {
      const index = this.pending.indexOf(entry);
      if (index >= 0) this.pending.splice(index, 1);
    };
  };

  /** Fires every due probe and lets its promise chain settle. */
  async fire(): Promise<void> {
    const due = this.pending.splice(0);
    for (const entry of due) entry.callback();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

function harness(failureThreshold = 3) {
  const scheduler = new ManualScheduler();
  const redis = { answers: false, probes: 0 };
  const changes: boolean[] = [];
  const breaker = new CircuitBreaker(
    { failureThreshold, probeIntervalMs: 1000 },
    async () => {
      redis.probes += 1;
      if (!redis.answers) throw new Error('Command timed out');
    },
    scheduler.schedule,
  );
  breaker.onChange(({ degraded }) => changes.push(degraded));
  return { breaker, scheduler, redis, changes };
}

/**
 * The breaker in front of Redis (docs/operations.md, "When Redis is unreachable"): a few
 * consecutive failures open it, then every command is refused at once; only a background probe
 * that Redis answers closes it; each transition is reported once.
 */
describe('Redis circuit breaker', () => {
  it('opens after the configured number of consecutive failures, and then refuses at once', () => {
    const { breaker, changes } = harness(3);
    breaker.recordFailure('timeout');
    breaker.recordFailure('timeout');
    assert.equal(breaker.allows(), true, 'two failures are not enough');
    breaker.recordFailure('timeout');
    assert.equal(breaker.allows(), false);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.degraded, true);
    assert.deepEqual(changes, [true]);
  });

  it('counts consecutive failures only: an answer in between starts the count again', () => {
    const { breaker } = harness(3);
    breaker.recordFailure('timeout');
    breaker.recordFailure('timeout');
    breaker.recordSuccess();
    breaker.recordFailure('timeout');
    breaker.recordFailure('timeout');
    assert.equal(breaker.state, 'closed');
  });

  it('opens at once when the connection is known lost', () => {
    const { breaker, changes } = harness(3);
    breaker.trip('connection closed');
    assert.equal(breaker.state, 'open');
    assert.deepEqual(changes, [true]);
  });

  it('probes in the background while open and closes only when a probe gets an answer', async () => {
    const { breaker, scheduler, redis, changes } = harness(1);
    breaker.recordFailure('timeout');
    assert.equal(scheduler.pending.length, 1, 'one probe scheduled');
    assert.equal(scheduler.pending[0]!.delayMs, 1000);
    breaker.recordSuccess();
    assert.equal(breaker.state, 'open', 'a straggling command that succeeds does not close it');
    await scheduler.fire();
    assert.equal(redis.probes, 1);
    assert.equal(breaker.state, 'open', 'the probe failed');
    assert.equal(scheduler.pending.length, 1, 'the next probe is scheduled');
    redis.answers = true;
    await scheduler.fire();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.allows(), true);
    assert.equal(scheduler.pending.length, 0, 'no probing while closed');
    assert.deepEqual(changes, [true, false], 'one report per transition');
  });

  it('is half-open while a probe runs, and still refuses commands then', async () => {
    const scheduler = new ManualScheduler();
    let answer: () => void = () => undefined;
    const breaker = new CircuitBreaker(
      { failureThreshold: 1, probeIntervalMs: 500 },
      () => new Promise<void>((resolve) => (answer = resolve)),
      scheduler.schedule,
    );
    breaker.recordFailure('timeout');
    await scheduler.fire();
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.allows(), false);
    answer();
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(breaker.state, 'closed');
  });

  it('probes at once when the client reconnects, instead of waiting for the interval', async () => {
    const { breaker, scheduler, redis } = harness(1);
    breaker.trip('connection closed');
    breaker.probeSoon();
    assert.equal(scheduler.pending.length, 1, 'the interval probe is replaced, not doubled');
    assert.equal(scheduler.pending[0]!.delayMs, 0);
    redis.answers = true;
    await scheduler.fire();
    assert.equal(breaker.state, 'closed');
  });

  it('stops probing and ignores its own disconnect after stop()', async () => {
    const { breaker, scheduler, changes } = harness(1);
    breaker.stop();
    breaker.trip('connection closed');
    breaker.recordFailure('timeout');
    assert.equal(breaker.state, 'closed');
    assert.equal(scheduler.pending.length, 0);
    assert.deepEqual(changes, []);
  });

  it('for any sequence of events, refuses exactly when degraded and reports alternating transitions', async () => {
    const event = fc.constantFrom('failure', 'success', 'trip', 'probe-ok', 'probe-fail', 'reconnect');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(event, { maxLength: 60 }), async (threshold, events) => {
        const { breaker, scheduler, redis, changes } = harness(threshold);
        let consecutive = 0;
        for (const e of events) {
          const before = breaker.state;
          if (e === 'failure') {
            breaker.recordFailure('timeout');
            consecutive = before === 'closed' ? consecutive + 1 : 0;
            if (before === 'closed' && consecutive >= threshold) consecutive = 0;
          } else if (e === 'success') {
            breaker.recordSuccess();
            if (before === 'closed') consecutive = 0;
          } else if (e === 'trip') {
            breaker.trip('connection closed');
            if (before === 'closed') consecutive = 0;
          } else if (e === 'reconnect') {
            breaker.probeSoon();
          } else {
            redis.answers = e === 'probe-ok';
            await scheduler.fire();
            if (before === 'open' && redis.answers) consecutive = 0;
          }
          // Refuses exactly while degraded; probes are pending exactly while open.
          assert.equal(breaker.allows(), !breaker.degraded);
          assert.equal(scheduler.pending.length, breaker.state === 'open' ? 1 : 0);
          // Closed never lasts past threshold consecutive failures.
          if (breaker.state === 'closed') assert.ok(consecutive < threshold);
        }
        // Transitions alternate, starting with "degraded", and end where the breaker is.
        changes.forEach((degraded, i) => assert.equal(degraded, i % 2 === 0));
        assert.equal(changes.at(-1) ?? false, breaker.degraded);
      }),
      { numRuns: 300 },
    );
  });
});
