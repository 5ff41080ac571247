/**
 * Sprig date functions over a Go time.Time model (GoTime) with Go's layout-based Format/Parse and
 * Duration formatting/parsing.
 *
 * The clock is fixed (see createSprigFuncs' `now`, default 2026-01-01T00:00:00Z) and time.Local is UTC,
 * so `now`, `date`, `toDate`, `ago` ... give the same output on every run. Zone names other than UTC/Local
 * are resolved with Intl; their abbreviations may differ from Go's tzdata names (e.g. "GMT+1" for "CET").
 */
import { GoInt, GoStruct, GoValue, defineFunc, quoteString } from '../gotemplate/index.js';

type Fn = ReturnType<typeof defineFunc>;
const ANY = 'interface {}';

export interface Zone {
  name: string;
  /** Offset east of UTC in seconds and abbreviation at the given unix second. */
  at(sec: number): { offset: number; abbr: string };
}

export const UTC: Zone = { name: 'UTC', at: () => ({ offset: 0, abbr: 'UTC' }) };
/** time.Local: UTC in this engine (a scanner must not depend on the host's time zone). */
export const LOCAL: Zone = { name: 'Local', at: () => ({ offset: 0, abbr: 'UTC' }) };

export function fixedZone(name: string, offset: number): Zone {
  return { name, at: () => ({ offset, abbr: name }) };
}

/** time.LoadLocation; undefined for unknown names. */
export function loadLocation(name: string): Zone | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return LOCAL;
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name, timeZoneName: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric',
      minute: 'numeric', second: 'numeric', hourCycle: 'h23'
    });
    return {
      name,
      at(sec: number) {
        const d = new Date(sec * 1000);
        const parts = Object.fromEntries(fmt.formatToParts(d).map((p) => [p.type, p.value]));
        const asUTC = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour),
          Number(parts.minute), Number(parts.second));
        const offset = Math.round((asUTC - Math.floor(sec) * 1000) / 1000);
        return { offset, abbr: parts.timeZoneName ?? name };
      }
    };
  } catch {
    return undefined;
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A Go time.Time (unix seconds + nanoseconds + location). */
export class GoTime extends GoStruct {
  constructor(readonly sec: number, readonly nsec: number, readonly zone: Zone) {
    super('time.Time', new Map());
    bindMethods(this);
  }
  get civil(): Civil {
    const { offset, abbr } = this.zone.at(this.sec);
    const d = new Date((this.sec + offset) * 1000);
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(),
      min: d.getUTCMinutes(), sec: d.getUTCSeconds(), nsec: this.nsec, wday: d.getUTCDay(),
      yday: Math.floor((d.getTime() - start) / 86400000) + 1, offset, abbr
    };
  }
  in(z: Zone): GoTime {
    return new GoTime(this.sec, this.nsec, z);
  }
  addNanos(ns: bigint): GoTime {
    const total = BigInt(this.sec) * 1000000000n + BigInt(this.nsec) + ns;
    let s = total / 1000000000n;
    let n = total % 1000000000n;
    if (n < 0n) {
      n += 1000000000n;
      s -= 1n;
    }
    return new GoTime(Number(s), Number(n), this.zone);
  }
  unixNanos(): bigint {
    return BigInt(this.sec) * 1000000000n + BigInt(this.nsec);
  }
}

interface Civil {
  year: number; month: number; day: number; hour: number; min: number; sec: number; nsec: number; wday: number;
  yday: number; offset: number; abbr: string;
}

/** The zero time.Time (0001-01-01 00:00:00 UTC). */
export const ZERO_TIME_SEC = -62135596800;
export const zeroTime = (): GoTime => new GoTime(ZERO_TIME_SEC, 0, UTC);

/** time.Date in a zone. */
export function dateIn(y: number, mo: number, d: number, h: number, mi: number, s: number, ns: number, z: Zone): GoTime {
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi, s, 0);
  const local = Math.floor(dt.getTime() / 1000);
  let off = z.at(local).offset;
  off = z.at(local - off).offset;
  return new GoTime(local - off, ns, z);
}

// ---------------------------------------------------------------- layouts

type Std = { kind: string; n?: number; sep?: string };

