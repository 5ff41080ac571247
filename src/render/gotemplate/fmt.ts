/**
 * A port of the parts of Go's fmt (print.go, format.go) and strconv (ftoa.go, quote.go)
 * that templates reach: Sprint, Sprintln, Sprintf with verbs, flags, width and precision,
 * and Go's error annotations (%!d(string=x), %!v(MISSING), %!(EXTRA ...)).
 */
import {
  GoComplex, GoInt, GoNil, GoPointer, GoStruct, GoValue, findMethod, kindOf, sortedMapEntries, typeOf, sliceType,
  elemType, mapType, CallContext, GoIter
} from './values.js';

// ---------------------------------------------------------------- strconv: floats

interface Digits {
  d: string; // significant digits, no leading/trailing zeros
  dp: number; // decimal point position: value = 0.d × 10^dp
}

const F64 = new DataView(new ArrayBuffer(8));

/** Exact decimal expansion of a finite, non-negative double. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  F64.setFloat64(0, x);
  const bits = F64.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  let s: string;
  let dp: number;
  if (exp >= 0) {
    s = (mant << BigInt(exp)).toString();
    dp = s.length;
  } else {
    s = (mant * 5n ** BigInt(-exp)).toString();
    dp = s.length - -exp;
  }
  return trimDigits({ d: s, dp });
}

function trimDigits(x: Digits): Digits {
  let d = x.d;
  let lead = 0;
  while (lead < d.length && d[lead] === '0') lead++;
  d = d.slice(lead);
  let dp = x.dp - lead;
  let end = d.length;
  while (end > 0 && d[end - 1] === '0') end--;
  d = d.slice(0, end);
  if (d.length === 0) dp = 0;
  return { d, dp };
}

/** Round exact digits to nd significant digits (round half to even, like strconv's decimal). */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: 0 };
  if (nd >= x.d.length) return x;
  const c = x.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (c === 5 && nd + 1 === x.d.length) {
    // exactly half: round to even
    up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = c >= 5;
  }
  if (!up) return trimDigits({ d: x.d.slice(0, nd), dp: x.dp });
  // round up
  const arr = x.d.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && arr[i] === '9') {
    arr[i] = '0';
    i--;
  }
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  arr[i] = String.fromCharCode(arr[i].charCodeAt(0) + 1);
  return trimDigits({ d: arr.join(''), dp: x.dp });
}

/** Shortest digits that round-trip (same as JS Number#toString). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const e = x.toExponential(); // "d.ddde+N"
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e);
  if (!m) return exactDigits(x);
  return trimDigits({ d: m[1] + (m[2] ?? ''), dp: Number(m[3]) + 1 });
}

function fmtE(neg: boolean, digs: Digits, prec: number, fmt: string): string {
  let s = neg ? '-' : '';
  s += digs.d.length === 0 ? '0' : digs.d[0];
  if (prec > 0) {
    s += '.';
    let i = 1;
    const m = Math.min(digs.d.length, prec + 1);
    if (i < m) {
      s += digs.d.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) s += '0';
  }
  s += fmt;
  let exp = digs.dp - 1;
  if (digs.d.length === 0) exp = 0;
  s += exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  s += exp < 10 ? '0' + exp : String(exp);
  return s;
}

function fmtF(neg: boolean, digs: Digits, prec: number): string {
  let s = neg ? '-' : '';
  if (digs.dp > 0) {
    const m = Math.min(digs.d.length, digs.dp);
    s += digs.d.slice(0, m);
    for (let i = m; i < digs.dp; i++) s += '0';
  } else {
    s += '0';
  }
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = digs.dp + i - 1;
      s += j < 0 || j >= digs.d.length ? '0' : digs.d[j];
    }
  }
  return s;
}

/** strconv.FormatFloat(f, fmt, prec, 64) for fmt in e E f F g G (and b/x approximations). */
export function formatFloat(f: number, fmt: string, prec: number, bitSize = 64): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (bitSize === 32) f = Math.fround(f);
  const neg = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  if (fmt === 'x' || fmt === 'X') return formatHexFloat(f, prec, fmt);
  if (fmt === 'b') return formatBinaryFloat(f);
  const shortest = prec < 0;
  let digs: Digits;
  if (shortest) {
    digs = bitSize === 32 ? shortest32(a) : shortestDigits(a);
    switch (fmt) {
      case 'e': case 'E': prec = Math.max(digs.d.length - 1, 0); break;
      case 'f': case 'F': prec = Math.max(digs.d.length - digs.dp, 0); break;
      case 'g': case 'G': prec = digs.d.length; break;
    }
  } else {
    const exact = exactDigits(a);
    switch (fmt) {
      case 'e': case 'E': digs = roundDigits(exact, prec + 1); break;
      case 'f': case 'F': digs = roundDigits(exact, exact.dp + prec); break;
      default:
        if (prec === 0) prec = 1;
        digs = roundDigits(exact, prec);
    }
  }
  switch (fmt) {
    case 'e': case 'E': return fmtE(neg, digs, prec, fmt);
    case 'f': case 'F': return fmtF(neg, digs, prec);
    case 'g': case 'G': {
      let eprec = prec;
      if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
      if (shortest) eprec = 6;
      const exp = digs.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > digs.d.length) prec = digs.d.length;
        return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > digs.dp) prec = digs.d.length;
      return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
    }
  }
  return '%' + fmt;
}

