import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { principalOf } from '../access/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { clientOf } from '../http/client-context.js';
import { ProblemException } from '../http/problem.exception.js';
import { requestIdOf } from '../http/request-id.middleware.js';
import { requestPath, routeTemplate } from '../http/route-template.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { clientAddress } from '../rate-limit/client-address.js';
import { SecurityEvents, type SecurityEventDetails, type SecurityEventType } from '../security-events/security-events.js';
import { COUNTER_STATE_STORE, type StateStore } from '../shared-state/state-store.js';
import { detectInjection, pathVariants } from './injection-shape.detector.js';

/** Responses that, in numbers, mean probing: authentication (401), authorization (403) and enumeration (404). */
const SUSPICIOUS_STATUSES = new Set([401, 403, 404]);
const LOGIN_PATH = '/api/v1/auth/login';
/** Probes stay answerable: a block must never take a healthy instance out of its load balancer. */
const EXEMPT_PREFIX = '/health/';

/**
 * Intrusion detection and response in the style of OWASP AppSensor (ASVS 16.3, OWASP API2/API4
 * :2023). Detection points, each a security event (persisted, logged, counted):
 * - `suspicious_response_burst`: half of IDS_BLOCK_THRESHOLD suspicious responses from one client
 *   address within IDS_WINDOW_SECONDS (AppSensor ACE/AE: probing, enumeration);
 * - `repeated_login_failures`: LOGIN_MAX_FAILURES failed logins from one address in the window,
 *   whatever the accounts (AE2/AE3: credential stuffing, password spraying; the per-account
 *   lockout is separate);
 * - `injection_attempt`: input shaped like SQL/NoSQL/script/path-traversal in a refused request
 *   (400 validation, or 401/403/404: a scanner probing paths is refused before validation) (CIE, IE);
 * - refresh-token reuse and decryption failures are reported by their own modules.
 * Response: at IDS_BLOCK_THRESHOLD suspicious responses (401, 403, 404, and 400 with
 * injection-shaped input) the address is refused on every route for IDS_BLOCK_SECONDS
 * (`client_blocked`, recorded once per block; refusals are counted in a metric so a flood of
 * refused requests cannot flood the event table). Noisy events are recorded at most once per
 * address and window, for the same reason. Counters and blocks live in the shared store.
 */
@Injectable()
export class IntrusionDetection {
  constructor(
    @Inject(COUNTER_STATE_STORE) private readonly store: StateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: SecurityEvents,
    private readonly metrics: MetricsRegistry,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('IntrusionDetection');
  }

  get enabled(): boolean {
    return this.config.ids.enabled;
  }

  /** A 429 problem when the client address is blocked; never rejects (a failing check lets the request on). */
  async refusal(req: Request): Promise<ProblemException | undefined> {
    // req.path is the parsed path (also for an absolute-form target); routing is case-sensitive and strict.
    if (!this.enabled || req.path.startsWith(EXEMPT_PREFIX)) return undefined;
    try {
      const until = await this.store.get(`ids:block:${clientAddress(req.ip)}`);
      if (until === undefined) return undefined;
      this.metrics.blockedRequests.inc();
      const seconds = Math.max(1, Math.ceil((Number(until) - Date.now()) / 1000));
      return new ProblemException(429, {
        detail: 'This client is temporarily blocked after repeated suspicious requests.',
        headers: { 'Retry-After': String(seconds) },
      });
    } catch (error) {
      this.logger.error({ err: error, requestId: requestIdOf(req) }, 'could not check the client block list');
      return undefined;
    }
  }

  /** Called when a response has finished; never throws. */
  async observe(req: Request, status: number): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.detect(req, status);
    } catch (error) {
      this.logger.error({ err: error, requestId: requestIdOf(req) }, 'intrusion detection failed for a request');
    }
  }

  private async detect(req: Request, status: number): Promise<void> {
    // Every detection point below looks at a 400, 401, 403 or 404: skip the rest at once (the common case).
    if (status !== 400 && !SUSPICIOUS_STATUSES.has(status)) return;
    const address = clientAddress(req.ip);
    const path = requestPath(req);
    const { windowSeconds, blockThreshold, blockSeconds } = this.config.ids;
    const context = { ...clientOf(req), actorId: principalOf(req)?.userId, method: req.method, path };
    let suspicious = SUSPICIOUS_STATUSES.has(status);

    if (status === 400 || suspicious) {
      const finding = detectInjection({ path: pathVariants(path), query: req.query, body: req.body as unknown });
      if (finding) {
        suspicious = true;
        await this.recordOnce('injection_attempt', address, {
          ...context,
          status,
          kinds: finding.kinds.join(','),
          fields: finding.fields.join(','),
        });
      }
    }

    // Keyed on the route the request reached, never on its spelling.
    if (status === 401 && req.method === 'POST' && routeTemplate(req) === LOGIN_PATH) {
      const failures = await this.store.increment(`ids:login-failures:${address}`, windowSeconds);
      if (failures === this.config.login.maxFailures) {
        this.events.record('repeated_login_failures', { ...context, failures, windowSeconds });
      }
    }

    if (!suspicious) return;
    const count = await this.store.increment(`ids:suspicious:${address}`, windowSeconds);
    if (count === Math.ceil(blockThreshold / 2)) {
      this.events.record('suspicious_response_burst', { ...context, status, count, windowSeconds });
    }
    if (count === blockThreshold) {
      await this.store.set(`ids:block:${address}`, String(Date.now() + blockSeconds * 1000), blockSeconds);
      // A fresh count after the block: otherwise the old window could outlive the block and never reach the threshold again.
      await this.store.delete(`ids:suspicious:${address}`);
      this.metrics.clientsBlocked.inc();
      this.events.record('client_blocked', { ...context, status, count, windowSeconds, blockSeconds });
    }
  }

  private async recordOnce(type: SecurityEventType, address: string, details: SecurityEventDetails): Promise<void> {
    const seen = await this.store.increment(`ids:once:${type}:${address}`, this.config.ids.windowSeconds);
    if (seen === 1) this.events.record(type, details);
  }
}
