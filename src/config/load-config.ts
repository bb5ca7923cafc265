import type { AppConfig, DatabaseConfig, NodeEnv } from './app-config.js';
import { ConfigError } from './config-error.js';
import { parseDpopSettings, parsePublicOrigin } from './dpop-settings.js';
import { DEV_SECRETS_FILE, loadOrCreateDevSecrets } from './dev-secrets.js';
import { isAccountEmail } from './email-address.js';
import { parseHttpServerConfig } from './http-server-config.js';
import { parseMailConfig } from './mail-config.js';
import { parseMfaConfig } from './mfa-config.js';
import { readBool, readEnum, readInt, readOptional, readString, type Env } from './env-parsers.js';
import { parseCorsOrigins, parseTrustProxy } from './network-settings.js';
import { parseOidcConfig } from './oidc-config.js';
import { parseEcPrivateKey, parseEcPublicKeys, parseFieldKeys, parseKey32 } from './secret-rules.js';
import { readSecret } from './secret-sources.js';
import { parseSessionSettings } from './session-settings.js';

export interface LoadConfigOptions {
  /** Where development keeps generated secrets (tests point this at a temp dir). */
  readonly devSecretsFile?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const REQUIRED_IN_PRODUCTION = ['JWT_PRIVATE_KEY', 'FIELD_ENCRYPTION_KEYS', 'BLIND_INDEX_KEY', 'API_KEY_PEPPER'] as const;

/**
 * Parses and validates every variable (docs/configuration.md) into one typed object. This is the only
 * place that reads the environment (docs/architecture.md#configuration-is-parsed-once); it throws a ConfigError naming the variable.
 */
export function loadConfig(env: Env, options: LoadConfigOptions = {}): AppConfig {
  const nodeEnv = readEnum<NodeEnv>(env, 'NODE_ENV', ['development', 'test', 'production'], 'development');
  const production = nodeEnv === 'production';

  const provided = Object.fromEntries(REQUIRED_IN_PRODUCTION.map((name) => [name, readSecret(env, name)]));
  const missing = REQUIRED_IN_PRODUCTION.filter((name) => provided[name] === undefined);
  let generatedSecrets: string[] = [];
  if (missing.length > 0) {
    if (production) throw new ConfigError(missing[0]!, 'is required in production (see `npm run cli -- generate-secrets`)');
    // Development keeps generated secrets across restarts; tests get throwaway ones.
    const dev = loadOrCreateDevSecrets(options.devSecretsFile ?? DEV_SECRETS_FILE, nodeEnv === 'development');
    for (const name of missing) provided[name] = dev.secrets[name];
    generatedSecrets = dev.created ? [...missing] : [];
  }

  const issuer = readOptional(env, 'JWT_ISSUER');
  const audience = readOptional(env, 'JWT_AUDIENCE');
  if (production && issuer === undefined) throw new ConfigError('JWT_ISSUER', 'is required in production');
  if (production && audience === undefined) throw new ConfigError('JWT_AUDIENCE', 'is required in production');

  const fieldEncryptionKeys = parseFieldKeys('FIELD_ENCRYPTION_KEYS', provided.FIELD_ENCRYPTION_KEYS!);
  const blindIndexKey = parseKey32('BLIND_INDEX_KEY', provided.BLIND_INDEX_KEY!);
  const apiKeyPepper = parseKey32('API_KEY_PEPPER', provided.API_KEY_PEPPER!);
  assertDistinctKeys(
    fieldEncryptionKeys.map((k) => k.key),
    blindIndexKey,
    apiKeyPepper,
  );

  const previousKeys = readSecret(env, 'JWT_PREVIOUS_PUBLIC_KEYS');
  const corsOrigins = parseCorsOrigins(env);

  const certFile = readOptional(env, 'TLS_CERT_FILE');
  const keyFile = readOptional(env, 'TLS_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError(
      certFile === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE',
      'TLS needs both TLS_CERT_FILE and TLS_KEY_FILE',
    );
  }

