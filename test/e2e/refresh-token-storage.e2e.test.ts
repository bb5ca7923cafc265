import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { login, registerUser } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Refresh tokens are bearer secrets: 256 random bits, stored only as HMAC-SHA-256 under
 * API_KEY_PEPPER, so a database dump or backup yields no usable token (ASVS 7.2.3, 11.4.1;
 * OWASP API2:2023).
 */
describe('refresh token storage', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t.close());

  it('issues 256-bit random refresh tokens and stores only their HMAC under API_KEY_PEPPER', async () => {
    const account = await registerUser(t, 'stored-refresh');
    const { refreshToken } = await login(t, account);
    assert.match(refreshToken, /^rt_[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');

    const rows: Record<string, unknown>[] = await t.app.get(DataSource).query('SELECT * FROM refresh_tokens');
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.equal(row.token_hash, createHmac('sha256', t.config.apiKeyPepper).update(refreshToken).digest('hex'));
    const secret = refreshToken.slice('rt_'.length);
    for (const [column, value] of Object.entries(row)) {
      assert.ok(!String(value).includes(secret), `refresh token stored in plaintext in ${column}`);
    }
  });
});
