import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MoreThan } from 'typeorm';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { AuditEvent } from './audit-event.entity.js';

export interface ChainVerification {
  valid: boolean;
  checked: number;
  firstInvalidId?: string;
}

const PAGE = 1000;

/**
 * Recomputes the hash chain from the first event (docs/http-contract.md#audit-events). An edited event fails its own
 * hash; a deleted or reordered one breaks the sequence or the next event's link. Reads in
 * pages, so memory stays flat however long the trail is.
 */
@Injectable()
export class AuditVerifier {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async verify(): Promise<ChainVerification> {
    const events = this.dataSource.getRepository(AuditEvent);
    let previousHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const page = await events.find({ where: { seq: MoreThan(expectedSeq - 1) }, order: { seq: 'ASC' }, take: PAGE });
      if (page.length === 0) return { valid: true, checked };
      for (const event of page) {
        const intact =
          event.seq === expectedSeq && event.previousHash === previousHash && chainHash(previousHash, event) === event.hash;
        if (!intact) return { valid: false, checked, firstInvalidId: event.id };
        checked += 1;
        expectedSeq += 1;
        previousHash = event.hash;
      }
    }
  }
}
