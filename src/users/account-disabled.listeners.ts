import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Something that must end when an account is disabled (API keys: src/api-keys/api-keys.module.ts). */
export interface AccountDisabledListener {
  /** Runs inside the transaction that disables the account: what it writes commits with it, or not at all. */
  accountDisabled(userId: string, manager: EntityManager): Promise<void>;
}

/**
 * Lets a feature end its own credentials when an administrator disables an account, without the
 * administration feature importing it (docs/architecture.md#layers): users administration calls
 * this, feature modules register their listener when they start (OnModuleInit).
 */
@Injectable()
export class AccountDisabledListeners {
  private readonly listeners: AccountDisabledListener[] = [];

  register(listener: AccountDisabledListener): void {
    this.listeners.push(listener);
  }

  async notify(userId: string, manager: EntityManager): Promise<void> {
    for (const listener of this.listeners) await listener.accountDisabled(userId, manager);
  }
}
