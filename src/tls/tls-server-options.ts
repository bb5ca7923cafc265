import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { certificateValidity, outsideValidityMessage, validityProblem } from './certificate-validity.js';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * TLS 1.3 only, both at boot and on every reload (setSecureContext resets versions it is not
 * given). TLS 1.3 has only AEAD suites with forward secrecy and no renegotiation or
 * compression, so there is no cipher list to get wrong (ASVS 12.1.1 / 12.1.2, OWASP API8:2023).
 */
export function tlsServerOptions(material: TlsMaterial): SecureContextOptions {
  return { cert: material.cert, key: material.key, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' };
}

export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}

/**
 * Reads and checks the certificate and key (parseable, matching) and returns server options.
 * Throws with OpenSSL's reason, which names no secret, so a bad pair fails at boot or is refused
 * on reload instead of serving a broken context. With `refuseOutsideValidity` (production), a
 * certificate that is expired or not yet valid fails the boot too, with its file and dates;
 * elsewhere it is served and the reloader logs an error (src/tls/tls-context-reloader.ts).
 */
export function loadTlsServerOptions(files: TlsFiles, refuseOutsideValidity = false): SecureContextOptions {
  const material = readTlsMaterial(files);
  const options = tlsServerOptions(material);
  createSecureContext(options);
  if (refuseOutsideValidity) {
    const validity = certificateValidity(material.cert);
    const problem = validityProblem(validity);
    if (problem !== undefined) throw new Error(outsideValidityMessage(files.certFile, validity, problem));
  }
  return options;
}
