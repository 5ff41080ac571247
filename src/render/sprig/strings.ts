/**
 * Sprig string functions (strings.go, goutils, xstrings). Go strings are bytes: functions that slice by
 * byte offset (trunc, substr, abbrev, wrap, initials, nospace) do so on the UTF-8 encoding.
 */
import { CallContext, GoPointer, GoValue, compareStringsBytewise, defineFunc, sprintf, withGoType } from '../gotemplate/index.js';
import { strslice, strval, stringSlice, sliceItems } from './convert.js';

type Fn = ReturnType<typeof defineFunc>;
const num = (v: GoValue): number => Number((v as { value: bigint }).value);

export const isSpace = (r: string): boolean => /^\p{White_Space}$/u.test(r);
export const isUpper = (r: string): boolean => /^\p{Lu}$/u.test(r);
export const isLower = (r: string): boolean => /^\p{Ll}$/u.test(r);
const isTitleCase = (r: string): boolean => /^\p{Lt}$/u.test(r);
const isDigit = (r: string): boolean => /^\p{Nd}$/u.test(r);
const isLetter = (r: string): boolean => /^\p{L}$/u.test(r);
const isPunct = (r: string): boolean => /^\p{P}$/u.test(r);

/** unicode.ToUpper/ToLower: one rune to one rune (no length-changing special casing). */
export function runeUpper(r: string): string {
  const u = r.toUpperCase();
  return Array.from(u).length === 1 ? u : r;
}
export function runeLower(r: string): string {
  const u = r.toLowerCase();
  return Array.from(u).length === 1 ? u : r;
}
export const goToUpper = (s: string): string => Array.from(s, runeUpper).join('');
export const goToLower = (s: string): string => Array.from(s, runeLower).join('');

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const str = (b: Buffer): string => b.toString('utf8');
/** A rune whose code point is a byte value (Go's rune(str[i])). */
const byteRune = (b: number): string => String.fromCodePoint(b);

/** Go runtime slice-bounds panic messages. */
function sliceBytes(s: string, lo: number | undefined, hi: number | undefined): string {
  const b = bytes(s);
  const n = b.length;
  if (hi !== undefined && (hi < 0 || hi > n)) {
    throw new Error(`runtime error: slice bounds out of range [:${hi}] with length ${n}`);
  }
  const h = hi ?? n;
  if (lo !== undefined && (lo < 0 || lo > h)) {
    throw new Error(`runtime error: slice bounds out of range [${lo}:${hi === undefined ? n : h}]`);
  }
  return str(b.subarray(lo ?? 0, h));
}

/** strings.TrimSpace */
export function trimSpace(s: string): string {
  return s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
}

/** strings.Trim(s, cutset) */
export function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  const rs = Array.from(s);
  let i = 0;
  let j = rs.length;
  while (i < j && set.has(rs[i])) i++;
  while (j > i && set.has(rs[j - 1])) j--;
  return rs.slice(i, j).join('');
}

/** strings.Replace(s, old, new, -1) */
export function replaceAll(s: string, old: string, nw: string): string {
  if (old === '') {
    const rs = Array.from(s);
    return nw + rs.map((r) => r + nw).join('');
  }
  return s.split(old).join(nw);
}

/** strings.Split(s, sep) */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const rs = Array.from(s);
    if (n > 0 && rs.length > n) return [...rs.slice(0, n - 1), rs.slice(n - 1).join('')];
    return rs;
  }
  const parts = s.split(sep);
  if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}

/** strings.Repeat with Go's panics and a sanity limit. */
export function goRepeat(s: string, count: number): string {
  if (count < 0) throw new Error('strings: negative Repeat count');
  if (s.length * count > 64 * 1024 * 1024) throw new Error('strings: Repeat output length overflow');
  return s.repeat(count);
}

/** strings.Title (deprecated word-initial title casing). */
export function goTitle(s: string): string {
  const isSep = (r: string): boolean => {
    const c = r.codePointAt(0) ?? 0;
    if (c <= 0x7f) return !/[0-9a-zA-Z_]/.test(r);
    if (isLetter(r) || isDigit(r)) return false;
    return isSpace(r);
  };
  let prev = ' ';
  let out = '';
  for (const r of s) {
    out += isSep(prev) ? runeUpper(r) : r;
    prev = r;
  }
  return out;
}

/** goutils.AbbreviateFull (byte offsets). */
export function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  if (s === '') return '';
  if (maxWidth < 4) return '';
  const b = bytes(s);
  const n = b.length;
  if (n <= maxWidth) return s;
  if (offset > n) offset = n;
  if (n - offset < maxWidth - 3) offset = n - (maxWidth - 3);
  const marker = '...';
  if (offset <= 4) return str(b.subarray(0, maxWidth - 3)) + marker;
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < n) return marker + abbreviateFull(str(b.subarray(offset)), 0, maxWidth - 3);
  return marker + str(b.subarray(n - (maxWidth - 3)));
}

