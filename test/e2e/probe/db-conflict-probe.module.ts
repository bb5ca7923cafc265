import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import { DataSource } from 'typeorm';
import { Public } from '../../../src/access/access.decorators.js';
import { Audited } from '../../../src/access/audited.decorator.js';
import { BlindIndexService } from '../../../src/crypto/blind-index.service.js';
import { User } from '../../../src/users/user.entity.js';

/** Values shaped like the secrets a real insert carries; the log must contain none of them. */
export const SECRET_SHAPED = {
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LXNhbHQtdmFsdWU$9pYq2kqvJtYF0kS2Q7b4mQpQx3c8d1e2f3a4b5c6d7e',
  displayName: 'snk_live_displaynamesentinel0123456789',
} as const;

export class ConflictDto {
  @IsString()
  @Length(3, 254)
  email: string;
}

/**
 * Test-only: inserts an account row for an address that already has one, straight through the
 * repository (registration would answer 409 first). The unique index refuses it, so the real
 * pipeline sees a QueryFailedError whose `parameters` hold an argon2 hash, the email ciphertext
 * and its blind index, and whose driver error's `detail` (PostgreSQL) repeats the index value.
 */
@Public()
@Audited('probe.db-conflict')
@Controller({ path: 'probe', version: '1' })
class DbConflictProbeController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly blindIndex: BlindIndexService,
  ) {}

  @Post('db-conflict')
  @HttpCode(201)
  async conflict(@Body() body: ConflictDto): Promise<void> {
    await insertAccountRow(this.dataSource, this.blindIndex, body.email);
  }
}

/** The insert itself, also called by tests that need the QueryFailedError in hand. */
export async function insertAccountRow(dataSource: DataSource, blindIndex: BlindIndexService, email: string): Promise<void> {
  const now = new Date();
  await dataSource.getRepository(User).insert({
    id: randomUUID(),
    email,
    emailHash: blindIndex.email(email),
    displayName: SECRET_SHAPED.displayName,
    role: 'user',
    disabled: false,
    passwordHash: SECRET_SHAPED.passwordHash,
    tokenVersion: 0,
    createdAt: now,
    updatedAt: now,
  });
}

@Module({ controllers: [DbConflictProbeController] })
export class DbConflictProbeModule {}
