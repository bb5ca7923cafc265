import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '../../http/openapi-declarations.js';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Public } from '../../access/access.decorators.js';
import { Audited } from '../../access/audited.decorator.js';
import { DPOP_ALGORITHMS } from '../../dpop/dpop-algorithms.js';

/** RFC 8414 §2 members we publish (docs/oauth-oidc.md#our-issuer-metadata explains each). */
export class AuthorizationServerMetadata {
  @ApiProperty({ description: 'JWT_ISSUER: the `iss` of our access tokens.' })
  issuer: string;
  @ApiProperty({ description: 'The JWK set that verifies our access tokens.' })
  jwks_uri: string;
  @ApiProperty({ description: 'The login route (JSON credentials; not an RFC 6749 form-encoded token endpoint).' })
  token_endpoint: string;
  @ApiProperty({ type: [String] })
  token_endpoint_auth_methods_supported: string[];
  @ApiProperty({ type: [String], description: 'Empty: no OAuth grant is offered to third-party clients.' })
  grant_types_supported: string[];
  @ApiProperty({ type: [String] })
  response_types_supported: string[];
  @ApiProperty({ type: [String], description: 'JWS algorithms a DPoP proof may use (RFC 9449 §5.1).' })
  dpop_signing_alg_values_supported: string[];
  /** Not registered by RFC 8414: the JWS algorithms of our access tokens (RFC 9068), for resource servers. */
  @ApiProperty({ type: [String] })
  access_token_signing_alg_values_supported: string[];
}

/**
 * Our issuer's metadata (RFC 8414), so another service can validate our access tokens as a
 * resource server with standard tooling: the issuer its tokens carry in `iss`, where the keys
 * are, how tokens are obtained and which DPoP algorithms we accept. URLs are under PUBLIC_ORIGIN;
 * without it they are built from the request's own scheme and Host, so the answer is then not
 * cacheable by anyone (another Host, another answer) and stays no-store.
 */
@ApiTags('auth')
@Controller('.well-known')
export class AuthorizationServerMetadataController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Audited('oauth.metadata.read')
  @Public()
  @ApiOperation({ summary: "Our issuer's metadata (RFC 8414)" })
  @ApiOkResponse({ type: AuthorizationServerMetadata })
  @Get('oauth-authorization-server')
  metadata(@Req() req: Request, @Res({ passthrough: true }) res: Response): AuthorizationServerMetadata {
    const origin = this.config.publicOrigin ?? `${req.protocol}://${req.host}`;
    if (this.config.publicOrigin !== undefined) res.setHeader('Cache-Control', 'public, max-age=300');
    return {
      issuer: this.config.jwt.issuer,
      jwks_uri: `${origin}/.well-known/jwks.json`,
      // The login route: JSON credentials in, an access and a refresh token out (not an RFC 6749
      // form-encoded grant, hence no grant type listed below); refresh is /api/v1/auth/refresh.
      token_endpoint: `${origin}/api/v1/auth/login`,
      token_endpoint_auth_methods_supported: ['none'],
      // No OAuth grant and no authorization endpoint are offered to third-party clients.
      grant_types_supported: [],
      response_types_supported: [],
      dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS],
      access_token_signing_alg_values_supported: ['ES256'],
    };
  }
}
