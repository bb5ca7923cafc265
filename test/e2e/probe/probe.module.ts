import { Body, Controller, Get, Module, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Public } from '../../../src/access/access.decorators.js';
import { Audited } from '../../../src/access/audited.decorator.js';

/**
 * Test-only routes mounted into the real pipeline to exercise docs/http-contract.md before the business
 * routes exist: a validated body, a validated query, a UUID path parameter and a forced crash.
 */
export class EchoDto {
  @IsString()
  @Length(1, 20)
  name: string;
}

export class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export const LEAKY_MESSAGE =
  'SELECT password FROM users WHERE id = 1 -- at /srv/app/src/users.repository.ts:42 QueryFailedError TypeORM';

@Public()
@Audited('probe.call')
@Controller({ path: 'probe', version: '1' })
class ProbeController {
  @Post('echo')
  echo(@Body() body: EchoDto): EchoDto {
    return body;
  }

  @Get('page')
  page(@Query() query: PageQuery): PageQuery {
    return query;
  }

  @Get('items/:id')
  item(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string): { id: string } {
    return { id };
  }

  @Get('boom')
  boom(): never {
    const error = new Error(LEAKY_MESSAGE);
    error.name = 'QueryFailedError';
    throw error;
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
