/**
 * Addresses a fetch may connect to. A pull request can write any URL, so a connection (and every redirect hop)
 * to a loopback, private, link-local, carrier-grade NAT, multicast, reserved or cloud-metadata address is refused
 * unless the base policy names that exact host. The check is made on the resolved address, and the connection
 * goes to that same address (no second resolution: closes DNS rebinding).
 */
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4] // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (fd00:ec2::254, AWS metadata)
  ['fe80::', 10], // link-local
  ['ff00::', 8] // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Why `address` (an IP literal) is not public, or undefined when it is. */
export function nonPublicReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return nonPublicReason(mapped);
    return blocked.check(address, 'ipv6') ? `${address} is a loopback, private, link-local or reserved address` : undefined;
  }
  return blocked.check(address, 'ipv4') ? `${address} is a loopback, private, link-local, metadata or reserved address` : undefined;
}
