import { ShutdownSignal, VersioningType } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from './config/app-config.js';
import { intrusionDetectionMiddleware } from './intrusion-detection/intrusion-detection.middleware.js';
import { IntrusionDetection } from './intrusion-detection/intrusion-detection.service.js';
import { routingIsStrict } from './http/express-instance.js';
import { jsonBodyMiddleware } from './http/json-body.middleware.js';
import { noStoreMiddleware } from './http/no-store.middleware.js';
import { rejectHostileInputMiddleware } from './http/reject-hostile-input.middleware.js';
import { rejectRepeatedQueryMiddleware } from './http/reject-repeated-query.middleware.js';
import { requestIdMiddleware } from './http/request-id.middleware.js';
import { API_VERSION_PREFIX } from './http/routes.js';
import { securityHeaders } from './http/security-headers.js';
import { ROOT_LOGGER } from './logging/logging.module.js';
import { requestLoggerMiddleware } from './logging/request-logger.middleware.js';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { MetricsRegistry } from './metrics/metrics.registry.js';

/**
 * The composition root of the HTTP pipeline (docs/architecture.md#one-composition-root). main.ts and every e2e test call
 * this, so the tests exercise exactly what production serves. Order matters: cheap refusals
 * and response headers first, then body parsing. After this Express chain come Nest's global
 * guards, interceptors, pipe and filter, listed in order in src/request-pipeline.ts.
 */
export function configureApp(
  app: NestExpressApplication,
  config: AppConfig,
  /** src/openapi/openapi.ts's, loaded by createApp only when SWAGGER_ENABLED (it loads @nestjs/swagger). */
  mountOpenApi?: (app: NestExpressApplication) => void,
): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Every API response is Cache-Control: no-store, so no client ever revalidates with an ETag;
  // computing one would hash each body and turn it into a Buffer (a second socket write) for nothing.
  app.set('etag', false);
  // Only an explicit hop count or proxy list makes X-Forwarded-For count (docs/http-contract.md#headers).
  app.set('trust proxy', config.trustProxy === false ? false : config.trustProxy);
  // "simple" = node:querystring: flat keys, repeats become arrays (then refused below), no nested objects.
  app.set('query parser', 'simple');
  // One spelling per route (src/http/express-instance.ts): refuse to serve without it.
  if (!routingIsStrict(app.getHttpAdapter().getInstance())) {
    throw new Error('The Express instance must be created by createExpressInstance (case-sensitive, strict routing).');
  }

  app.use(requestIdMiddleware);
  app.use(requestLoggerMiddleware(app.get(ROOT_LOGGER)));
  app.use(securityHeaders(config.tls !== undefined));
  app.use(noStoreMiddleware);
  app.use(httpMetricsMiddleware(app.get(MetricsRegistry)));
  // Blocked clients are refused here, before their body is read; every response is observed (IDS).
  app.use(intrusionDetectionMiddleware(app.get(IntrusionDetection)));
  if (config.corsOrigins.length > 0) {
    // An explicit allowlist, never a wildcard or a reflected Origin (OWASP API8:2023).
    // A browser client must read DPoP nonces and challenges (RFC 9449 §8); the DPoP request header is allowed like any other.
    app.enableCors({
      origin: [...config.corsOrigins],
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      maxAge: 600,
      exposedHeaders: ['DPoP-Nonce', 'WWW-Authenticate'],
    });
  }
  app.use(jsonBodyMiddleware(config.bodyLimit));
  app.use(rejectRepeatedQueryMiddleware);
  app.use(rejectHostileInputMiddleware);

  app.enableVersioning({ type: VersioningType.URI, prefix: API_VERSION_PREFIX });
  if (config.swaggerEnabled) {
    if (!mountOpenApi) throw new Error('SWAGGER_ENABLED needs the OpenAPI module (createApp loads it)');
    mountOpenApi(app);
  }
  // With TLS, SIGHUP means "reload the certificate" (src/tls/tls-context-reloader.ts), not "stop".
  app.enableShutdownHooks(
    Object.values(ShutdownSignal).filter((signal) => config.tls === undefined || signal !== ShutdownSignal.SIGHUP),
  );
}
