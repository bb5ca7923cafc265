import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificate {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly fingerprint256: string;
}

/** A throwaway self-signed P-256 certificate for CN=localhost, made by openssl in `dir`. */
export function createSelfSignedCertificate(dir: string, name: string): TestCertificate {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ].concat(['-addext', 'subjectAltName=DNS:localhost', '-keyout', keyFile, '-out', certFile]),
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certFile);
  return { cert, key: readFileSync(keyFile), fingerprint256: new X509Certificate(cert).fingerprint256 };
}

/**
 * A certificate for CN=localhost that expired a day ago (notAfter = now - 1 day), made by openssl:
 * `x509 -req -days -1` signs it with its own key, the only way OpenSSL 3.0 back-dates an expiry.
 */
export function createExpiredCertificate(dir: string, name: string): TestCertificate {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const csrFile = join(dir, `${name}.csr`);
  execFileSync(
    'openssl',
    ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost'].concat([
      '-keyout',
      keyFile,
      '-out',
      csrFile,
    ]),
    { stdio: 'ignore' },
  );
  execFileSync('openssl', ['x509', '-req', '-in', csrFile, '-signkey', keyFile, '-days', '-1', '-out', certFile], {
    stdio: 'ignore',
  });
  const cert = readFileSync(certFile);
  return { cert, key: readFileSync(keyFile), fingerprint256: new X509Certificate(cert).fingerprint256 };
}
