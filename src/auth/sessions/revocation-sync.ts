import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, MoreThan } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { STATE_STORE, type StateStore } from '../../shared-state/state-store.js';
import { TokenRevocations } from '../tokens/token-revocations.js';
import { Session } from './session.entity.js';
import { revocationLifetimeSeconds } from '../tokens/token-time-window.js';

/** How often committed revocations are copied from the database to the shared store. */
export const REVOCATION_SYNC_INTERVAL_MS = 2000;
/**
 * How far back each pass looks beyond the previous one: covers a revocation whose transaction
 * committed a little after its `revoked_at` was taken, and clock skew between instances.
 */
const LOOKBACK_MS = 30_000;

/** A store that can say when it answers again after an outage (redis-state-store.ts). */
interface ReconnectAware {
  onReconnect(listener: () => void): void;
}
const isReconnectAware = (store: StateStore): store is StateStore & ReconnectAware =>
  typeof (store as Partial<ReconnectAware>).onReconnect === 'function';

export interface CommittedRevocation {
  readonly id: string;
  readonly revokedAt: Date;
}

/**
 * Keeps the shared revocation list (token-revocations.ts) in step with its source of truth, the
 * `revoked_at` of sessions in the database. A revocation is decided by its
 * database commit; writing it to Redis comes after and may fail, and then:
 * - this instance answers it from memory at once, and the next pass writes it (retry);
 * - every pass, every instance copies the revocations committed since its previous pass, so one
 *   written by another instance, or by the `create-admin` CLI, that could not reach Redis is
 *   published within REVOCATION_SYNC_INTERVAL_MS of Redis answering;
 * - when Redis answers again after an outage (it may have lost its data), checks fail closed
 *   until every revocation of the last access-token lifetime was re-published: the same re-arm
 *   as at boot.
 */
@Injectable()
export class RevocationSync implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  /** Start of the last pass that completed; the next one looks from there (minus LOOKBACK_MS). */
  private syncedFrom: Date | undefined;
  /** Ids this instance already wrote, with their revocation time: a pass does not write them again. */
  private readonly written = new Map<string, number>();
  private running: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STATE_STORE) store: StateStore,
    private readonly revocations: TokenRevocations,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('RevocationSync');
    if (isReconnectAware(store)) {
      store.onReconnect(() => {
        // Synchronously, before any request can ask the reconnected store.
        this.revocations.markStale();
        void this.pass();
      });
    }
  }

  /**
   * Re-arms the revocations of the last access-token lifetime after a restart (in-process store,
   * or a Redis that lost its data). If Redis is unreachable at boot the instance still starts:
   * checks fail closed with 503 until Redis answers and the re-arm completed.
   */
  async onApplicationBootstrap(): Promise<void> {
    this.revocations.markStale();
    await this.pass();
    this.timer = setInterval(() => void this.pass(), REVOCATION_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * After a revocation committed: write it to the shared store now. Never rejects: what the store
   * does not take is answered from memory and written by the next pass.
   */
  async publish(revoked: readonly CommittedRevocation[]): Promise<void> {
    let failed = 0;
    for (const session of revoked) {
      if (failed === 0 && (await this.write(session))) continue;
      this.revocations.rememberUnpublished(session.id, session.revokedAt);
      failed += 1;
    }
    if (failed > 0) {
      this.logger.warn({ sessions: failed }, 'revocations committed, not yet in the shared store: retried within seconds');
    }
  }

  /** One copy from the database to the store; passes never overlap. Tests call it to avoid waiting. */
  pass(): Promise<void> {
    this.running = this.running.then(() => this.copy());
    return this.running;
  }

  private async copy(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    const startedAt = new Date();
    const epoch = this.revocations.epoch;
    const fullRearm = this.revocations.isStale || this.syncedFrom === undefined;
    const lifetimeMs = revocationLifetimeSeconds(this.config.jwt.accessTtlSeconds) * 1000;
    const since = fullRearm
      ? new Date(startedAt.getTime() - lifetimeMs)
      : new Date(Math.max(this.syncedFrom!.getTime() - LOOKBACK_MS, startedAt.getTime() - lifetimeMs));
    let rows: Session[];
    try {
      rows = await this.dataSource
        .getRepository(Session)
        .find({ where: { revokedAt: MoreThan(since) }, select: { id: true, revokedAt: true } });
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read revocations from the database; retrying');
      return;
    }
    let complete = true;
    for (const row of rows) {
      const revokedAt = row.revokedAt!;
      // After a reconnect or at boot the store may lack anything: write everything again.
      if (!fullRearm && this.written.has(row.id)) continue;
      // After one failure the store is not tried again in this pass (a hung Redis costs one timeout).
      if (!complete || !(await this.write({ id: row.id, revokedAt }))) {
        this.revocations.rememberUnpublished(row.id, revokedAt);
        complete = false;
      }
    }
    if (!complete) return;
    for (const [id, revokedAtMs] of this.written) if (revokedAtMs < since.getTime()) this.written.delete(id);
    this.syncedFrom = startedAt;
    if (fullRearm && this.revocations.isStale) {
      this.revocations.markSynced(epoch);
      if (rows.length > 0) this.logger.info({ sessions: rows.length }, 'revocations re-armed in the shared store');
    }
  }

  private async write(session: CommittedRevocation): Promise<boolean> {
    const ttl = this.revocations.remainingSeconds(session.revokedAt);
    try {
      if (ttl > 0) await this.revocations.revokeSession(session.id, ttl);
      this.written.set(session.id, session.revokedAt.getTime());
      return true;
    } catch {
      return false;
    }
  }
}
