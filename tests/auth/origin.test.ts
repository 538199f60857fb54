import { describe, expect, it } from 'vitest';
import { addressBucket, clientAddress, expectedHost, isHttps } from '../../lib/auth/origin';
import { cidrSet, parseCidr, plainAddress } from '../../lib/config/cidr';
import { SOCKET_ADDRESS_HEADER } from '../../lib/http/node-guard';
import { fromSocket } from './app-env';

const none = cidrSet([]);
const withHeaders = (headers: Record<string, string>) => new Request('http://dash.test/x', { headers });

describe('the client address', () => {
  it('is the socket address, whatever X-Forwarded-For or X-Real-IP claim', () => {
    expect(clientAddress(withHeaders({ ...fromSocket('203.0.113.10'), 'x-forwarded-for': '10.9.9.9', 'x-real-ip': '10.8.8.8' }), none)).toBe('203.0.113.10');
    expect(clientAddress(withHeaders({ ...fromSocket('::ffff:203.0.113.10') }), none)).toBe('203.0.113.10');
  });

  it('is unknown for a request that did not come through the guarded server, or that forges its header', () => {
    expect(clientAddress(withHeaders({ 'x-forwarded-for': '203.0.113.10' }), none)).toBe('unknown');
    expect(clientAddress(withHeaders({ [SOCKET_ADDRESS_HEADER]: 'guessed-proof 203.0.113.10' }), none)).toBe('unknown');
  });

  it('believes X-Forwarded-For only from a trusted proxy, read from the right past every trusted hop', () => {
    const trusted = cidrSet(['10.0.0.0/8', 'fd00::/8']);
    const via = (socket: string, xff: string) => clientAddress(withHeaders({ ...fromSocket(socket), 'x-forwarded-for': xff }), trusted);
    expect(via('10.0.0.2', '1.1.1.1, 203.0.113.10')).toBe('203.0.113.10'); // 1.1.1.1 was written by the client itself
    expect(via('10.0.0.2', '203.0.113.10, 10.0.0.7')).toBe('203.0.113.10'); // two proxies deep
    expect(via('fd00::2', '203.0.113.10')).toBe('203.0.113.10');
    expect(via('10.0.0.2', '10.0.0.5')).toBe('10.0.0.5'); // only proxies: the farthest one
    expect(via('10.0.0.2', 'not-an-address, 203.0.113.10')).toBe('203.0.113.10');
    expect(via('10.0.0.2', '203.0.113.10, garbage')).toBe('10.0.0.2'); // a hop that is no address stops the walk
    expect(via('203.0.113.99', '1.1.1.1')).toBe('203.0.113.99'); // not a trusted proxy: its header means nothing
  });

  it('groups IPv6 clients by /64 for the sign-in limit', () => {
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('203.0.113.10')).toBe('203.0.113.10');
  });

  it('parses the CIDRs of IDEMSCOPE_TRUSTED_PROXIES and nothing else', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', 'example.com', '10.0.0/8', '10.0.0.0/-1', '']) expect(parseCidr(bad), bad).toBeNull();
  });
});

describe('the client address behind the configured proxies', () => {
  it('reads IDEMSCOPE_TRUSTED_PROXIES, and is a trusted proxy\'s own address when it forwards nothing', () => {
    process.env.IDEMSCOPE_TRUSTED_PROXIES = '10.0.0.0/8';
    const via = (headers: Record<string, string>) => clientAddress(withHeaders(headers));
    expect(via({ ...fromSocket('10.0.0.2'), 'x-forwarded-for': '203.0.113.10' })).toBe('203.0.113.10');
    expect(via({ ...fromSocket('10.0.0.2'), 'x-forwarded-for': '203.0.113.11' })).toBe('203.0.113.11');
    expect(via(fromSocket('10.0.0.2'))).toBe('10.0.0.2');
    expect(via({ ...fromSocket('192.0.2.1'), 'x-forwarded-for': '203.0.113.10' })).toBe('192.0.2.1');
  });
});

