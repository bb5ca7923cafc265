import type { Server } from 'node:http';
import type { HttpServerConfig } from '../config/http-server-config.js';

/**
 * How often Node checks headersTimeout and requestTimeout. Its default (30 s) lets a slow-header
 * connection outlive its timeout by up to 30 s; once a second costs one walk of the open
 * connections list.
 */
const CONNECTIONS_CHECK_INTERVAL_MS = 1000;

/**
 * Applies the configured timeouts and connection cap to the server Nest created, before it
 * listens (the check interval is read when the server starts listening). A client that trickles
 * its headers is closed after headersTimeout (408), one that trickles its body after
 * requestTimeout, an idle keep-alive connection after keepAliveTimeout; connections beyond
 * maxConnections are closed on accept (OWASP API4:2023, ASVS 5.0 V13.1).
 */
export function applyHttpServerLimits(server: Server, limits: HttpServerConfig): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    CONNECTIONS_CHECK_INTERVAL_MS,
    limits.headersTimeoutMs,
  );
}