/** goutils.WrapCustom (byte offsets). */
export function wrapCustom(s: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (s === '') return '';
  if (newLine === '') newLine = '\n';
  if (wrapLength < 1) wrapLength = 1;
  const b = bytes(s);
  const n = b.length;
  let offset = 0;
  const out: Buffer[] = [];
  const nl = bytes(newLine);
  while (n - offset > wrapLength) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = Math.min(wrapLength + offset + 1, n);
    let spaceToWrapAt = b.subarray(offset, end).lastIndexOf(0x20) + offset;
    if (spaceToWrapAt >= offset) {
      out.push(b.subarray(offset, spaceToWrapAt), nl);
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out.push(b.subarray(offset, wrapLength + offset), nl);
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const index = b.subarray(e).indexOf(0x20);
      if (index === -1) {
        out.push(b.subarray(offset));
        offset = n;
      } else {
        // goutils computes this without the offset (a bug kept for fidelity).
        spaceToWrapAt = index + wrapLength;
        if (spaceToWrapAt < offset) throw new Error(`runtime error: slice bounds out of range [${offset}:${spaceToWrapAt}]`);
        out.push(b.subarray(offset, spaceToWrapAt), nl);
        offset = spaceToWrapAt + 1;
      }
    }
  }
  out.push(b.subarray(Math.min(offset, n)));
  return str(Buffer.concat(out));
}

/** goutils.Initials (byte-wise, whitespace delimiters). */
export function initials(s: string): string {
  if (s === '') return s;
  const b = bytes(s);
  let out = '';
  let lastWasGap = true;
  for (const c of b) {
    const r = byteRune(c);
    if (isSpace(r)) lastWasGap = true;
    else if (lastWasGap) {
      out += r;
      lastWasGap = false;
    }
  }
  return out;
}

/** goutils.DeleteWhiteSpace (byte-wise). */
export function deleteWhiteSpace(s: string): string {
  if (s === '') return s;
  const b = bytes(s);
  let out = '';
  let count = 0;
  for (const c of b) {
    const r = byteRune(c);
    if (!isSpace(r)) {
      out += r;
      count++;
    }
  }
  return count === b.length ? s : out;
}

/** goutils.Uncapitalize with whitespace delimiters. */
export function uncapitalize(s: string): string {
  if (s === '') return s;
  let next = true;
  let out = '';
  for (const r of s) {
    if (isSpace(r)) {
      next = true;
      out += r;
    } else if (next) {
      out += runeLower(r);
      next = false;
    } else out += r;
  }
  return out;
}

/** goutils.SwapCase */
export function swapCase(s: string): string {
  let out = '';
  for (const r of s) {
    if (isUpper(r) || isTitleCase(r)) out += runeLower(r);
    else if (isLower(r)) out += runeUpper(r);
    else out += r;
  }
  return out;
}

// ---------------------------------------------------------------- xstrings case conversion

const isConnector = (r: string): boolean => r === '-' || r === '_' || isSpace(r);

type WordType = 'invalid' | 'number' | 'upper' | 'alpha' | 'lower' | 'connector' | 'punct' | 'other';

function nextWord(rs: string[], start: number): { wt: WordType; end: number } {
  const n = rs.length;
  let i = start;
  const r = rs[i++];
  const run = (pred: (x: string) => boolean): void => {
    while (i < n && pred(rs[i])) i++;
  };
  if (isConnector(r)) {
    run(isConnector);
    return { wt: 'connector', end: i };
  }
  if (isPunct(r)) {
    run(isPunct);
    return { wt: 'punct', end: i };
  }
  if (isUpper(r)) {
    if (i >= n) return { wt: 'upper', end: i };
    if (isUpper(rs[i])) {
      run(isUpper);
      // "HTTPStatus": the last upper letter starts the next word.
      if (i < n && isLower(rs[i])) i--;
      return { wt: 'upper', end: i };
    }
    if (isLower(rs[i])) {
      run(isLower);
      return { wt: 'alpha', end: i };
    }
    return { wt: 'upper', end: i };
  }
  if (isLower(r)) {
    run(isLower);
    return { wt: 'lower', end: i };
  }
  if (isDigit(r)) {
    run(isDigit);
    return { wt: 'number', end: i };
  }
  run((x) => !(isConnector(x) || isLower(x) || isDigit(x) || isUpper(x)));
  return { wt: 'other', end: i };
}

