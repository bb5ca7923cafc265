import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../access/access.decorators.js';
import { Audited } from '../../access/audited.decorator.js';
import { JwtKeySet, type PublicJwk } from './jwt-key-set.js';

/** Publishes the verification keys (public halves only) so resource servers can verify tokens. */
@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: JwtKeySet) {}

  @Public()
  @Audited('jwks.read')
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwks();
  }
}
