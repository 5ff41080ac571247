/**
 * time.Duration for templates (Helm 4's duration helpers): a Go struct-like value of type `time.Duration`
 * holding int64 nanoseconds, printing as Go's Duration.String() ("1m30s"), with its methods.
 * Also Go's time.ParseDuration and Helm's toDuration conversion rules.
 */
import { GoInt, GoStruct, GoValue, defineFunc } from '../../gotemplate/index.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;

/** Largest/smallest whole seconds representable as a Duration. */
export const MAX_DURATION_SECONDS = INT64_MAX / SECOND; // 9223372036
export const MIN_DURATION_SECONDS = INT64_MIN / SECOND; // -9223372036
export const MAX_DURATION_SECONDS_FLOAT = Number(INT64_MAX) / 1e9;
export const MIN_DURATION_SECONDS_FLOAT = Number(INT64_MIN) / 1e9;

/** Go's Duration.String(). */
export function durationString(d: bigint): string {
  let u = d < 0n ? -d : d;
  const neg = d < 0n;
  let out = '';
  if (u < SECOND) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1000n) {
      prec = 0;
      unit = 'ns';
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, rest] = fmtFrac(u, prec);
    out = rest.toString() + frac + unit;
  } else {
    const [frac, rest] = fmtFrac(u, 9);
    u = rest;
    out = (u % 60n).toString() + frac + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return (neg ? '-' : '') + out;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let s = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) s = digit.toString() + s;
    v /= 10n;
  }
  if (print) s = '.' + s;
  return [s, v];
}

/** A time.Duration value. */
export class GoDuration extends GoStruct {
  readonly nanos: bigint;
  constructor(nanos: bigint) {
    const n = BigInt.asIntN(64, nanos);
    super('time.Duration', new Map(), durationMethods(n));
    this.nanos = n;
  }
  override toString(): string {
    return durationString(this.nanos);
  }
}

function divFloat(d: bigint, unit: bigint): number {
  const whole = d / unit;
  const rem = d % unit;
  return Number(whole) + Number(rem) / Number(unit);
}

export const durationSeconds = (d: bigint): number => divFloat(d, SECOND);
export const durationMinutes = (d: bigint): number => divFloat(d, MINUTE);
export const durationHours = (d: bigint): number => divFloat(d, HOUR);

/** Duration.Round(m). */
export function durationRound(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  const lessThanHalf = (x: bigint, y: bigint): boolean => BigInt.asUintN(64, x + x) < BigInt.asUintN(64, y);
  if (d < 0n) {
    r = -r;
    if (lessThanHalf(r, m)) return d + r;
    const d1 = d - m + r;
    if (d1 < d && d1 >= INT64_MIN) return d1;
    return INT64_MIN;
  }
  if (lessThanHalf(r, m)) return d - r;
  const d1 = d + m - r;
  if (d1 > d && d1 <= INT64_MAX) return d1;
  return INT64_MAX;
}

/** Duration.Truncate(m). */
export function durationTruncate(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  return d - (d % m);
}

function durationMethods(n: bigint): Record<string, import('../../gotemplate/index.js').GoFuncValue> {
  const sig = (params: string[], result: string) => ({ params, result });
  return {
    String: defineFunc(sig([], 'string'), () => durationString(n)),
    Seconds: defineFunc(sig([], 'float64'), () => durationSeconds(n)),
    Minutes: defineFunc(sig([], 'float64'), () => durationMinutes(n)),
    Hours: defineFunc(sig([], 'float64'), () => durationHours(n)),
    Milliseconds: defineFunc(sig([], 'int64'), () => new GoInt('int64', n / 1_000_000n)),
    Microseconds: defineFunc(sig([], 'int64'), () => new GoInt('int64', n / 1000n)),
    Nanoseconds: defineFunc(sig([], 'int64'), () => new GoInt('int64', n)),
    Abs: defineFunc(sig([], 'time.Duration'), () => new GoDuration(n >= 0n ? n : n === INT64_MIN ? INT64_MAX : -n)),
    Round: defineFunc(sig(['time.Duration'], 'time.Duration'), (m: GoValue) => new GoDuration(durationRound(n, asNanos(m)))),
    Truncate: defineFunc(sig(['time.Duration'], 'time.Duration'), (m: GoValue) => new GoDuration(durationTruncate(n, asNanos(m))))
  };
}

