import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { completeLogin, viaSupertest } from './mfa.js';
import type { TestApp } from './test-app.js';

/** A password that passes the policy and is unique per call. */
export function strongPassword(): string {
  return `correct horse ${randomBytes(6).toString('hex')} staple`;
}

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

export async function registerUser(t: TestApp, prefix = 'user'): Promise<Account> {
  const email = `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
  const password = strongPassword();
  const res = await t.http.post('/api/v1/auth/register').send({ email, password, displayName: `${prefix} tester` });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id as string, email, password };
}

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * A full token pair for the account: the MFA step is completed, and an account whose role requires
 * MFA is enrolled first through the real routes (test/support/mfa.ts).
 */
export async function login(t: TestApp, account: Pick<Account, 'email' | 'password'>): Promise<Tokens> {
  const res = await t.http.post('/api/v1/auth/login').send({ email: account.email, password: account.password });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return completeLogin(viaSupertest(t), account.email, res.body as Record<string, unknown>, t.config.mfa.requiredRoles);
}

export function bearer(token: string): [string, string] {
  return ['Authorization', `Bearer ${token}`];
}
