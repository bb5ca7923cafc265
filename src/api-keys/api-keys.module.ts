import { Module, type OnModuleInit } from '@nestjs/common';
import { AccountDisabledListeners } from '../users/account-disabled.listeners.js';
import { UsersModule } from '../users/users.module.js';
import { ApiKeyUsageTracker } from './api-key-usage.tracker.js';
import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

/**
 * API keys for machine clients. Plugs into the rest of the service at two points only, so that
 * deleting this folder and its line in src/app.module.ts removes the feature and nothing else:
 * its authenticator registers with the authentication guard (api-key.authenticator.ts), and
 * disabling an account revokes the account's keys (registered below).
 */
@Module({
  imports: [UsersModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyAuthenticator, ApiKeyUsageTracker],
})
export class ApiKeysModule implements OnModuleInit {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly accountDisabled: AccountDisabledListeners,
  ) {}

  onModuleInit(): void {
    // Inside the transaction that disables the account: keys and account change together.
    this.accountDisabled.register({ accountDisabled: (userId, manager) => this.keys.revokeAllOf(userId, manager) });
  }
}