function asNanos(m: GoValue): bigint {
  if (m instanceof GoDuration) return m.nanos;
  if (m instanceof GoInt) return m.value;
  if (typeof m === 'number') return BigInt(Math.trunc(m));
  return 0n;
}

const UNITS: Record<string, bigint> = {
  ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: SECOND, m: MINUTE, h: HOUR
};

/** Go's time.ParseDuration. Throws Error with Go's message. */
export function parseGoDuration(orig: string): bigint {
  const q = JSON.stringify(orig);
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new Error('time: invalid duration ' + q);
  let d = 0n;
  const LIMIT = 1n << 63n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) throw new Error('time: invalid duration ' + q);
    const im = /^[0-9]*/.exec(s)?.[0] ?? '';
    let v = 0n;
    for (const ch of im) {
      v = v * 10n + BigInt(ch.charCodeAt(0) - 48);
      if (v > LIMIT) throw new Error('time: invalid duration ' + q);
    }
    s = s.slice(im.length);
    const pre = im.length > 0;
    let post = false;
    let f = 0n;
    let scale = 1;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      const fm = /^[0-9]*/.exec(s)?.[0] ?? '';
      let overflow = false;
      for (const ch of fm) {
        if (overflow) continue;
        const y = f * 10n + BigInt(ch.charCodeAt(0) - 48);
        if (y > LIMIT) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      s = s.slice(fm.length);
      post = fm.length > 0;
    }
    if (!pre && !post) throw new Error('time: invalid duration ' + q);
    let i = 0;
    while (i < s.length && !(s[i] === '.' || (s[i] >= '0' && s[i] <= '9'))) i++;
    if (i === 0) throw new Error('time: missing unit in duration ' + q);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error('time: unknown unit ' + JSON.stringify(u) + ' in duration ' + q);
    if (v > LIMIT / unit) throw new Error('time: invalid duration ' + q);
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) throw new Error('time: invalid duration ' + q);
    }
    d += v;
    if (d > LIMIT) throw new Error('time: invalid duration ' + q);
  }
  if (neg) return -d;
  if (d > INT64_MAX) throw new Error('time: invalid duration ' + q);
  return d;
}

function secondsFloatToDuration(f: number): bigint {
  if (Number.isNaN(f) || !Number.isFinite(f)) throw new Error(`invalid duration: ${f}`);
  if (f > MAX_DURATION_SECONDS_FLOAT || f < MIN_DURATION_SECONDS_FLOAT) throw new Error(`duration out of range: ${f}`);
  const ns = f * 1e9;
  if (ns >= 2 ** 63) return INT64_MIN; // Go's float->int64 conversion overflow on amd64
  if (ns < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(ns));
}

function secondsIntToDuration(n: bigint): bigint {
  if (n > MAX_DURATION_SECONDS || n < MIN_DURATION_SECONDS) throw new Error(`duration out of range: ${n}s`);
  return n * SECOND;
}

/**
 * Helm's toDuration conversion: a Duration passes through; strings are time.ParseDuration'd, or (trimmed)
 * parsed as a float number of seconds; integers and floats are seconds. Throws on invalid input.
 */
export function toDurationNanos(v: GoValue): bigint {
  if (v instanceof GoDuration) return v.nanos;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') throw new Error(`invalid duration ${JSON.stringify(v)}`);
    try {
      return parseGoDuration(s);
    } catch (e) {
      if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) || /^[+-]?(inf|infinity|nan)$/i.test(s)) {
        return secondsFloatToDuration(Number(s.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity')));
      }
      throw e;
    }
  }
  if (v instanceof GoInt) {
    if (v.unsigned && v.value > INT64_MAX) throw new Error(`duration out of range: ${v.value}s`);
    return secondsIntToDuration(v.value);
  }
  if (typeof v === 'number') return secondsFloatToDuration(v);
  throw new Error(`unsupported duration type ${v === null || v === undefined ? '<nil>' : typeof v === 'boolean' ? 'bool' : (v as { constructor: { name: string } }).constructor.name}`);
}
