/**
 * Deterministic stand-ins for Sprig's random functions.
 *
 * Every call draws from a byte stream derived (SHA-256 in counter mode) from
 *   seed, function name, call-site source (template file), line, column, and the number of earlier calls
 *   made at that same site during this render (the "call count").
 * So the same template, rendered at base and head with the same seed, yields the same "random" output at
 * every unchanged call site. Output keeps the real shape (length, alphabet, UUID v4 form, ...).
 */
import { createHash } from 'node:crypto';
import { CallContext, GoValue, defineFunc, sliceType, withGoType } from '../gotemplate/index.js';
import { NIL_DEREF, int, sliceItems } from './convert.js';

/** A deterministic byte source (SHA-256 counter mode). */
export class SeededRandom {
  private block = Buffer.alloc(0);
  private pos = 0;
  private counter = 0;
  constructor(readonly key: string) {}

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      if (this.pos >= this.block.length) {
        this.block = createHash('sha256').update(this.key).update('\0').update(String(this.counter++)).digest();
        this.pos = 0;
      }
      out[i] = this.block[this.pos++];
    }
    return out;
  }

  /** Uniform integer in [0, n) (n <= 2^48). */
  intn(n: number): number {
    if (n <= 0) throw new Error('invalid argument to Intn');
    if (n === 1) return 0;
    const max = 2 ** 48;
    const limit = max - (max % n);
    for (;;) {
      const x = this.bytes(6).readUIntBE(0, 6);
      if (x < limit) return x % n;
    }
  }
}

/** Per-render call-site state: counts calls per site so repeated calls differ but stay reproducible. */
export class CallSites {
  private counts = new Map<string, number>();
  constructor(readonly seed: string) {}

  /** A fresh SeededRandom for this call. */
  rng(ctx: CallContext | undefined, fn: string): SeededRandom {
    const p = ctx?.position;
    const site = p ? `${p.source}\0${p.line}\0${p.col}` : '<unknown>';
    const key = `${fn}\0${site}`;
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    return new SeededRandom(`${this.seed}\0${key}\0${n}`);
  }

  reset(): void {
    this.counts.clear();
  }
}

export const ALPHA_LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' + ALPHA_LOWER;
export const DIGITS = '0123456789';

function randFrom(rng: SeededRandom, count: number, alphabet: string): string {
  let s = '';
  for (let i = 0; i < count; i++) s += alphabet[rng.intn(alphabet.length)];
  return s;
}

/** goutils' CryptoRandom*: count < 0 is an error ("Requested random string length -1 is less than 0."). */
function checkCount(count: number): void {
  if (count < 0) throw new Error(`Requested random string length ${count} is less than 0.`);
}

/** goutils' printable ASCII range 32..126. */
let ASCII = '';
for (let c = 32; c <= 126; c++) ASCII += String.fromCharCode(c);

/** Build the random function group for a CallSites state. */
export function randomFuncs(sites: CallSites): Record<string, ReturnType<typeof defineFunc>> {
  const str = (name: string, alphabet: string) =>
    defineFunc({ params: ['int'], result: 'string' }, function (this: CallContext, n: GoValue) {
      const count = Number((n as { value: bigint }).value);
      // Sprig swallows goutils' error and returns "".
      if (count < 0) return '';
      checkCount(count);
      return randFrom(sites.rng(this, name), count, alphabet);
    });
  return {
    randAlphaNum: str('randAlphaNum', ALPHA + DIGITS),
    randAlpha: str('randAlpha', ALPHA),
    randNumeric: str('randNumeric', DIGITS),
    randAscii: str('randAscii', ASCII),
    randBytes: defineFunc({ params: ['int'], result: 'string' }, function (this: CallContext, n: GoValue) {
      const count = Number((n as { value: bigint }).value);
      if (count < 0) throw new Error('runtime error: makeslice: len out of range');
      return sites.rng(this, 'randBytes').bytes(count).toString('base64');
    }),
    randInt: defineFunc({ params: ['int', 'int'], result: 'int' }, function (this: CallContext, a: GoValue, b: GoValue) {
      const min = Number((a as { value: bigint }).value);
      const max = Number((b as { value: bigint }).value);
      if (max - min <= 0) throw new Error('invalid argument to Intn');
      return int(sites.rng(this, 'randInt').intn(max - min) + min);
    }),
    uuidv4: defineFunc({ params: [], result: 'string' }, function (this: CallContext) {
      const b = sites.rng(this, 'uuidv4').bytes(16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }),
    shuffle: defineFunc({ params: ['string'], result: 'string' }, function (this: CallContext, s: GoValue) {
      const str0 = s as string;
      if (str0 === '') return str0;
      const runes = Array.from(str0);
      const rng = sites.rng(this, 'shuffle');
      for (let i = runes.length - 1; i > 0; i--) {
        const j = rng.intn(i + 1);
        if (i !== j) [runes[i], runes[j]] = [runes[j], runes[i]];
      }
      return runes.join('');
    })
  };
}

/** Deterministic shuffle helper for slices (not in Sprig; kept for completeness of list helpers). */
export function shuffledCopy(rng: SeededRandom, v: GoValue): GoValue[] {
  const items = sliceItems(v);
  if (!items) throw new Error(NIL_DEREF);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.intn(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return Array.isArray(v) ? withGoType(out, sliceType(v)) : out;
}
