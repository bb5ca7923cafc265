/**
 * JWS algorithms a DPoP proof may be signed with (RFC 9449 §4.3 check 5): asymmetric only. `none`
 * would prove nothing, and an HMAC (HS256) key is a shared secret, not a key the client alone
 * holds. Published as `dpop_signing_alg_values_supported` and in the `algs` of every DPoP challenge.
 */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'] as const;

/** The `algs` auth-param of a `WWW-Authenticate: DPoP` challenge (RFC 9449 §7.1). */
export const DPOP_ALGS_PARAM = `algs="${DPOP_ALGORITHMS.join(' ')}"`;

/**
 * Members of a JWK that belong to a private or symmetric key (RFC 7518 §6). A proof whose `jwk`
 * carries any of them is refused: the client leaked its private key, or sent a secret.
 */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;
