import { generateSecrets } from '../src/config/secret-generator.js';

/** What the app runs with besides its secrets: limits raised so the run measures work, not 429s. */
export const APP_SETTINGS: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  JWT_ISSUER: 'https://bench.example.com',
  JWT_AUDIENCE: 'https://bench.example.com/api',
  // Longer than the whole run, so the one token made at the start stays valid.
  JWT_ACCESS_TTL: '7200',
  THROTTLE_DEFAULT_LIMIT: '1000000000',
  THROTTLE_AUTH_LIMIT: '1000000000',
  // Intrusion detection stays on (its middleware and counters are part of the cost); only the
  // threshold is out of reach, so a stray refusal can never block the load generator.
  IDS_ENABLED: 'true',
  IDS_BLOCK_THRESHOLD: '1000000',
  // The login flood runs 8 logins of one account at once. The lockout counts an attempt before
  // its password is verified, so more in flight than LOGIN_MAX_FAILURES are refused like wrong
  // guesses (docs/authentication.md): the budget is raised so the flood measures hashing, not that.
  LOGIN_MAX_FAILURES: '1000',
  LOG_LEVEL: 'warn',
};

/**
 * The whole environment of dist/main.js as the benchmarks start it (`npm run start:prod`:
 * NODE_ENV=production), secrets from the same generator as `npm run cli -- generate-secrets`.
 */
export function appEnvironment(options: {
  readonly port: number;
  readonly databaseUrl: string;
  readonly admin: { readonly email: string; readonly password: string };
}): Record<string, string> {
  return {
    ...APP_SETTINGS,
    PORT: String(options.port),
    DATABASE_URL: options.databaseUrl,
    BOOTSTRAP_ADMIN_EMAIL: options.admin.email,
    BOOTSTRAP_ADMIN_PASSWORD: options.admin.password,
    ...generateSecrets(),
  };
}