const STD_TOKENS: [string, string][] = [
  ['January', 'LongMonth'], ['Jan', 'Month'], ['Monday', 'LongWeekDay'], ['Mon', 'WeekDay'], ['MST', 'TZ'],
  ['-07:00:00', 'NumColonSecondsTZ'], ['-070000', 'NumSecondsTz'], ['-07:00', 'NumColonTZ'], ['-0700', 'NumTZ'], ['-07', 'NumShortTZ'],
  ['Z07:00:00', 'ISO8601ColonSecondsTZ'], ['Z070000', 'ISO8601SecondsTZ'], ['Z07:00', 'ISO8601ColonTZ'], ['Z0700', 'ISO8601TZ'],
  ['Z07', 'ISO8601ShortTZ'], ['2006', 'LongYear'], ['002', 'ZeroYearDay'], ['__2', 'UnderYearDay'], ['_2', 'UnderDay'],
  ['01', 'ZeroMonth'], ['02', 'ZeroDay'], ['03', 'ZeroHour12'], ['04', 'ZeroMinute'], ['05', 'ZeroSecond'], ['06', 'Year'],
  ['15', 'Hour'], ['1', 'NumMonth'], ['2', 'Day'], ['3', 'Hour12'], ['4', 'Minute'], ['5', 'Second'], ['PM', 'PM'], ['pm', 'pm']
];

