/** Sprig base64/base32 functions with Go's strict StdEncoding decoders (errors are returned as text). */
import { GoValue, defineFunc } from '../gotemplate/index.js';

type Fn = ReturnType<typeof defineFunc>;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Decode with Go's base64/base32 StdEncoding rules (padding required, '\r' and '\n' ignored).
 * Throws `illegal base64 data at input byte N` like Go's CorruptInputError.
 */
export function goDecode(s: string, alphabet: string, bitsPer: number, name: string): Buffer {
  const quantum = bitsPer === 6 ? 4 : 8;
  const src = Buffer.from(s, 'utf8');
  const vals: number[] = [];
  const pos: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === 0x0a || c === 0x0d) continue;
    vals.push(c);
    pos.push(i);
  }
  const err = (k: number): Error => new Error(`illegal ${name} data at input byte ${k < pos.length ? pos[k] : src.length}`);
  let bits = 0;
  let acc = 0;
  const out: number[] = [];
  let i = 0;
  for (; i < vals.length; i++) {
    const c = vals[i];
    if (c === 0x3d) break;
    const d = alphabet.indexOf(String.fromCharCode(c));
    if (d < 0) throw err(i);
    acc = (acc << bitsPer) | d;
    bits += bitsPer;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
      acc &= (1 << bits) - 1;
    }
  }
  if (i < vals.length) {
    // padding: must complete the quantum exactly, and nothing may follow it
    const dataInQuantum = i % quantum;
    const validData = bitsPer === 6 ? [2, 3] : [2, 4, 5, 7];
    if (!validData.includes(dataInQuantum)) throw err(i);
    const padLen = quantum - dataInQuantum;
    for (let k = 0; k < padLen; k++) if (vals[i + k] !== 0x3d) throw err(i + k);
    if (i + padLen !== vals.length) throw err(i + padLen);
  } else if (vals.length % quantum !== 0) {
    throw err(vals.length - (vals.length % quantum));
  }
  return Buffer.from(out);
}

export function base32Encode(b: Buffer): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const x of b) {
    acc = (acc << 8) | x;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

export function encodingFuncs(): Record<string, Fn> {
  const sig = { params: ['string'], result: 'string' };
  return {
    b64enc: defineFunc(sig, (s: GoValue) => Buffer.from(s as string, 'utf8').toString('base64')),
    b64dec: defineFunc(sig, (s: GoValue) => {
      try {
        return goDecode(s as string, B64, 6, 'base64').toString('utf8');
      } catch (e) {
        return (e as Error).message;
      }
    }),
    b32enc: defineFunc(sig, (s: GoValue) => base32Encode(Buffer.from(s as string, 'utf8'))),
    b32dec: defineFunc(sig, (s: GoValue) => {
      try {
        return goDecode(s as string, B32, 5, 'base32').toString('utf8');
      } catch (e) {
        return (e as Error).message;
      }
    })
  };
}

/** Strict StdEncoding base64 decode (throws Go's error). */
export const b64decodeStrict = (s: string): Buffer => goDecode(s, B64, 6, 'base64');
