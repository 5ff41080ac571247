/**
 * go-yaml's implicit scalar resolution (resolve.go) and map key ordering (sorter.go), shared by the encoder
 * (to decide when a string must be quoted) and the decoder used by fromYaml.
 */

export type ResolvedTag = 'str' | 'bool' | 'null' | 'int' | 'float' | 'timestamp' | 'merge';

export type Resolved =
  | { tag: 'str'; value: string }
  | { tag: 'bool'; value: boolean }
  | { tag: 'null'; value: null }
  /** int: fits int64; uint: fits uint64 only; big: arbitrary (sigs.k8s.io's goyaml.v2 fork keeps big.Int). */
  | { tag: 'int'; value: bigint; size: 'int' | 'uint' | 'big' }
  | { tag: 'float'; value: number }
  | { tag: 'timestamp'; value: string }
  | { tag: 'merge'; value: string };

const RESOLVE_MAP = new Map<string, Resolved>();
function addAll(names: string[], r: Resolved): void {
  for (const n of names) RESOLVE_MAP.set(n, r);
}
addAll(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'], { tag: 'bool', value: true });
addAll(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'], { tag: 'bool', value: false });
addAll(['', '~', 'null', 'Null', 'NULL'], { tag: 'null', value: null });
addAll(['.nan', '.NaN', '.NAN'], { tag: 'float', value: NaN });
addAll(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'], { tag: 'float', value: Infinity });
addAll(['-.inf', '-.Inf', '-.INF'], { tag: 'float', value: -Infinity });
RESOLVE_MAP.set('<<', { tag: 'merge', value: '<<' });

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

type ParseIntResult = { ok: true; value: bigint } | { ok: false; range: boolean };

/** strconv.ParseInt/ParseUint(s, 0, 64) digits parsing (base prefixes 0x 0o 0b and a leading 0 for octal). */
function parseGoInt(s: string, signed: boolean): ParseIntResult {
  let i = 0;
  let neg = false;
  if (signed && (s[0] === '+' || s[0] === '-')) {
    neg = s[0] === '-';
    i = 1;
  }
  let body = s.slice(i);
  if (body === '') return { ok: false, range: false };
  let base = 10;
  if (body[0] === '0') {
    if (body.length >= 2 && (body[1] === 'x' || body[1] === 'X')) {
      base = 16;
      body = body.slice(2);
    } else if (body.length >= 2 && (body[1] === 'o' || body[1] === 'O')) {
      base = 8;
      body = body.slice(2);
    } else if (body.length >= 2 && (body[1] === 'b' || body[1] === 'B')) {
      base = 2;
      body = body.slice(2);
    } else {
      base = 8;
      body = body.slice(1);
      if (body === '') return { ok: true, value: 0n };
    }
    if (body === '') return { ok: false, range: false };
  }
  const digits = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(body)) return { ok: false, range: false };
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let v = BigInt(prefix + body);
  if (neg) v = -v;
  if (signed ? v < INT64_MIN || v > INT64_MAX : v > UINT64_MAX) return { ok: false, range: true };
  return { ok: true, value: v };
}

/** strconv.ParseFloat(s, 64) for the forms the YAML float regexp admits (and JSON numbers). */
function parseGoFloat(s: string): number | undefined {
  const n = Number(s);
  if (Number.isNaN(n)) return undefined;
  if (!Number.isFinite(n)) return undefined; // Go: ErrRange
  return n;
}

const TIMESTAMP_RE = [
  // 2006-1-2T15:4:5.999999999Z07:00 (and lowercase t)
  /^\d{4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  // 2006-1-2 15:4:5.999999999
  /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?$/,
  // 2006-1-2
  /^\d{4}-\d{1,2}-\d{1,2}$/
];

function validDateParts(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{1,2}):(\d{1,2}))?/.exec(s);
  if (!m) return false;
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const y = Number(m[1]);
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (d > dim) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return false;
  return true;
}

export function isTimestamp(s: string): boolean {
  if (!/^\d{4}-/.test(s)) return false;
  return TIMESTAMP_RE.some((re) => re.test(s)) && validDateParts(s);
}

/** resolve("", s): the type a plain scalar `s` has in yaml.v2. */
export function resolvePlain(s: string): Resolved {
  const c = s.length === 0 ? '' : s[0];
  const hint = s === '' ? 'N'
    : c === '+' || c === '-' ? 'S'
      : c >= '0' && c <= '9' ? 'D'
        : 'yYnNtTfFoO~'.includes(c) ? 'M'
          : c === '.' ? '.' : '';
  if (hint === '') return { tag: 'str', value: s };
  const item = RESOLVE_MAP.get(s);
  if (item) return item;
  if (hint === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) {
      const f = parseGoFloat(s);
      if (f !== undefined) return { tag: 'float', value: f };
    }
    return { tag: 'str', value: s };
  }
  if (hint === 'D' || hint === 'S') {
    if (isTimestamp(s)) return { tag: 'timestamp', value: s };
    const plain = s.replace(/_/g, '');
    const iv = parseGoInt(plain, true);
    if (iv.ok) return { tag: 'int', value: iv.value, size: 'int' };
    const uv = parseGoInt(plain, false);
    if (uv.ok) return { tag: 'int', value: uv.value, size: 'uint' };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return { tag: 'float', value: f };
    }
    if (plain.startsWith('0b')) {
      const b = parseBinary(plain.slice(2));
      if (b !== undefined && b <= UINT64_MAX) return { tag: 'int', value: b, size: b > INT64_MAX ? 'uint' : 'int' };
    } else if (plain.startsWith('-0b')) {
      const b = parseBinary(plain.slice(3));
      if (b !== undefined && -b >= INT64_MIN) return { tag: 'int', value: -b, size: 'int' };
    }
    if (!uv.ok && uv.range) {
      const big = parseBigIntBase0(plain);
      if (big !== undefined) return { tag: 'int', value: big, size: 'big' };
    }
  }
  return { tag: 'str', value: s };
}

