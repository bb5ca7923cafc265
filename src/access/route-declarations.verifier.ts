import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { accessRuleOf } from './access-rule.js';

export interface DeclaredRoute {
  readonly controller: string;
  readonly handler: string;
  readonly declared: boolean;
}

/**
 * Walks every controller method at boot and refuses to start if one lacks an access
 * declaration (docs/architecture.md#deny-unless-declared): a forgotten decorator is a boot failure, not an open route.
 */
@Injectable()
export class AccessDeclarationVerifier implements OnApplicationBootstrap {
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
        .map((name) => ({
          controller: wrapper.name,
          handler: name,
          declared: accessRuleOf(this.reflector, prototype[name] as Function, instance.constructor) !== undefined,
        }));
    });
  }

  onApplicationBootstrap(): void {
    const undeclared = this.routes().filter((route) => !route.declared);
    if (undeclared.length > 0) {
      const names = undeclared.map((route) => `${route.controller}.${route.handler}`).join(', ');
      throw new Error(`Routes without an access declaration (@Public, @Authenticated, @Roles or @Scopes): ${names}`);
    }
  }
}