  const adminEmail = readOptional(env, 'BOOTSTRAP_ADMIN_EMAIL');
  const adminPassword = readSecret(env, 'BOOTSTRAP_ADMIN_PASSWORD');
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError(
      adminEmail === undefined ? 'BOOTSTRAP_ADMIN_EMAIL' : 'BOOTSTRAP_ADMIN_PASSWORD',
      'set both bootstrap admin variables or neither',
    );
  }
  if (adminEmail !== undefined && !isAccountEmail(adminEmail)) {
    // The value is not echoed: a misplaced variable could hold the password.
    throw new ConfigError('BOOTSTRAP_ADMIN_EMAIL', 'must be an email address as registration accepts it');
  }

  const bodyLimit = readString(env, 'BODY_LIMIT', '100kb').toLowerCase();
  if (!/^\d+(b|kb|mb)$/.test(bodyLimit)) throw new ConfigError('BODY_LIMIT', 'must look like 100kb, 1mb or 512b');

  return {
    nodeEnv,
    host: readString(env, 'HOST', '127.0.0.1'),
    port: readInt(env, 'PORT', 3000, 0, 65535),
    database: parseDatabase(
      readSecret(env, 'DATABASE_URL') ?? 'sqlite:data/app.sqlite',
      readBool(env, 'DB_MIGRATE_ON_START', true),
      readInt(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
      readInt(env, 'DATABASE_POOL_SIZE', 10, 1, 100),
      readBool(env, 'DATABASE_PREPARED_STATEMENTS', true),
    ),
    jwt: {
      privateKey: parseEcPrivateKey('JWT_PRIVATE_KEY', provided.JWT_PRIVATE_KEY!),
      previousPublicKeys: previousKeys === undefined ? [] : parseEcPublicKeys('JWT_PREVIOUS_PUBLIC_KEYS', previousKeys),
      issuer: issuer ?? 'urn:secure-nest-api:dev',
      audience: audience ?? 'urn:secure-nest-api:dev:api',
      accessTtlSeconds: readInt(env, 'JWT_ACCESS_TTL', 900, 30, 86_400),
      refreshTtlSeconds: readInt(env, 'JWT_REFRESH_TTL', 1_209_600, 60, 31_536_000),
    },
    dpop: parseDpopSettings(env),
    publicOrigin: parsePublicOrigin(env, production),
    fieldEncryptionKeys,
    blindIndexKey,
    apiKeyPepper,
    sessions: parseSessionSettings(env),
    apiKeysMaxPerUser: readInt(env, 'API_KEYS_MAX_PER_USER', 25, 1, 10_000),
    redisUrl: readSecret(env, 'REDIS_URL'),
    redisCircuit: {
      failureThreshold: readInt(env, 'REDIS_BREAKER_FAILURES', 3, 1, 1000),
      probeIntervalMs: readInt(env, 'REDIS_BREAKER_PROBE_MS', 1000, 100, 60_000),
    },
    throttle: {
      defaultLimit: readInt(env, 'THROTTLE_DEFAULT_LIMIT', 100, 1),
      defaultTtlSeconds: readInt(env, 'THROTTLE_DEFAULT_TTL', 60, 1),
      authLimit: readInt(env, 'THROTTLE_AUTH_LIMIT', 10, 1),
      authTtlSeconds: readInt(env, 'THROTTLE_AUTH_TTL', 60, 1),
    },
    argon2: {
      memoryKib: readInt(env, 'ARGON2_MEMORY_KIB', 19_456, 19_456, 4_194_304),
      timeCost: readInt(env, 'ARGON2_TIME_COST', 2, 2, 100),
      parallelism: readInt(env, 'ARGON2_PARALLELISM', 1, 1, 16),
      maxConcurrent: readInt(env, 'ARGON2_MAX_CONCURRENT', 0, 0, 64),
    },
    login: {
      maxFailures: readInt(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
      lockoutSeconds: readInt(env, 'LOGIN_LOCKOUT_SECONDS', 900, 1),
    },
    mfa: parseMfaConfig(env),
    ids: {
      enabled: readBool(env, 'IDS_ENABLED', true),
      windowSeconds: readInt(env, 'IDS_WINDOW_SECONDS', 60, 1),
      // Forgiving in development only: a developer's own curls at protected routes (401s, 404s)
      // blocked their loopback address after about 30. Production and test keep 30.
      blockThreshold: readInt(env, 'IDS_BLOCK_THRESHOLD', nodeEnv === 'development' ? 300 : 30, 1),
      blockSeconds: readInt(env, 'IDS_BLOCK_SECONDS', 300, 1),
    },
    trustProxy: parseTrustProxy(readOptional(env, 'TRUST_PROXY')),
    corsOrigins,
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    bodyLimit,
    httpServer: parseHttpServerConfig(env),
    mail: parseMailConfig(env, nodeEnv),
    bootstrapAdmin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    oidc: parseOidcConfig(env, production, issuer ?? 'urn:secure-nest-api:dev'),
    swaggerEnabled: readBool(env, 'SWAGGER_ENABLED', !production),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    generatedSecrets,
  };
}

function parseDatabase(
  url: string,
  migrateOnStart: boolean,
  statementTimeoutMs: number,
  poolSize: number,
  preparedStatements: boolean,
): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:data/app.sqlite');
    return { type: 'sqlite', path, migrateOnStart };
  }
  if (/^postgres(ql)?:\/\//.test(url))
    return { type: 'postgres', url, migrateOnStart, statementTimeoutMs, poolSize, preparedStatements };
  throw new ConfigError('DATABASE_URL', 'must start with sqlite: or postgres://');
}

/** One key, one purpose: reusing a key across purposes couples their compromise (ASVS 11.2). */
function assertDistinctKeys(fieldKeys: Buffer[], blindIndexKey: Buffer, pepper: Buffer): void {
  if (blindIndexKey.equals(pepper)) throw new ConfigError('API_KEY_PEPPER', 'must differ from BLIND_INDEX_KEY');
  for (const key of fieldKeys) {
    if (key.equals(blindIndexKey)) throw new ConfigError('BLIND_INDEX_KEY', 'must differ from every FIELD_ENCRYPTION_KEYS key');
    if (key.equals(pepper)) throw new ConfigError('API_KEY_PEPPER', 'must differ from every FIELD_ENCRYPTION_KEYS key');
  }
}