function parseBinary(s: string): bigint | undefined {
  if (!/^[01]+$/.test(s)) return undefined;
  return BigInt('0b' + s);
}

function parseBigIntBase0(s: string): bigint | undefined {
  // math/big SetString(s, 0)
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  let body = m[2];
  if (/^0[0-7]+$/.test(body)) body = '0o' + body.slice(1);
  const v = BigInt(body.toLowerCase().replace(/^0x/, '0x'));
  return m[1] === '-' ? -v : v;
}

/** yaml.v2 isBase60Float (base-60 numbers are quoted on output). */
export function isBase60Float(s: string): boolean {
  if (s === '') return false;
  const c = s[0];
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false;
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

/** yaml.v3 isOldBool: YAML 1.1 booleans v3 still quotes. */
export function isOldBool(s: string): boolean {
  switch (s) {
    case 'y': case 'Y': case 'yes': case 'Yes': case 'YES': case 'on': case 'On': case 'ON':
    case 'n': case 'N': case 'no': case 'No': case 'NO': case 'off': case 'Off': case 'OFF':
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------- key order

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const isLetter = (cp: number): boolean =>
  cp < 0x80 ? (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) : LETTER.test(String.fromCodePoint(cp));
const isDigit = (cp: number): boolean => (cp < 0x80 ? cp >= 0x30 && cp <= 0x39 : DIGIT.test(String.fromCodePoint(cp)));

/** A map key as go-yaml's keyList.Less sees it. */
export type SortKey =
  | { kind: 'string'; s: string }
  | { kind: 'number'; f: number; goKind: number; n: bigint | number }
  | { kind: 'other'; goKind: number };

/** reflect.Kind numbers (used when kinds differ). */
export const GO_KIND = {
  bool: 1, int: 2, int8: 3, int16: 4, int32: 5, int64: 6, uint: 7, uint8: 8, uint16: 9, uint32: 10, uint64: 11,
  uintptr: 12, float32: 13, float64: 14, complex64: 15, complex128: 16, array: 17, chan: 18, func: 19,
  interface: 20, map: 21, ptr: 22, slice: 23, string: 24, struct: 25
} as const;

const CP_CACHE = new WeakMap<object, number[]>();
function codePoints(k: { s: string }): number[] {
  let cp = CP_CACHE.get(k);
  if (!cp) {
    cp = Array.from(k.s, (c) => c.codePointAt(0) as number);
    CP_CACHE.set(k, cp);
  }
  return cp;
}

/** go-yaml sorter.go keyList.Less. */
export function yamlKeyLess(a: SortKey, b: SortKey): boolean {
  if (a.kind === 'number' && b.kind === 'number') {
    if (a.f !== b.f) return a.f < b.f;
    if (a.goKind !== b.goKind) return a.goKind < b.goKind;
    return a.n < b.n;
  }
  const ak = a.kind === 'string' ? GO_KIND.string : a.goKind;
  const bk = b.kind === 'string' ? GO_KIND.string : b.goKind;
  if (a.kind !== 'string' || b.kind !== 'string') return ak < bk;
  const ar = codePoints(a);
  const br = codePoints(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let ai: number;
    let bi: number;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === 0x30 || br[i] === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== 0x30) {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    for (ai = i; ai < ar.length && isDigit(ar[ai]); ai++) an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai] - 0x30));
    for (bi = i; bi < br.length && isDigit(br[bi]); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi] - 0x30));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

/** Sort with keyList.Less (Go's sort.Sort is not stable, but keys of a map are distinct). */
export function sortYamlKeys<T>(items: T[], key: (t: T) => SortKey): T[] {
  return items
    .map((t) => ({ t, k: key(t) }))
    .sort((x, y) => (yamlKeyLess(x.k, y.k) ? -1 : yamlKeyLess(y.k, x.k) ? 1 : 0))
    .map((x) => x.t);
}
