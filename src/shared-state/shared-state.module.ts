import { Global, Module } from '@nestjs/common';
import { InMemoryStateStore } from './in-memory-state-store.js';
import { STATE_STORE } from './state-store.js';

/** Provides the StateStore port. The Redis adapter (chosen by REDIS_URL) plugs in here. */
@Global()
@Module({
  providers: [{ provide: STATE_STORE, useFactory: () => new InMemoryStateStore() }],
  exports: [STATE_STORE],
})
export class SharedStateModule {}
