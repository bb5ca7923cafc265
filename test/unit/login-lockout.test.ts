import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LoginLockout } from '../../src/auth/login-lockout.service.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { SecurityEvents } from '../../src/security-events/security-events.js';
import { InMemoryStateStore } from '../../src/shared-state/in-memory-state-store.js';

/**
 * The count-first lockout (src/auth/login-lockout.service.ts), driven attempt by attempt so the
 * interleavings of a parallel burst are exact rather than left to timing.
 */
describe('login lockout, attempt by attempt', () => {
  const store = new InMemoryStateStore();
  after(() => store.onModuleDestroy());
  const recorded: string[] = [];
  const events = { record: (type: string) => recorded.push(type) } as unknown as SecurityEvents;
  const config = { login: { maxFailures: 3, lockoutSeconds: 900 } } as unknown as AppConfig;
  const lockout = new LoginLockout(store, config, events);
  const client = { ip: '127.0.0.1', requestId: 'r' } as never;

  it('a right password beyond the budget is refused, but starts the count over for the next login', async () => {
    // A burst of five right passwords: three admitted ones never finish (the hashing gate answered
    // 503), the two beyond the budget are refused although right.
    const burst = await Promise.all(Array.from({ length: 5 }, () => lockout.begin('right-burst')));
    assert.deepEqual(
      burst.map((attempt) => attempt.admitted),
      [true, true, true, false, false],
    );
    assert.equal(await lockout.succeeded(burst[3]!), false);
    const next = await lockout.begin('right-burst');
    assert.equal(next.admitted, true, 'the next login is admitted');
    assert.equal(await lockout.succeeded(next), true);
  });

  it('locks and records account_locked once, even when the attempt numbered LOGIN_MAX_FAILURES was a right password', async () => {
    const attempts = await Promise.all(Array.from({ length: 5 }, () => lockout.begin('late-lock')));
    // Attempt 3 (the budget) is still verifying when attempts 4 and 5 fail.
    await lockout.failed(attempts[3]!, client);
    await lockout.failed(attempts[4]!, client);
    assert.equal(recorded.filter((type) => type === 'account_locked').length, 1);
    assert.equal(await lockout.succeeded(attempts[2]!), false, 'the lock set meanwhile wins');
  });
});
