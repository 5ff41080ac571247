/**
 * IP addresses and CIDR prefixes as the Kubernetes CEL `ip` and `cidr` libraries read them (Go's net/netip):
 * dotted IPv4 without leading zeros, IPv6 in any valid notation written back in canonical form, no zones and no
 * IPv4-mapped IPv6 addresses.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes. */
  bytes: readonly number[];
}

export interface CidrPrefix {
  ip: IpAddress;
  length: number;
}

function parseV4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255)) return undefined;
  return parts.map(Number);
}

function parseV6(text: string): number[] | undefined {
  if (!isIPv6(text)) return undefined;
  let groups = text;
  let tail: number[] = [];
  const v4 = /([0-9.]+)$/.exec(text);
  if (v4 && v4[1].includes('.')) {
    const bytes = parseV4(v4[1]);
    if (!bytes) return undefined;
    tail = bytes;
    groups = text.slice(0, -v4[1].length) + '0:0';
  }
  const [head, rest] = groups.split('::');
  const words = (s: string | undefined) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  const fill = rest === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  const all = [...left, ...fill, ...right];
  const bytes = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : undefined;
}

/** Parses an address as the `ip()` function does; throws with upstream's reason when it is not one. */
export function parseIp(text: string): IpAddress {
  if (text.includes('%')) throw new Error('IP address with zone value is not allowed');
  if (isIPv4(text) || /^[0-9.]+$/.test(text)) {
    const bytes = parseV4(text);
    if (!bytes) throw new Error(`IP Address "${text}" parse error during conversion from string: ParseAddr("${text}"): unable to parse IP`);
    return { family: 4, bytes };
  }
  const bytes = parseV6(text);
  if (!bytes) throw new Error(`IP Address "${text}" parse error during conversion from string: ParseAddr("${text}"): unable to parse IP`);
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) throw new Error('IPv4-mapped IPv6 address is not allowed');
  return { family: 6, bytes };
}

/** The canonical text: dotted IPv4, RFC 5952 IPv6. */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const words = Array.from({ length: 8 }, (_, i) => (ip.bytes[2 * i] << 8) | ip.bytes[2 * i + 1]);
  // The longest run of two or more zero words (the first, on a tie) becomes "::".
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  return best < 0 ? hex(words) : `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLength))}`;
}

export function ipIsUnspecified(ip: IpAddress): boolean {
  return ip.bytes.every((b) => b === 0);
}

export function ipIsLoopback(ip: IpAddress): boolean {
  return ip.family === 4 ? ip.bytes[0] === 127 : ip.bytes.slice(0, 15).every((b) => b === 0) && ip.bytes[15] === 1;
}

export function ipIsMulticast(ip: IpAddress): boolean {
  return ip.family === 4 ? (ip.bytes[0] & 0xf0) === 0xe0 : ip.bytes[0] === 0xff;
}

export function ipIsLinkLocalMulticast(ip: IpAddress): boolean {
  return ip.family === 4 ? ip.bytes[0] === 224 && ip.bytes[1] === 0 && ip.bytes[2] === 0 : ip.bytes[0] === 0xff && (ip.bytes[1] & 0x0f) === 0x02;
}

export function ipIsLinkLocalUnicast(ip: IpAddress): boolean {
  return ip.family === 4 ? ip.bytes[0] === 169 && ip.bytes[1] === 254 : ip.bytes[0] === 0xfe && (ip.bytes[1] & 0xc0) === 0x80;
}

/** Go's netip.Addr.IsGlobalUnicast: anything but unspecified, broadcast, loopback, multicast and link-local. */
export function ipIsGlobalUnicast(ip: IpAddress): boolean {
  if (ip.family === 4 && ip.bytes.every((b) => b === 255)) return false;
  return !ipIsUnspecified(ip) && !ipIsLoopback(ip) && !ipIsMulticast(ip) && !ipIsLinkLocalUnicast(ip);
}

/** Parses a prefix as the `cidr()` function does (the address need not be masked). */
export function parseCidr(text: string): CidrPrefix {
  // The library wraps ParsePrefix's error in its prefix twice, as upstream prints it.
  const fail = (why: string) => new Error(`network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("${text}"): ${why}`);
  const slash = text.lastIndexOf('/');
  if (slash < 0) throw fail("no '/'");
  const bits = text.slice(slash + 1);
  const length = /^(0|[1-9][0-9]{0,2})$/.test(bits) ? Number(bits) : NaN;
  if (Number.isNaN(length)) throw fail(`bad bits after slash: "${bits}"`);
  const ip = parseIp(text.slice(0, slash));
  if (length > ip.bytes.length * 8) throw fail(`bad bits after slash: "${bits}"`);
  return { ip, length };
}

export function maskIp(ip: IpAddress, length: number): IpAddress {
  return { family: ip.family, bytes: ip.bytes.map((b, i) => (i * 8 >= length ? 0 : i * 8 + 8 <= length ? b : b & (0xff << (8 - (length - i * 8))) & 0xff)) };
}

export function formatCidr(c: CidrPrefix): string {
  return `${formatIp(c.ip)}/${c.length}`;
}

export function cidrContainsIp(c: CidrPrefix, ip: IpAddress): boolean {
  if (ip.family !== c.ip.family) return false;
  return formatIp(maskIp(ip, c.length)) === formatIp(maskIp(c.ip, c.length));
}

export function cidrContainsCidr(c: CidrPrefix, other: CidrPrefix): boolean {
  return other.ip.family === c.ip.family && other.length >= c.length && cidrContainsIp(c, other.ip);
}
