import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { HashingGate } from './hashing-gate.js';

/**
 * Hashes at once: the cores this process may use, less one kept for the event loop, at least one,
 * and at most the libuv pool's default 4 threads (which file and DNS work share).
 */
export function hashingConcurrency(cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores - 1, 4));
}

/**
 * argon2id through the `argon2` package's async API, which hashes on the libuv thread pool:
 * the event loop never blocks on a hash (docs/architecture.md#performance-habits). Parameters come from configuration and
 * are at or above OWASP's minimum (m=19456 KiB, t=2, p=1; ASVS 11.4.2). Every hash and verify
 * passes one HashingGate (hashing-gate.ts): a login flood gets 503s, not an unbounded queue
 * that starves the rest of the service.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: number };
  /** A real hash of a random password, verified for unknown emails so timing does not reveal them. */
  private dummyHash: Promise<string> | undefined;
  private readonly gate: HashingGate;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { memoryKib, timeCost, parallelism, maxConcurrent } = config.argon2;
    this.options = { type: argon2.argon2id, memoryCost: memoryKib, timeCost, parallelism };
    const concurrency = maxConcurrent > 0 ? maxConcurrent : hashingConcurrency();
    // Up to 8 waiters per slot (about 8 hash times of waiting); past 5 s even those are refused.
    this.gate = new HashingGate({ concurrency, maxWaiting: 8 * concurrency, maxWaitMs: 5000 });
  }

  /** The dummy hash is made at boot: made lazily, the first unknown email would cost a hash more. */
  async onModuleInit(): Promise<void> {
    await this.dummy();
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => argon2.hash(password, this.options));
  }

  /** Rejects with HashingBusyError (503) when the gate refuses: that is not a failed login. */
  verify(hash: string, password: string): Promise<boolean> {
    return this.gate.run(async () => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false; // a malformed stored hash is a failed login, never a 500 that tells them apart
      }
    });
  }

  /** Burns the same CPU as a real verify (OWASP Authentication Cheat Sheet: no enumeration by timing). */
  async verifyDummy(password: string): Promise<void> {
    await this.verify(await this.dummy(), password);
  }

  /** True when the stored hash was made with weaker parameters than configured: rehash after login. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, this.options);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(32).toString('base64url'));
    return this.dummyHash;
  }
}
