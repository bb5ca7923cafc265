import { join } from 'node:path';
import { appEnvironment } from './app-env.js';
import { createFixtures, randomPassword, type Fixtures } from './fixtures.js';
import { freePort, startNode, waitUntilServing, type NodeProcess } from './processes.js';

export interface AppCopy {
  readonly name: string;
  readonly proc: NodeProcess;
  readonly base: string;
  readonly fixtures: Fixtures;
}

/**
 * One copy of the production app for an A/B benchmark (bench/als-ab.ts, bench/pg-ab.ts): `entry`
 * (a `dist/main.js`, this checkout's or another's) started with the environment of `npm run bench`
 * (bench/app-env.ts) plus `env`, then the fixtures created through its API. A few attempts: on a
 * loaded machine the bootstrap admin's password-strength check can miss its deadline, which fails
 * the start closed (by design); `databaseUrl(attempt)` gives each attempt a fresh database.
 */
export async function startAppCopy(options: {
  readonly name: string;
  readonly entry: string;
  readonly flags?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly databaseUrl: (attempt: number) => string | Promise<string>;
  readonly logFile: (attempt: number) => string;
  readonly core: number | undefined;
}): Promise<AppCopy> {
  const port = await freePort();
  const admin = { email: 'bench-admin@example.com', password: randomPassword() };
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 1; ; attempt++) {
    const databaseUrl = await options.databaseUrl(attempt);
    const proc = startNode({
      name: options.name,
      args: [...(options.flags ?? []), options.entry],
      env: { ...appEnvironment({ port, databaseUrl, admin }), ...options.env },
      logFile: options.logFile(attempt),
      core: options.core,
    });
    try {
      await waitUntilServing(`${base}/health/live`, proc, 300_000);
      return { name: options.name, proc, base, fixtures: await createFixtures(base, admin) };
    } catch (error) {
      await proc.stop();
      if (attempt === 3) throw error;
      console.warn(`${options.name}: start attempt ${attempt} failed, retrying`);
    }
  }
}

/** Where an A/B copy writes its log: one file per copy and attempt in the run's work directory. */
export function copyLog(work: string, index: number): (attempt: number) => string {
  return (attempt) => join(work, `app-${index}-${attempt}.log`);
}
