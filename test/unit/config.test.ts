import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { generateSecrets } from '../../src/config/secret-generator.js';

const production = () => ({
  NODE_ENV: 'production',
  JWT_ISSUER: 'https://issuer.test',
  JWT_AUDIENCE: 'https://api.test',
  ...generateSecrets(),
});

function assertConfigError(fn: () => unknown, variable: string): void {
  assert.throws(
    fn,
    (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.includes(variable),
  );
}

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3000);
    assert.deepEqual(config.database, { type: 'sqlite', path: 'data/app.sqlite', migrateOnStart: true });
    assert.equal(config.jwt.accessTtlSeconds, 900);
    assert.equal(config.jwt.refreshTtlSeconds, 1_209_600);
    assert.deepEqual(config.throttle, { defaultLimit: 100, defaultTtlSeconds: 60, authLimit: 10, authTtlSeconds: 60 });
    assert.deepEqual(config.login, { maxFailures: 5, lockoutSeconds: 900 });
    assert.deepEqual(config.ids, { enabled: true, windowSeconds: 60, blockThreshold: 30, blockSeconds: 300 });
    assert.equal(config.trustProxy, false);
    assert.deepEqual(config.corsOrigins, []);
    assert.equal(config.bodyLimit, '100kb');
    assert.equal(config.swaggerEnabled, true);
    assert.equal(config.logLevel, 'info');
  });

  it('blocks a client after 30 suspicious responses in production and test, after 300 in development', () => {
    assert.equal(loadConfig(production()).ids.blockThreshold, 30);
    assert.equal(loadConfig({ NODE_ENV: 'test' }).ids.blockThreshold, 30);
    const devSecretsFile = join(mkdtempSync(join(tmpdir(), 'ids-dev-')), 'dev-secrets.json');
    assert.equal(loadConfig({ NODE_ENV: 'development' }, { devSecretsFile }).ids.blockThreshold, 300);
    assert.equal(loadConfig({}, { devSecretsFile }).ids.blockThreshold, 300, 'NODE_ENV unset means development');
    assert.equal(loadConfig({ NODE_ENV: 'development', IDS_BLOCK_THRESHOLD: '30' }, { devSecretsFile }).ids.blockThreshold, 30);
  });

  it('accepts a complete production environment and turns Swagger off there', () => {
    const config = loadConfig(production());
    assert.equal(config.nodeEnv, 'production');
    assert.equal(config.swaggerEnabled, false);
    assert.equal(config.jwt.privateKey.asymmetricKeyType, 'ec');
    assert.equal(config.fieldEncryptionKeys.length, 1);
  });

  for (const name of [
    'JWT_PRIVATE_KEY',
    'FIELD_ENCRYPTION_KEYS',
    'BLIND_INDEX_KEY',
    'API_KEY_PEPPER',
    'JWT_ISSUER',
    'JWT_AUDIENCE',
  ]) {
    it(`refuses production without ${name}, naming it`, () => {
      const env: Record<string, string> = production();
      delete env[name];
      assertConfigError(() => loadConfig(env), name);
    });
  }

  it('refuses weak or malformed secrets, naming the variable', () => {
    const short = randomBytes(16).toString('base64');
    assertConfigError(() => loadConfig({ ...production(), BLIND_INDEX_KEY: short }), 'BLIND_INDEX_KEY');
    assertConfigError(
      () => loadConfig({ ...production(), API_KEY_PEPPER: Buffer.alloc(32).toString('base64') }),
      'API_KEY_PEPPER',
    );
    assertConfigError(() => loadConfig({ ...production(), API_KEY_PEPPER: 'not base64!!' }), 'API_KEY_PEPPER');
    assertConfigError(() => loadConfig({ ...production(), JWT_PRIVATE_KEY: 'not a pem' }), 'JWT_PRIVATE_KEY');
    assertConfigError(
      () => loadConfig({ ...production(), FIELD_ENCRYPTION_KEYS: `k1:${short}` }),
      'FIELD_ENCRYPTION_KEYS (key "k1")',
    );
    assertConfigError(
      () => loadConfig({ ...production(), FIELD_ENCRYPTION_KEYS: randomBytes(32).toString('base64') }),
      'FIELD_ENCRYPTION_KEYS',
    );
    const key = randomBytes(32).toString('base64');
    assertConfigError(
      () => loadConfig({ ...production(), FIELD_ENCRYPTION_KEYS: `a:${key},a:${randomBytes(32).toString('base64')}` }),
      'FIELD_ENCRYPTION_KEYS',
    );
  });

  it('refuses a JWT key that is not EC P-256', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    assertConfigError(() => loadConfig({ ...production(), JWT_PRIVATE_KEY: rsa }), 'JWT_PRIVATE_KEY');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    assertConfigError(() => loadConfig({ ...production(), JWT_PRIVATE_KEY: p384 }), 'JWT_PRIVATE_KEY');
  });

  it('refuses one key used for two purposes', () => {
    const env = production();
    assertConfigError(() => loadConfig({ ...env, API_KEY_PEPPER: env.BLIND_INDEX_KEY }), 'API_KEY_PEPPER');
  });

  it('reads any secret from <NAME>_FILE, and refuses both forms at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const env: Record<string, string> = production();
    const file = join(dir, 'pepper');
    writeFileSync(file, `${env.API_KEY_PEPPER}\n`);
    const pepper = env.API_KEY_PEPPER!;
    delete env.API_KEY_PEPPER;
    assert.deepEqual(loadConfig({ ...env, API_KEY_PEPPER_FILE: file }).apiKeyPepper, Buffer.from(pepper, 'base64'));
    assertConfigError(() => loadConfig({ ...env, API_KEY_PEPPER: pepper, API_KEY_PEPPER_FILE: file }), 'API_KEY_PEPPER');
    assertConfigError(() => loadConfig({ ...env, API_KEY_PEPPER_FILE: join(dir, 'missing') }), 'API_KEY_PEPPER_FILE');
  });

  it('accepts a PEM written on one line with \\n escapes', () => {
    const env = production();
    const oneLine = env.JWT_PRIVATE_KEY.replace(/\n/g, '\\n');
    assert.equal(loadConfig({ ...env, JWT_PRIVATE_KEY: oneLine }).jwt.privateKey.asymmetricKeyType, 'ec');
  });

  it('generates missing development secrets once, into a private file, and reuses them', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dev-secrets-')), 'data', 'dev-secrets.json');
    const first = loadConfig({ NODE_ENV: 'development' }, { devSecretsFile: file });
    assert.deepEqual([...first.generatedSecrets].sort(), [
      'API_KEY_PEPPER',
      'BLIND_INDEX_KEY',
      'FIELD_ENCRYPTION_KEYS',
      'JWT_PRIVATE_KEY',
    ]);
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o077, 0, 'dev secrets file must not be readable by others');
    const second = loadConfig({ NODE_ENV: 'development' }, { devSecretsFile: file });
    assert.deepEqual(second.generatedSecrets, []);
    assert.deepEqual(second.blindIndexKey, first.blindIndexKey);
    assert.ok(JSON.parse(readFileSync(file, 'utf8')).JWT_PRIVATE_KEY.includes('PRIVATE KEY'));
  });

  it('refuses unsafe or malformed plain settings', () => {
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', CORS_ORIGINS: '*' }), 'CORS_ORIGINS');
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'true' }), 'TRUST_PROXY');
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', PORT: 'eighty' }), 'PORT');
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', IDS_ENABLED: 'maybe' }), 'IDS_ENABLED');
    assertConfigError(() => loadConfig({ NODE_ENV: 'staging' }), 'NODE_ENV');
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'mysql://x' }), 'DATABASE_URL');
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', TLS_CERT_FILE: '/tmp/c.pem' }), 'TLS_KEY_FILE');
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', BODY_LIMIT: 'lots' }), 'BODY_LIMIT');
    assert.deepEqual(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, [
      'loopback',
      '10.0.0.0/8',
    ]);
    assert.equal(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '1' }).trustProxy, 1);
  });

  it('refuses production without SMTP_URL when a mail-sending feature is on, and keeps password reset off there by default', () => {
    assertConfigError(() => loadConfig({ ...production(), PASSWORD_RESET_ENABLED: 'true' }), 'SMTP_URL');
    assertConfigError(() => loadConfig({ ...production(), REQUIRE_EMAIL_VERIFICATION: 'true' }), 'SMTP_URL');
    const quiet = loadConfig(production()).mail;
    assert.deepEqual(quiet.transport, { kind: 'none' });
    assert.equal(quiet.passwordResetEnabled, false);
    assert.equal(quiet.requireEmailVerification, false);
    const smtp = { SMTP_URL: 'smtps://mailer:secret@mail.example.com:465', MAIL_FROM: 'no-reply@example.com' };
    assertConfigError(() => loadConfig({ ...production(), ...smtp }), 'PUBLIC_BASE_URL');
    assertConfigError(() => loadConfig({ ...production(), ...smtp, MAIL_FROM: '' }), 'MAIL_FROM');
    assertConfigError(
      () => loadConfig({ ...production(), ...smtp, PUBLIC_BASE_URL: 'http://app.example.com' }),
      'PUBLIC_BASE_URL',
    );
    const mail = loadConfig({ ...production(), ...smtp, PUBLIC_BASE_URL: 'https://app.example.com/portal/' }).mail;
    assert.equal(mail.transport.kind, 'smtp');
    assert.equal(mail.passwordResetEnabled, true, 'on by default once mail can leave');
    assert.equal(mail.publicBaseUrl, 'https://app.example.com/portal');
  });

  it('refuses malformed mail settings, naming the variable without echoing SMTP credentials', () => {
    for (const url of ['http://mailer:hunter2@mail.example.com', 'mailer:hunter2@mail.example.com:25', 'smtp://?hunter2']) {
      assert.throws(
        () => loadConfig({ NODE_ENV: 'test', SMTP_URL: url }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'SMTP_URL' && !error.message.includes('hunter2'),
      );
    }
    for (const base of [
      'not a url',
      'ftp://x.example',
      'https://x.example/?next=1',
      'https://u:p@x.example',
      'https://x.example/#a',
    ]) {
      assertConfigError(() => loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: base }), 'PUBLIC_BASE_URL');
    }
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', MAIL_FROM: 'Accounts <a@example.com>' }), 'MAIL_FROM');
    assertConfigError(
      () => loadConfig({ NODE_ENV: 'test', REQUIRE_EMAIL_VERIFICATION: 'sometimes' }),
      'REQUIRE_EMAIL_VERIFICATION',
    );
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', MAIL_SEND_ATTEMPTS: '0' }), 'MAIL_SEND_ATTEMPTS');
  });

  it('writes development mail to data/outbox/ and discards test mail unless told otherwise', () => {
    const devSecretsFile = join(mkdtempSync(join(tmpdir(), 'mail-dev-')), 'dev-secrets.json');
    const development = loadConfig({ NODE_ENV: 'development' }, { devSecretsFile }).mail;
    assert.deepEqual(development.transport, { kind: 'outbox', directory: 'data/outbox' });
    assert.equal(development.passwordResetEnabled, true);
    assert.equal(development.requireEmailVerification, false, 'off by default in development');
    assert.equal(development.publicBaseUrl, 'http://localhost:3000');
    assert.deepEqual(loadConfig({ NODE_ENV: 'test' }).mail.transport, { kind: 'discard' });
    assert.deepEqual(loadConfig({ NODE_ENV: 'test', MAIL_OUTBOX_DIR: '/tmp/o' }).mail.transport, {
      kind: 'outbox',
      directory: '/tmp/o',
    });
  });

  it('refuses CORS_ORIGINS entries that are not scheme://host[:port] origins, naming the variable', () => {
    for (const value of [
      'null',
      'https://*.example.com',
      '*.example.com',
      'https://app.example.com/',
      'https://app.example.com/path',
      'https://App.Example.com',
      'https://app.example.com:443',
      'https://user@app.example.com',
      'app.example.com',
      'file:///etc',
      'chrome-extension://abcdef',
      'https://app.example.com,null',
    ]) {
      assertConfigError(() => loadConfig({ NODE_ENV: 'test', CORS_ORIGINS: value }), 'CORS_ORIGINS');
    }
    assert.deepEqual(
      loadConfig({ NODE_ENV: 'test', CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,http://[::1]:8080' })
        .corsOrigins,
      ['https://app.example.com', 'http://localhost:5173', 'http://[::1]:8080'],
    );
  });

  it('refuses TRUST_PROXY catch-all or malformed ranges, naming the variable, and accepts proxy ranges', () => {
    for (const value of [
      '0.0.0.0/0',
      '::/0',
      '0.0.0.0/1,128.0.0.0/1',
      '10.0.0.0/7',
      '2001::/15',
      '::ffff:0.0.0.0/96',
      '10.0.0.0/33',
      '10.0.0.0/8/1',
      '10.0.0.1/',
      '10.0.0.1/08x',
      '127.1',
      '0x7f.0.0.1',
      '010.0.0.1',
      'fe80::1%eth0',
      'LOOPBACK',
      'true',
    ]) {
      assertConfigError(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: value }), 'TRUST_PROXY');
    }
    assert.deepEqual(
      loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '10.0.0.0/8, fd00::/16, ::ffff:10.0.0.0/104, 192.0.2.7' }).trustProxy,
      ['10.0.0.0/8', 'fd00::/16', '::ffff:10.0.0.0/104', '192.0.2.7'],
    );
  });

  it('refuses a BOOTSTRAP_ADMIN_EMAIL that registration would refuse, without echoing it', () => {
    const password = 'bootstrap correct horse battery staple';
    for (const email of [
      'not-an-email',
      'Admin <admin@example.com>',
      'admin@[127.0.0.1]',
      `${'a'.repeat(250)}@example.com`,
      password,
    ]) {
      assert.throws(
        () => loadConfig({ NODE_ENV: 'test', BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password }),
        (error: unknown) =>
          error instanceof ConfigError && error.variable === 'BOOTSTRAP_ADMIN_EMAIL' && !error.message.includes(email),
      );
    }
    const config = loadConfig({
      NODE_ENV: 'test',
      BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com',
      BOOTSTRAP_ADMIN_PASSWORD: password,
    });
    assert.equal(config.bootstrapAdmin?.email, 'admin@example.com');
  });

  it('parses the DPoP settings and PUBLIC_ORIGIN, refusing what is not a plain origin or not https in production', () => {
    const defaults = loadConfig({ NODE_ENV: 'test' });
    assert.deepEqual(defaults.dpop, { required: false, nonceRequired: false });
    assert.equal(defaults.publicOrigin, undefined);
    const set = loadConfig({
      NODE_ENV: 'test',
      DPOP_REQUIRED: 'true',
      DPOP_NONCE_REQUIRED: 'on',
      PUBLIC_ORIGIN: 'https://api.example.com',
    });
    assert.deepEqual(set.dpop, { required: true, nonceRequired: true });
    assert.equal(set.publicOrigin, 'https://api.example.com');
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', DPOP_REQUIRED: 'sometimes' }), 'DPOP_REQUIRED');
    assertConfigError(() => loadConfig({ NODE_ENV: 'test', DPOP_NONCE_REQUIRED: '2' }), 'DPOP_NONCE_REQUIRED');
    for (const origin of [
      'api.example.com',
      'https://api.example.com/',
      'https://api.example.com/api',
      'https://API.example.com',
      'https://api.example.com:443',
      'ftp://api.example.com',
      'https://user@api.example.com',
    ]) {
      assertConfigError(() => loadConfig({ NODE_ENV: 'test', PUBLIC_ORIGIN: origin }), 'PUBLIC_ORIGIN');
    }
    assertConfigError(() => loadConfig({ ...production(), PUBLIC_ORIGIN: 'http://api.example.com' }), 'PUBLIC_ORIGIN');
    assert.equal(
      loadConfig({ ...production(), PUBLIC_ORIGIN: 'https://api.example.com' }).publicOrigin,
      'https://api.example.com',
    );
  });
});
