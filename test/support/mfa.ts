import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { httpFrom } from './http-from.js';
import type { TestApp } from './test-app.js';

/**
 * Second-factor helpers for tests: compute TOTP codes with `otpauth` (as an authenticator app
 * would), enrol through the real routes, and finish logins that answer `mfaRequired`. With
 * MFA_REQUIRED_ROLES at its default (`admin`), every admin a suite logs in is enrolled here, so
 * suites keep the control ON and still get full admin tokens.
 */
export type Send = (
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  token?: string,
) => Promise<{ status: number; body: Record<string, unknown> }>;

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Requests through the app's supertest agent (from 127.0.0.1). */
export function viaSupertest(t: TestApp): Send {
  return async (method, path, body, token) => {
    let req = method === 'GET' ? t.http.get(path) : method === 'POST' ? t.http.post(path) : t.http.delete(path);
    if (token !== undefined) req = req.set('Authorization', `Bearer ${token}`);
    const res = body === undefined ? await req : await req.send(body as object);
    return { status: res.status, body: res.body as Record<string, unknown> };
  };
}

/** Requests from a chosen loopback address (suites where the client address matters). */
export function viaAddress(port: number, from: string): Send {
  return async (method, path, body, token) => {
    const res = await httpFrom(port, {
      method,
      path,
      from,
      body,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: res.body === '' ? {} : res.json() };
  };
}

export const TOTP_PERIOD_MS = 30_000;
const PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;

/** The code an authenticator app shows for `secret` at time step `step`. */
export function totpCode(secret: string, step = currentStep()): string {
  return TOTP.generate({ ...PARAMETERS, secret: Secret.fromBase32(secret), timestamp: step * TOTP_PERIOD_MS });
}

export function currentStep(now = Date.now()): number {
  return Math.floor(now / TOTP_PERIOD_MS);
}

/** What a test knows of an enrolled account: its secret, its unused recovery codes, the last step it spent. */
export interface Enrolment {
  readonly secret: string;
  readonly recoveryCodes: string[];
  lastStep: number;
}

/** By email (lower case): a later login of the same account, in the same process, finds its factor here. */
const enrolments = new Map<string, Enrolment>();

export function enrolmentOf(email: string): Enrolment | undefined {
  return enrolments.get(email.toLowerCase());
}

/**
 * The next proof for an enrolled account: a code of a step the server has not accepted yet (this
 * step, or the next, which its ±1 window accepts), else one of the recovery codes.
 */
/** Whether `nextProof(email)` has a proof left (an unspent step in the window, or a recovery code). */
export function hasProof(email: string): boolean {
  const enrolment = enrolmentOf(email);
  if (enrolment === undefined) return false;
  return Math.max(currentStep(), enrolment.lastStep + 1) <= currentStep() + 1 || enrolment.recoveryCodes.length > 0;
}

export function nextProof(email: string): { code: string } | { recoveryCode: string } {
  const enrolment = enrolmentOf(email);
  assert.ok(enrolment, `no second factor enrolled for ${email} in this process`);
  const step = Math.max(currentStep(), enrolment.lastStep + 1);
  if (step <= currentStep() + 1) {
    enrolment.lastStep = step;
    return { code: totpCode(enrolment.secret, step) };
  }
  const recoveryCode = enrolment.recoveryCodes.shift();
  assert.ok(recoveryCode, `${email}: every code of this step and every recovery code is spent`);
  return { recoveryCode };
}

/**
 * Enrols TOTP for the holder of `tokens` through the real routes (setup, confirm), then refreshes:
 * the session passed the second factor at confirm, so the new access token carries `otp`.
 */
export async function enrolTotp(send: Send, email: string, tokens: TokenPair): Promise<TokenPair & Enrolment> {
  const setup = await send('POST', '/api/v1/auth/mfa/totp/setup', undefined, tokens.accessToken);
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  const secret = setup.body.secret as string;
  const step = currentStep();
  const confirm = await send('POST', '/api/v1/auth/mfa/totp/confirm', { code: totpCode(secret, step) }, tokens.accessToken);
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  const enrolment: Enrolment = { secret, recoveryCodes: [...(confirm.body.recoveryCodes as string[])], lastStep: step };
  enrolments.set(email.toLowerCase(), enrolment);
  const refreshed = await send('POST', '/api/v1/auth/refresh', { refreshToken: tokens.refreshToken });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  return Object.assign(enrolment, {
    accessToken: refreshed.body.accessToken as string,
    refreshToken: refreshed.body.refreshToken as string,
  });
}

/**
 * Turns a 200 login answer into a full token pair: the second step with the next proof when the
 * account has a factor, or enrolment when its role requires one (`requiredRoles`, the server's
 * MFA_REQUIRED_ROLES) and it has none yet.
 */
export async function completeLogin(
  send: Send,
  email: string,
  answer: Record<string, unknown>,
  requiredRoles: readonly string[] = ['admin'],
): Promise<TokenPair> {
  if (answer.mfaRequired === true) {
    const verified = await send('POST', '/api/v1/auth/mfa/verify', { mfaToken: answer.mfaToken, ...nextProof(email) });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    return verified.body as unknown as TokenPair;
  }
  const tokens = answer as unknown as TokenPair;
  if (requiredRoles.length === 0) return tokens;
  const me = await send('GET', '/api/v1/auth/me', undefined, tokens.accessToken);
  if (me.status !== 200 || !requiredRoles.includes(me.body.role as string)) return tokens;
  const enrolled = await enrolTotp(send, email, tokens);
  return { accessToken: enrolled.accessToken, refreshToken: enrolled.refreshToken };
}
