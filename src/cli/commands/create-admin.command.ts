import { NestFactory } from '@nestjs/core';
import { isEmail } from 'class-validator';
import { pino } from 'pino';
import { AppModule } from '../../app.module.js';
import { AdminProvisioner } from '../../auth/bootstrap-admin.service.js';
import type { AppConfig } from '../../config/app-config.js';
import { loadConfigFromEnvironment } from '../../config/environment.js';
import { ProblemException } from '../../http/problem.exception.js';
import type { CliCommand } from '../cli-command.js';
import { parseFlags } from '../parse-flags.js';

const USAGE = 'Usage: npm run cli -- create-admin --email <email> --password <password>\n';

interface AdminInput {
  readonly email: string;
  readonly password: string;
}

/** The flags, or why the command line is refused. Same address rules as POST /auth/register. */
function parseAdminInput(args: readonly string[]): AdminInput | string {
  const flags = parseFlags(args, ['email', 'password']);
  if (!flags.ok) return flags.error;
  const { email, password } = flags.values;
  if (email.length > 254 || !isEmail(email, { allow_display_name: false, allow_ip_domain: false })) {
    return '--email must be an email address';
  }
  return { email, password };
}

/** What an operator reads when the account is refused: our own messages only, never internals. */
function refusalText(refusal: ProblemException): string {
  const errors = refusal.problem.errors ?? [];
  return errors.length > 0 ? errors.map((error) => error.message).join('; ') : refusal.message;
}

/**
 * Boots the server's module graph without HTTP and creates the admin through AdminProvisioner,
 * so the CLI applies the same password policy and argon2id hashing as registration: never a
 * weaker path to a privileged account (ASVS 6.2.1, OWASP API5:2023). Nest's boot lines stay
 * buffered (they are printed only if the boot fails), so stdout carries just the id.
 */
async function createAdmin(config: AppConfig, input: AdminInput): Promise<number> {
  // Log lines (a takeover's security event among them) go to stderr: stdout carries only the id.
  const app = await NestFactory.createApplicationContext(
    AppModule.register(config, { logDestination: pino.destination({ fd: 2, sync: true }) }),
    {
      abortOnError: false,
      bufferLogs: true,
    },
  );
  try {
    const id = await app.get(AdminProvisioner).createAdmin(input.email, input.password);
    process.stdout.write(`${id}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    process.stderr.write(`Admin not created: ${refusalText(error)}\n`);
    return 1;
  } finally {
    await app.close();
  }
}

/** `npm run cli -- create-admin --email E --password P` (API.md §9): exit 0 created, 1 refused, 2 usage. */
export const createAdminCommand: CliCommand = {
  name: 'create-admin',
  summary: 'create an admin account: --email <email> --password <password>',
  // The flags are checked before the configuration is read, so a typo is a usage error (exit 2)
  // and never touches secrets or the database; the configuration is loaded right after.
  needsConfig: false,
  async run(args) {
    const input = parseAdminInput(args);
    if (typeof input === 'string') {
      process.stderr.write(`create-admin: ${input}\n${USAGE}`);
      return 2;
    }
    return createAdmin(loadConfigFromEnvironment(), input);
  },
};
