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
