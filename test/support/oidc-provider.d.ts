/**
 * The few parts of `oidc-provider` (a test-only dependency, shipped without typings) that the
 * resource-server suites use: see test/support/oidc-test-provider.ts.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AccessTokenLike {
    readonly accountId?: string;
    readonly clientId?: string;
  }

  export interface ProviderConfiguration {
    clients?: Record<string, unknown>[];
    jwks?: { keys: object[] };
    cookies?: { keys: string[] };
    pkce?: { required: () => boolean };
    findAccount?: (ctx: unknown, sub: string) => { accountId: string; claims: () => Record<string, unknown> };
    features?: Record<string, unknown>;
    extraTokenClaims?: (ctx: unknown, token: AccessTokenLike) => Record<string, unknown> | undefined;
  }

  export default class Provider {
    constructor(issuer: string, configuration: ProviderConfiguration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };
}
