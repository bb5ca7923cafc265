import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Not } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { PepperedHash } from '../../crypto/peppered-hash.js';
import { ProblemException } from '../../http/problem.exception.js';
import { RecoveryCode } from './recovery-code.entity.js';
import { normaliseRecoveryCode } from './recovery-codes.js';
import { matchingStep } from './totp.js';
import { TotpFactor } from './totp-factor.entity.js';

/** What a user presents as their second factor: a TOTP code or one recovery code. */
export type SecondFactorProof = { readonly code?: string; readonly recoveryCode?: string };

/**
 * The one place a second factor is checked (login's second step, re-authentication, disabling
 * MFA, and any flow a fork adds, such as a password reset): `verify` answers whether the proof is
 * good and spends it in the same statement. Both spends are conditional updates, so of two
 * requests with the same code, on however many instances, exactly one wins:
 * - a TOTP code is accepted only for a time step later than the last accepted one (RFC 6238
 *   §5.2: a code works once, ASVS 6.5.1), the step moving forward in the database;
 * - a recovery code is matched by its peppered hash and marked used.
 * Counting failures (lockout, intrusion detection) is the caller's job: it knows the account key.
 */
@Injectable()
export class SecondFactor {
  private readonly hasher: PepperedHash;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.hasher = new PepperedHash(config.apiKeyPepper);
  }

  /** Whether the user has a confirmed second factor. */
  async isEnabled(userId: string): Promise<boolean> {
    return this.dataSource.getRepository(TotpFactor).exists({ where: { userId, confirmedAt: Not(IsNull()) } });
  }

  /** Refuses (400) a proof that is neither or both of a code and a recovery code. */
  static requireOne(proof: SecondFactorProof): void {
    if ((proof.code === undefined) === (proof.recoveryCode === undefined)) {
      throw new ProblemException(400, {
        detail: 'Send either a code from the authenticator app or a recovery code.',
        errors: [{ field: 'code', message: 'exactly one of code and recoveryCode is required' }],
      });
    }
  }

  /** True when the proof is good for this user's confirmed factor; it is then spent. */
  async verify(userId: string, proof: SecondFactorProof): Promise<boolean> {
    if (proof.code !== undefined) return this.spendCode(userId, proof.code);
    if (proof.recoveryCode !== undefined) return this.spendRecoveryCode(userId, proof.recoveryCode);
    return false;
  }

  /** The hash stored for a recovery code. */
  recoveryCodeHash(code: string): string {
    return this.hasher.hash(normaliseRecoveryCode(code));
  }

  private async spendCode(userId: string, code: string): Promise<boolean> {
    const factor = await this.dataSource.getRepository(TotpFactor).findOne({ where: { userId, confirmedAt: Not(IsNull()) } });
    if (!factor) return false;
    const step = matchingStep(factor.secret, code);
    if (step === null) return false;
    // Check and set in one statement: the step moves forward only if no request got there first.
    const claimed = await this.dataSource
      .createQueryBuilder()
      .update(TotpFactor)
      .set({ lastUsedStep: step })
      .where('user_id = :userId AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < :step)', {
        userId,
        step,
      })
      .execute();
    return claimed.affected === 1;
  }

  private async spendRecoveryCode(userId: string, code: string): Promise<boolean> {
    const spent = await this.dataSource
      .getRepository(RecoveryCode)
      .update({ userId, codeHash: this.recoveryCodeHash(code), usedAt: IsNull() }, { usedAt: new Date() });
    return spent.affected === 1;
  }
}
