import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { httpFrom, type RawResponse } from './http-from.js';
import { strongPassword, type Account } from './identity.js';
import { completeLogin, viaAddress } from './mfa.js';
import type { TestApp } from './test-app.js';

/** Helpers for suites where the client address matters (rate limits, intrusion detection). */
export function portOf(t: TestApp): number {
  return (t.app.getHttpServer().address() as AddressInfo).port;
}

export async function registerFrom(port: number, from: string, prefix = 'client'): Promise<Account> {
  const email = `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
  const password = strongPassword();
  const res = await httpFrom(port, {
    method: 'POST',
    path: '/api/v1/auth/register',
    from,
    body: { email, password, displayName: `${prefix} tester` },
  });
  assert.equal(res.status, 201, res.body);
  return { id: res.json<{ id: string }>().id, email, password };
}

export async function loginFrom(port: number, from: string, account: Pick<Account, 'email' | 'password'>): Promise<RawResponse> {
  return httpFrom(port, {
    method: 'POST',
    path: '/api/v1/auth/login',
    from,
    body: { email: account.email, password: account.password },
  });
}

/** A full access token (MFA completed, or enrolled when the role requires it, test/support/mfa.ts). */
/**
 * Logs in from `from` and finishes the login (the second factor, or enrolment when the role needs
 * it). Finding the role costs a `GET /auth/me` with the new token; a caller that knows the account
 * needs no factor passes `requiredRoles = []` so that request does not spend the account's budget.
 */
export async function accessTokenFrom(
  port: number,
  from: string,
  account: Pick<Account, 'email' | 'password'>,
  requiredRoles?: readonly string[],
): Promise<string> {
  const res = await loginFrom(port, from, account);
  assert.equal(res.status, 200, res.body);
  return (await completeLogin(viaAddress(port, from), account.email, res.json(), requiredRoles)).accessToken;
}

/** Sends `count` requests one after the other and returns their statuses. */
export async function burst(count: number, send: (index: number) => Promise<RawResponse>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await send(i)).status);
  return statuses;
}
