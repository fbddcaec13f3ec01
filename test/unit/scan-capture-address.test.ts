import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { clientAddress, normalizeIp } from '../../src-server/scans/capture';

const req = (remoteAddress: string | undefined, headers: IncomingHttpHeaders = {}) => ({
  socket: { remoteAddress },
  headers,
});

describe('clientAddress', () => {
  describe("trustProxy 'none'", () => {
    it('uses the socket address', () => {
      assert.equal(clientAddress(req('203.0.113.9'), 'none'), '203.0.113.9');
      assert.equal(clientAddress(req('2001:db8::7'), 'none'), '2001:db8::7');
    });

    it('ignores spoofed forwarding headers', () => {
      const spoofed = req('198.51.100.20', {
        'cf-connecting-ip': '8.8.8.8',
        'x-forwarded-for': '8.8.8.8, 1.1.1.1',
        'x-real-ip': '8.8.8.8',
        forwarded: 'for=8.8.8.8',
        'true-client-ip': '8.8.8.8',
      });
      assert.equal(clientAddress(spoofed, 'none'), '198.51.100.20');
    });

    it('normalises IPv4-mapped IPv6 socket addresses to IPv4', () => {
      assert.equal(clientAddress(req('::ffff:192.0.2.33'), 'none'), '192.0.2.33');
      assert.equal(clientAddress(req('::FFFF:192.0.2.33'), 'none'), '192.0.2.33');
      assert.equal(clientAddress(req('0:0:0:0:0:ffff:192.0.2.33'), 'none'), '192.0.2.33');
      assert.equal(clientAddress(req('::ffff:c000:221'), 'none'), '192.0.2.33');
    });

    it('keeps ordinary IPv6 (lower-cased, zone dropped)', () => {
      assert.equal(clientAddress(req('2001:DB8::1'), 'none'), '2001:db8::1');
      assert.equal(clientAddress(req('fe80::1%eth0'), 'none'), 'fe80::1');
      assert.equal(clientAddress(req('::1'), 'none'), '::1');
      // NAT64 and IPv4-compatible forms are real IPv6 addresses, not IPv4-mapped ones.
      assert.equal(clientAddress(req('64:ff9b::192.0.2.33'), 'none'), '64:ff9b::192.0.2.33');
    });

    it('returns an empty string when the socket has no address', () => {
      assert.equal(clientAddress(req(undefined), 'none'), '');
    });
  });

  describe("trustProxy 'cloudflare'", () => {
    it('believes a valid CF-Connecting-IP', () => {
      assert.equal(clientAddress(req('172.70.1.1', { 'cf-connecting-ip': '8.8.4.4' }), 'cloudflare'), '8.8.4.4');
      assert.equal(
        clientAddress(req('172.70.1.1', { 'cf-connecting-ip': '2606:4700:4700::1111' }), 'cloudflare'),
        '2606:4700:4700::1111',
      );
      assert.equal(clientAddress(req('172.70.1.1', { 'cf-connecting-ip': ' 8.8.4.4 ' }), 'cloudflare'), '8.8.4.4');
      assert.equal(clientAddress(req('172.70.1.1', { 'cf-connecting-ip': '::ffff:8.8.4.4' }), 'cloudflare'), '8.8.4.4');
    });

    it('falls back to the socket on a missing or garbage header', () => {
      const garbage = [
        '',
        'unknown',
        '8.8.8.8, 1.1.1.1', // two headers joined by Node
        '999.1.1.1',
        '01.2.3.4',
        '8.8.8.8:443',
        '<script>alert(1)</script>',
        '8.8.8.8\r\nX-Evil: 1',
        'x'.repeat(10_000),
      ];
      assert.equal(clientAddress(req('172.70.1.1'), 'cloudflare'), '172.70.1.1');
      for (const value of garbage) {
        assert.equal(
          clientAddress(req('172.70.1.1', { 'cf-connecting-ip': value }), 'cloudflare'),
          '172.70.1.1',
          value,
        );
      }
    });

    it('ignores X-Forwarded-For in cloudflare mode', () => {
      assert.equal(clientAddress(req('172.70.1.1', { 'x-forwarded-for': '8.8.8.8' }), 'cloudflare'), '172.70.1.1');
    });
  });

  describe("trustProxy 'x-forwarded-for'", () => {
    it('takes the right-most entry, the one our proxy appended', () => {
      assert.equal(clientAddress(req('10.0.0.2', { 'x-forwarded-for': '9.9.9.9' }), 'x-forwarded-for'), '9.9.9.9');
      // The client sent "X-Forwarded-For: 8.8.8.8"; our proxy appended the real address.
      assert.equal(
        clientAddress(req('10.0.0.2', { 'x-forwarded-for': '8.8.8.8, 9.9.9.9' }), 'x-forwarded-for'),
        '9.9.9.9',
      );
      assert.equal(
        clientAddress(
          req('10.0.0.2', { 'x-forwarded-for': '1.1.1.1,8.8.8.8 ,  2001:4860:4860::8888 ' }),
          'x-forwarded-for',
        ),
        '2001:4860:4860::8888',
      );
    });

    it('accepts ports and brackets some proxies add, and IPv4-mapped forms', () => {
      const cases: [string, string][] = [
        ['9.9.9.9:51234', '9.9.9.9'],
        ['[2001:db8::5]:443', '2001:db8::5'],
        ['[2001:db8::5]', '2001:db8::5'],
        ['::ffff:9.9.9.9', '9.9.9.9'],
      ];
      for (const [header, expected] of cases) {
        assert.equal(clientAddress(req('10.0.0.2', { 'x-forwarded-for': header }), 'x-forwarded-for'), expected);
      }
    });

    it('handles repeated headers given as an array', () => {
      assert.equal(
        clientAddress(
          req('10.0.0.2', { 'x-forwarded-for': ['8.8.8.8', '9.9.9.9'] as unknown as string }),
          'x-forwarded-for',
        ),
        '9.9.9.9',
      );
    });

    it('falls back to the socket when the right-most entry is garbage, never to a client-supplied one', () => {
      const garbage = [
        '',
        ' , ',
        'unknown',
        '8.8.8.8, garbage',
        '8.8.8.8, 300.1.1.1',
        '8.8.8.8, _hidden',
        '8.8.8.8, [::1',
      ];
      assert.equal(clientAddress(req('10.0.0.2'), 'x-forwarded-for'), '10.0.0.2');
      for (const value of garbage) {
        assert.equal(
          clientAddress(req('10.0.0.2', { 'x-forwarded-for': value }), 'x-forwarded-for'),
          '10.0.0.2',
          value,
        );
      }
    });

    it('stays fast and correct on a huge header', () => {
      const header = `${'8.8.8.8, '.repeat(20_000)}9.9.9.9`;
      assert.equal(clientAddress(req('10.0.0.2', { 'x-forwarded-for': header }), 'x-forwarded-for'), '9.9.9.9');
    });

    it('ignores CF-Connecting-IP in x-forwarded-for mode', () => {
      assert.equal(clientAddress(req('10.0.0.2', { 'cf-connecting-ip': '8.8.8.8' }), 'x-forwarded-for'), '10.0.0.2');
    });
  });
});

describe('normalizeIp', () => {
  it('rejects anything that is not an address', () => {
    for (const value of ['', ' ', 'localhost', '1.2.3', '1.2.3.4.5', '::ffff:999.1.1.1', 'a'.repeat(100)]) {
      assert.equal(normalizeIp(value), undefined, value);
    }
  });
});
