import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { ConfigError } from '../config/config-error.js';
import { loadConfigFromEnvironment } from '../config/environment.js';
import { BootLogger } from '../logging/boot-logger.js';
import { describeError } from '../logging/error-serializer.js';
import type { CliCommand } from './cli-command.js';
import { COMMANDS } from './commands/index.js';
import { EXIT } from './exit-codes.js';

const HELP_FLAGS = new Set(['--help', '-h', 'help']);

function overview(): string {
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(18)} ${c.summary}`).join('\n');
  return (
    `Usage: npm run --silent cli -- <command> [flags]   (or: node dist/cli/main.js <command> [flags])\n` +
    `Commands:\n${list}\n` +
    `Run "<command> --help" for its flags. Exit codes: 0 done, 1 refused or failed check, 2 usage error, 3 could not run.\n`
  );
}

function commandUsage(command: CliCommand): string {
  return `Usage: npm run --silent cli -- ${command.name}${command.usage ? ` ${command.usage}` : ''}\n${command.summary}\n`;
}

/**
 * `npm run cli -- <command> [args]`: operational tasks that share the app's config and modules.
 * Results go to stdout, everything else (usage, errors, logs) to stderr; exit codes in exit-codes.ts.
 */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name !== undefined && HELP_FLAGS.has(name)) {
    process.stdout.write(overview());
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    // A command name is echoed only when it looks like one: argv may hold a misplaced secret.
    const shown = name !== undefined && /^[a-z][a-z-]{0,30}$/.test(name) ? ` "${name}"` : '';
    process.stderr.write(`${name === undefined ? '' : `Unknown command${shown}.\n`}${overview()}`);
    return EXIT.usage;
  }
  if (args.length === 1 && HELP_FLAGS.has(args[0]!)) {
    process.stdout.write(commandUsage(command));
    return EXIT.ok;
  }
  const refusal = command.checkArgs?.(args);
  if (refusal !== undefined) {
    process.stderr.write(`${command.name}: ${refusal}\n${commandUsage(command)}`);
    return EXIT.usage;
  }
  try {
    const config = command.needsConfig ? loadConfigFromEnvironment() : undefined;
    // Nest's and TypeORM's own lines (migrations, retries) go to stderr as JSON, errors serialised.
    if (config) NestLogger.overrideLogger(new BootLogger(config.logLevel, 2));
    return await command.run(args, config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
    } else {
      // The class and code of a database error, never its SQL, parameters or stack (error-serializer.ts).
      process.stderr.write(`${command.name} failed: ${describeError(error)}\n`);
    }
    return EXIT.cannotRun;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Failed: ${describeError(error)}\n`);
    process.exit(EXIT.cannotRun);
  },
);