/** xstrings camelCaseToLowerCase (ToSnakeCase / ToKebabCase). */
export function camelCaseToLowerCase(s: string, connector: string): string {
  if (s === '') return '';
  const rs = Array.from(s);
  let out = '';
  const toLower = (wt: WordType, a: number, b: number): void => {
    for (let k = a; k < b; k++) {
      const r = rs[k];
      if (wt === 'connector' && isConnector(r)) out += connector;
      else out += runeLower(r);
    }
  };
  let pos = 0;
  let w = nextWord(rs, pos);
  let ws = pos;
  pos = w.end;
  let wt = w.wt;
  while (pos < rs.length) {
    if (wt !== 'connector') toLower(wt, ws, pos);
    const prev = wt;
    const lastStart = ws;
    const lastEnd = pos;
    ws = pos;
    w = nextWord(rs, pos);
    wt = w.wt;
    pos = w.end;
    switch (prev) {
      case 'number':
        while (wt === 'lower' || wt === 'number') {
          toLower(wt, ws, pos);
          if (pos >= rs.length) {
            return out;
          }
          ws = pos;
          w = nextWord(rs, pos);
          wt = w.wt;
          pos = w.end;
        }
        if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
        break;
      case 'connector':
        toLower('connector', lastStart, lastEnd);
        break;
      case 'punct':
        break;
      default: {
        if (wt !== 'number') {
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        if (pos >= rs.length) break;
        const numStart = ws;
        const numEnd = pos;
        ws = pos;
        w = nextWord(rs, pos);
        wt = w.wt;
        pos = w.end;
        if (wt === 'alpha') {
          toLower('number', numStart, numEnd);
          out += connector;
          break;
        }
        out += connector;
        toLower('number', numStart, numEnd);
      }
    }
  }
  toLower(wt, ws, pos);
  return out;
}

/** xstrings ToCamelCase */
export function toCamelCase(s: string): string {
  if (s === '') return '';
  const rs = Array.from(s);
  let out = '';
  let i = 0;
  let r0 = '';
  for (; i < rs.length; i++) {
    r0 = rs[i];
    if (!isConnector(r0)) break;
    out += r0;
  }
  if (i >= rs.length) return out;
  r0 = runeUpper(r0);
  i++;
  for (; i < rs.length; i++) {
    const r1 = r0;
    r0 = rs[i];
    if (isConnector(r1) && isConnector(r0)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) r0 = runeUpper(r0);
    else {
      r0 = runeLower(r0);
      out += r1;
    }
  }
  return out + r0;
}

// ---------------------------------------------------------------- function map

export function stringFuncs(): Record<string, Fn> {
  const s1 = (fn: (s: string) => string): Fn => defineFunc({ params: ['string'], result: 'string' }, (s: GoValue) => fn(s as string));
  const s2 = (fn: (a: string, b: string) => GoValue, result = 'string'): Fn =>
    defineFunc({ params: ['string', 'string'], result }, (a: GoValue, b: GoValue) => fn(a as string, b as string));
  return {
    hello: defineFunc({ params: [], result: 'string' }, () => 'Hello!'),
    abbrev: defineFunc({ params: ['int', 'string'], result: 'string' }, (w: GoValue, s: GoValue) =>
      num(w) < 4 ? (s as string) : abbreviateFull(s as string, 0, num(w))),
    abbrevboth: defineFunc({ params: ['int', 'int', 'string'], result: 'string' }, (l: GoValue, r: GoValue, s: GoValue) => {
      const left = num(l);
      const right = num(r);
      if (right < 4 || (left > 0 && right < 7)) return s as string;
      return abbreviateFull(s as string, left, right);
    }),
    trunc: defineFunc({ params: ['int', 'string'], result: 'string' }, (cv: GoValue, sv: GoValue) => {
      const c = num(cv);
      const s = sv as string;
      const n = Buffer.byteLength(s, 'utf8');
      if (c < 0 && n + c > 0) return sliceBytes(s, n + c, undefined);
      if (c >= 0 && n > c) return sliceBytes(s, undefined, c);
      return s;
    }),
    trim: s1(trimSpace),
    upper: s1(goToUpper),
    lower: s1(goToLower),
    title: s1(goTitle),
    untitle: s1(uncapitalize),
    substr: defineFunc({ params: ['int', 'int', 'string'], result: 'string' }, (a: GoValue, b: GoValue, sv: GoValue) => {
      const start = num(a);
      const end = num(b);
      const s = sv as string;
      const n = Buffer.byteLength(s, 'utf8');
      if (start < 0) return sliceBytes(s, undefined, end);
      if (end < 0 || end > n) return sliceBytes(s, start, undefined);
      return sliceBytes(s, start, end);
    }),
    repeat: defineFunc({ params: ['int', 'string'], result: 'string' }, (c: GoValue, s: GoValue) => goRepeat(s as string, num(c))),
    trimall: s2((a, b) => trimCutset(b, a)),
    trimAll: s2((a, b) => trimCutset(b, a)),
    trimSuffix: s2((a, b) => (a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
    trimPrefix: s2((a, b) => (a !== '' && b.startsWith(a) ? b.slice(a.length) : b)),
    nospace: s1(deleteWhiteSpace),
    initials: s1(initials),
    swapcase: s1(swapCase),
    snakecase: s1((s) => camelCaseToLowerCase(s, '_')),
    camelcase: s1(toCamelCase),
    kebabcase: s1((s) => camelCaseToLowerCase(s, '-')),
    wrap: defineFunc({ params: ['int', 'string'], result: 'string' }, (l: GoValue, s: GoValue) => wrapCustom(s as string, num(l), '', false)),
    wrapWith: defineFunc({ params: ['int', 'string', 'string'], result: 'string' }, (l: GoValue, sep: GoValue, s: GoValue) =>
      wrapCustom(s as string, num(l), sep as string, true)),
    contains: s2((a, b) => b.includes(a), 'bool'),
    hasPrefix: s2((a, b) => b.startsWith(a), 'bool'),
    hasSuffix: s2((a, b) => b.endsWith(a), 'bool'),
    quote: defineFunc({ params: ['interface {}'], variadic: true, result: 'string' }, function (this: CallContext, ...xs: GoValue[]) {
      const out: string[] = [];
      for (const x of xs) if (x !== null && x !== undefined) out.push(sprintf('%q', [strval.call(this, x)]));
      return out.join(' ');
    }),
    squote: defineFunc({ params: ['interface {}'], variadic: true, result: 'string' }, (...xs: GoValue[]) => {
      const out: string[] = [];
      for (const x of xs) if (x !== null && x !== undefined) out.push(sprintf("'%v'", [x]));
      return out.join(' ');
    }),
    cat: defineFunc({ params: ['interface {}'], variadic: true, result: 'string' }, (...xs: GoValue[]) => {
      const v = xs.filter((x) => x !== null && x !== undefined);
      return sprintf(v.map(() => '%v').join(' '), v);
    }),
    indent: defineFunc({ params: ['int', 'string'], result: 'string' }, (n: GoValue, s: GoValue) => {
      const pad = goRepeat(' ', num(n));
      return pad + replaceAll(s as string, '\n', '\n' + pad);
    }),
    nindent: defineFunc({ params: ['int', 'string'], result: 'string' }, (n: GoValue, s: GoValue) => {
      const pad = goRepeat(' ', num(n));
      return '\n' + pad + replaceAll(s as string, '\n', '\n' + pad);
    }),
    replace: defineFunc({ params: ['string', 'string', 'string'], result: 'string' }, (o: GoValue, n: GoValue, s: GoValue) =>
      replaceAll(s as string, o as string, n as string)),
    plural: defineFunc({ params: ['string', 'string', 'int'], result: 'string' }, (one: GoValue, many: GoValue, c: GoValue) =>
      (num(c) === 1 ? one : many)),
    toString: defineFunc({ params: ['interface {}'], result: 'string' }, function (this: CallContext, v: GoValue) {
      return strval.call(this, v ?? null);
    }),
    toStrings: defineFunc({ params: ['interface {}'], result: '[]string' }, function (this: CallContext, v: GoValue) {
      return stringSlice(strslice.call(this, v ?? null));
    }),
    join: defineFunc({ params: ['string', 'interface {}'], result: 'string' }, function (this: CallContext, sep: GoValue, v: GoValue) {
      return strslice.call(this, v ?? null).join(sep as string);
    }),
    split: defineFunc({ params: ['string', 'string'], result: 'map[string]string' }, (sep: GoValue, s: GoValue) => {
      const m = withGoType(new Map<unknown, GoValue>(), 'map[string]string');
      goSplit(s as string, sep as string).forEach((p, i) => m.set('_' + i, p));
      return m;
    }),
    splitList: defineFunc({ params: ['string', 'string'], result: '[]string' }, (sep: GoValue, s: GoValue) =>
      stringSlice(goSplit(s as string, sep as string))),
    splitn: defineFunc({ params: ['string', 'int', 'string'], result: 'map[string]string' }, (sep: GoValue, n: GoValue, s: GoValue) => {
      const m = withGoType(new Map<unknown, GoValue>(), 'map[string]string');
      goSplit(s as string, sep as string, num(n)).forEach((p, i) => m.set('_' + i, p));
      return m;
    }),
    sortAlpha: defineFunc({ params: ['interface {}'], result: '[]string' }, function (this: CallContext, v: GoValue) {
      let x: GoValue = v ?? null;
      while (x instanceof GoPointer) x = x.target;
      if (sliceItems(x)) return stringSlice(strslice.call(this, x).slice().sort(compareStringsBytewise));
      return stringSlice([strval.call(this, v ?? null)]);
    })
  };
}

