import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  getOptionsToken,
  getStorageToken,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { principalOf } from '../access/principal.js';
import { ProblemException } from '../http/problem.exception.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { clientAddress } from './client-address.js';
import { credentialFingerprint, principalTracker, trackerFor } from './client-tracker.js';
import { KnownCredentials } from './known-credentials.cache.js';

/**
 * The first global guard (registered before AuthModule's, see rate-limit.module.ts): cheap
 * refusals before any token is verified or any database row is read (OWASP API4:2023,
 * ASVS 2.4.1). Named throttlers come from rate-limit.options.ts. Over the limit → a 429
 * problem with Retry-After in seconds; every passing response carries X-RateLimit-* headers.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @Inject(getOptionsToken()) options: ThrottlerModuleOptions,
    @Inject(getStorageToken()) storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly known: KnownCredentials,
    private readonly metrics: MetricsRegistry,
  ) {
    super(options, storage, reflector);
  }

  /** `default` throttler: the user or API key once seen authenticating, else the client address (client-tracker.ts). */
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as Request;
    const fingerprint = credentialFingerprint(request.headers);
    const tracker = trackerFor(clientAddress(request.ip), fingerprint, (fp) => this.known.trackerOf(fp));
    if (fingerprint !== undefined && tracker.startsWith('ip:')) {
      // Learn the credential's owner once authentication has accepted it (req.user set by then).
      request.res?.once('finish', () => {
        const principal = principalOf(request);
        if (principal) this.known.remember(fingerprint, principalTracker(principal));
      });
    }
    return tracker;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    this.metrics.throttledRequests.inc({ throttler: detail.key.split(':', 1)[0] ?? 'default' });
    throw new ProblemException(429, {
      detail: 'Too many requests; retry after the number of seconds in Retry-After.',
      headers: { 'Retry-After': String(Math.max(1, detail.timeToBlockExpire)) },
    });
  }
}