/** Split a layout into literal text and std chunks (Go's nextStdChunk). */
export function layoutChunks(layout: string): (string | Std)[] {
  const out: (string | Std)[] = [];
  let lit = '';
  let i = 0;
  outer: while (i < layout.length) {
    const c = layout[i];
    if ((c === '.' || c === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const ch = layout[i + 1];
      let j = i + 1;
      while (j < layout.length && layout[j] === ch) j++;
      if (!/[0-9]/.test(layout[j] ?? '')) {
        if (lit) out.push(lit);
        lit = '';
        out.push({ kind: ch === '0' ? 'FracSecond0' : 'FracSecond9', n: j - (i + 1), sep: c });
        i = j;
        continue;
      }
    }
    if (c === '_' && layout.startsWith('_2006', i)) {
      lit += '_';
      i++;
      continue;
    }
    for (const [tok, kind] of STD_TOKENS) {
      if (layout.startsWith(tok, i)) {
        if (kind === 'Month' && layout.startsWith('January', i)) continue;
        if (kind === 'WeekDay' && layout.startsWith('Monday', i)) continue;
        if (lit) out.push(lit);
        lit = '';
        out.push({ kind });
        i += tok.length;
        continue outer;
      }
    }
    lit += c;
    i++;
  }
  if (lit) out.push(lit);
  return out;
}

const pad = (n: number, w: number): string => {
  const s = String(Math.abs(n)).padStart(w, '0');
  return n < 0 ? '-' + s : s;
};

/** time.Time.Format */
export function formatTime(t: GoTime, layout: string): string {
  const c = t.civil;
  let out = '';
  for (const ch of layoutChunks(layout)) {
    if (typeof ch === 'string') {
      out += ch;
      continue;
    }
    const h12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
    switch (ch.kind) {
      case 'Year': out += pad(((c.year % 100) + 100) % 100, 2); break;
      case 'LongYear': out += pad(c.year, 4); break;
      case 'Month': out += MONTHS[c.month - 1].slice(0, 3); break;
      case 'LongMonth': out += MONTHS[c.month - 1]; break;
      case 'NumMonth': out += String(c.month); break;
      case 'ZeroMonth': out += pad(c.month, 2); break;
      case 'WeekDay': out += DAYS[c.wday].slice(0, 3); break;
      case 'LongWeekDay': out += DAYS[c.wday]; break;
      case 'Day': out += String(c.day); break;
      case 'UnderDay': out += (c.day < 10 ? ' ' : '') + c.day; break;
      case 'ZeroDay': out += pad(c.day, 2); break;
      case 'UnderYearDay': out += String(c.yday).padStart(3, ' '); break;
      case 'ZeroYearDay': out += pad(c.yday, 3); break;
      case 'Hour': out += pad(c.hour, 2); break;
      case 'Hour12': out += String(h12); break;
      case 'ZeroHour12': out += pad(h12, 2); break;
      case 'Minute': out += String(c.min); break;
      case 'ZeroMinute': out += pad(c.min, 2); break;
      case 'Second': out += String(c.sec); break;
      case 'ZeroSecond': out += pad(c.sec, 2); break;
      case 'PM': out += c.hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += c.hour >= 12 ? 'pm' : 'am'; break;
      case 'TZ':
        if (c.abbr !== '') out += c.abbr;
        else out += (c.offset < 0 ? '-' : '+') + pad(Math.floor(Math.abs(c.offset) / 3600), 2) + pad(Math.floor(Math.abs(c.offset) / 60) % 60, 2);
        break;
      case 'FracSecond0':
        out += ch.sep + String(c.nsec).padStart(9, '0').slice(0, ch.n);
        break;
      case 'FracSecond9': {
        const digits = String(c.nsec).padStart(9, '0').slice(0, ch.n).replace(/0+$/, '');
        if (digits !== '') out += ch.sep + digits;
        break;
      }
      default: {
        // numeric and ISO 8601 zones
        const iso = ch.kind.startsWith('ISO');
        if (iso && c.offset === 0) {
          out += 'Z';
          break;
        }
        const colon = ch.kind.includes('Colon');
        const abs = Math.abs(c.offset);
        out += (c.offset < 0 ? '-' : '+') + pad(Math.floor(abs / 3600), 2);
        if (!ch.kind.includes('Short')) out += (colon ? ':' : '') + pad(Math.floor(abs / 60) % 60, 2);
        if (ch.kind.includes('Seconds')) out += (colon ? ':' : '') + pad(abs % 60, 2);
      }
    }
  }
  return out;
}

const q = (s: string): string => quoteString(s);

/** time.ParseInLocation (the common layouts: numeric fields, month/day names, zones, fractions). */
export function parseTime(layout: string, value: string, loc: Zone): GoTime {
  const orig = value;
  const fail = (elem: string, rest: string, msg = ''): Error =>
    new Error(msg ? `parsing time ${q(orig)}${msg}` : `parsing time ${q(orig)} as ${q(layout)}: cannot parse ${q(rest)} as ${q(elem)}`);
  let year = 1; let month = -1; let day = -1; let yday = -1; let hour = 0; let min = 0; let sec = 0; let nsec = 0;
  let pmSet = false; let amSet = false; let zoneOffset: number | undefined; let zoneName = ''; let z: Zone | undefined;
  const chunks = layoutChunks(layout);
  const num = (min0: number, max0: number, fixed: boolean, width = 2): number | null => {
    const m = fixed ? new RegExp(`^\\d{${width}}`).exec(value) : /^\d{1,2}/.exec(value);
    if (!m || m[0].length < min0) return null;
    value = value.slice(m[0].length);
    void max0;
    return Number(m[0]);
  };
  for (let ci = 0; ci < chunks.length; ci++) {
    const ch = chunks[ci];
    if (typeof ch === 'string') {
      if (!value.startsWith(ch)) throw fail(ch, value);
      value = value.slice(ch.length);
      continue;
    }
    const hold = value;
    const tok = STD_TOKENS.find(([, k]) => k === ch.kind)?.[0] ?? (ch.kind === 'FracSecond0' ? ch.sep + '0'.repeat(ch.n ?? 0) : ch.sep + '9'.repeat(ch.n ?? 0));
    const range = (what: string): Error => fail('', '', `: ${what} out of range`);
    let v: number | null = null;
    switch (ch.kind) {
      case 'Year':
        if ((v = num(2, 2, true)) === null) throw fail(tok, hold);
        year = v >= 69 ? v + 1900 : v + 2000;
        break;
      case 'LongYear':
        if (!/^\d{4}/.test(value)) throw fail(tok, hold);
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case 'Month':
      case 'LongMonth': {
        const names = MONTHS.map((m) => (ch.kind === 'Month' ? m.slice(0, 3) : m));
        const idx = names.findIndex((m) => value.toLowerCase().startsWith(m.toLowerCase()));
        if (idx < 0) throw fail(tok, hold);
        month = idx + 1;
        value = value.slice(names[idx].length);
        break;
      }
      case 'WeekDay':
      case 'LongWeekDay': {
        const names = DAYS.map((d) => (ch.kind === 'WeekDay' ? d.slice(0, 3) : d));
        const idx = names.findIndex((d) => value.toLowerCase().startsWith(d.toLowerCase()));
        if (idx < 0) throw fail(tok, hold);
        value = value.slice(names[idx].length);
        break;
      }
      case 'NumMonth':
      case 'ZeroMonth':
        if ((v = num(ch.kind === 'ZeroMonth' ? 2 : 1, 12, ch.kind === 'ZeroMonth')) === null) throw fail(tok, hold);
        if (v <= 0 || v > 12) throw range('month');
        month = v;
        break;
      case 'Day':
      case 'UnderDay':
      case 'ZeroDay':
        if (ch.kind === 'UnderDay' && value[0] === ' ') value = value.slice(1);
        if ((v = num(ch.kind === 'ZeroDay' ? 2 : 1, 31, ch.kind === 'ZeroDay')) === null) throw fail(tok, hold);
        day = v;
        break;
      case 'UnderYearDay':
      case 'ZeroYearDay': {
        const m = /^ {0,2}\d{1,3}/.exec(value);
        if (!m) throw fail(tok, hold);
        yday = Number(m[0].trim());
        value = value.slice(m[0].length);
        break;
      }
      case 'Hour':
        if ((v = num(1, 23, false)) === null) throw fail(tok, hold);
        if (v > 23) throw range('hour');
        hour = v;
        break;
      case 'Hour12':
      case 'ZeroHour12':
        if ((v = num(ch.kind === 'ZeroHour12' ? 2 : 1, 12, ch.kind === 'ZeroHour12')) === null) throw fail(tok, hold);
        if (v > 12) throw range('hour');
        hour = v;
        break;
      case 'Minute':
      case 'ZeroMinute':
        if ((v = num(ch.kind === 'ZeroMinute' ? 2 : 1, 59, ch.kind === 'ZeroMinute')) === null) throw fail(tok, hold);
        if (v > 59) throw range('minute');
        min = v;
        break;
      case 'Second':
      case 'ZeroSecond': {
        if ((v = num(ch.kind === 'ZeroSecond' ? 2 : 1, 59, ch.kind === 'ZeroSecond')) === null) throw fail(tok, hold);
        if (v > 59) throw range('second');
        sec = v;
        const next = chunks[ci + 1];
        const nextIsFrac = typeof next === 'object' && next.kind.startsWith('Frac');
        const fm = /^[.,](\d+)/.exec(value);
        if (fm && !nextIsFrac) {
          nsec = Number((fm[1] + '000000000').slice(0, 9));
          value = value.slice(fm[0].length);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const p = value.slice(0, 2);
        const up = p.toUpperCase();
        if (up === 'PM') pmSet = true;
        else if (up === 'AM') amSet = true;
        else throw fail(tok, hold);
        value = value.slice(2);
        break;
      }
      case 'TZ': {
        if (value.startsWith('UTC')) {
          z = UTC;
          value = value.slice(3);
          break;
        }
        const m = /^[A-Z]{3,5}([+-]\d{1,2})?/.exec(value);
        if (!m) throw fail(tok, hold);
        zoneName = m[0];
        value = value.slice(m[0].length);
        break;
      }
      case 'FracSecond0': {
        const n = ch.n ?? 0;
        const m = new RegExp(`^[.,]\\d{${n}}`).exec(value);
        if (!m) throw fail(tok, hold);
        nsec = Number((m[0].slice(1) + '000000000').slice(0, 9));
        value = value.slice(m[0].length);
        break;
      }
      case 'FracSecond9': {
        const m = /^[.,](\d+)/.exec(value);
        if (m) {
          nsec = Number((m[1] + '000000000').slice(0, 9));
          value = value.slice(m[0].length);
        }
        break;
      }
      default: {
        const iso = ch.kind.startsWith('ISO');
        if (iso && value[0] === 'Z') {
          value = value.slice(1);
          z = UTC;
          break;
        }
        const colon = ch.kind.includes('Colon');
        const short = ch.kind.includes('Short');
        const secs = ch.kind.includes('Seconds');
        const re = new RegExp(`^([+-])(\\d{2})${short ? '' : (colon ? ':' : '') + '(\\d{2})'}${secs ? (colon ? ':' : '') + '(\\d{2})' : ''}`);
        const m = re.exec(value);
        if (!m) throw fail(tok, hold);
        let off = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
        if (m[1] === '-') off = -off;
        zoneOffset = off;
        value = value.slice(m[0].length);
      }
    }
  }
  if (value !== '') throw fail('', '', `: extra text: ${q(value)}`);
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    const d0 = new Date(Date.UTC(year, 0, 1) + (yday - 1) * 86400000);
    if (month < 0) month = d0.getUTCMonth() + 1;
    if (day < 0) day = d0.getUTCDate();
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > dim) throw fail('', '', ': day out of range');
  if (z) return dateIn(year, month, day, hour, min, sec, nsec, z);
  if (zoneOffset !== undefined) {
    const t = dateIn(year, month, day, hour, min, sec, nsec, UTC);
    const shifted = new GoTime(t.sec - zoneOffset, nsec, loc);
    if (loc.at(shifted.sec).offset === zoneOffset) return shifted;
    return new GoTime(t.sec - zoneOffset, nsec, fixedZone(zoneName, zoneOffset));
  }
  if (zoneName !== '') {
    const t = dateIn(year, month, day, hour, min, sec, nsec, UTC);
    let off = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) off = Number(zoneName.slice(3)) * 3600;
    if (loc.at(t.sec).abbr === zoneName) return new GoTime(t.sec, nsec, loc);
    return new GoTime(t.sec - off, nsec, fixedZone(zoneName, off));
  }
  return dateIn(year, month, day, hour, min, sec, nsec, loc);
}

