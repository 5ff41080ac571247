/**
 * Shared conversions for the Sprig port: spf13/cast's toInt64/toInt/toFloat64, Sprig's strval/strslice,
 * Sprig's `empty`, reflect.DeepEqual, and reflection helpers (kind names, slices of any type).
 */
import {
  CallContext, GoComplex, GoFuncValue, GoInt, GoIter, GoNil, GoPointer, GoStruct, GoValue, findMethod, kindOf,
  mapType, sliceType, sprintf, typeOf, underscoreOK, withGoType
} from '../gotemplate/index.js';

/** A Go runtime panic message for reflect.TypeOf(nil).Kind() and similar nil dereferences. */
export const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** reflect.Kind name of a value as Go's Kind.String() prints it (nil -> "invalid"). */
export function kindName(v: GoValue): string {
  if (v === null || v === undefined) return 'invalid';
  return kindOf(v);
}

/** reflect.TypeOf(v).Kind() as sprig uses it: panics (throws) on nil. */
export function typeKind(v: GoValue): string {
  if (v === null || v === undefined) throw new Error(NIL_DEREF);
  return kindOf(v);
}

/** Elements of a slice or array (typed nil slices are empty); undefined when v is not a slice/array. */
export function sliceItems(v: GoValue): GoValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof GoNil) {
    const k = kindOf(v);
    if (k === 'slice' || k === 'array') return [];
  }
  return undefined;
}

/** strconv.ParseInt(s, 0, 64) (base prefixes, underscores); null on error. */
export function goParseInt(s: string, base0 = true): bigint | null {
  let t = s;
  let neg = false;
  if (t.startsWith('+') || t.startsWith('-')) {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  if (t === '') return null;
  let base = 10;
  if (base0 && t[0] === '0') {
    const c = (t[1] ?? '').toLowerCase();
    if (t.length >= 3 && c === 'b') { base = 2; t = t.slice(2); }
    else if (t.length >= 3 && c === 'o') { base = 8; t = t.slice(2); }
    else if (t.length >= 3 && c === 'x') { base = 16; t = t.slice(2); }
    else { base = 8; t = t.slice(1); }
    if (t.includes('_') && !underscoreOK(s)) return null;
    t = t.replace(/_/g, '');
  } else if (base0 && t.includes('_')) {
    if (!underscoreOK(s)) return null;
    t = t.replace(/_/g, '');
  }
  if (t === '' && base !== 8) return null;
  let n = 0n;
  const B = BigInt(base);
  for (const ch of t) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) return null;
    n = n * B + BigInt(d);
  }
  if (neg) n = -n;
  if (n < MIN_INT64 || n > MAX_INT64) return null;
  return n;
}


/** strconv.ParseFloat(s, 64); null on error (including out of range). */
export function goParseFloat(s: string): number | null {
  const low = s.toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(low);
  if (m) return m[2] === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : null;
  }
  const hx = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?\d+)$/.exec(s);
  if (hx && (hx[2] + (hx[3] ?? '')).replace(/_/g, '') !== '') {
    const intPart = hx[2].replace(/_/g, '');
    const frac = (hx[3] ?? '').replace(/_/g, '');
    let v = 0;
    for (const ch of intPart) v = v * 16 + parseInt(ch, 16);
    let scale = 1 / 16;
    for (const ch of frac) {
      v += parseInt(ch, 16) * scale;
      scale /= 16;
    }
    v *= Math.pow(2, Number(hx[4]));
    if (!Number.isFinite(v)) return null;
    return hx[1] === '-' ? -v : v;
  }
  return null;
}

/** cast's trimZeroDecimal: "1.0" -> "1". */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    switch (s[i - 1]) {
      case '.':
        if (foundZero) return s.slice(0, i - 1);
        break;
      case '0':
        foundZero = true;
        break;
      default:
        return s;
    }
  }
  return s;
}

function derefPointers(v: GoValue): GoValue {
  while (v instanceof GoPointer) v = v.target;
  return v;
}

