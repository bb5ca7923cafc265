import { Redis } from 'ioredis';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import type { StateStore } from './state-store.js';
import { StateStoreUnavailableError } from './state-store-unavailable.error.js';

/** The part of pino's API this adapter uses. */
export interface StateStoreLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** INCR, and start the window on the first increment (same semantics as the in-memory adapter), atomically. */
const INCREMENT_IN_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

const READY_WAIT_MS = 3000;

/**
 * Multi-instance adapter of the StateStore port (docs/architecture.md#shared-state-through-one-port): every entry is a Redis key with a
 * TTL under this deployment's prefix (see redis-key-prefix.ts), so nothing grows without bound.
 *
 * Failure policy: a command never waits for a reconnect. The offline queue is off, in-flight
 * commands are not retried and every command has a deadline, so an unreachable or hung Redis
 * turns into a StateStoreUnavailableError within about a second; after a few such failures the
 * circuit breaker (circuit-breaker.ts) answers that error at once, without asking Redis, until a
 * background probe gets an answer. Callers decide: revocation and lockout checks fail closed
 * (503); rate limits and IDS counters fall back to this instance's memory
 * (fallback-state-store.ts). The client keeps reconnecting in the background.
 */
export class RedisStateStore implements StateStore, OnModuleInit, OnApplicationShutdown {
  private readonly client: Redis;
  private state: 'starting' | 'up' | 'down' = 'starting';
  /** Degraded (open) or not: read by /health/ready, the shared_state_degraded gauge and the logs. */
  readonly circuit: CircuitBreaker;
  private readonly reconnectListeners: (() => void)[] = [];

  constructor(
    url: string,
    keyPrefix: string,
    private readonly logger: StateStoreLogger,
    circuitOptions: CircuitBreakerOptions,
  ) {
    this.client = new Redis(url, {
      keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: 2000,
      commandTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.circuit = new CircuitBreaker(circuitOptions, () => this.client.ping().then(() => undefined));
    this.circuit.onChange(({ degraded, cause }) => {
      // Once per transition (the breaker only reports changes); the cause is for operators only.
      if (degraded)
        this.logger.warn(
          { sharedState: 'redis', circuit: 'open', cause },
          'shared state degraded: Redis is not answering; per-instance counters for limits, 503 at once for revocation and lockout checks, probing in the background',
        );
      else {
        this.logger.info({ sharedState: 'redis', circuit: 'closed' }, 'shared state recovered: Redis answers again');
        // The circuit closes on the first answered probe, before any request's command reaches
        // Redis again: after a drop and after a hang alike (a hang has no reconnect event).
        for (const listener of this.reconnectListeners) listener();
      }
    });
    this.client.on('ready', () => {
      this.report('up');
      this.circuit.probeSoon();
    });
    // Logged once per change of state, not once per reconnect attempt; the cause is for operators only.
    this.client.on('error', (error: Error) => this.report('down', error.message));
    this.client.on('close', () => {
      this.report('down', 'connection closed');
      // A lost connection is a fact, not a guess: no need to wait for failed commands.
      this.circuit.trip('connection closed');
    });
  }

  private report(state: 'up' | 'down', cause?: string): void {
    if (state === this.state) return;
    this.state = state;
    if (state === 'up') this.logger.info({ sharedState: 'redis' }, 'shared state: Redis connected');
    else this.logger.warn({ sharedState: 'redis', cause }, 'shared state: Redis unreachable');
  }

  /**
   * Called synchronously each time the circuit closes (Redis answers again after being
   * unreachable or hung), before any request's command can reach it: revocations re-arm from the database then (it may have
   * lost entries, or missed writes that failed meanwhile; see revocation-sync.ts).
   */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** Waits briefly for the first connection so a healthy start serves with shared state at once. */
  async onModuleInit(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done);
        this.client.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, READY_WAIT_MS);
      this.client.once('ready', done);
      this.client.once('error', done);
    });
  }

  /**
   * Released last of the shutdown sequence (docs/operations.md): after the HTTP drain, and after
   * usage, security events and the audit queue were flushed in the earlier hooks.
   */
  onApplicationShutdown(): void {
    this.state = 'down';
    this.circuit.stop();
    this.client.disconnect();
  }

  get(key: string): Promise<string | undefined> {
    return this.run('get', async () => (await this.client.get(key)) ?? undefined);
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.run('set', async () => {
      await this.client.set(key, value, 'PX', Math.max(1, Math.ceil(ttlSeconds * 1000)));
    });
  }

  increment(key: string, ttlSeconds: number): Promise<number> {
    return this.run('increment', async () =>
      Number(await this.client.eval(INCREMENT_IN_WINDOW, 1, key, Math.max(1, Math.ceil(ttlSeconds * 1000)))),
    );
  }

  delete(key: string): Promise<void> {
    return this.run('delete', async () => {
      await this.client.del(key);
    });
  }

  /** For /health/ready: fails at once while the circuit is open. */
  async ping(): Promise<void> {
    await this.run('ping', () => this.client.ping());
  }

  private async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    if (!this.circuit.allows()) throw new StateStoreUnavailableError(`redis ${operation}: circuit open`);
    try {
      const result = await command();
      this.circuit.recordSuccess();
      return result;
    } catch (error) {
      const cause = `redis ${operation}: ${error instanceof Error ? error.message : String(error)}`;
      this.circuit.recordFailure(cause);
      throw new StateStoreUnavailableError(cause);
    }
  }
}
