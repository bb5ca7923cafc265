import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './tls-client.js';

/** build/src/main.js, the same entry point production runs (compiled by `npm run test:build`). */
const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/main.js');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export interface AppInstance {
  readonly name: string;
  readonly port: number;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node build/src/main.js` as its own process (a real second instance, with its own
 * passport registry, memory and event loop) and waits until /health/ready answers 200.
 */
export async function startInstance(name: string, env: Record<string, string>): Promise<AppInstance> {
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const instance: AppInstance = {
    name,
    port,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${log}`);
        try {
          const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
          return res.status === 200;
        } catch {
          return false;
        }
      },
      30_000,
      `${name} to be ready`,
    );
  } catch (error) {
    await instance.stop();
    throw error;
  }
  return instance;
}
