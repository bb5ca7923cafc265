import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '../../http/openapi-declarations.js';
import { Public } from '../../access/access.decorators.js';
import { Audited } from '../../access/audited.decorator.js';
import { JwksView } from './jwks.view.js';
import { JwtKeySet } from './jwt-key-set.js';

/** Publishes the verification keys (public halves only) so resource servers can verify tokens. */
@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: JwtKeySet) {}

  @Public()
  @Audited('jwks.read')
  @ApiOperation({ summary: 'The public keys that verify access tokens (RFC 7517 JWK set)' })
  @ApiOkResponse({ type: JwksView })
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): JwksView {
    return this.keys.jwks();
  }
}
