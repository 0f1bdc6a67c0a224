import type { IncomingMessage } from 'node:http';
import net from 'node:net';

/** `::ffff:10.0.0.5` (an IPv4 peer on a dual-stack socket) is `10.0.0.5`; anything else as given. */
function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return (mapped ? mapped[1]! : address).toLowerCase();
}

/**
 * The reverse proxies whose X-Forwarded-For the console believes (ZHISHEN_TRUSTED_PROXIES): single
 * addresses or CIDR blocks. Anyone else could write any address into that header.
 */
export class TrustedProxies {
  private readonly list = new net.BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const family = net.isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(normalizeAddress(address), family);
      else this.list.addSubnet(address, Number(bits), family);
    }
    this.empty = entries.length === 0;
  }

  trusts(address: string): boolean {
    const family = net.isIP(address);
    return !this.empty && family !== 0 && this.list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then X-Forwarded-For is
 * read from the right (the entries the trusted proxies appended) and the first address no trusted
 * proxy holds is the client. Entries left of it were written by the client and are never believed.
 */
export function clientAddress(req: IncomingMessage, proxies: TrustedProxies): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? 'unknown');
  if (!proxies.trusts(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((h) => normalizeAddress(h.trim()))
    .filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    // Garbage from a proxy we trust is not an address: stop at the last one we could vouch for.
    if (net.isIP(hop) === 0) break;
    client = hop;
    if (!proxies.trusts(hop)) break;
  }
  return client;
}
