import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { credentialSchemeOf } from '../access/credential-authenticator.js';
import { routeTemplate } from '../http/route-template.js';
import type { MetricsRegistry } from './metrics.registry.js';

const LOGIN_PATH = '/api/v1/auth/login';
const REFRESH_PATH = '/api/v1/auth/refresh';

/**
 * Which authentication was refused: a spike of one kind points at one attack (credential stuffing,
 * token theft). Keyed on the matched route template, so every spelling that reaches the login route counts.
 */
function authFailureKind(req: Request): string {
  const route = routeTemplate(req);
  if (route === LOGIN_PATH) return 'login';
  if (route === REFRESH_PATH) return 'refresh';
  // The scheme of the authenticator that refused it (`bearer`, `api_key`, `oidc_bearer`); none claimed the request: missing.
  return credentialSchemeOf(req) ?? 'missing';
}

/**
 * Request count and latency by method, route template and status, for every response including
 * refusals (ASVS 16.1 / OWASP API4:2023: resource use must be observable), plus refused
 * authentications by kind. Recorded when the response finishes, off the request's critical path.
 */
export function httpMetricsMiddleware(metrics: MetricsRegistry): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeTemplate(req), status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      if (res.statusCode === 401) metrics.authFailures.inc({ kind: authFailureKind(req) });
    });
    next();
  };
}
