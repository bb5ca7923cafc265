import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Response } from 'express';
import type { PasswordHasher } from '../../src/auth/passwords/password-hasher.service.js';
import type { OneTimeTokens } from '../../src/auth/recovery/one-time-tokens.js';
import { PasswordResetService } from '../../src/auth/recovery/password-reset.service.js';
import type { SecurityChanges } from '../../src/auth/sessions/security-change.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { BlindIndexService } from '../../src/crypto/blind-index.service.js';
import type { ComposeMail, MailQueue } from '../../src/mail/mail-queue.js';
import { MailRequestThrottle } from '../../src/rate-limit/mail-request-throttle.js';
import type { SecurityEvents } from '../../src/security-events/security-events.js';
import { InMemoryStateStore } from '../../src/shared-state/in-memory-state-store.js';
import type { User } from '../../src/users/user.entity.js';
import type { UsersService } from '../../src/users/users.service.js';

const collaborator = <T>(fake: Partial<T>): T => fake as T;

/**
 * "No oracle" for the reset request, by construction (docs/account-lifecycle.md): before the
 * answer, a known and an unknown email do exactly the same work (two throttle counters, one
 * queued job) and nothing that depends on the account (no lookup, no token); the lookup and the
 * token happen in the job, after the response. The e2e suite measures the time on top.
 */
describe('password reset request has no oracle before the answer', () => {
  const alice = { id: 'u-1', email: 'alice@example.com', disabled: false, emailVerifiedAt: null } as unknown as User;
  let work: { lookups: number; tokens: number; jobs: ComposeMail[] };
  let store: InMemoryStateStore;
  let service: PasswordResetService;

  beforeEach(() => {
    work = { lookups: 0, tokens: 0, jobs: [] };
    store = new InMemoryStateStore();
    const config = collaborator<AppConfig>({
      mail: {
        passwordResetEnabled: true,
        publicBaseUrl: 'https://app.example.test',
        throttle: { addressLimit: 100, accountLimit: 100, windowSeconds: 60 },
      } as AppConfig['mail'],
    });
    service = new PasswordResetService(
      config,
      collaborator<UsersService>({
        findByEmail: async (email) => {
          work.lookups++;
          return email === alice.email ? alice : null;
        },
      }),
      new BlindIndexService(randomBytes(32)),
      collaborator<OneTimeTokens>({
        issue: async () => {
          work.tokens++;
          return 'token-value';
        },
      }),
      collaborator<PasswordHasher>({}),
      collaborator<SecurityChanges>({}),
      collaborator<MailQueue>({ enqueueAfterResponse: (_res, _kind, compose) => void work.jobs.push(compose) }),
      new MailRequestThrottle(store, config),
      collaborator<SecurityEvents>({ record: () => undefined }),
    );
  });
  afterEach(() => store.onModuleDestroy());

  async function requestFor(email: string) {
    work = { lookups: 0, tokens: 0, jobs: [] };
    const outcome = await service.request(email, { ip: '127.0.0.1', requestId: 'r' }, {} as Response).then(
      () => 'answered',
      (error: unknown) => error,
    );
    return { outcome, lookups: work.lookups, tokens: work.tokens, jobs: work.jobs.length, job: work.jobs[0]! };
  }

  it('does the same work for a known and an unknown email before answering: no lookup, no token, one job', async () => {
    const known = await requestFor(alice.email);
    const unknown = await requestFor('nobody@example.com');
    assert.deepEqual({ ...known, job: undefined }, { outcome: 'answered', lookups: 0, tokens: 0, jobs: 1, job: undefined });
    assert.deepEqual({ ...unknown, job: undefined }, { ...known, job: undefined });

    // After the answer, the jobs differ: that is where the account is looked up.
    const message = await known.job();
    assert.equal(message?.to, alice.email);
    assert.ok(message?.text.includes('https://app.example.test/reset-password#token=token-value'));
    assert.equal(await unknown.job(), null);
  });
});
