import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type { AppModuleOptions } from '../../src/app.module.js';
import { createApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** Limits out of reach, unless a test sets its own. */
export const RELAXED_LIMITS: Readonly<Record<string, string>> = {
  THROTTLE_DEFAULT_LIMIT: '1000000',
  THROTTLE_AUTH_LIMIT: '1000000',
  IDS_BLOCK_THRESHOLD: '1000000',
  // Suites such as the authorization matrix create a key per cell; the cap has its own test.
  API_KEYS_MAX_PER_USER: '10000',
  // Mail-sending requests per address and per account (their own suite sets real values).
  MAIL_THROTTLE_ADDRESS_LIMIT: '1000000',
  MAIL_THROTTLE_ACCOUNT_LIMIT: '1000000',
};

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly config: AppConfig;
  readonly db: TestDatabase;
  /** supertest agent bound to the running server. */
  readonly http: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

/**
 * Starts the real application through the production composition root (createApp →
 * configureApp) on a throwaway database. `env` overrides variables exactly as an operator would.
 * Keep one app serving bearer requests at a time per process: passport's strategy registry is
 * process-global, so the most recently started app's JWT strategy answers for all of them.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: AppModuleOptions = {},
  /** Reuse a database (restart scenarios); the caller then drops it. */
  database?: TestDatabase,
): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    // Secrets belong to the database, so a restart on the same database can read its data.
    ...db.secrets,
    // One test client would trip the rate limits and intrusion detection of every other suite;
    // their own suites (rate-limiting, intrusion-detection) set real values through `env`.
    ...RELAXED_LIMITS,
    ...env,
  });
  let app: NestExpressApplication;
  try {
    app = await createApp(config, options);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    if (!database) await db.drop();
    throw error;
  }
  return {
    app,
    config,
    db,
    http: supertest(app.getHttpServer()),
    close: async () => {
      await app.close();
      if (!database) await db.drop();
    },
  };
}
