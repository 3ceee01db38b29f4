import ipaddr from 'ipaddr.js';

/**
 * Where the service may send its own outbound webhooks (CRM_WEBHOOK_URL,
 * ALERT_WEBHOOK_URL). Whoever can set those can otherwise make the worker
 * POST to the cloud metadata endpoint (169.254.169.254), a database on
 * loopback or any host of the private network: only public (global unicast)
 * addresses are allowed unless the configuration says otherwise.
 *
 * The address classes come from ipaddr.js's range tables (RFC 6890 and
 * successors), not from hand-written patterns: anything it does not call
 * `unicast` (private, loopback, link-local, unique-local, carrier-grade NAT,
 * multicast, reserved, documentation, NAT64/6to4/Teredo embeddings, …) is
 * refused. IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address
 * it carries.
 */
export interface OutboundPolicy {
  /** OUTBOUND_WEBHOOK_ALLOW_PRIVATE: every address allowed (a sink on this host or the LAN). */
  allowPrivate: boolean;
  /** Host names allowed whatever they resolve to, lower case. */
  allowedHosts: readonly string[];
  /** Address ranges allowed even when not public. */
  allowedRanges: readonly OutboundRange[];
}

export type OutboundRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

export const PUBLIC_ONLY: OutboundPolicy = { allowPrivate: false, allowedHosts: [], allowedRanges: [] };

/** One entry of OUTBOUND_WEBHOOK_ALLOW_HOSTS: a CIDR range, a single address, or a host name. */
export type AllowEntry = { kind: 'range'; range: OutboundRange } | { kind: 'host'; host: string };

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/;

/** Parses one allow-list entry; null when it is neither a range, an address nor a host name. */
export function parseAllowEntry(text: string): AllowEntry | null {
  const entry = text.trim().toLowerCase();
  if (entry.includes('/')) {
    try {
      return { kind: 'range', range: ipaddr.parseCIDR(entry) };
    } catch {
      return null;
    }
  }
  const bare = entry.replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValid(bare)) {
    const address = ipaddr.parse(bare);
    return { kind: 'range', range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  return HOST_NAME.test(entry) ? { kind: 'host', host: entry.replace(/\.$/, '') } : null;
}

export function policyOf(allowPrivate: boolean, entries: readonly AllowEntry[]): OutboundPolicy {
  return {
    allowPrivate,
    allowedHosts: entries.flatMap((e) => (e.kind === 'host' ? [e.host] : [])),
    allowedRanges: entries.flatMap((e) => (e.kind === 'range' ? [e.range] : [])),
  };
}

/** The address as the network layer will use it: ipaddr.process turns IPv4-mapped IPv6 into IPv4. */
function normalized(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  return ipaddr.isValid(address) ? ipaddr.process(address) : null;
}

/** The ipaddr.js range name of an address ("unicast" is the public internet), or null when not an address. */
export function addressRange(address: string): string | null {
  return normalized(address)?.range() ?? null;
}

export function isHostAllowed(host: string, policy: OutboundPolicy): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return policy.allowPrivate || policy.allowedHosts.includes(name);
}

/** Whether the service may connect to this resolved address under the policy. */
export function isAddressAllowed(address: string, policy: OutboundPolicy): boolean {
  const parsed = normalized(address);
  if (parsed === null) return false;
  if (policy.allowPrivate || parsed.range() === 'unicast') return true;
  return policy.allowedRanges.some(
    ([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits),
  );
}

/** A URL's host as an address when it is an IP literal (`[::1]` included), else null. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(bare) ? bare : null;
}

/**
 * Why a configured webhook URL cannot be used, or null. Checked at start for
 * what is knowable without DNS (the scheme, an IP literal, `localhost`); the
 * sink checks every resolved address again on each delivery.
 */
export function configuredUrlProblem(url: string, policy: OutboundPolicy): string | null {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return 'must be an http:// or https:// URL';
  if (isHostAllowed(parsed.hostname, policy)) return null;
  const literal = literalAddress(parsed.hostname);
  const refused =
    literal !== null
      ? !isAddressAllowed(literal, policy)
      : parsed.hostname === 'localhost' || parsed.hostname.endsWith('.localhost');
  return refused
    ? 'points at a private, loopback or link-local address: set OUTBOUND_WEBHOOK_ALLOW_PRIVATE=true or list the host in OUTBOUND_WEBHOOK_ALLOW_HOSTS'
    : null;
}
