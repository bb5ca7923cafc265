import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { accessRuleOf } from './access-rule.js';
import { routeAuditOf } from './audited.decorator.js';

export interface DeclaredRoute {
  readonly controller: string;
  readonly handler: string;
  /** Declares its access: @Public, @Authenticated, @Roles or @Scopes. */
  readonly declared: boolean;
  /** Declares its audit: @Audited(action) or the explicit @NotAudited(reason). */
  readonly audited: boolean;
}

/**
 * Walks every controller method at boot and refuses to start if one lacks an access declaration
 * (docs/architecture.md#deny-unless-declared) or an audit declaration (docs/audit.md): a forgotten
 * decorator is a boot failure, not an open route or an anonymous line in the trail.
 */
@Injectable()
export class RouteDeclarationsVerifier implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): DeclaredRoute[] {
    return this.discovery.getControllers().flatMap((wrapper) => {
      const instance = wrapper.instance as object | undefined;
      if (!instance) return [];
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      return this.scanner
        .getAllMethodNames(prototype)
        .filter((name) => Reflect.hasMetadata(PATH_METADATA, prototype[name] as object))
        .map((name) => {
          const handler = prototype[name] as Function;
          return {
            controller: wrapper.name,
            handler: name,
            declared: accessRuleOf(this.reflector, handler, instance.constructor) !== undefined,
            audited: routeAuditOf(this.reflector, handler, instance.constructor) !== undefined,
          };
        });
    });
  }

  onApplicationBootstrap(): void {
    const routes = this.routes();
    const names = (list: DeclaredRoute[]) => list.map((route) => `${route.controller}.${route.handler}`).join(', ');
    const undeclared = routes.filter((route) => !route.declared);
    if (undeclared.length > 0) {
      throw new Error(`Routes without an access declaration (@Public, @Authenticated, @Roles or @Scopes): ${names(undeclared)}`);
    }
    const unaudited = routes.filter((route) => !route.audited);
    if (unaudited.length > 0) {
      throw new Error(`Routes without an audit declaration (@Audited or @NotAudited): ${names(unaudited)}`);
    }
  }
}
