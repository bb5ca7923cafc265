import { ApiKey } from '../api-keys/api-key.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { OneTimeToken } from '../auth/recovery/one-time-token.entity.js';
import { MfaChallenge } from '../auth/mfa/mfa-challenge.entity.js';
import { RecoveryCode } from '../auth/mfa/recovery-code.entity.js';
import { TotpFactor } from '../auth/mfa/totp-factor.entity.js';
import { RefreshToken } from '../auth/sessions/refresh-token.entity.js';
import { Session } from '../auth/sessions/session.entity.js';
import { NoteShare } from '../notes/note-share.entity.js';
import { Note } from '../notes/note.entity.js';
import { ExternalIdentity } from '../oidc/external-identity.entity.js';
import { SecurityEventRecord } from '../security-events/security-event.entity.js';
import { User } from '../users/user.entity.js';
// generate:resource imports
import type { EntityClass } from './entity-class.js';

export type { EntityClass } from './entity-class.js';

/**
 * Every entity of the application, in one list: the DataSource, the migration-drift test and
 * `cli reencrypt` all read it, so a new entity is registered once. Feature issues append here.
 * The one file below the features that names them (.dependency-cruiser.cjs): deleting a feature
 * deletes its line here, as in the module list of src/app.module.ts.
 */
export const ENTITIES: EntityClass[] = [
  User,
  Session,
  RefreshToken,
  Note,
  NoteShare,
  ApiKey,
  AuditEvent,
  SecurityEventRecord,
  ExternalIdentity,
  OneTimeToken,
  TotpFactor,
  RecoveryCode,
  MfaChallenge,
  // generate:resource entities
];