describe('the trusted proxies', () => {
  it('hold the addresses inside each CIDR, its first and last included, and no address next to it', () => {
    const trusted = cidrSet(['10.1.0.0/16', 'fd00::/8', '192.0.2.7', 'not-a-cidr']);
    expect(['10.1.0.0', '10.1.255.255', 'fd12::1', '192.0.2.7', '::ffff:10.1.2.3'].map((a) => trusted.has(a))).toEqual([true, true, true, true, true]);
    expect(['10.0.255.255', '10.2.0.0', 'fe00::1', '192.0.2.8', 'not-a-cidr', 'garbage', ''].map((a) => trusted.has(a))).toEqual([false, false, false, false, false, false, false]);
  });

  it('read a bare address as a /32 or /128, and a prefix of up to three digits only', () => {
    expect(parseCidr('192.0.2.7')).toEqual({ address: '192.0.2.7', prefix: 32, family: 'ipv4' });
    expect(parseCidr('10.0.0.0/32')).toEqual({ address: '10.0.0.0', prefix: 32, family: 'ipv4' });
    expect(parseCidr('fd00::/128')).toEqual({ address: 'fd00::', prefix: 128, family: 'ipv6' });
    expect(parseCidr('10.0.0.0/0')).toEqual({ address: '10.0.0.0', prefix: 0, family: 'ipv4' });
    for (const bad of ['10.0.0.0/', '10.0.0.0/0008', '10.0.0.0/8a', '10.0.0.0/ 8']) expect(parseCidr(bad), bad).toBeNull();
  });

  it('see a dual-stack socket\'s ::ffff: address as the IPv4 address it is, and leave other IPv6 addresses alone', () => {
    expect(plainAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(plainAddress('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(plainAddress('::ffff:10.0.0.1x')).toBe('::ffff:10.0.0.1x');
    expect(plainAddress('x::ffff:10.0.0.1')).toBe('x::ffff:10.0.0.1');
    expect(plainAddress('::1')).toBe('::1');
  });
});

describe('the sign-in limiter\'s address buckets', () => {
  it('are an IPv4 address itself, and an IPv6 address\'s /64 however it is written', () => {
    expect(addressBucket('2001:DB8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0db8:0001:0002:0:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::')).toBe('fe80:0:0:0::/64');
    expect(addressBucket('2001:db8:1:2:3:4::')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('1:0:0:0::')).toBe('1:0:0:0::/64');
    expect(addressBucket('2001:db8::ab:cd')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('1::2:3:4:5:6')).toBe('1:0:0:2::/64');
    expect(addressBucket('unknown')).toBe('unknown');
  });
});

describe('the dashboard\'s own origin', () => {
  const at = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });

  it('is the Host the request was sent to, port included, or IDEMSCOPE_PUBLIC_ORIGIN\'s behind a proxy that rewrites it', () => {
    expect(expectedHost(at('http://10.0.0.5:3000/x', { host: 'dash.test:3000' }))).toBe('dash.test:3000');
    expect(expectedHost(at('http://dash.test:8080/x'))).toBe('dash.test:8080');
    expect(expectedHost(at('http://10.0.0.5:3000/x', { host: '10.0.0.5:3000' }), 'https://idemscope.example.com')).toBe('idemscope.example.com');
    expect(expectedHost(at('http://x/'), 'https://idemscope.example.com:8443/')).toBe('idemscope.example.com:8443');
  });

  it('is https when the public origin says so, else when the proxy forwarded https or the request itself was', () => {
    expect(isHttps(at('http://10.0.0.5/x'), 'https://idemscope.example.com')).toBe(true);
    expect(isHttps(at('https://10.0.0.5/x', { 'x-forwarded-proto': 'https' }), 'http://idemscope.example.com')).toBe(false);
    expect(isHttps(at('http://10.0.0.5/x', { 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(isHttps(at('http://10.0.0.5/x', { 'x-forwarded-proto': ' https , http' }))).toBe(true);
    expect(isHttps(at('http://10.0.0.5/x', { 'x-forwarded-proto': 'http, https' }))).toBe(false);
    expect(isHttps(at('https://10.0.0.5/x'))).toBe(true);
    expect(isHttps(at('http://10.0.0.5/x'))).toBe(false);
  });
});
