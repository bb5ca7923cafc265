import { ConfigError } from './config-error.js';
import { readInt, type Env } from './env-parsers.js';

/** Limits of the Node HTTP(S) server and the shutdown drain (docs/operations.md "HTTP server limits"). */
export interface HttpServerConfig {
  /** How long a shutdown waits for in-flight requests before closing their connections. */
  readonly shutdownGraceMs: number;
  /** A client must send all request headers within this time (slow-header connections are closed). */
  readonly headersTimeoutMs: number;
  /** A client must send its whole request (headers and body) within this time. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  readonly keepAliveTimeoutMs: number;
  /** Connections held at once; further ones are closed on accept. */
  readonly maxConnections: number;
}

/**
 * Node's defaults hold a connection 60 s for its headers and 300 s for its request, with no cap
 * on connections, so one address opening slow connections holds the server (OWASP API4:2023).
 * The defaults here are short enough to shed such clients and long enough for real ones.
 */
export function parseHttpServerConfig(env: Env): HttpServerConfig {
  const config: HttpServerConfig = {
    // 10 s leaves 20 s of Kubernetes' default 30 s terminationGracePeriodSeconds for the flushes.
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    headersTimeoutMs: readInt(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 1000, 300_000),
    requestTimeoutMs: readInt(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000),
    keepAliveTimeoutMs: readInt(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 1000, 600_000),
    maxConnections: readInt(env, 'HTTP_MAX_CONNECTIONS', 1024, 1, 1_000_000),
  };
  // Node ignores a headers timeout longer than the request timeout; refuse the contradiction.
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS', 'must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  return config;
}
