import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config-error.js';
import { parseHttpServerConfig } from '../../src/config/http-server-config.js';

function refused(env: Record<string, string>, variable: string): void {
  assert.throws(
    () => parseHttpServerConfig(env),
    (error: unknown) => error instanceof ConfigError && error.message.includes(variable),
  );
}

describe('HTTP server and shutdown variables', () => {
  it('defaults to bounded timeouts, a connection cap and a 10 s shutdown grace', () => {
    assert.deepEqual(parseHttpServerConfig({}), {
      shutdownGraceMs: 10_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 1024,
    });
  });

  it('refuses malformed, out-of-range and contradictory values, naming the variable', () => {
    refused({ SHUTDOWN_GRACE_MS: '10s' }, 'SHUTDOWN_GRACE_MS');
    refused({ SHUTDOWN_GRACE_MS: '-1' }, 'SHUTDOWN_GRACE_MS');
    refused({ HTTP_HEADERS_TIMEOUT_MS: '0' }, 'HTTP_HEADERS_TIMEOUT_MS');
    refused({ HTTP_REQUEST_TIMEOUT_MS: '1e4' }, 'HTTP_REQUEST_TIMEOUT_MS');
    refused({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '999' }, 'HTTP_KEEP_ALIVE_TIMEOUT_MS');
    refused({ HTTP_MAX_CONNECTIONS: '0' }, 'HTTP_MAX_CONNECTIONS');
    refused({ HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' }, 'HTTP_HEADERS_TIMEOUT_MS');
  });
});
