import { BlockList, isIP } from 'node:net';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** "10.0.0.0/8", "fd00::/8", or a bare address (a /32 or /128); null when it is not one. */
export function parseCidr(text: string): Cidr | null {
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0 || !address) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Whether a peer address (as a socket reports it, IPv4-mapped IPv6 included) lies in one of the CIDRs. */
export function addressInCidrs(address: string, cidrs: readonly Cidr[]): boolean {
  if (cidrs.length === 0) return false;
  // A dual-stack socket reports IPv4 peers as ::ffff:10.1.2.3; the configured CIDRs say 10.0.0.0/8.
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const version = isIP(plain);
  if (version === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  return list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
}
