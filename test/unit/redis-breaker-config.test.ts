import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';

/** REDIS_BREAKER_* (docs/configuration.md): documented defaults, and a typo refused at boot by name. */
describe('Redis circuit breaker settings', () => {
  it('defaults to 3 consecutive failures and a probe every second', () => {
    assert.deepEqual(loadConfig({ NODE_ENV: 'test' }).redisCircuit, { failureThreshold: 3, probeIntervalMs: 1000 });
  });

  it('reads both settings', () => {
    const config = loadConfig({ NODE_ENV: 'test', REDIS_BREAKER_FAILURES: '5', REDIS_BREAKER_PROBE_MS: '250' });
    assert.deepEqual(config.redisCircuit, { failureThreshold: 5, probeIntervalMs: 250 });
  });

  for (const [variable, value] of [
    ['REDIS_BREAKER_FAILURES', '0'],
    ['REDIS_BREAKER_FAILURES', 'three'],
    ['REDIS_BREAKER_FAILURES', '1001'],
    ['REDIS_BREAKER_PROBE_MS', '99'],
    ['REDIS_BREAKER_PROBE_MS', '60001'],
    ['REDIS_BREAKER_PROBE_MS', '-1'],
    ['REDIS_BREAKER_PROBE_MS', '1e3'],
  ] as const) {
    it(`refuses ${variable}=${value}, naming the variable`, () => {
      assert.throws(
        () => loadConfig({ NODE_ENV: 'test', [variable]: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.includes(variable),
      );
    });
  }
});
