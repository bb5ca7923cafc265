import { accessTokenFrom, portOf } from './clients.js';
import { strongPassword } from './identity.js';
import { startTestApp, type TestApp } from './test-app.js';

/**
 * Starts the app with a bootstrap admin (BOOTSTRAP_ADMIN_*) and logs the admin in from `from`, a
 * loopback address of its own, so the admin's requests never share a client's rate-limit,
 * lockout or intrusion-detection counters.
 */
export async function startTestAppWithAdmin(
  env: Record<string, string>,
  email: string,
  from = '127.0.0.1',
): Promise<{ t: TestApp; adminToken: string }> {
  const password = strongPassword();
  const t = await startTestApp({ ...env, BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password });
  return { t, adminToken: await accessTokenFrom(portOf(t), from, { email, password }) };
}
