import { Module } from '@nestjs/common';
import { AccountDisabledListeners } from './account-disabled.listeners.js';
import { UsersService } from './users.service.js';

/** Accounts: the store every identity-aware module reads (docs/architecture.md#layers). */
@Module({
  providers: [UsersService, AccountDisabledListeners],
  exports: [UsersService, AccountDisabledListeners],
})
export class UsersModule {}