// ---------------------------------------------------------------- durations

/** time.Duration.String */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1000000000n) {
    let unit: string;
    let scale: bigint;
    if (u < 1000n) return (neg ? '-' : '') + u + 'ns';
    else if (u < 1000000n) { unit = 'µs'; scale = 1000n; } else { unit = 'ms'; scale = 1000000n; }
    out = fracStr(u, scale) + unit;
  } else {
    const h = u / 3600000000000n;
    u -= h * 3600000000000n;
    const m = u / 60000000000n;
    u -= m * 60000000000n;
    out = fracStr(u, 1000000000n) + 's';
    if (h > 0n) out = `${h}h${m}m` + out;
    else if (m > 0n) out = `${m}m` + out;
  }
  return (neg ? '-' : '') + out;
}

function fracStr(v: bigint, scale: bigint): string {
  const ip = v / scale;
  let fp = (v % scale).toString().padStart(scale.toString().length - 1, '0').replace(/0+$/, '');
  if (fp !== '') fp = '.' + fp;
  return ip.toString() + fp;
}

const UNITS: Record<string, bigint> = {
  ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n
};

/** time.ParseDuration */
export function parseDuration(s: string): bigint {
  const orig = s;
  const err = (m: string): Error => new Error(`time: ${m} ${q(orig)}`);
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw err('invalid duration');
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '') || m[0] === '.') throw err('invalid duration');
    s = s.slice(m[0].length);
    const um = /^[^0-9.]+/.exec(s);
    if (!um) throw err('missing unit in duration');
    const unit = UNITS[um[0]];
    if (unit === undefined) throw new Error(`time: unknown unit ${q(um[0])} in duration ${q(orig)}`);
    s = s.slice(um[0].length);
    let v = BigInt(m[1] || '0') * unit;
    const frac = m[2] ?? '';
    if (frac !== '') v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > (1n << 63n) - 1n) throw err('invalid duration');
  }
  return neg ? -total : total;
}

