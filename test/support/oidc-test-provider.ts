import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider, { errors } from 'oidc-provider';
import type { DpopClient } from './dpop-client.js';

/** The resource indicator (RFC 8707) the provider issues our API's tokens for. */
export const API_AUDIENCE = 'https://api.example.test';
/** Another resource server of the same provider: its tokens must not be accepted by ours. */
export const OTHER_AUDIENCE = 'https://other.example.test';
const RESOURCE_SCOPES = 'notes:read notes:write audit:read metrics:read billing:admin';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface ProviderClient {
  readonly clientId: string;
  readonly secret: string;
}

/** How the provider signs access tokens: its RSA key with `alg`, or (misconfigured) an HMAC secret. */
export type AccessTokenSigning = { readonly alg: string } | { readonly alg: 'HS256'; readonly key: Buffer };

/**
 * A real OpenID provider (`oidc-provider`, OpenID certified) on loopback, for the resource-server
 * suites: a public web client that signs users in with authorization code + PKCE (the login and
 * consent pages are driven over HTTP like a browser would), machine clients using client
 * credentials, JWT access tokens (RFC 9068) for our resource indicator, DPoP-bound ones (RFC 9449,
 * `features.dPoP`: a token request with a proof gets a token with `cnf.jkt`), and a key rotation.
 * The test decides the accounts' roles and emails; it can stop and restart the listener on the
 * same port (provider down), and counts the requests for the key set.
 */
export class OidcTestProvider {
  /** Provider role names per account id, put in `realm_access.roles` (Keycloak's shape). */
  readonly roles = new Map<string, string[]>();
  readonly emails = new Map<string, string>();
  /** `amr` (RFC 8176) per account id, as a provider that says how its users signed in puts it in access tokens. */
  readonly amr = new Map<string, string[]>();
  /** `auth_time` per account id when the test sets it (an old sign-in); otherwise the token's issue time, as after a fresh login. */
  readonly authTimes = new Map<string, number | null>();
  /** Requests for the JWKS since start: what a `kid` flood costs the provider. */
  jwksRequests = 0;
  signing: AccessTokenSigning = { alg: 'RS256' };
  /** What the key set's responses say about caching (oidc-provider itself sends none; a CDN in front would). */
  jwksCacheControl: string | undefined;
  readonly machine: ProviderClient = { clientId: 'reporting-robot', secret: randomBytes(24).toString('hex') };
  /** A second machine client, for the DPoP suite (its account is provisioned only by a token that passes). */
  readonly dpopMachine: ProviderClient = { clientId: 'dpop-robot', secret: randomBytes(24).toString('hex') };

