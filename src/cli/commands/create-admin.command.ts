import { AdminProvisioner } from '../../auth/bootstrap-admin.service.js';
import type { AppConfig } from '../../config/app-config.js';
import { isAccountEmail } from '../../config/email-address.js';
import { loadConfigFromEnvironment } from '../../config/environment.js';
import { ProblemException } from '../../http/problem.exception.js';
import { openAppContext } from '../cli-app-context.js';
import type { CliCommand } from '../cli-command.js';
import { EXIT } from '../exit-codes.js';
import { parseFlags } from '../parse-flags.js';
import { readPassword, type PasswordSource } from '../read-password.js';

const FLAGS = '--email <email> (--password-file <path> | --password-stdin | --password <password>)';
const USAGE = `Usage: npm run --silent cli -- create-admin ${FLAGS}\n`;

interface AdminInput {
  readonly email: string;
  readonly password: string;
}

interface AdminArgs {
  readonly email: string;
  readonly source: PasswordSource;
}

/**
 * The flags, or why the command line is refused. Same address rules as POST /auth/register.
 * The password comes from exactly one place; a file or stdin keeps it out of argv (`ps`, shell
 * history), `--password` stays for compatibility.
 */
function parseAdminArgs(args: readonly string[]): AdminArgs | string {
  const flags = parseFlags(args, {
    required: ['email'],
    optional: ['password', 'password-file'],
    switches: ['password-stdin'],
  });
  if (!flags.ok) return flags.error;
  const { email, password, 'password-file': file, 'password-stdin': stdin } = flags.values;
  const sources = [password, file, stdin].filter((value) => value !== undefined).length;
  if (sources !== 1) return 'give the password with exactly one of --password-file, --password-stdin or --password';
  if (!isAccountEmail(email!)) return '--email must be an email address';
  const source: PasswordSource =
    file !== undefined
      ? { kind: 'file', path: file }
      : stdin !== undefined
        ? { kind: 'stdin' }
        : { kind: 'argument', value: password! };
  return { email: email!, source };
}

/** What an operator reads when the account is refused: our own messages only, never internals. */
function refusalText(refusal: ProblemException): string {
  const errors = refusal.problem.errors ?? [];
  return errors.length > 0 ? errors.map((error) => error.message).join('; ') : refusal.message;
}

/**
 * Boots the server's module graph without HTTP and creates the admin through AdminProvisioner,
 * so the CLI applies the same password policy and argon2id hashing as registration: never a
 * weaker path to a privileged account (ASVS 6.2.1, OWASP API5:2023). Logs go to stderr
 * (cli-app-context.ts), so stdout carries just the id.
 */
async function createAdmin(config: AppConfig, input: AdminInput): Promise<number> {
  const app = await openAppContext(config);
  try {
    const id = await app.get(AdminProvisioner).createAdmin(input.email, input.password);
    process.stdout.write(`${id}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    process.stderr.write(`Admin not created: ${refusalText(error)}\n`);
    return EXIT.refused;
  } finally {
    await app.close();
  }
}

function refuseUsage(why: string): number {
  process.stderr.write(`create-admin: ${why}\n${USAGE}`);
  return EXIT.usage;
}

/**
 * `npm run --silent cli -- create-admin --email E --password-file F` (docs/operations.md):
 * exit 0 created (stdout: the id), 1 refused, 2 usage, 3 could not run.
 */
export const createAdminCommand: CliCommand = {
  name: 'create-admin',
  summary: 'create an admin account (prints its id); password from a file, stdin or --password',
  usage: FLAGS,
  // The flags and the password are read before the configuration, so a typo is a usage error
  // (exit 2) and never touches secrets or the database; the configuration is loaded right after.
  needsConfig: false,
  async run(args) {
    const parsed = parseAdminArgs(args);
    if (typeof parsed === 'string') return refuseUsage(parsed);
    const read = await readPassword(parsed.source);
    if ('error' in read) return refuseUsage(read.error);
    return createAdmin(loadConfigFromEnvironment(), { email: parsed.email, password: read.password });
  },
};
