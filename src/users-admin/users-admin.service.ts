import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserPrincipal } from '../access/principal.js';
import { ExternalIdentity } from '../oidc/external-identity.entity.js';
import { SecurityChanges, type SecurityChange } from '../auth/sessions/security-change.js';
import type { Page } from '../common/pagination.query.js';
import { ProblemException } from '../http/problem.exception.js';
import { AccountDisabledListeners } from '../users/account-disabled.listeners.js';
import { User } from '../users/user.entity.js';
import { toUserView, type UserView } from '../users/user-view.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';

const notFound = () => new ProblemException(404, { detail: 'No such user.' });

/**
 * Account administration (docs/http-contract.md#users). Role changes and disabling take effect at once: the token
 * version is bumped, so every access token of the user dies, and disabling also revokes every
 * session. The last active admin can be neither demoted nor disabled (409; reachable when the last
 * admin disables themselves, or when two admins demote each other at once); nobody changes their own role (403).
 */
@Injectable()
export class UsersAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: SecurityChanges,
    private readonly accountDisabled: AccountDisabledListeners,
  ) {}

  async list(page: number, limit: number): Promise<Page<UserView>> {
    const [users, total] = await this.dataSource.getRepository(User).findAndCount({
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { items: users.map(toUserView), page, limit, total };
  }

  async get(id: string): Promise<UserView> {
    const user = await this.dataSource.getRepository(User).findOne({ where: { id } });
    if (!user) throw notFound();
    return toUserView(user);
  }

  async update(actor: Pick<UserPrincipal, 'userId'>, id: string, changes: UpdateUserDto): Promise<UserView> {
    if (id === actor.userId && changes.role !== undefined) {
      throw new ProblemException(403, { detail: 'You cannot change your own role.' });
    }
    const outcome = await this.changes.commit((change) => this.applyUpdate(change, actor, id, changes));
    if (outcome === 'not-found') throw notFound();
    if (outcome === 'last-admin') {
      throw new ProblemException(409, { detail: 'The last active admin cannot be demoted or disabled.' });
    }
    if (outcome === 'provider-role') {
      throw new ProblemException(409, {
        detail: 'This account signs in through the identity provider: its role comes from there (docs/oauth-oidc.md).',
      });
    }
    if (outcome === 'conflict') {
      throw new ProblemException(409, { detail: 'The account changed while it was being updated; try again.' });
    }
    return toUserView(outcome);
  }

  /**
   * One transaction (security-change.ts): the role or status, a new token version (every access
   * token of the user dies, and no older session can refresh), on disabling the end of every
   * session and API key, and the security event. Conditional on the token version read here, so
   * a concurrent password change or update is never overwritten: the later one gets a 409.
   * Refusals return before any write (the transaction then commits nothing).
   */
  private async applyUpdate(
    change: SecurityChange,
    actor: Pick<UserPrincipal, 'userId'>,
    id: string,
    changes: UpdateUserDto,
  ): Promise<User | 'not-found' | 'last-admin' | 'conflict' | 'provider-role'> {
    const { manager } = change;
    const target = await manager.findOne(User, { where: { id } });
    if (!target) return 'not-found';
    const role = changes.role ?? target.role;
    const disabled = changes.disabled ?? target.disabled;
    const roleChanged = role !== target.role;
    const disabledChanged = disabled !== target.disabled;
    // A provider account's role is read from its token at every request: a change here would do nothing.
    if (roleChanged && (await manager.exists(ExternalIdentity, { where: { userId: id } }))) return 'provider-role';
    const losesAdmin = target.role === 'admin' && !target.disabled && (role !== 'admin' || disabled);
    if (losesAdmin && (await this.lockedActiveAdminCount(manager)) <= 1) return 'last-admin';
    if (!roleChanged && !disabledChanged) return target;

    const updatedAt = new Date();
    const tokenVersion = target.tokenVersion + 1;
    const written = await manager.update(
      User,
      { id, tokenVersion: target.tokenVersion },
      { role, disabled, tokenVersion, updatedAt },
    );
    if (written.affected !== 1) return 'conflict';
    if (disabled && disabledChanged) {
      await change.revokeSessionsOf(id);
      // Whatever else the account holds ends too, in this transaction (API keys: src/api-keys/api-keys.module.ts).
      await this.accountDisabled.notify(id, manager);
    }
    if (roleChanged)
      await change.event('account_role_changed', { actorId: actor.userId, userId: id, from: target.role, to: role });
    if (disabledChanged) await change.event('account_status_changed', { actorId: actor.userId, userId: id, disabled });
    return Object.assign(target, { role, disabled, tokenVersion, updatedAt });
  }

  /**
   * Counts active admins inside the transaction; on PostgreSQL the rows are locked, so two admins
   * demoting each other at once cannot both succeed. SQLite serialises writers already.
   */
  private async lockedActiveAdminCount(manager: EntityManager): Promise<number> {
    const query = manager
      .createQueryBuilder(User, 'user')
      .where('user.role = :role AND user.disabled = :disabled', { role: 'admin', disabled: false });
    if (manager.connection.options.type === 'postgres') query.setLock('pessimistic_write');
    return (await query.getMany()).length;
  }
}
