import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

export interface Fixtures {
  readonly user: Credentials;
  /** The user's access token (Authorization: Bearer). */
  readonly bearer: string;
  /** The user's API key with notes:read and notes:write. */
  readonly apiKey: string;
  /** A note of the user's, read by the note targets. */
  readonly noteId: string;
  /** The admin's API key with metrics:read, for GET /metrics after the run. */
  readonly metricsKey: string;
}

/** A passphrase the password policy accepts: long, random, unrelated to the email or name. */
export function randomPassword(): string {
  return `otter ${randomBytes(18).toString('base64url')} lantern`;
}

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

async function login(base: string, who: Credentials): Promise<string> {
  const pair = await call(base, 'POST', '/api/v1/auth/login', who);
  return String(pair.accessToken);
}

/**
 * The admin's token: admins must have a second factor (MFA_REQUIRED_ROLES defaults to admin), so
 * the first login's enrol-only session enrols TOTP through the real routes (the code computed
 * with otpauth, as an authenticator app would) and refreshes into a token that carries `otp`.
 */
async function adminLogin(base: string, admin: Credentials): Promise<string> {
  const pair = await call(base, 'POST', '/api/v1/auth/login', admin);
  const auth = { authorization: `Bearer ${String(pair.accessToken)}` };
  const setup = await call(base, 'POST', '/api/v1/auth/mfa/totp/setup', undefined, auth);
  const code = TOTP.generate({ secret: Secret.fromBase32(String(setup.secret)), algorithm: 'SHA1', digits: 6, period: 30 });
  await call(base, 'POST', '/api/v1/auth/mfa/totp/confirm', { code }, auth);
  const refreshed = await call(base, 'POST', '/api/v1/auth/refresh', { refreshToken: pair.refreshToken });
  return String(refreshed.accessToken);
}

/**
 * What the measured requests need, created through the public API like any client would: the
 * admin (made at boot from BOOTSTRAP_ADMIN_*) enrols its second factor and gets a metrics:read key; a new user registers,
 * logs in, creates an API key and a note.
 */
export async function createFixtures(base: string, admin: Credentials): Promise<Fixtures> {
  const adminToken = await adminLogin(base, admin);
  const metrics = await call(
    base,
    'POST',
    '/api/v1/api-keys',
    { name: 'bench metrics', scopes: ['metrics:read'], expiresInDays: 1 },
    { authorization: `Bearer ${adminToken}` },
  );

  const user = { email: `bench-${randomBytes(4).toString('hex')}@example.com`, password: randomPassword() };
  await call(base, 'POST', '/api/v1/auth/register', { ...user, displayName: 'Load Tester' });
  const bearer = await login(base, user);
  const auth = { authorization: `Bearer ${bearer}` };
  const key = await call(
    base,
    'POST',
    '/api/v1/api-keys',
    { name: 'bench notes', scopes: ['notes:read', 'notes:write'], expiresInDays: 1 },
    auth,
  );
  const note = await call(
    base,
    'POST',
    '/api/v1/notes',
    { title: 'Benchmark note', body: 'A note body of a realistic length. '.repeat(8) },
    auth,
  );
  return { user, bearer, apiKey: String(key.key), noteId: String(note.id), metricsKey: String(metrics.key) };
}

export async function fetchMetrics(base: string, metricsKey: string): Promise<string> {
  const res = await fetch(`${base}/metrics`, { headers: { 'x-api-key': metricsKey } });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return text;
}

export interface HistogramSummary {
  readonly count: number;
  readonly sum: number;
  readonly mean: number;
  /** Upper bound of the bucket holding the p-th percentile (Prometheus-style estimate). */
  readonly p50: number;
  readonly p99: number;
}

/** Reads one unlabelled Prometheus histogram out of the text exposition format. */
export function histogram(text: string, name: string): HistogramSummary | undefined {
  const buckets: [number, number][] = [];
  let count = Number.NaN;
  let sum = Number.NaN;
  for (const line of text.split('\n')) {
    const bucket = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`).exec(line);
    if (bucket) buckets.push([bucket[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(bucket[1]), Number(bucket[2])]);
    if (line.startsWith(`${name}_count `)) count = Number(line.split(' ')[1]);
    if (line.startsWith(`${name}_sum `)) sum = Number(line.split(' ')[1]);
  }
  if (Number.isNaN(count) || count === 0) return undefined;
  const quantile = (q: number) => buckets.find(([, cumulative]) => cumulative >= q * count)?.[0] ?? Number.NaN;
  return { count, sum, mean: sum / count, p50: quantile(0.5), p99: quantile(0.99) };
}
