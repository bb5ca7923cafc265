import express, { type Express } from 'express';

/**
 * The Express application Nest runs on, with one spelling per route: matching is case-sensitive
 * and strict about a trailing slash, so `/API/v1/auth/login` and `/api/v1/auth/login/` are 404s
 * and no control keyed on a path (no-store, intrusion detection, metrics, audit) can be bypassed
 * by another spelling of it. Express reads both settings once, when its router is
 * first created, and Nest's adapter creates that router early: they must be set here, on the
 * instance handed to the adapter, not later through `app.set`.
 */
export function createExpressInstance(): Express {
  const instance = express();
  instance.set('case sensitive routing', true);
  instance.set('strict routing', true);
  return instance;
}

/** True when the router really matches one spelling only (checked at start-up by configureApp). */
export function routingIsStrict(instance: Express): boolean {
  const router = instance.router as unknown as { caseSensitive?: boolean; strict?: boolean };
  return router.caseSensitive === true && router.strict === true;
}
