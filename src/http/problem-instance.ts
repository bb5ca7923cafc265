/** Characters a URI path may carry as they are (RFC 3986 §3.3 pchar and `/`), and well-formed escapes. */
const NOT_URI_PATH = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g;

/**
 * The `instance` member of a problem: the request's path without its query, percent-encoded
 * where the client sent something a URI may not hold (a `%` that starts no escape, a raw byte
 * above ASCII), so the member is always the URI reference RFC 9457 §3.1.5 says it is and that
 * the OpenAPI document promises (`format: uri-reference`), whatever was sent.
 */
export function problemInstance(originalUrl: string): string {
  const path = originalUrl.split('?')[0] || '/';
  return path.replace(NOT_URI_PATH, (character) => (character === '%' ? '%25' : encodeURIComponent(character)));
}
