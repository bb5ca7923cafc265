import type { FuzzRequest, FuzzResponse } from '../../support/fuzz-raw-request.js';

const excerpt = (text: string, max = 300) => {
  const printable = JSON.stringify(text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);
  return printable;
};

/** A failing exchange written so it can be replayed by hand (curl, or the suite with its seed). */
export function describeExchange(request: FuzzRequest, response: FuzzResponse, database: string): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${excerpt(value, 120)}`)
    .join('; ');
  return [
    `  database: ${database}`,
    `  request:  ${request.method} ${excerpt(request.target, 400)}`,
    `  headers:  ${headers || '(none)'}`,
    `  body:     ${request.payload === undefined ? '(none)' : `${excerpt(request.payload)}${request.encoding === 'latin1' ? ' (sent as latin1 bytes)' : ''}`}`,
    `  response: ${response.status} ${String(response.headers['content-type'] ?? '')} ${excerpt(response.body)}`,
  ].join('\n');
}
