import { Injectable } from '@nestjs/common';

/** One dependency's answer: up or down, with details that name states only (never hosts, keys or errors). */
export interface ReadinessResult {
  readonly up: boolean;
  readonly details: Readonly<Record<string, string>>;
}

/** A dependency a module above the health layer owns, checked by `/health/ready` under `name`. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<ReadinessResult>;
}

/**
 * The readiness checks modules register when they start (OnModuleInit), like credential
 * authenticators: the health controller asks them without importing their modules, so a module
 * above infrastructure (an external OpenID provider's keys, src/oidc/) can make the instance
 * unready without the health layer depending on it (docs/architecture.md#layers).
 */
@Injectable()
export class ReadinessChecks {
  private readonly registered: ReadinessCheck[] = [];

  register(check: ReadinessCheck): void {
    if (this.registered.some((entry) => entry.name === check.name)) throw new Error(`Two readiness checks named "${check.name}"`);
    this.registered.push(check);
  }

  list(): readonly ReadinessCheck[] {
    return this.registered;
  }
}
