import { AsyncLocalStorage } from 'node:async_hooks';
import { Server, type IncomingMessage } from 'node:http';

/**
 * Preloaded (`node --import`) into the app by `npm run bench:als` for its "ALS per request" variants:
 * every request is handled inside its own AsyncLocalStorage context, as nestjs-pino's request
 * middleware does (`storage.run(new Store(…), next)`), which the app does not mount
 * (src/logging/logging.module.ts). Only the context is added, not pino-http's logging, so the A/B
 * measures what binding a request to an async context costs and nothing else. Benchmark only.
 */
const storage = new AsyncLocalStorage<{ readonly request: IncomingMessage }>();
const emit = Server.prototype.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;

Server.prototype.emit = function emitInContext(this: Server, event: string | symbol, ...args: unknown[]): boolean {
  if (event !== 'request') return emit.apply(this, [event, ...args]);
  return storage.run({ request: args[0] as IncomingMessage }, () => emit.apply(this, [event, ...args]));
};
