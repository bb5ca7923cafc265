import { X509Certificate } from 'node:crypto';

/** Warn this long before the served certificate expires (the alert in docs/operations.md fires at the same mark). */
export const EXPIRY_WARNING_DAYS = 14;

export interface CertificateValidity {
  readonly subject: string;
  readonly fingerprint256: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

/** Reads the validity window of the first certificate of a PEM chain (the one served). */
export function certificateValidity(pem: Buffer): CertificateValidity {
  const x509 = new X509Certificate(pem);
  return {
    subject: x509.subject,
    fingerprint256: x509.fingerprint256,
    validFrom: new Date(x509.validFrom),
    validTo: new Date(x509.validTo),
  };
}

/**
 * Why the certificate must not be served now, or undefined when it may: a certificate before its
 * notBefore or after its notAfter makes every client fail the handshake, so installing it would
 * turn a renewal mistake into an outage (ASVS 5.0 V12.2.2).
 */
export function validityProblem(validity: CertificateValidity, now = new Date()): string | undefined {
  if (now.getTime() > validity.validTo.getTime()) return `expired on ${validity.validTo.toISOString()}`;
  if (now.getTime() < validity.validFrom.getTime()) return `not valid before ${validity.validFrom.toISOString()}`;
  return undefined;
}

/** True when the certificate expires within EXPIRY_WARNING_DAYS. */
export function expiresSoon(validity: CertificateValidity, now = new Date()): boolean {
  return validity.validTo.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * 86_400_000;
}

/** The error message that names the file and the dates. */
export function outsideValidityMessage(certFile: string, validity: CertificateValidity, problem: string): string {
  return (
    `TLS certificate ${certFile} (${validity.subject}) is ${problem}: valid from ` +
    `${validity.validFrom.toISOString()} to ${validity.validTo.toISOString()}`
  );
}