// ---------------------------------------------------------------- methods and functions

function asTime(v: GoValue): GoTime | undefined {
  if (v instanceof GoTime) return v;
  if (v !== null && typeof v === 'object' && 'target' in v && (v as { target: GoValue }).target instanceof GoTime) {
    return (v as unknown as { target: GoTime }).target;
  }
  return undefined;
}

/** Give each GoTime its own bound methods. */
function bindMethods(t: GoTime): void {
  const i = (n: number): GoInt => new GoInt('int', n);
  const m: Record<string, ReturnType<typeof defineFunc>> = {
    String: defineFunc({ params: [], result: 'string' }, () => formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST')),
    Format: defineFunc({ params: ['string'], result: 'string' }, (l: GoValue) => formatTime(t, l as string)),
    Unix: defineFunc({ params: [], result: 'int64' }, () => new GoInt('int64', t.sec)),
    UnixMilli: defineFunc({ params: [], result: 'int64' }, () => new GoInt('int64', t.unixNanos() / 1000000n)),
    UnixNano: defineFunc({ params: [], result: 'int64' }, () => new GoInt('int64', t.unixNanos())),
    Year: defineFunc({ params: [], result: 'int' }, () => i(t.civil.year)),
    Month: defineFunc({ params: [], result: 'time.Month' }, () => i(t.civil.month)),
    Day: defineFunc({ params: [], result: 'int' }, () => i(t.civil.day)),
    Hour: defineFunc({ params: [], result: 'int' }, () => i(t.civil.hour)),
    Minute: defineFunc({ params: [], result: 'int' }, () => i(t.civil.min)),
    Second: defineFunc({ params: [], result: 'int' }, () => i(t.civil.sec)),
    Nanosecond: defineFunc({ params: [], result: 'int' }, () => i(t.nsec)),
    YearDay: defineFunc({ params: [], result: 'int' }, () => i(t.civil.yday)),
    UTC: defineFunc({ params: [], result: 'time.Time' }, () => t.in(UTC)),
    Local: defineFunc({ params: [], result: 'time.Time' }, () => t.in(LOCAL)),
    IsZero: defineFunc({ params: [], result: 'bool' }, () => t.sec === ZERO_TIME_SEC && t.nsec === 0),
    Add: defineFunc({ params: ['time.Duration'], result: 'time.Time' }, (d: GoValue) => t.addNanos((d as GoInt).value)),
    AddDate: defineFunc({ params: ['int', 'int', 'int'], result: 'time.Time' }, (y: GoValue, mo: GoValue, d: GoValue) => {
      const c = t.civil;
      return dateIn(c.year + Number((y as GoInt).value), c.month + Number((mo as GoInt).value), c.day + Number((d as GoInt).value),
        c.hour, c.min, c.sec, c.nsec, t.zone);
    }),
    Before: defineFunc({ params: ['time.Time'], result: 'bool' }, (o: GoValue) => t.unixNanos() < (asTime(o)?.unixNanos() ?? 0n)),
    After: defineFunc({ params: ['time.Time'], result: 'bool' }, (o: GoValue) => t.unixNanos() > (asTime(o)?.unixNanos() ?? 0n)),
    Equal: defineFunc({ params: ['time.Time'], result: 'bool' }, (o: GoValue) => t.unixNanos() === (asTime(o)?.unixNanos() ?? 0n)),
    MarshalJSON: defineFunc({ params: [], result: '[]uint8' }, () => '"' + formatTime(t, '2006-01-02T15:04:05.999999999Z07:00') + '"')
  };
  (t as unknown as { methods: Record<string, ReturnType<typeof defineFunc>> }).methods = m;
}

/** Make a time value (with methods bound). */
export function timeValue(sec: number, nsec: number, zone: Zone): GoTime {
  return new GoTime(sec, nsec, zone);
}

const rebind = (t: GoTime): GoTime => t;

/** A time.Time from a JS Date. */
export function fromDate(d: Date, zone: Zone = UTC): GoTime {
  const ms = d.getTime();
  const sec = Math.floor(ms / 1000);
  return timeValue(sec, (ms - sec * 1000) * 1000000, zone);
}

const dur = (ns: bigint): GoInt => new GoInt('int64', ns);

export function dateFuncs(now: () => Date): Record<string, Fn> {
  const nowT = (): GoTime => fromDate(now(), LOCAL);
  const toTime = (date: GoValue, withInt32: boolean, withPtr: boolean): GoTime => {
    if (date instanceof GoTime) return rebind(date);
    if (withPtr) {
      const p = asTime(date);
      if (p) return rebind(p);
    }
    if (date instanceof GoInt && (date.kind === 'int64' || date.kind === 'int' || (withInt32 && date.kind === 'int32'))) {
      return timeValue(Number(date.value), 0, LOCAL);
    }
    return nowT();
  };
  const dateInZone = (fmt: GoValue, date: GoValue, zone: GoValue): string => {
    const t = toTime(date, true, true);
    const loc = loadLocation(zone as string) ?? UTC;
    return formatTime(rebind(t.in(loc)), fmt as string);
  };
  const mustModify = (fmt: GoValue, date: GoValue): GoTime => {
    const d = parseDuration(fmt as string);
    return rebind((date as GoTime).addNanos(d));
  };
  const TT = 'time.Time';
  return {
    now: defineFunc({ params: [], result: TT }, () => nowT()),
    date: defineFunc({ params: ['string', ANY], result: 'string' }, (f: GoValue, d: GoValue) => dateInZone(f, d, 'Local')),
    dateInZone: defineFunc({ params: ['string', ANY, 'string'], result: 'string' }, dateInZone),
    date_in_zone: defineFunc({ params: ['string', ANY, 'string'], result: 'string' }, dateInZone),
    htmlDate: defineFunc({ params: [ANY], result: 'string' }, (d: GoValue) => dateInZone('2006-01-02', d, 'Local')),
    htmlDateInZone: defineFunc({ params: [ANY, 'string'], result: 'string' }, (d: GoValue, z: GoValue) => dateInZone('2006-01-02', d, z)),
    dateModify: defineFunc({ params: ['string', TT], result: TT }, (f: GoValue, d: GoValue) => {
      try {
        return mustModify(f, d);
      } catch {
        return d;
      }
    }),
    date_modify: defineFunc({ params: ['string', TT], result: TT }, (f: GoValue, d: GoValue) => {
      try {
        return mustModify(f, d);
      } catch {
        return d;
      }
    }),
    mustDateModify: defineFunc({ params: ['string', TT], result: TT }, mustModify),
    must_date_modify: defineFunc({ params: ['string', TT], result: TT }, mustModify),
    ago: defineFunc({ params: [ANY], result: 'string' }, (d: GoValue) => {
      const t = toTime(d, false, false);
      const ns = nowT().unixNanos() - t.unixNanos();
      // Round to the second, halves away from zero.
      const s = ns >= 0n ? (ns + 500000000n) / 1000000000n : -((-ns + 500000000n) / 1000000000n);
      return durationString(s * 1000000000n);
    }),
    duration: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => {
      let n = 0n;
      if (typeof v === 'string') n = /^[+-]?\d+$/.test(v) && BigInt(v) <= (1n << 63n) - 1n && BigInt(v) >= -(1n << 63n) ? BigInt(v) : 0n;
      else if (v instanceof GoInt && v.kind === 'int64') n = v.value;
      return durationString(BigInt.asIntN(64, n * 1000000000n));
    }),
    durationRound: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => {
      let d = 0n;
      if (typeof v === 'string') {
        try {
          d = parseDuration(v);
        } catch {
          d = 0n;
        }
      } else if (v instanceof GoInt && v.kind === 'int64') d = v.value;
      else if (v instanceof GoTime) d = nowT().unixNanos() - v.unixNanos();
      let u = BigInt.asUintN(64, d);
      if (d < 0n) u = BigInt.asUintN(64, -u);
      const H = 3600000000000n;
      const year = H * 24n * 365n;
      const month = H * 24n * 30n;
      const day = H * 24n;
      const minute = 60000000000n;
      const second = 1000000000n;
      if (u > year) return `${u / year}y`;
      if (u > month) return `${u / month}mo`;
      if (u > day) return `${u / day}d`;
      if (u > H) return `${u / H}h`;
      if (u > minute) return `${u / minute}m`;
      if (u > second) return `${u / second}s`;
      return '0s';
    }),
    toDate: defineFunc({ params: ['string', 'string'], result: TT }, (f: GoValue, s: GoValue) => {
      try {
        return rebind(parseTime(f as string, s as string, LOCAL));
      } catch {
        return rebind(zeroTime());
      }
    }),
    mustToDate: defineFunc({ params: ['string', 'string'], result: TT }, (f: GoValue, s: GoValue) => rebind(parseTime(f as string, s as string, LOCAL))),
    unixEpoch: defineFunc({ params: [TT], result: 'string' }, (d: GoValue) => String((d as GoTime).sec))
  };
}

export { dur };
