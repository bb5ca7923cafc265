import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import type { Role } from '../access/access.decorators.js';
import { BlindIndexService } from '../crypto/blind-index.service.js';
import { normaliseEmail } from '../crypto/normalise-email.js';
import { CompiledSelect } from '../database/compiled-select.js';
import { ProblemException } from '../http/problem.exception.js';
import { User } from './user.entity.js';

export interface NewUser {
  readonly email: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly role: Role;
  /** Set for accounts an operator provisions (bootstrap admin, `cli create-admin`): they vouch for the address. */
  readonly emailVerifiedAt?: Date | null;
}

/** Persistence of accounts. Emails are looked up only through their blind index. */
@Injectable()
export class UsersService {
  private authState: CompiledSelect<User, 'id'> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly blindIndex: BlindIndexService,
  ) {}

  private get users(): Repository<User> {
    return this.dataSource.getRepository(User);
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { emailHash: this.blindIndex.email(email) } });
  }

  /**
   * What authentication needs on every request, read fresh each time (a disabled user or a new
   * token version counts at once): no encrypted column is read, so nothing is decrypted.
   */
  findAuthState(id: string): Promise<Pick<User, 'id' | 'role' | 'disabled' | 'tokenVersion'> | null> {
    this.authState ??= new CompiledSelect(this.dataSource, User, {
      alias: 'user',
      select: ['id', 'role', 'disabled', 'tokenVersion'],
      parameters: ['id'],
      build: (query) => query.where('user.id = :id'),
    });
    return this.authState.one({ id });
  }

  async create(input: NewUser): Promise<User> {
    const now = new Date();
    const user = this.users.create({
      id: randomUUID(),
      email: normaliseEmail(input.email),
      emailHash: this.blindIndex.email(input.email),
      displayName: input.displayName,
      role: input.role,
      disabled: false,
      passwordHash: input.passwordHash,
      tokenVersion: 0,
      emailVerifiedAt: input.emailVerifiedAt ?? null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      // The unique blind index is the source of truth for duplicates, even under a race.
      if (await this.findByEmail(input.email))
        throw new ProblemException(409, { detail: 'An account with this email already exists.' });
      throw error;
    }
  }

  async update(
    user: User,
    changes: Partial<Pick<User, 'displayName' | 'passwordHash' | 'role' | 'disabled' | 'tokenVersion'>>,
  ): Promise<User> {
    Object.assign(user, changes, { updatedAt: new Date() });
    return this.users.save(user);
  }

  /**
   * Stores a stronger hash of the same password (argon2 settings were raised), only while the
   * account's token version is still the one read at login: a save() of that stale entity could
   * write back an old password, role or version over a change that committed meanwhile.
   */
  async rehashPassword(user: Pick<User, 'id' | 'tokenVersion'>, passwordHash: string): Promise<void> {
    await this.users.update({ id: user.id, tokenVersion: user.tokenVersion }, { passwordHash, updatedAt: new Date() });
  }

  countActiveAdmins(): Promise<number> {
    return this.users.count({ where: { role: 'admin', disabled: false } });
  }
}
