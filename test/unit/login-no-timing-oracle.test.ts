import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import argon2 from 'argon2';
import { AuthService } from '../../src/auth/auth.service.js';
import type { EmailVerificationService } from '../../src/auth/recovery/email-verification.service.js';
import { LoginLockout } from '../../src/auth/login-lockout.service.js';
import { PasswordHasher } from '../../src/auth/passwords/password-hasher.service.js';
import type { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import type { AccessTokenService } from '../../src/auth/tokens/access-token.service.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { BlindIndexService } from '../../src/crypto/blind-index.service.js';
import { ProblemException } from '../../src/http/problem.exception.js';
import type { SecurityEventDetails, SecurityEventType } from '../../src/security-events/security-events.js';
import { InMemoryStateStore } from '../../src/shared-state/in-memory-state-store.js';
import type { User } from '../../src/users/user.entity.js';
import type { UsersService } from '../../src/users/users.service.js';

/**
 * "No timing oracle" without a timed test (docs/http-contract.md#auth; OWASP API2:2023; ASVS 6.3.8 and the OWASP
 * Authentication Cheat Sheet): every failed login costs exactly one argon2 verification, whether
 * the email is unknown, the password wrong, or the account locked or disabled, and every failure
 * is the same exception. Equal work and equal answers leave nothing to measure. AuthService is
 * built directly: the lockout, blind index and state store are real; the rest are small fakes.
 */
const MAX_FAILURES = 3;
const collaborator = <T>(fake: Partial<T>): T => fake as T;

/** Stands in for argon2: counts real verifications and dummy ones, the only expensive steps of a login. */
class CountingHasher {
  verifications = 0;
  dummyVerifications = 0;
  async hash(password: string): Promise<string> {
    return `hash:${password}`;
  }
  async verify(hash: string, password: string): Promise<boolean> {
    this.verifications++;
    return hash === `hash:${password}`;
  }
  async verifyDummy(): Promise<void> {
    this.dummyVerifications++;
  }
  needsRehash(): boolean {
    return false;
  }
}

function account(email: string, password: string, disabled = false): User {
  const now = new Date();
  return {
    id: randomBytes(8).toString('hex'),
    email,
    emailHash: '',
    displayName: 'Someone',
    role: 'user',
    disabled,
    passwordHash: `hash:${password}`,
    tokenVersion: 0,
    emailVerifiedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

describe('login has no timing or response oracle', () => {
  const password = 'quiet otters juggle amber lanterns';
  const users = new Map<string, User>();
  let hasher: CountingHasher;
  let sessionsStarted: number;
  let events: { type: SecurityEventType; details: SecurityEventDetails }[];
  let store: InMemoryStateStore;
  let auth: AuthService;

  beforeEach(() => {
    for (const user of [account('alice@example.com', password), account('off@example.com', password, true)]) {
      users.set(user.email, user);
    }
    hasher = new CountingHasher();
    sessionsStarted = 0;
    events = [];
    store = new InMemoryStateStore();
    const config = collaborator<AppConfig>({ login: { maxFailures: MAX_FAILURES, lockoutSeconds: 60 } });
    auth = new AuthService(
      collaborator<UsersService>({ findByEmail: async (email) => users.get(email.trim().toLowerCase()) ?? null }),
      collaborator<PasswordHasher>(hasher),
      collaborator<SessionsService>({
        start: async () => {
          sessionsStarted++;
          return { sessionId: 'session', refreshToken: 'rt_refresh' };
        },
      }),
      collaborator<AccessTokenService>({ issue: () => ({ token: 'access', jti: 'jti' }), ttlSeconds: 900 }),
      new LoginLockout(store, config, { record: (type, details) => events.push({ type, details }) }),
      new BlindIndexService(randomBytes(32)),
      collaborator<EmailVerificationService>({ assertMayLogIn: () => undefined }),
    );
  });
  afterEach(() => store.onModuleDestroy());

  /** Runs one login and returns the argon2 work it did and the exception it threw, if any. */
  async function attempt(email: string, candidate: string) {
    hasher.verifications = 0;
    hasher.dummyVerifications = 0;
    const refusal = await auth.login(email, candidate, { ip: '127.0.0.1', requestId: 'test-request' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    return { work: { verify: hasher.verifications, dummy: hasher.dummyVerifications }, refusal };
  }

  async function lock(email: string): Promise<void> {
    for (let i = 0; i < MAX_FAILURES; i++) await attempt(email, 'not the password at all');
  }

  it('runs exactly one argon2 verification for an unknown email (the dummy), as for every known account', async () => {
    assert.deepEqual((await attempt('nobody@example.com', password)).work, { verify: 0, dummy: 1 }, 'unknown email');
    assert.deepEqual((await attempt('alice@example.com', 'wrong password here')).work, { verify: 1, dummy: 0 }, 'wrong');
    assert.deepEqual((await attempt('off@example.com', password)).work, { verify: 1, dummy: 0 }, 'disabled');
    assert.deepEqual((await attempt('alice@example.com', password)).work, { verify: 1, dummy: 0 }, 'success');
    await lock('alice@example.com');
    assert.deepEqual((await attempt('alice@example.com', password)).work, { verify: 1, dummy: 0 }, 'locked');
    await lock('nobody@example.com');
    assert.deepEqual((await attempt('nobody@example.com', password)).work, { verify: 0, dummy: 1 }, 'locked unknown email');
  });

  it('refuses wrong password, unknown email, locked and disabled accounts with the same ProblemException', async () => {
    const refusals = new Map<string, unknown>([
      ['wrong password', (await attempt('alice@example.com', 'wrong password here')).refusal],
      ['unknown email', (await attempt('nobody@example.com', password)).refusal],
      ['disabled account', (await attempt('off@example.com', password)).refusal],
    ]);
    await lock('alice@example.com');
    refusals.set('locked account, right password', (await attempt('alice@example.com', password)).refusal);

    const shapes = [...refusals].map(([why, refusal]) => {
      assert.ok(refusal instanceof ProblemException, `${why} threw a ProblemException`);
      return { status: refusal.getStatus(), message: refusal.message, problem: refusal.problem };
    });
    assert.equal(shapes[0]!.status, 401);
    assert.equal(shapes[0]!.problem.detail, 'Invalid credentials.');
    assert.match(shapes[0]!.problem.headers?.['WWW-Authenticate'] ?? '', /^Bearer /);
    for (const [index, shape] of shapes.entries()) assert.deepEqual(shape, shapes[0], [...refusals.keys()][index]);
    assert.equal(sessionsStarted, 0, 'no refused login starts a session');
  });

  it('records one account_locked security event when a lock starts, without the email', async () => {
    await lock('alice@example.com');
    assert.deepEqual(events, [
      {
        type: 'account_locked',
        details: { ip: '127.0.0.1', requestId: 'test-request', failures: MAX_FAILURES, lockoutSeconds: 60 },
      },
    ]);
    assert.doesNotMatch(JSON.stringify(events), /alice/);
  });

  it('still logs in with the right password when nothing is wrong (control)', async () => {
    const { refusal } = await attempt('Alice@Example.com', password);
    assert.equal(refusal, undefined);
    assert.equal(sessionsStarted, 1);
  });
});

describe('the dummy verification costs what a real one does', () => {
  afterEach(() => mock.restoreAll());

  it('verifyDummy is one real argon2id verification against a hash of the configured cost, made at boot', async () => {
    const hasher = new PasswordHasher(
      collaborator<AppConfig>({ argon2: { memoryKib: 19_456, timeCost: 2, parallelism: 1, maxConcurrent: 0 } }),
    );
    const real = await hasher.hash('quiet otters juggle amber lanterns');
    await hasher.onModuleInit();
    const hash = mock.method(argon2, 'hash');
    const verify = mock.method(argon2, 'verify');
    await hasher.verifyDummy('an unknown account password');
    assert.equal(hash.mock.callCount(), 0, 'even the first unknown email does no extra hashing');
    assert.equal(verify.mock.callCount(), 1);
    const [dummyHash] = verify.mock.calls[0]!.arguments;
    const parameters = (stored: string) => stored.split('$').slice(1, 4).join('$');
    assert.equal(parameters(dummyHash), parameters(real), 'same algorithm, version and m/t/p as stored hashes');
    assert.match(dummyHash, /^\$argon2id\$/);
  });
});
