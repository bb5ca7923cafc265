import type { MigrationInterface } from 'typeorm';
import { Identity1764201600000 } from './1764201600000-identity.js';
import { Notes1764288000000 } from './1764288000000-notes.js';
import { ApiKeys1764374400000 } from './1764374400000-api-keys.js';
import { Audit1764460800000 } from './1764460800000-audit.js';
import { SecurityEvents1764547200000 } from './1764547200000-security-events.js';
import { SessionTokenVersion1764633600000 } from './1764633600000-session-token-version.js';
import { AuditCorrelationId1764720000000 } from './1764720000000-audit-correlation-id.js';
import { ExternalIdentities1764806400000 } from './1764806400000-external-identities.js';
import { Mfa1764892800000 } from './1764892800000-mfa.js';
import { AccountRecovery1764979200000 } from './1764979200000-account-recovery.js';
import { SessionActivity1765065600000 } from './1765065600000-session-activity.js';
import { SessionDpopBinding1765152000000 } from './1765152000000-session-dpop-binding.js';
// generate:resource imports

/**
 * Ordered list of migrations, imported as classes (no file globs: works the same from src/,
 * dist/ and the tests). Each migration uses TypeORM's dialect-neutral Table API, so the same
 * file builds the schema on SQLite and PostgreSQL (see docs/architecture.md).
 */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Identity1764201600000,
  Notes1764288000000,
  ApiKeys1764374400000,
  Audit1764460800000,
  SecurityEvents1764547200000,
  SessionTokenVersion1764633600000,
  AuditCorrelationId1764720000000,
  ExternalIdentities1764806400000,
  Mfa1764892800000,
  AccountRecovery1764979200000,
  SessionActivity1765065600000,
  SessionDpopBinding1765152000000,
  // generate:resource migrations
];
