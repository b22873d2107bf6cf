import { describe, expect, it } from 'vitest';
import { addressInCidrs, type Cidr, parseCidr } from './cidr';

/** AUTH_TRUSTED_PROXIES: the addresses whose X-Forwarded-User the board believes. */
describe('trusted proxy ranges', () => {
  it('reads an IPv4 or IPv6 range, or a bare address as that one address', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr(' 10.1.2.3 ')).toEqual({ address: '10.1.2.3', prefix: 32, family: 'ipv4' });
    expect(parseCidr('10.1.2.3/32')).toEqual({ address: '10.1.2.3', prefix: 32, family: 'ipv4' });
    expect(parseCidr('172.16.0.0/12')).toEqual({ address: '172.16.0.0', prefix: 12, family: 'ipv4' });
    expect(parseCidr('fd00::/64')).toEqual({ address: 'fd00::', prefix: 64, family: 'ipv6' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
  });

  it('refuses anything else rather than trusting more than was meant', () => {
    for (const text of [
      '',
      '/8',
      'proxy.internal',
      '300.0.0.0/8',
      '10.0.0.0/33',
      'fd00::/129',
      '10.0.0.0/8/9',
      '10.0.0.0/',
      '10.0.0.0/x8',
      '10.0.0.0/8x',
      '10.0.0.0/-1',
      '10.0.0.0/1000',
      '10.0.0.0/ 8',
    ]) {
      expect(parseCidr(text), JSON.stringify(text)).toBeNull();
    }
  });

  const ranges = (...texts: string[]) => texts.map((t) => parseCidr(t) as Cidr);

  it('places a peer in a range, IPv4 peers reported by a dual-stack socket included', () => {
    const trusted = ranges('10.0.0.0/8', 'fd00::/8');
    expect(addressInCidrs('10.200.3.4', trusted)).toBe(true);
    expect(addressInCidrs('::ffff:10.200.3.4', trusted)).toBe(true);
    expect(addressInCidrs('fd12::1', trusted)).toBe(true);
    expect(addressInCidrs('11.0.0.1', trusted)).toBe(false);
    expect(addressInCidrs('::ffff:192.168.0.1', trusted)).toBe(false);
    // An IPv6 address that merely starts like a mapped one is not read as IPv4.
    expect(addressInCidrs('::ffff:a0c8:304', ranges('::ffff:a0c8:0/112'))).toBe(true);
    expect(addressInCidrs('::ffff:a0c8:304', trusted)).toBe(false);
  });

  it('trusts no one when no range is set, and nothing that is not an address', () => {
    expect(addressInCidrs('10.0.0.1', [])).toBe(false);
    expect(addressInCidrs('', ranges('10.0.0.0/8'))).toBe(false);
    expect(addressInCidrs('not-an-address', ranges('0.0.0.0/0', '::/0'))).toBe(false);
    expect(addressInCidrs('::ffff:', ranges('0.0.0.0/0', '::/0'))).toBe(false);
  });
});
