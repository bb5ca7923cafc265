import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import type { AppModuleOptions } from '../../src/app.module.js';
import { createApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

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
 */
export async function startTestApp(env: Record<string, string> = {}, options: AppModuleOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    ...env,
  });
  const app = await createApp(config, options);
  await app.listen(0, '127.0.0.1');
  return {
    app,
    config,
    db,
    http: supertest(app.getHttpServer()),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