/** Go's int64(f) conversion for float64 (amd64 semantics for out-of-range values). */
export function floatToInt64(f: number): bigint {
  if (Number.isNaN(f) || f >= 9223372036854775808 || f < -9223372036854775808) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/** cast.ToInt64E; returns [value, ok]. */
export function toInt64E(v: GoValue): [bigint, boolean] {
  v = derefPointers(v);
  if (v === null || v === undefined || v instanceof GoNil) return [0n, true];
  if (v instanceof GoInt) return [BigInt.asIntN(64, v.value), true];
  if (typeof v === 'number') return [floatToInt64(v), true];
  if (typeof v === 'boolean') return [v ? 1n : 0n, true];
  if (typeof v === 'string') {
    const n = goParseInt(trimZeroDecimal(v));
    return n === null ? [0n, false] : [n, true];
  }
  return [0n, false];
}

/** cast.ToInt64 (errors give 0). */
export function toInt64(v: GoValue): bigint {
  return toInt64E(v)[0];
}

/** cast.ToInt as a JS number (values are small in practice). */
export function toIntNum(v: GoValue): number {
  return Number(toInt64(v));
}

/** cast.ToFloat64E. */
export function toFloat64E(v: GoValue): [number, boolean] {
  v = derefPointers(v);
  if (v === null || v === undefined || v instanceof GoNil) return [0, true];
  if (typeof v === 'number') return [v, true];
  if (v instanceof GoInt) return [Number(v.value), true];
  if (typeof v === 'boolean') return [v ? 1 : 0, true];
  if (typeof v === 'string') {
    const f = goParseFloat(v);
    return f === null ? [0, false] : [f, true];
  }
  return [0, false];
}

export function toFloat64(v: GoValue): number {
  return toFloat64E(v)[0];
}

export const int64 = (n: bigint | number): GoInt => new GoInt('int64', n);
export const int = (n: bigint | number): GoInt => new GoInt('int', n);

/** Bytes of a []byte value, or undefined. */
export function bytesOf(v: GoValue): Uint8Array | undefined {
  if (Array.isArray(v) && sliceType(v) === '[]uint8') return Uint8Array.from(v, (b) => Number((b as GoInt).value));
  return undefined;
}

export { byteSlice } from '../gotemplate/values.js';

/** Sprig's strval: string, []byte, error, fmt.Stringer, else fmt %v. */
export function strval(this: CallContext | void, v: GoValue): string {
  if (typeof v === 'string') return v;
  const b = bytesOf(v);
  if (b) return Buffer.from(b).toString('utf8');
  const err = findMethod(v, 'Error');
  if (err) return String(err.call(ctxOf(this, 'Error')));
  const str = findMethod(v, 'String');
  if (str) return String(str.call(ctxOf(this, 'String')));
  return sprintf('%v', [v ?? null]);
}

function ctxOf(c: CallContext | void, name: string): CallContext {
  if (c) return c;
  return { name, template: undefined, templateName: '', executeTemplate: () => '', executeText: () => '' };
}

/** Sprig's strslice (toStrings). */
export function strslice(this: CallContext | void, v: GoValue): string[] {
  if (Array.isArray(v)) {
    if (sliceType(v) === '[]string') return v as string[];
    const out: string[] = [];
    for (const x of v) if (x !== null && x !== undefined) out.push(strval.call(this, x));
    return out;
  }
  const items = sliceItems(v);
  if (items) return [];
  if (v === null || v === undefined) return [];
  return [strval.call(this, v)];
}

/** A Go []string. */
export function stringSlice(xs: string[]): GoValue[] {
  return withGoType(xs.slice(), '[]string');
}

/** Sprig's empty(): the zero value of its type (nil, 0, "", false, empty collections; structs never). */
export function isEmpty(v: GoValue): boolean {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case 'string': return v.length === 0;
    case 'boolean': return !v;
    case 'number': return v === 0;
    case 'function': return false;
  }
  if (v instanceof GoInt) return v.value === 0n;
  if (v instanceof GoComplex) return v.re === 0 && v.im === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (v instanceof GoNil) return true;
  if (v instanceof GoStruct || v instanceof GoPointer || v instanceof GoIter) return false;
  return false;
}

/** reflect.DeepEqual. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (typeOf(a) !== typeOf(b)) return false;
  if (typeof a === 'string' || typeof a === 'boolean') return a === b;
  if (typeof a === 'number') return a === b;
  if (typeof a === 'function') return false;
  if (a instanceof GoInt) return b instanceof GoInt && a.value === b.value;
  if (a instanceof GoComplex) return b instanceof GoComplex && a.re === b.re && a.im === b.im;
  if (a instanceof GoNil) return b instanceof GoNil;
  if (b instanceof GoNil) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    if (a === b) return true;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    if (a === b) return true;
    for (const [k, v] of a) {
      if (!b.has(k) || !deepEqual(v, b.get(k))) return false;
    }
    return mapType(a) === mapType(b);
  }
  if (a instanceof GoPointer) return b instanceof GoPointer && (a === b || deepEqual(a.target, b.target));
  if (a instanceof GoStruct) {
    if (!(b instanceof GoStruct)) return false;
    if (a === b) return true;
    if (a.fields.size !== b.fields.size) return false;
    for (const [k, v] of a.fields) if (!deepEqual(v, b.fields.get(k))) return false;
    return true;
  }
  return a === b;
}

/** Call a method (String/Error...) found on a value. */
export function callMethod(ctx: CallContext | void, fn: GoFuncValue, name: string, ...args: GoValue[]): GoValue {
  return fn.apply(ctxOf(ctx, name), args);
}
