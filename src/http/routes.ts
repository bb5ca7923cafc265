/**
 * The business API lives under /api/v1 through URI versioning with the prefix "api/v": a
 * controller declared `@Controller({ path: 'notes', version: API_VERSION })` serves
 * /api/v1/notes. Operational controllers declare no version and stay at the root
 * (/health/*, /metrics, /.well-known/jwks.json; docs/http-contract.md#routes). No global prefix is used, so
 * Nest's not-found handler covers every path and unknown routes get a problem 404.
 */
export const API_VERSION = '1';
export const API_VERSION_PREFIX = 'api/v';
