import ipaddr from 'ipaddr.js';

/**
 * CIDR allowlists, parsed and matched with ipaddr.js (never string prefixes, which would let
 * 10.0.0.10 match "10.0.0.1"). IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are unwrapped first.
 */
export function isValidCidr(value: string): boolean {
  try {
    ipaddr.parseCIDR(value.includes('/') ? value : `${value}/${ipaddr.parse(value).kind() === 'ipv4' ? 32 : 128}`);
    return true;
  } catch {
    return false;
  }
}

export function normaliseCidr(value: string): string {
  const [address, prefix] = value.includes('/') ? ipaddr.parseCIDR(value) : [ipaddr.parse(value), undefined];
  const bits = prefix ?? (address.kind() === 'ipv4' ? 32 : 128);
  return `${address.toString()}/${bits}`;
}

export function ipAllowed(clientIp: string | undefined, allowlist: readonly string[]): boolean {
  if (allowlist.length === 0) return true;
  if (clientIp === undefined || !ipaddr.isValid(clientIp)) return false;
  const address = ipaddr.process(clientIp);
  return allowlist.some((cidr) => {
    const [network, bits] = ipaddr.parseCIDR(cidr);
    return address.kind() === network.kind() && address.match([network, bits] as [typeof address, number]);
  });
}
