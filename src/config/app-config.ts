import type { KeyObject } from 'node:crypto';
import type { DpopSettings } from './dpop-settings.js';
import type { HttpServerConfig } from './http-server-config.js';
import type { OidcConfig } from './oidc-config.js';
import type { MailConfig } from './mail-config.js';
import type { NodeEnv } from './node-env.js';
import type { MfaConfig } from './mfa-config.js';

/** The one typed view of the environment. Built once at boot by `loadConfig`; nothing else reads `process.env`. */
export type { NodeEnv } from './node-env.js';

export interface FieldKey {
  /** Short identifier stored inside every ciphertext so any configured key can decrypt it. */
  readonly id: string;
  readonly key: Buffer;
}

export type DatabaseConfig =
  | { readonly type: 'sqlite'; readonly path: string; readonly migrateOnStart: boolean }
  | {
      readonly type: 'postgres';
      readonly url: string;
      readonly migrateOnStart: boolean;
      /** DATABASE_STATEMENT_TIMEOUT_MS: bounds each statement, lock wait and pool wait. */
      readonly statementTimeoutMs: number;
      /** DATABASE_POOL_SIZE: connections per instance (docs/performance.md measures the choice). */
      readonly poolSize: number;
      /** DATABASE_PREPARED_STATEMENTS: hot statements prepared by name (off behind a pooler without support). */
      readonly preparedStatements: boolean;
    };

export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
  readonly jwt: {
    /** Imported once here as a KeyObject: parsing a PEM per request costs ~50x a verify. */
    readonly privateKey: KeyObject;
    readonly previousPublicKeys: readonly KeyObject[];
    readonly issuer: string;
    readonly audience: string;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
  };
  /** DPoP (RFC 9449) sender-constrained tokens (src/dpop/). */
  readonly dpop: DpopSettings;
  /** PUBLIC_ORIGIN: the origin clients reach us at; undefined = taken from each request (src/config/dpop-settings.ts). */
  readonly publicOrigin: string | undefined;
  /** First key is active for encryption; the others only decrypt (rotation). */
  readonly fieldEncryptionKeys: readonly FieldKey[];
  readonly blindIndexKey: Buffer;
  readonly apiKeyPepper: Buffer;
  /** Session lifetime and concurrent-session policy (src/config/session-settings.ts). */
  readonly sessions: {
    /** Seconds from login after which no refresh is accepted and no token of the session is valid. */
    readonly absoluteTtlSeconds: number;
    /** Live sessions one user may hold; a login beyond it ends the oldest. Undefined: no limit. */
    readonly maxPerUser: number | undefined;
  };
  /** Live (unrevoked, unexpired) API keys one user may hold at once. */
  readonly apiKeysMaxPerUser: number;
  readonly redisUrl: string | undefined;
  /** Circuit breaker in front of Redis (src/shared-state/circuit-breaker.ts). */
  readonly redisCircuit: { readonly failureThreshold: number; readonly probeIntervalMs: number };
  readonly throttle: {
    readonly defaultLimit: number;
    readonly defaultTtlSeconds: number;
    readonly authLimit: number;
    readonly authTtlSeconds: number;
  };
  /** argon2id cost; never below OWASP's minimum (m=19456 KiB, t=2, p=1). */
  readonly argon2: {
    readonly memoryKib: number;
    readonly timeCost: number;
    readonly parallelism: number;
    /** Hashes at once (the hashing gate's width); 0 = automatic (the cores less one, 1–4). */
    readonly maxConcurrent: number;
  };
  readonly login: { readonly maxFailures: number; readonly lockoutSeconds: number };
  /** Second factor, its requirement by role, and step-up (src/config/mfa-config.ts). */
  readonly mfa: MfaConfig;
  readonly ids: {
    readonly enabled: boolean;
    readonly windowSeconds: number;
    readonly blockThreshold: number;
    readonly blockSeconds: number;
  };
  /** Express "trust proxy" value: false (default), a hop count, or a list of CIDRs. */
  readonly trustProxy: false | number | readonly string[];
  readonly corsOrigins: readonly string[];
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly bodyLimit: string;
  /** Server timeouts, connection cap and shutdown grace (src/config/http-server-config.ts). */
  readonly httpServer: HttpServerConfig;
  /** Outgoing mail, password reset and email verification (src/config/mail-config.ts). */
  readonly mail: MailConfig;
  readonly bootstrapAdmin: { readonly email: string; readonly password: string } | undefined;
  /** The external OpenID provider whose tokens are accepted; undefined = only our own tokens (OIDC_*). */
  readonly oidc: OidcConfig | undefined;
  readonly swaggerEnabled: boolean;
  readonly logLevel: string;
  /** Secrets generated for this development run (names only), for the boot log. */
  readonly generatedSecrets: readonly string[];
}

/** Nest injection token for the AppConfig object. */
export const APP_CONFIG = Symbol('APP_CONFIG');
