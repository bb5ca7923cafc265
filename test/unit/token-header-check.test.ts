import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptedKid } from '../../src/auth/tokens/token-header-check.js';

/**
 * The JOSE header gate that runs before any key is chosen (RFC 8725 §2.1, §3.1, §3.11; RFC 9068
 * §2.1; ASVS 5.0 V9.1): only ES256, only `typ: at+jwt`, no key carried or referenced by the token,
 * a kid shaped like our RFC 7638 thumbprints. Anything else yields undefined (refused).
 */
const KID = 'hA8qI6bC0r1dE2fG3hI4jK5lM6nO7pQ8rS9tU0vW1xY';
const b64 = (value: string) => Buffer.from(value).toString('base64url');
const tokenWith = (header: unknown) => `${b64(JSON.stringify(header))}.${b64('{"sub":"x"}')}.c2ln`;
const header = (overrides: Record<string, unknown> = {}) => ({ alg: 'ES256', typ: 'at+jwt', kid: KID, ...overrides });

describe('access-token header check (acceptedKid)', () => {
  it('returns the kid of a well-formed ES256 at+jwt header (control)', () => {
    assert.equal(KID.length, 43, 'a base64url SHA-256 thumbprint');
    assert.equal(acceptedKid(tokenWith(header())), KID);
  });

  it("accepts typ 'application/at+jwt', the full media type of RFC 9068 §2.1", () => {
    assert.equal(acceptedKid(tokenWith(header({ typ: 'application/at+jwt' }))), KID);
  });

  it('refuses alg none, HS256, RS256 and any alg but ES256', () => {
    for (const alg of ['none', 'HS256', 'RS256', 'ES384', 'PS256', 'es256', '', undefined, ['ES256']]) {
      assert.equal(acceptedKid(tokenWith(header({ alg }))), undefined, `alg ${JSON.stringify(alg)}`);
    }
  });

  it('refuses a missing typ and typ JWT (token-type confusion)', () => {
    const { typ: _typ, ...withoutTyp } = header();
    assert.equal(acceptedKid(tokenWith(withoutTyp)), undefined, 'no typ');
    for (const typ of ['JWT', 'jwt', 'application/jwt', 'at+jwt2', 'dpop+jwt', 42]) {
      assert.equal(acceptedKid(tokenWith(header({ typ }))), undefined, `typ ${String(typ)}`);
    }
  });

  it('refuses headers that embed or point to a key: jwk, jku, x5u, x5c, x5t and crit', () => {
    const carried: Record<string, unknown> = {
      jwk: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' },
      jku: 'https://evil.example/jwks.json',
      x5u: 'https://evil.example/cert.pem',
      x5c: ['MIIB'],
      x5t: 'AAAA',
      'x5t#S256': 'AAAA',
      crit: ['exp'],
    };
    for (const [name, value] of Object.entries(carried)) {
      assert.equal(acceptedKid(tokenWith(header({ [name]: value }))), undefined, name);
    }
  });

  it('refuses path-like, injected, missing or mis-shaped kids', () => {
    const kids: unknown[] = [
      '../../../../dev/null',
      '/etc/passwd',
      `${'A'.repeat(40)}/..`,
      `${'A'.repeat(40)}%2F`,
      "x' UNION SELECT '1",
      'file:///dev/null',
      KID.slice(1),
      `${KID}A`,
      '',
      42,
      null,
      [KID],
    ];
    for (const kid of kids) assert.equal(acceptedKid(tokenWith(header({ kid }))), undefined, `kid ${JSON.stringify(kid)}`);
    const { kid: _kid, ...withoutKid } = header();
    assert.equal(acceptedKid(tokenWith(withoutKid)), undefined, 'no kid');
  });

  it('refuses a header that is not a JSON object, and tokens without exactly three parts', () => {
    for (const raw of ['not json', '{"alg":"ES256",', 'null', '"ES256"', '42', `[${JSON.stringify(header())}]`]) {
      assert.equal(acceptedKid(`${b64(raw)}.${b64('{}')}.c2ln`), undefined, raw);
    }
    const valid = tokenWith(header());
    for (const raw of ['', valid.split('.').slice(0, 2).join('.'), `${valid}.extra`, 'a.b']) {
      assert.equal(acceptedKid(raw), undefined, `"${raw}"`);
    }
  });
});
