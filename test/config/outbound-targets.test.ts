import fc from 'fast-check';
import {
  addressRange,
  configuredUrlProblem,
  isAddressAllowed,
  parseAllowEntry,
  policyOf,
  PUBLIC_ONLY,
  type AllowEntry,
} from '../../config/outbound-targets';
import { ConfigError, parseEnv } from '../../config/env';

function entries(...items: string[]): AllowEntry[] {
  return items.map((item) => {
    const entry = parseAllowEntry(item);
    if (entry === null) throw new Error(`not an entry: ${item}`);
    return entry;
  });
}

describe('which addresses an outbound webhook may reach', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    // IPv4-mapped IPv6 is judged as the IPv4 address it carries.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::a00:1', 'rfc6052'],
  ])('%s (%s) is refused by default', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isAddressAllowed(address, PUBLIC_ONLY)).toBe(false);
  });

  test.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    '%s (public) is allowed',
    (address) => {
      expect(isAddressAllowed(address, PUBLIC_ONLY)).toBe(true);
    },
  );

  test('whatever is not an address is refused', () => {
    expect(isAddressAllowed('localhost', PUBLIC_ONLY)).toBe(false);
    expect(isAddressAllowed('', PUBLIC_ONLY)).toBe(false);
  });

  test('OUTBOUND_WEBHOOK_ALLOW_PRIVATE allows everything; an allow-list only its ranges', () => {
    expect(isAddressAllowed('127.0.0.1', policyOf(true, []))).toBe(true);
    const lan = policyOf(false, entries('10.1.0.0/16', 'fd00::/8', '192.168.7.7'));
    expect(isAddressAllowed('10.1.200.3', lan)).toBe(true);
    expect(isAddressAllowed('::ffff:10.1.0.9', lan)).toBe(true);
    expect(isAddressAllowed('10.2.0.1', lan)).toBe(false);
    expect(isAddressAllowed('fd99::1', lan)).toBe(true);
    expect(isAddressAllowed('192.168.7.7', lan)).toBe(true);
    expect(isAddressAllowed('192.168.7.8', lan)).toBe(false);
    expect(isAddressAllowed('127.0.0.1', lan)).toBe(false);
  });

  test('no private IPv4 address gets through in any spelling (property)', () => {
    const privateV4 = fc.oneof(
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
    );
    fc.assert(
      fc.property(privateV4, fc.boolean(), (octets, mapped) => {
        const dotted = octets.join('.');
        return !isAddressAllowed(mapped ? `::ffff:${dotted}` : dotted, PUBLIC_ONLY);
      }),
    );
  });

  test('allow-list entries: ranges, addresses, host names; anything else is refused', () => {
    expect(parseAllowEntry('10.0.0.0/8')?.kind).toBe('range');
    expect(parseAllowEntry('[::1]')?.kind).toBe('range');
    expect(parseAllowEntry('CRM.internal.')).toEqual({ kind: 'host', host: 'crm.internal' });
    expect(parseAllowEntry('10.0.0.0/99')).toBeNull();
    expect(parseAllowEntry('http://crm.internal')).toBeNull();
  });

  test('a configured URL is checked for what is knowable without DNS', () => {
    expect(configuredUrlProblem('https://hooks.example.com/crm', PUBLIC_ONLY)).toBeNull();
    expect(configuredUrlProblem('http://127.0.0.1:9000/hook', PUBLIC_ONLY)).toMatch(/private, loopback/);
    expect(configuredUrlProblem('http://[::1]:9000/hook', PUBLIC_ONLY)).toMatch(/private, loopback/);
    expect(configuredUrlProblem('http://[::ffff:a9fe:a9fe]/latest', PUBLIC_ONLY)).toMatch(/private/);
    expect(configuredUrlProblem('http://localhost:9000/hook', PUBLIC_ONLY)).toMatch(/private/);
    expect(configuredUrlProblem('ftp://hooks.example.com/', PUBLIC_ONLY)).toMatch(/http/);
    expect(configuredUrlProblem('http://localhost:9000/hook', policyOf(true, []))).toBeNull();
    expect(configuredUrlProblem('http://127.0.0.1/hook', policyOf(false, entries('127.0.0.1')))).toBeNull();
  });
});

describe('the outbound webhook configuration', () => {
  test('a webhook URL on a private address refuses to start, naming the variable and the way out', () => {
    expect(() => parseEnv({ CRM_WEBHOOK_URL: 'http://169.254.169.254/latest/meta-data' })).toThrow(
      /CRM_WEBHOOK_URL: points at a private.*OUTBOUND_WEBHOOK_ALLOW_PRIVATE/,
    );
    expect(() => parseEnv({ ALERT_WEBHOOK_URL: 'http://[fe80::1]/alert' })).toThrow(ConfigError);
  });

  test('allowed by flag or by list; a bad list entry is named by position, not echoed', () => {
    expect(
      parseEnv({ CRM_WEBHOOK_URL: 'http://127.0.0.1:9/x', OUTBOUND_WEBHOOK_ALLOW_PRIVATE: 'true' })
        .OUTBOUND_WEBHOOK_ALLOW_PRIVATE,
    ).toBe(true);
    const env = parseEnv({
      ALERT_WEBHOOK_URL: 'http://10.1.2.3/alert',
      OUTBOUND_WEBHOOK_ALLOW_HOSTS: 'crm.internal, 10.1.0.0/16',
    });
    expect(env.OUTBOUND_WEBHOOK_ALLOW_HOSTS).toHaveLength(2);
    expect(() => parseEnv({ OUTBOUND_WEBHOOK_ALLOW_HOSTS: 'crm.internal,not a host!' })).toThrow(
      /OUTBOUND_WEBHOOK_ALLOW_HOSTS: entry 2 is not/,
    );
    expect(parseEnv({}).OUTBOUND_WEBHOOK_ALLOW_PRIVATE).toBe(false);
  });
});
