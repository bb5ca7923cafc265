import { loadConfig } from './load-config.js';
import type { AppConfig } from './app-config.js';

/** The single read of process.env in the code base (docs/architecture.md#configuration-is-parsed-once). */
export function loadConfigFromEnvironment(): AppConfig {
  return loadConfig(process.env);
}