  private keys: JWK[] = [];
  private provider!: Provider;
  private handler!: (req: IncomingMessage, res: ServerResponse) => void;
  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      if (req.url?.startsWith('/jwks')) {
        this.jwksRequests += 1;
        if (this.jwksCacheControl !== undefined) res.setHeader('cache-control', this.jwksCacheControl);
      }
      this.handler(req, res);
    });
  }

  static async start(): Promise<OidcTestProvider> {
    const p = new OidcTestProvider();
    await p.listen();
    p.keys = [await newSigningKey()];
    p.build();
    return p;
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The active signing key's id (the first key of the set). */
  get activeKid(): string {
    return this.keys[0]!.kid!;
  }

  /** A new key signs from now on; the previous one stays published so its tokens still verify. */
  async rotateKey(): Promise<void> {
    this.keys = [await newSigningKey(), ...this.keys];
    this.build();
  }

  /** The provider goes away (connections cut); `resume` brings it back on the same address. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  resume(): Promise<void> {
    return this.listen(this.port);
  }

  close(): Promise<void> {
    return this.server.listening ? this.stop() : Promise.resolve();
  }

  /**
   * A user signs in with authorization code + PKCE (RFC 7636): the authorization request, the
   * provider's login and consent pages (dev interactions) submitted over HTTP with the cookies a
   * browser keeps, the code exchanged at the token endpoint for our resource.
   */
  async userTokens(login: string, resource = API_AUDIENCE): Promise<{ accessToken: string; idToken: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const browser = new Browser();
    const authorize = new URL('/auth', this.issuer);
    authorize.search = new URLSearchParams({
      client_id: 'web-app',
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid notes:read notes:write',
      resource,
      state: randomBytes(8).toString('hex'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    let location = await browser.navigate(authorize.href);
    for (let step = 0; !location.startsWith(REDIRECT_URI); step += 1) {
      if (step > 10) throw new Error('the sign-in did not finish');
      if (!new URL(location).pathname.startsWith('/interaction/')) {
        // Back at the authorization endpoint, which sends the browser on (next page or the client).
        location = await browser.navigate(location);
        continue;
      }
      const page = await browser.get(location);
      // The login page asks for a login, the consent page only for a click.
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      const action = /<form[^>]* action="([^"]+)"/.exec(page)?.[1];
      if (prompt === undefined || action === undefined) throw new Error(`unexpected interaction page: ${page.slice(0, 200)}`);
      const form: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
      location = await browser.navigate(new URL(action, this.issuer).href, form);
    }
    const code = new URL(location).searchParams.get('code');
    if (code === null) throw new Error(`no code in ${location}`);
    const tokens = await this.token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: 'web-app',
      code_verifier: verifier,
      resource,
    });
    return { accessToken: tokens.access_token as string, idToken: tokens.id_token as string };
  }

  /** A machine client's token (client credentials, RFC 6749 §4.4) for `scope` at `resource`. */
  async clientToken(scope: string, client: ProviderClient = this.machine, resource = API_AUDIENCE): Promise<string> {
    const tokens = await this.token(
      { grant_type: 'client_credentials', scope, resource },
      `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`,
    );
    return tokens.access_token as string;
  }

  /**
   * A machine client's token bound to `key` (RFC 9449 §5): the token request carries a DPoP proof
   * for the provider's token endpoint, and the provider puts the key's thumbprint in `cnf.jkt`.
   */
  async clientTokenWithDpop(scope: string, key: DpopClient, client: ProviderClient = this.machine): Promise<string> {
    const tokenEndpoint = new URL('/token', this.issuer).href;
    const tokens = await this.token(
      { grant_type: 'client_credentials', scope, resource: API_AUDIENCE },
      `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`,
      { dpop: await key.proof({ htm: 'POST', htu: tokenEndpoint }) },
    );
    if (tokens.token_type !== 'DPoP') throw new Error(`expected a DPoP token, got ${String(tokens.token_type)}`);
    return tokens.access_token as string;
  }

  /** A token signed with the provider's own active key, with claims the provider would never issue (expired…). */
  async signWithProviderKey(payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const jwk = this.keys[0]!;
    const key = await importJWK(jwk, 'RS256');
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt', ...header }).sign(key);
  }

  private async token(
    body: Record<string, string>,
    authorization?: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<Record<string, unknown>> {
    const response = await fetch(new URL('/token', this.issuer), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
        ...extraHeaders,
      },
      body: new URLSearchParams(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) throw new Error(`token endpoint: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  private build(): void {
    this.provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: 'web-app',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [REDIRECT_URI],
        },
        ...[this.machine, this.dpopMachine].map(({ clientId, secret }) => ({
          client_id: clientId,
          client_secret: secret,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        })),
      ],
      jwks: { keys: this.keys },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      pkce: { required: () => true },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => ({ sub, ...(this.emails.has(sub) ? { email: this.emails.get(sub) } : {}) }),
      }),
      features: {
        devInteractions: { enabled: true },
        clientCredentials: { enabled: true },
        // DPoP-bound access tokens (RFC 9449), for a token request that carries a proof.
        dPoP: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => API_AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            if (resource !== API_AUDIENCE && resource !== OTHER_AUDIENCE) throw new errors.InvalidTarget();
            return {
              scope: RESOURCE_SCOPES,
              audience: resource,
              accessTokenFormat: 'jwt',
              accessTokenTTL: 600,
              jwt: { sign: this.signing },
            };
          },
        },
      },
      // What a real provider adds to access tokens: roles (here in Keycloak's shape), the email, and
      // for a person how and when they signed in (amr, auth_time; RFC 9068 §2.2.1).
      extraTokenClaims: (_ctx, token) => {
        const accountId = 'accountId' in token && typeof token.accountId === 'string' ? token.accountId : undefined;
        const id = accountId ?? token.clientId;
        if (id === undefined) return undefined;
        const email = this.emails.get(id);
        const authTime = this.authTimes.has(id) ? this.authTimes.get(id) : Math.floor(Date.now() / 1000);
        return {
          realm_access: { roles: this.roles.get(id) ?? [] },
          ...(email ? { email, name: `Test ${id}` } : {}),
          ...(accountId !== undefined && this.amr.has(id) ? { amr: this.amr.get(id) } : {}),
          ...(accountId !== undefined && authTime !== null ? { auth_time: authTime } : {}),
        };
      },
    });
    this.handler = this.provider.callback();
  }

  private listen(port = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  return { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), use: 'sig' };
}

/** Just enough of a browser for the provider's pages: follows nothing on its own, keeps cookies. */
class Browser {
  private readonly cookies = new Map<string, string>();

  /** GET or POST (form) and return the redirect's Location. */
  async navigate(url: string, form?: Record<string, string>): Promise<string> {
    const response = await this.request(url, form);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null)
      throw new Error(`expected a redirect from ${url}, got ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return new URL(location, url).href;
  }

  async get(url: string): Promise<string> {
    const response = await this.request(url);
    if (response.status !== 200) throw new Error(`expected a page at ${url}, got ${response.status}`);
    return response.text();
  }

  private async request(url: string, form?: Record<string, string>): Promise<Response> {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}
