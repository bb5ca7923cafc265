import 'reflect-metadata';
import { ConfigError } from '../config/config-error.js';
import { loadConfigFromEnvironment } from '../config/environment.js';
import { COMMANDS } from './commands/index.js';

/** `npm run cli -- <command> [args]`: operational tasks that share the app's config and modules. */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    const list = COMMANDS.map((c) => `  ${c.name.padEnd(18)} ${c.summary}`).join('\n');
    process.stderr.write(`${name ? `Unknown command "${name}".\n` : ''}Usage: npm run cli -- <command>\n${list}\n`);
    return 2;
  }
  try {
    const config = command.needsConfig ? loadConfigFromEnvironment() : undefined;
    return await command.run(args, config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