function shortest32(a: number): Digits {
  // shortest digits that round-trip through float32
  for (let p = 1; p <= 9; p++) {
    const s = a.toPrecision(p);
    if (Math.fround(Number(s)) === a) return shortestDigits(Number(s));
  }
  return shortestDigits(a);
}

function formatHexFloat(f: number, prec: number, fmt: string): string {
  const neg = f < 0 || Object.is(f, -0);
  let a = Math.abs(f);
  if (a === 0) {
    let s = '0x0';
    if (prec > 0) s += '.' + '0'.repeat(prec);
    s += 'p+00';
    return (neg ? '-' : '') + (fmt === 'X' ? s.toUpperCase() : s);
  }
  let exp = 0;
  while (a >= 2) { a /= 2; exp++; }
  while (a < 1) { a *= 2; exp--; }
  // a in [1,2): mantissa bits
  let mant = BigInt(Math.round((a - 1) * 2 ** 52)); // 52 bits fraction
  let hex = mant.toString(16).padStart(13, '0');
  if (prec >= 0 && prec < 13) {
    const shift = BigInt((13 - prec) * 4);
    const half = 1n << (shift - 1n);
    const rem = mant & ((1n << shift) - 1n);
    let q = mant >> shift;
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
    let lead = 1;
    if (q >> BigInt(prec * 4) > 0n) { lead = 2; q &= (1n << BigInt(prec * 4)) - 1n; }
    if (lead === 2) { exp++; q >>= 1n; }
    mant = q;
    hex = prec === 0 ? '' : mant.toString(16).padStart(prec, '0');
  } else {
    hex = hex.replace(/0+$/, '');
    if (prec > 13) hex = hex.padEnd(prec, '0');
  }
  let s = '0x1' + (hex.length ? '.' + hex : '') + 'p' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  if (fmt === 'X') s = s.toUpperCase();
  return (neg ? '-' : '') + s;
}

function formatBinaryFloat(f: number): string {
  F64.setFloat64(0, f);
  const bits = F64.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  exp += -1023 - 52;
  return (neg ? '-' : '') + mant.toString() + 'p' + (exp >= 0 ? '+' : '-') + Math.abs(exp);
}

// ---------------------------------------------------------------- strconv: quoting

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function isPrintRune(cp: number): boolean {
  if (cp === 0xfffd) return true;
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp < 0x7f) return true;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function escapeRune(cp: number, quote: string, asciiOnly: boolean): string {
  if (cp === quote.charCodeAt(0) || cp === 0x5c) return '\\' + String.fromCodePoint(cp);
  if (asciiOnly ? cp < 0x80 && isPrintRune(cp) : isPrintRune(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 7: return '\\a';
    case 8: return '\\b';
    case 12: return '\\f';
    case 10: return '\\n';
    case 13: return '\\r';
    case 9: return '\\t';
    case 11: return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex2(cp);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\\ufffd';
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** strconv.Quote (asciiOnly => QuoteToASCII). */
export function quoteString(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0) ?? 0, '"', asciiOnly);
  return out + '"';
}

export function quoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  return "'" + escapeRune(cp, "'", asciiOnly) + "'";
}

