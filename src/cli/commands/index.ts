import type { CliCommand } from '../cli-command.js';
import { auditVerifyCommand } from './audit-verify.command.js';
import { createAdminCommand } from './create-admin.command.js';
import { generateSecretsCommand } from './generate-secrets.command.js';
import { migrateCommand } from './migrate.command.js';
import { reencryptCommand } from './reencrypt.command.js';

/** Every CLI command; later features append theirs here. */
export const COMMANDS: readonly CliCommand[] = [
  migrateCommand,
  createAdminCommand,
  reencryptCommand,
  auditVerifyCommand,
  generateSecretsCommand,
];
