import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserPrincipal } from '../auth/access/principal.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { SessionsService } from '../auth/sessions/sessions.service.js';
import type { Page } from '../common/pagination.query.js';
import { ProblemException } from '../http/problem.exception.js';
import { User } from './user.entity.js';
import { toUserView, type UserView } from './user-view.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';

const notFound = () => new ProblemException(404, { detail: 'No such user.' });

/**
 * Account administration (API.md §3). Role changes and disabling take effect at once: the token
 * version is bumped, so every access token of the user dies, and disabling also revokes every
 * session. The last active admin can be neither demoted nor disabled (409; reachable when the last
 * admin disables themselves, or when two admins demote each other at once); nobody changes their own role (403).
 */
@Injectable()
export class UsersAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
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

  async update(actor: UserPrincipal, id: string, changes: UpdateUserDto): Promise<UserView> {
    if (id === actor.userId && changes.role !== undefined) {
      throw new ProblemException(403, { detail: 'You cannot change your own role.' });
    }
    const user = await this.dataSource.transaction(async (manager) => {
      const target = await manager.findOne(User, { where: { id } });
      if (!target) throw notFound();
      const losesAdmin =
        target.role === 'admin' &&
        !target.disabled &&
        ((changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true);
      if (losesAdmin && (await this.lockedActiveAdminCount(manager)) <= 1) {
        throw new ProblemException(409, { detail: 'The last active admin cannot be demoted or disabled.' });
      }
      const roleChanged = changes.role !== undefined && changes.role !== target.role;
      const disabledChanged = changes.disabled !== undefined && changes.disabled !== target.disabled;
      Object.assign(target, changes, { updatedAt: new Date() });
      if (roleChanged || disabledChanged) target.tokenVersion += 1;
      return manager.save(target);
    });
    if (user.disabled) {
      await this.sessions.revokeAllForUser(user.id);
      await this.apiKeys.revokeAllOf(user.id);
    }
    return toUserView(user);
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