function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0x60 || cp === 0xfeff) return false;
    if (cp === 9) continue;
    if (cp < 0x20 || cp === 0x7f) return false;
  }
  return true;
}

// ---------------------------------------------------------------- fmt

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function newFlags(): Flags {
  return { plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false, wid: 0, widPresent: false, prec: 0, precPresent: false };
}

const pointerIds = new WeakMap<object, number>();
let nextPointerId = 0xc000010000;
function fakeAddress(o: unknown): number {
  if (typeof o !== 'object' && typeof o !== 'function') return 0;
  if (o === null) return 0;
  let id = pointerIds.get(o as object);
  if (id === undefined) {
    id = nextPointerId;
    nextPointerId += 0x10;
    pointerIds.set(o as object, id);
  }
  return id;
}

/** Byte slices already written as decimal: a chart's `.Files` printed by several `%v`s is written once. */
const decimalBytes = new WeakMap<readonly GoValue[], string>();

/** `104 101 108` for a []uint8 of GoInts, written into one buffer (no string per byte). */
function bytesAsDecimal(v: readonly GoValue[]): string {
  const cached = decimalBytes.get(v);
  if (cached !== undefined) return cached;
  const out = Buffer.allocUnsafe(v.length * 4);
  let p = 0;
  for (let j = 0; j < v.length; j++) {
    if (j > 0) out[p++] = 0x20;
    const x = v[j];
    const n = x instanceof GoInt ? Number(x.value) & 0xff : 0;
    if (n >= 100) out[p++] = 0x30 + Math.floor(n / 100);
    if (n >= 10) out[p++] = 0x30 + (Math.floor(n / 10) % 10);
    out[p++] = 0x30 + (n % 10);
  }
  const text = out.toString('latin1', 0, p);
  decimalBytes.set(v, text);
  return text;
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Called when a String()/Error() method is invoked during formatting. */
export type MethodCaller = (fn: (this: CallContext, ...a: GoValue[]) => GoValue, recv: GoValue, name: string) => GoValue;

const defaultCaller: MethodCaller = (fn, _recv, name) =>
  fn.call({ name, template: undefined, templateName: '', executeTemplate: () => '', executeText: () => '' });

class Printer {
  buf = '';
  f: Flags = newFlags();
  erroring = false;
  arg: GoValue = undefined;
  constructor(readonly callMethod: MethodCaller) {}

  clearFlags(): void {
    this.f = newFlags();
  }

  /** No flag, width or precision that would change how an integer prints. */
  plainFlags(): boolean {
    const f = this.f;
    return !(f.plus || f.minus || f.sharp || f.space || f.zero || f.plusV || f.sharpV || f.widPresent || f.precPresent);
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    const f = this.f;
    if (!f.widPresent || f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = f.wid - runeCount(s);
    if (!f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      const z = f.zero;
      f.zero = false;
      this.writePadding(width);
      f.zero = z;
    }
  }

  badVerb(verb: string, value: GoValue): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    if (value !== null && value !== undefined) {
      this.buf += typeOf(value) + '=';
      this.printArg(value, 'v');
    } else {
      this.buf += '<nil>';
    }
    this.buf += ')';
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string, orig: GoValue): void {
    if (verb === 't' || verb === 'v') this.pad(v ? 'true' : 'false');
    else this.badVerb(verb, orig);
  }

  fmtIntegerBase(u: bigint, base: number, signed: boolean, verb: string, upper: boolean): void {
    const f = this.f;
    const negative = signed && u < 0n;
    if (negative) u = -u;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        const z = f.zero;
        f.zero = false;
        this.writePadding(f.wid);
        f.zero = z;
        return;
      }
    } else if (f.zero && !f.minus && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (f.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8) {
        if (digits[0] !== '0') digits = '0' + digits;
      } else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (f.plus) digits = '+' + digits;
    else if (f.space) digits = ' ' + digits;
    const z = f.zero;
    f.zero = false;
    this.pad(digits);
    f.zero = z;
  }

  fmtInteger(v: GoInt, verb: string): void {
    const signed = !v.unsigned;
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !signed) {
          const s = this.f.sharp;
          this.f.sharp = true;
          this.fmtIntegerBase(v.value, 16, false, 'v', false);
          this.f.sharp = s;
        } else this.fmtIntegerBase(v.value, 10, signed, verb, false);
        return;
      case 'd': this.fmtIntegerBase(v.value, 10, signed, verb, false); return;
      case 'b': this.fmtIntegerBase(v.value, 2, signed, verb, false); return;
      case 'o': case 'O': this.fmtIntegerBase(v.value, 8, signed, verb, false); return;
      case 'x': this.fmtIntegerBase(v.value, 16, signed, verb, false); return;
      case 'X': this.fmtIntegerBase(v.value, 16, signed, verb, true); return;
      case 'c': {
        const cp = runeValue(v.value);
        this.pad(String.fromCodePoint(cp));
        return;
      }
      case 'q': this.pad(quoteRune(runeValue(v.value), this.f.plus)); return;
      case 'U': {
        let s = 'U+' + (v.value < 0n ? BigInt.asUintN(64, v.value) : v.value).toString(16).toUpperCase().padStart(4, '0');
        if (this.f.precPresent && this.f.prec > 4) s = 'U+' + s.slice(2).padStart(this.f.prec, '0');
        if (this.f.sharp && v.value >= 0n && v.value <= 0x10ffffn && isPrintRune(Number(v.value))) {
          s += " '" + String.fromCodePoint(Number(v.value)) + "'";
        }
        const z = this.f.zero;
        this.f.zero = false;
        this.pad(s);
        this.f.zero = z;
        return;
      }
    }
    this.badVerb(verb, v);
  }

  fmtFloatVerb(v: number, size: number, verb: string, orig: GoValue): void {
    switch (verb) {
      case 'v': this.fmtFloat(v, size, 'g', -1); return;
      case 'b': case 'g': case 'G': case 'x': case 'X': this.fmtFloat(v, size, verb, -1); return;
      case 'f': case 'e': case 'E': case 'F': this.fmtFloat(v, size, verb, 6); return;
    }
    this.badVerb(verb, orig);
  }

  fmtFloat(v: number, size: number, verb: string, prec: number): void {
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let num = formatFloat(v, verb === 'F' ? 'f' : verb, prec, size);
    if (num[0] === '-' || num[0] === '+') {
      // keep
    } else num = '+' + num;
    if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const z = f.zero;
      f.zero = false;
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      this.pad(num);
      f.zero = z;
      return;
    }
    if (f.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      // Split off exponent.
      let tail = '';
      const body = num.slice(1);
      let mant = body;
      const eIdx = body.search(/[eEpP]/);
      if (eIdx >= 0) {
        tail = body.slice(eIdx);
        mant = body.slice(0, eIdx);
      }
      let sawNonzero = false;
      let hasDot = false;
      for (let i = 0; i < mant.length; i++) {
        const c = mant[i];
        if (c === '.') hasDot = true;
        else if (c === 'x' || c === 'X') sawNonzero = false;
        else if (c >= '1' && c <= '9') sawNonzero = true;
        if (c >= '0' && c <= '9' && (sawNonzero || c !== '0')) digits--;
        else if (c === '0' && sawNonzero) digits--;
      }
      if (!hasDot) {
        if (mant.length === 2 && mant[0] === '0' && mant[1] !== '.') {
          // "0" special-case handled below
        }
        mant += '.';
      }
      if (verb !== 'e' && verb !== 'E' && verb !== 'f' && verb !== 'F') {
        while (digits > 0) {
          mant += '0';
          digits--;
        }
      }
      num = num[0] + mant + tail;
    }
    if (f.plus || num[0] !== '+') {
      if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
        this.buf += num[0];
        this.writePadding(f.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  fmtComplex(v: GoComplex, verb: string): void {
    switch (verb) {
      case 'v': case 'b': case 'g': case 'G': case 'x': case 'X': case 'f': case 'F': case 'e': case 'E': {
        const size = v.kind === 'complex64' ? 32 : 64;
        const oldPlus = this.f.plus;
        this.buf += '(';
        this.fmtFloatVerb(v.re, size, verb, v);
        this.f.plus = true;
        this.fmtFloatVerb(v.im, size, verb, v);
        this.buf += 'i)';
        this.f.plus = oldPlus;
        return;
      }
    }
    this.badVerb(verb, v);
  }

  truncate(s: string): string {
    if (this.f.precPresent) {
      let n = this.f.prec;
      let i = 0;
      for (const ch of s) {
        n--;
        if (n < 0) return s.slice(0, i);
        i += ch.length;
      }
    }
    return s;
  }

  fmtSx(bytes: Uint8Array, upper: boolean): void {
    const f = this.f;
    let length = bytes.length;
    if (f.precPresent && f.prec < length) length = f.prec;
    const digits = upper ? '0123456789ABCDEF' : '0123456789abcdef';
    let out = '';
    for (let i = 0; i < length; i++) {
      if (f.space && i > 0) out += ' ';
      if (f.sharp && (f.space || i === 0)) out += upper ? '0X' : '0x';
      const c = bytes[i];
      out += digits[c >> 4] + digits[c & 15];
    }
    if (length === 0 && f.widPresent) {
      this.writePadding(f.wid);
      return;
    }
    this.pad(out);
  }

  fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(quoteString(s, this.f.plus));
  }

  fmtString(v: string, verb: string, orig: GoValue): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(v);
        else this.pad(this.truncate(v));
        return;
      case 's': this.pad(this.truncate(v)); return;
      case 'x': this.fmtSx(Buffer.from(v, 'utf8'), false); return;
      case 'X': this.fmtSx(Buffer.from(v, 'utf8'), true); return;
      case 'q': this.fmtQ(v); return;
    }
    this.badVerb(verb, orig);
  }

  fmtPointer(v: GoValue, verb: string): void {
    const addr = v instanceof GoNil || v === null || v === undefined ? 0 : fakeAddress(v);
    switch (verb) {
      case 'v':
        if (this.f.sharpV) {
          this.buf += '(' + typeOf(v) + ')(';
          this.buf += addr === 0 ? 'nil' : '0x' + addr.toString(16);
          this.buf += ')';
        } else if (addr === 0) this.pad('<nil>');
        else {
          const s = this.f.sharp;
          this.f.sharp = !s;
          this.fmtIntegerBase(BigInt(addr), 16, false, 'v', false);
          this.f.sharp = s;
        }
        return;
      case 'p': {
        const s = this.f.sharp;
        this.f.sharp = !s;
        this.fmtIntegerBase(BigInt(addr), 16, false, 'v', false);
        this.f.sharp = s;
        return;
      }
      case 'b': case 'o': case 'd': case 'x': case 'X':
        this.fmtIntegerBase(BigInt(addr), verb === 'b' ? 2 : verb === 'o' ? 8 : verb === 'd' ? 10 : 16, false, verb, verb === 'X');
        return;
    }
    this.badVerb(verb, v);
  }

  handleMethods(verb: string, v: GoValue): boolean {
    if (this.erroring) return false;
    if (this.f.sharpV) return false;
    if (verb !== 'v' && verb !== 's' && verb !== 'x' && verb !== 'X' && verb !== 'q') return false;
    for (const name of ['Error', 'String']) {
      const m = findMethod(v, name);
      if (m) {
        let s: GoValue;
        try {
          s = this.callMethod(m, v, name);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          this.buf += '%!' + verb + '(PANIC=' + name + ' method: ' + msg + ')';
          return true;
        }
        this.fmtString(typeof s === 'string' ? s : sprint([s]), verb, s);
        return true;
      }
    }
    return false;
  }

  printArg(arg: GoValue, verb: string): void {
    this.arg = arg;
    if (arg === null || arg === undefined) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === 'T') {
      this.fmtStringPlain(typeOf(arg));
      return;
    }
    if (verb === 'p') {
      this.fmtPointer(arg, 'p');
      return;
    }
    if (typeof arg === 'boolean') return this.fmtBool(arg, verb, arg);
    if (typeof arg === 'number') return this.fmtFloatVerb(arg, 64, verb, arg);
    if (typeof arg === 'string') return this.fmtString(arg, verb, arg);
    if (arg instanceof GoInt) return this.fmtInteger(arg, verb);
    if (arg instanceof GoComplex) return this.fmtComplex(arg, verb);
    if (Array.isArray(arg) && sliceType(arg) === '[]uint8') return this.fmtByteSlice(arg, verb);
    if (!this.handleMethods(verb, arg)) this.printValue(arg, verb, 0);
  }

  /** printArg's `case []byte` (fmt/print.go fmtBytes with typeString "[]byte"). */
  fmtByteSlice(v: GoValue[], verb: string): void {
    if ((verb === 'v' || verb === 'd') && this.f.sharpV) {
      this.buf += `[]byte{${v.map((x) => `0x${(x instanceof GoInt ? Number(x.value) : 0).toString(16)}`).join(', ')}}`;
      return;
    }
    this.printValue(v, verb, 0);
  }

  fmtStringPlain(s: string): void {
    this.pad(this.truncate(s));
  }

  printValue(v: GoValue, verb: string, depth: number): void {
    if (depth > 0 && v !== undefined && v !== null) {
      this.arg = v;
      if (this.handleMethods(verb, v)) return;
    }
    if (v === undefined) {
      if (depth === 0) this.pad('<invalid reflect.Value>');
      else if (verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, v);
      return;
    }
    if (v === null) {
      // nil interface inside a container
      if (this.f.sharpV) this.buf += 'interface {}(nil)';
      else this.buf += '<nil>';
      return;
    }
    if (typeof v === 'boolean') return this.fmtBool(v, verb, v);
    if (typeof v === 'number') return this.fmtFloatVerb(v, 64, verb, v);
    if (typeof v === 'string') return this.fmtString(v, verb, v);
    if (v instanceof GoInt) return this.fmtInteger(v, verb);
    if (v instanceof GoComplex) return this.fmtComplex(v, verb);
    if (v instanceof Map) {
      const sharpV = this.f.sharpV;
      this.buf += sharpV ? mapType(v) + '{' : 'map[';
      let i = 0;
      for (const [k, val] of sortedMapEntries(v)) {
        if (i++ > 0) this.buf += sharpV ? ', ' : ' ';
        this.printValue(k, verb, depth + 1);
        this.buf += ':';
        this.printValue(val, verb, depth + 1);
      }
      this.buf += sharpV ? '}' : ']';
      return;
    }
    if (Array.isArray(v)) {
      const t = sliceType(v);
      if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && elemType(t) === 'uint8') {
        const bytes = Uint8Array.from(v, (x) => (x instanceof GoInt ? Number(x.value) : 0));
        this.fmtBytes(bytes, verb);
        return;
      }
      if ((verb === 'v' || verb === 'd') && elemType(t) === 'uint8' && this.plainFlags()) {
        // Each byte printed as plain decimal, exactly what the element loop below would write, without its cost.
        this.buf += `[${bytesAsDecimal(v)}]`;
        return;
      }
      if (this.f.sharpV) {
        this.buf += t + '{';
        v.forEach((x, i) => {
          if (i > 0) this.buf += ', ';
          this.printValue(x, verb, depth + 1);
        });
        this.buf += '}';
      } else {
        this.buf += '[';
        v.forEach((x, i) => {
          if (i > 0) this.buf += ' ';
          this.printValue(x, verb, depth + 1);
        });
        this.buf += ']';
      }
      return;
    }
    if (v instanceof GoStruct) {
      if (v.isPointer) {
        if (depth === 0) {
          this.buf += '&';
          this.printStruct(v, verb, depth + 1);
          return;
        }
        this.fmtPointer(v, verb);
        return;
      }
      this.printStruct(v, verb, depth);
      return;
    }
    if (v instanceof GoPointer) {
      if (depth === 0) {
        const t = v.target;
        if (Array.isArray(t) || t instanceof Map || t instanceof GoStruct) {
          this.buf += '&';
          this.printValue(t, verb, depth + 1);
          return;
        }
      }
      this.fmtPointer(v, verb);
      return;
    }
    if (v instanceof GoNil) {
      const k = kindOf(v);
      if (k === 'map') {
        this.buf += this.f.sharpV ? v.type + '(nil)' : 'map[]';
        return;
      }
      if (k === 'slice') {
        this.buf += this.f.sharpV ? v.type + '(nil)' : '[]';
        return;
      }
      this.fmtPointer(v, verb);
      return;
    }
    if (typeof v === 'function' || v instanceof GoIter) {
      this.fmtPointer(v, verb);
      return;
    }
    this.buf += '?';
  }

  printStruct(v: GoStruct, verb: string, depth: number): void {
    if (this.f.sharpV) this.buf += v.type.replace(/^\*/, '');
    this.buf += '{';
    let i = 0;
    for (const [name, val] of v.fields) {
      if (i++ > 0) this.buf += this.f.sharpV ? ', ' : ' ';
      if (this.f.plusV || this.f.sharpV) this.buf += name + ':';
      this.printValue(val, verb, depth + 1);
    }
    this.buf += '}';
  }

  fmtBytes(bytes: Uint8Array, verb: string): void {
    switch (verb) {
      case 's': this.pad(this.truncate(Buffer.from(bytes).toString('utf8'))); return;
      case 'x': this.fmtSx(bytes, false); return;
      case 'X': this.fmtSx(bytes, true); return;
      case 'q': this.fmtQ(Buffer.from(bytes).toString('utf8')); return;
    }
  }

  doPrint(args: GoValue[]): void {
    let prevString = false;
    args.forEach((arg, i) => {
      const isString = typeof arg === 'string';
      if (i > 0 && !isString && !prevString) this.buf += ' ';
      this.printArg(arg, 'v');
      prevString = isString;
    });
  }

  doPrintln(args: GoValue[]): void {
    args.forEach((arg, i) => {
      if (i > 0) this.buf += ' ';
      this.printArg(arg, 'v');
    });
    this.buf += '\n';
  }

  doPrintf(format: string, a: GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    let reordered = false;
    let goodArgNum = true;

    const doArgNumber = (i: number): number => {
      if (i >= end || format[i] !== '[') {
        afterIndex = false;
        return i;
      }
      reordered = true;
      // parseArgNumber
      let index = 0;
      let wid = 1;
      let ok = false;
      if (end - i >= 3) {
        for (let j = i + 1; j < end; j++) {
          if (format[j] === ']') {
            const r = parsenum(format, i + 1, j);
            if (!r.ok || r.next !== j) {
              wid = j - i + 1;
            } else {
              index = r.num - 1;
              wid = j - i + 1;
              ok = true;
            }
            break;
          }
        }
      }
      if (ok && index >= 0 && index < a.length) {
        argNum = index;
        afterIndex = true;
        return i + wid;
      }
      goodArgNum = false;
      afterIndex = ok;
      return i + wid;
    };

    const intFromArg = (): { num: number; ok: boolean } => {
      let num = 0;
      let ok = false;
      if (argNum < a.length) {
        const arg = a[argNum];
        if (arg instanceof GoInt) {
          ok = true;
          if (arg.value > 1000000n || arg.value < -1000000n) {
            num = 0;
            ok = false;
          } else num = Number(arg.value);
        }
        argNum++;
      }
      return { num, ok };
    };

    let i = 0;
    while (i < end) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.clearFlags();
      const f = this.f;
      let simple = false;
      for (; i < end; i++) {
        const c = format[i];
        if (c === '#') f.sharp = true;
        else if (c === '0') f.zero = !f.minus;
        else if (c === '+') f.plus = true;
        else if (c === '-') {
          f.minus = true;
          f.zero = false;
        } else if (c === ' ') f.space = true;
        else {
          if (c >= 'a' && c <= 'z' && argNum < a.length) {
            if (c === 'v') {
              f.sharpV = f.sharp;
              f.sharp = false;
              f.plusV = f.plus;
              f.plus = false;
            }
            this.printArg(a[argNum], c);
            argNum++;
            i++;
            simple = true;
          }
          break;
        }
      }
      if (simple) continue;

      i = doArgNumber(i);
      if (i < end && format[i] === '*') {
        i++;
        const r = intFromArg();
        f.wid = r.num;
        f.widPresent = r.ok;
        if (!f.widPresent) this.buf += '%!(BADWIDTH)';
        if (f.wid < 0) {
          f.wid = -f.wid;
          f.minus = true;
          f.zero = false;
        }
        afterIndex = false;
      } else {
        const r = parsenum(format, i, end);
        f.wid = r.num;
        f.widPresent = r.ok;
        i = r.next;
        if (afterIndex && f.widPresent) goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) goodArgNum = false;
        i = doArgNumber(i);
        if (i < end && format[i] === '*') {
          i++;
          const r = intFromArg();
          f.prec = r.num;
          f.precPresent = r.ok;
          if (f.prec < 0) {
            f.prec = 0;
            f.precPresent = false;
          }
          if (!f.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          const r = parsenum(format, i, end);
          f.prec = r.num;
          f.precPresent = r.ok;
          i = r.next;
          if (!f.precPresent) {
            f.prec = 0;
            f.precPresent = true;
          }
        }
      }
      if (!afterIndex) i = doArgNumber(i);
      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const cp = format.codePointAt(i) ?? 0;
      const verb = String.fromCodePoint(cp);
      i += verb.length;
      if (verb === '%') this.buf += '%';
      else if (!goodArgNum) this.buf += '%!' + verb + '(BADINDEX)';
      else if (argNum >= a.length) this.buf += '%!' + verb + '(MISSING)';
      else {
        if (verb === 'v') {
          f.sharpV = f.sharp;
          f.sharp = false;
          f.plusV = f.plus;
          f.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }
    if (!reordered && argNum < a.length) {
      this.clearFlags();
      this.buf += '%!(EXTRA ';
      a.slice(argNum).forEach((arg, k) => {
        if (k > 0) this.buf += ', ';
        if (arg === null || arg === undefined) this.buf += '<nil>';
        else {
          this.buf += typeOf(arg) + '=';
          this.printArg(arg, 'v');
        }
      });
      this.buf += ')';
    }
  }
}

