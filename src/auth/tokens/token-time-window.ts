/**
 * The time rules of our access tokens, in one place because three parts must agree on them: the
 * verifier (jsonwebtoken's clockTolerance and the strategy's checks), the verified-token cache,
 * and how long a revocation is kept (token-revocations.ts).
 */

/** Clock skew tolerated between the instance that signed a token and the one verifying it. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Whether a signed token's iat and exp are ones we could have issued (RFC 8725 §3.10; ASVS 9.2.1):
 * - no longer-lived than JWT_ACCESS_TTL (exp − iat), which alone lets a token "issued" in the
 *   future stay valid for as long as its forger likes: a leaked key or minting bug then yields
 *   tokens that outlive every revocation entry;
 * - not issued later than now, beyond the tolerance;
 * - not expiring later than now + JWT_ACCESS_TTL + tolerance (implied by the two rules above;
 *   kept so that the bound the revocation lifetime relies on is stated where it is enforced).
 */
export function withinIssuanceWindow(
  claims: { readonly iat: number; readonly exp: number },
  accessTtlSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  return (
    claims.exp - claims.iat <= accessTtlSeconds &&
    claims.iat <= nowSeconds + CLOCK_TOLERANCE_SECONDS &&
    claims.exp <= nowSeconds + accessTtlSeconds + CLOCK_TOLERANCE_SECONDS
  );
}

/**
 * How long a revoked session must stay on the revocation list: until no token of the session can
 * verify any more. A token revoked at time t was issued at most `tolerance` later by a signer's
 * clock (iat up to now + tolerance is accepted), so exp ≤ t + TTL + tolerance; the verifier
 * accepts it until exp + tolerance. Plus one second for whole-second claims. An entry kept just
 * JWT_ACCESS_TTL let a logged-out token work again for its last seconds.
 */
export function revocationLifetimeSeconds(accessTtlSeconds: number): number {
  return accessTtlSeconds + 2 * CLOCK_TOLERANCE_SECONDS + 1;
}
