import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Module, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource, type Repository } from 'typeorm';
import { Public } from '../../../src/access/access.decorators.js';
import { Audited } from '../../../src/access/audited.decorator.js';
import { BlindIndexService } from '../../../src/crypto/blind-index.service.js';
import type { SchemaExtensions } from '../../../src/database/data-source-options.js';
import { ProblemException } from '../../../src/http/problem.exception.js';
import { CryptoProbe } from './crypto-probe.entity.js';
import { CryptoProbe1799999999999 } from './crypto-probe.migration.js';

export const CRYPTO_PROBE_SCHEMA: SchemaExtensions = { entities: [CryptoProbe], migrations: [CryptoProbe1799999999999] };

export class CreateCryptoProbeDto {
  @IsString()
  @MaxLength(20_000)
  secret: string;

  @IsOptional()
  @IsString()
  otherSecret?: string;

  @IsString()
  @MaxLength(254)
  email: string;
}

export class EmailQuery {
  @IsString()
  email: string;
}

export interface CryptoProbeView {
  id: string;
  secret: string;
  otherSecret: string | null;
  email: string;
}

/** Test-only routes writing and reading encrypted fields through the real pipeline. */
@Public()
@Audited('crypto-probe.call')
@Controller({ path: 'crypto-probe', version: '1' })
class CryptoProbeController {
  private readonly probes: Repository<CryptoProbe>;

  constructor(
    dataSource: DataSource,
    private readonly blindIndex: BlindIndexService,
  ) {
    this.probes = dataSource.getRepository(CryptoProbe);
  }

  @Post()
  async create(@Body() body: CreateCryptoProbeDto): Promise<{ id: string }> {
    const id = randomUUID();
    await this.probes.insert({
      id,
      secret: body.secret,
      otherSecret: body.otherSecret ?? null,
      email: body.email,
      emailHash: this.blindIndex.email(body.email),
    });
    return { id };
  }

  @Get('by-email')
  async byEmail(@Query() query: EmailQuery): Promise<CryptoProbeView> {
    return this.view(await this.probes.findOneBy({ emailHash: this.blindIndex.email(query.email) }));
  }

  @Get(':id')
  async read(@Param('id', new ParseUUIDPipe()) id: string): Promise<CryptoProbeView> {
    return this.view(await this.probes.findOneBy({ id }));
  }

  private view(probe: CryptoProbe | null): CryptoProbeView {
    if (probe === null) throw new ProblemException(404);
    return { id: probe.id, secret: probe.secret, otherSecret: probe.otherSecret, email: probe.email };
  }
}

@Module({ controllers: [CryptoProbeController] })
export class CryptoProbeModule {}
