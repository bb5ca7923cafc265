import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { buildPinoOptions } from '../../src/logging/pino-options.js';

describe('log redaction', () => {
  it('removes credentials from headers and secret-named fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const options = buildPinoOptions('info');
    const logger = pino({ level: 'info', redact: options.redact }, sink);
    logger.info({
      req: {
        headers: {
          authorization: 'Bearer eyJhbGciOi.secret',
          cookie: 'sid=abc',
          'x-api-key': 'sk_live_1_secret',
          dpop: 'eyJ0eXAi.dpop-proof',
        },
      },
      body: { password: 'hunter2hunter2hunter2', refreshToken: 'rt-secret', email: 'a@example.com' },
      token: 'top-level-token',
    });
    const line = lines.join('');
    for (const secret of [
      'eyJhbGciOi.secret',
      'sid=abc',
      'sk_live_1_secret',
      'eyJ0eXAi.dpop-proof',
      'hunter2hunter2hunter2',
      'rt-secret',
      'top-level-token',
    ]) {
      assert.ok(!line.includes(secret), `log line leaks ${secret}`);
    }
    assert.ok(line.includes('[Redacted]'));
    assert.ok(line.includes('a@example.com'), 'non-secret fields stay readable');
  });
});