function runeValue(v: bigint): number {
  if (v < 0n || v > 0x10ffffn) return 0xfffd;
  const n = Number(v);
  if (n >= 0xd800 && n <= 0xdfff) return 0xfffd;
  return n;
}

function parsenum(s: string, start: number, end: number): { num: number; ok: boolean; next: number } {
  if (start >= end) return { num: 0, ok: false, next: end };
  let num = 0;
  let ok = false;
  let i = start;
  for (; i < end && s[i] >= '0' && s[i] <= '9'; i++) {
    if (num > 1e6) return { num: 0, ok: false, next: end };
    num = num * 10 + (s.charCodeAt(i) - 48);
    ok = true;
  }
  return { num, ok, next: i };
}

/** fmt.Sprint */
export function sprint(args: GoValue[], callMethod: MethodCaller = defaultCaller): string {
  const p = new Printer(callMethod);
  p.doPrint(args);
  return p.buf;
}

/** fmt.Sprintln */
export function sprintln(args: GoValue[], callMethod: MethodCaller = defaultCaller): string {
  const p = new Printer(callMethod);
  p.doPrintln(args);
  return p.buf;
}

/** fmt.Sprintf */
export function sprintf(format: string, args: GoValue[], callMethod: MethodCaller = defaultCaller): string {
  const p = new Printer(callMethod);
  p.doPrintf(format, args);
  return p.buf;
}

/** Format one value the way `{{ . }}` / fmt.Print would (no <no value> handling). */
export function formatValue(v: GoValue, callMethod: MethodCaller = defaultCaller): string {
  const p = new Printer(callMethod);
  p.printArg(v, 'v');
  return p.buf;
}
