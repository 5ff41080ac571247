/** Minimal DER encoding/decoding for keys and X.509 certificates. */

export function derLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLen(content.length), content]);
}

export const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
export const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
export const bitString = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
export const derNull = (): Buffer => Buffer.from([0x05, 0x00]);
export const bool = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
export const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content);

export function bigToBytes(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex');
}

export function bytesToBig(b: Buffer): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + b.toString('hex'));
}

/** INTEGER (non-negative values). */
export function integer(n: bigint | number): Buffer {
  let b = bigToBytes(BigInt(n));
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

export function oid(s: string): Buffer {
  const parts = s.split('.').map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

/** Go's asn1 string choice: PrintableString when possible, else UTF8String. */
export function dirString(s: string): Buffer {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(s);
  return tlv(printable ? 0x13 : 0x0c, Buffer.from(s, 'utf8'));
}

/** UTCTime for 1950..2049, GeneralizedTime otherwise (as Go's x509 does). */
export function derTime(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const rest = p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds()) + 'Z';
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(p(y % 100) + rest));
  return tlv(0x18, Buffer.from(p(y, 4) + rest));
}

export interface Tlv {
  tag: number;
  /** Content bytes. */
  value: Buffer;
  /** Whole encoding. */
  raw: Buffer;
}

/** Read one TLV at offset. */
export function readTlv(b: Buffer, off = 0): Tlv & { end: number } {
  if (off + 2 > b.length) throw new Error('asn1: syntax error: data truncated');
  const tag = b[off];
  let len = b[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > b.length) throw new Error('asn1: syntax error: invalid length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
    p += n;
  }
  if (p + len > b.length) throw new Error('asn1: syntax error: data truncated');
  return { tag, value: b.subarray(p, p + len), raw: b.subarray(off, p + len), end: p + len };
}

/** Children of a constructed value. */
export function children(b: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let off = 0;
  while (off < b.length) {
    const t = readTlv(b, off);
    out.push(t);
    off = t.end;
  }
  return out;
}

export function toPem(type: string, der: Buffer): string {
  const b64 = der.toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${type}-----\n`;
}

/** encoding/pem.Decode (first block). */
export function pemDecode(s: string): { type: string; bytes: Buffer } | undefined {
  const m = /-----BEGIN ([^-\n]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(s);
  if (!m) return undefined;
  const body = m[2].split(/\r?\n/).filter((l) => !/^[\w-]+:/.test(l)).join('');
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) return undefined;
  return { type: m[1], bytes: Buffer.from(body.replace(/\s+/g, ''), 'base64') };
}
