/**
 * The suites in test/multi need PostgreSQL and Redis: `npm run test:multi` (and CI) sets
 * TEST_REDIS_URL and TEST_DATABASE=postgres. Without them (`npm test` on a bare machine) they
 * are skipped, so `npm test` needs no outside service.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL;
export const SKIP_WITHOUT_REDIS: string | false =
  TEST_REDIS_URL === undefined ? 'needs Redis and PostgreSQL: run `npm run test:multi`' : false;
