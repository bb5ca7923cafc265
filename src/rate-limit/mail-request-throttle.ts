import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.exception.js';
import { COUNTER_STATE_STORE, type StateStore } from '../shared-state/state-store.js';
import { clientAddress } from './client-address.js';

/** The mail-sending flows, each with its own budgets. */
export type MailRequestFlow = 'password_reset' | 'email_verification';

/** Which budget a refused request exceeded; `first` is true for the request that crossed it. */
export interface MailRequestRefusal {
  readonly scope: 'address' | 'account';
  readonly first: boolean;
}

/**
 * Budgets of the requests that make the service send mail (OWASP API6:2023 sensitive business
 * flow, API4 resource consumption): MAIL_THROTTLE_ADDRESS_LIMIT per client address and
 * MAIL_THROTTLE_ACCOUNT_LIMIT per target account per MAIL_THROTTLE_WINDOW. Per account stops a
 * botnet from flooding one mailbox (and from burning one account's links) from many addresses;
 * per address stops one client from mailing many accounts. The account is keyed by the email's
 * blind index, known account or not, so a refusal says nothing about whether it exists.
 * Counters live in the shared store, so every instance spends the same budgets.
 */
@Injectable()
export class MailRequestThrottle {
  constructor(
    @Inject(COUNTER_STATE_STORE) private readonly store: StateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts the request against both budgets; undefined when admitted, else which one refused it. */
  async count(flow: MailRequestFlow, ip: string | undefined, accountKey: string): Promise<MailRequestRefusal | undefined> {
    const { addressLimit, accountLimit, windowSeconds } = this.config.mail.throttle;
    // The address first: a client over its own budget does not spend the account's.
    const byAddress = await this.store.increment(`mail-request:${flow}:ip:${clientAddress(ip)}`, windowSeconds);
    if (byAddress > addressLimit) return { scope: 'address', first: byAddress === addressLimit + 1 };
    const byAccount = await this.store.increment(`mail-request:${flow}:account:${accountKey}`, windowSeconds);
    if (byAccount > accountLimit) return { scope: 'account', first: byAccount === accountLimit + 1 };
    return undefined;
  }

  /** The 429 a refused request gets: the same for known and unknown accounts. */
  refusal(): ProblemException {
    return new ProblemException(429, {
      detail: 'Too many requests for this address or account; retry after the number of seconds in Retry-After.',
      headers: { 'Retry-After': String(this.config.mail.throttle.windowSeconds) },
    });
  }
}
