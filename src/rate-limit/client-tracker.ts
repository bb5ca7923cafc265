import { createHash } from 'node:crypto';
import type { Principal } from '../access/principal.js';

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A fingerprint (SHA-256) of the credential a request presents, or undefined when it presents
 * none. Only a fingerprint is kept in memory, never the credential itself.
 */
export function credentialFingerprint(headers: Headers): string | undefined {
  const authorization = headers['authorization'];
  const apiKey = headers['x-api-key'];
  if (authorization === undefined && apiKey === undefined) return undefined;
  const flat = (value: string | readonly string[] | undefined) => (Array.isArray(value) ? value.join(',') : (value ?? ''));
  return createHash('sha256')
    .update(`${flat(authorization)}\n${flat(apiKey)}`)
    .digest('hex');
}

/** The tracker of an authenticated caller: one bucket per user (all their sessions, local or provider), one per API key or provider client. */
export function principalTracker(principal: Principal): string {
  if (principal.kind === 'apiKey') return `key:${principal.keyId}`;
  if (principal.kind === 'client') return `client:${principal.userId}`;
  return `user:${principal.userId}`;
}

/**
 * Whom the `default` rate limit counts a request against. The throttle guard runs before
 * authentication, so it cannot trust what a credential claims: an unverified JWT `sub` or API-key
 * public id would let an attacker mint a fresh bucket per request (evading the limit) or spend a
 * victim's bucket (denying them service). So a credential counts as its user or key only once
 * this instance has seen it authenticate (its fingerprint is in `known`); until then, and for
 * forged or anonymous requests, the request counts against the client address.
 */
export function trackerFor(
  address: string,
  fingerprint: string | undefined,
  known: (fingerprint: string) => string | undefined,
): string {
  const principal = fingerprint === undefined ? undefined : known(fingerprint);
  return principal ?? `ip:${address}`;
}
