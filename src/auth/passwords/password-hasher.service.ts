import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/**
 * argon2id through the `argon2` package's async API, which hashes on the libuv thread pool:
 * the event loop never blocks on a hash (DESIGN §5). Parameters come from configuration and
 * are at or above OWASP's minimum (m=19456 KiB, t=2, p=1; ASVS 11.4.2).
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: number };
  /** A real hash of a random password, verified for unknown emails so timing does not reveal them. */
  private dummyHash: Promise<string> | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { memoryKib, timeCost, parallelism } = config.argon2;
    this.options = { type: argon2.argon2id, memoryCost: memoryKib, timeCost, parallelism };
  }

  /** The dummy hash is made at boot: made lazily, the first unknown email would cost a hash more. */
  async onModuleInit(): Promise<void> {
    await this.dummy();
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false; // a malformed stored hash is a failed login, never a 500 that tells them apart
    }
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
