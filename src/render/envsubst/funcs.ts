/**
 * The string functions of Flux's envsubst, a port of fluxcd/pkg envsubst/funcs.go and template.go's lookupFunc
 * (Apache-2.0, The Flux authors; forked from drone/envsubst, MIT, drone.io), over bytes as Go's strings are.
 *
 * Faithful to upstream, not to bash: `${#v}` is the length in bytes; `${v:n:len}` cuts bytes (and a negative
 * length panics in Go, here an EnvsubstError of kind 'panic'); every default operator (`=`, `:=`, `:-`, `:?`,
 * `:+`) gives the default when the value is empty, set or not; `${v/#p/}` and `${v/%p/}` (no replacement)
 * leave v as is while `${v/p/}` deletes; `/` and `//` replace literal text, not patterns; `%` and `%%` match
 * the rune-reversed pattern against the rune-reversed value, so a class like `[0-9]` there is malformed and
 * nothing is trimmed; `#`, `##`, `%`, `%%` try byte-length prefixes, so `?` can match a lone byte of a
 * multi-byte rune.
 */
import { EnvsubstError } from './errors.js';
import { BadPatternError, match } from './match.js';
import { decodeRune, encodeRune, fromRunes, mapRunes, runeCount, toLowerRune, toRunes, toUpperRune } from './utf8.js';

/** A parameter substitution function: the value and the evaluated arguments, all bytes. */
export type SubstituteFunc = (s: Buffer, args: Buffer[]) => Buffer;

const EMPTY = Buffer.alloc(0);

/** lookupFunc: the function for an operator; an unknown one (`${v}`, `:-`, `,^`, …) is toDefault. */
export function lookupFunc(name: string, args: number): SubstituteFunc {
  switch (name) {
    case ',':
      return toLowerFirst;
    case ',,':
      return toLower;
    case '^':
      return toUpperFirst;
    case '^^':
      return toUpper;
    case '#':
      return args === 0 ? toLen : trimShortestPrefix;
    case '##':
      return trimLongestPrefix;
    case '%':
      return trimShortestSuffix;
    case '%%':
      return trimLongestSuffix;
    case ':':
      return toSubstr;
    case '/#':
      return replacePrefix;
    case '/%':
      return replaceSuffix;
    case '/':
      return replaceFirst;
    case '//':
      return replaceAll;
    default:
      return toDefault;
  }
}

/** The length of s in bytes. */
export const toLen: SubstituteFunc = (s) => Buffer.from(String(s.length));

export const toLower: SubstituteFunc = (s) => mapRunes(s, toLowerRune);

export const toUpper: SubstituteFunc = (s) => mapRunes(s, toUpperRune);

export const toLowerFirst: SubstituteFunc = (s) => mapFirst(s, toLowerRune);

export const toUpperFirst: SubstituteFunc = (s) => mapFirst(s, toUpperRune);

function mapFirst(s: Buffer, f: (r: number) => number): Buffer {
  if (s.length === 0) return s;
  const { rune, width } = decodeRune(s, 0);
  return Buffer.concat([encodeRune(f(rune)), s.subarray(width)]);
}

/** s if not empty, else the args concatenated without a separator. */
export const toDefault: SubstituteFunc = (s, args) => (s.length === 0 && args.length > 0 ? Buffer.concat(args) : s);

/** The bytes of s from position args[0] (negative: from the end), at most args[1] of them. */
export const toSubstr: SubstituteFunc = (s, args) => {
  if (args.length === 0) return s; // should never happen
  // bash returns the string if the position or the length cannot be parsed.
  let pos = atoi(args[0]);
  if (pos === undefined) return s;
  const len = BigInt(s.length);
  if (pos < 0n) {
    pos += len;
    if (pos < 0n) pos = 0n;
  }
  if (args.length === 1) return pos < len ? s.subarray(Number(pos)) : EMPTY;
  const length = atoi(args[1]);
  if (length === undefined) return s;
  const end = BigInt.asIntN(64, pos + length); // Go's int arithmetic wraps
  if (end >= len) return pos < len ? s.subarray(Number(pos)) : EMPTY;
  if (end < 0n) throw goPanic(`slice bounds out of range [:${end}]`);
  if (pos > end) throw goPanic(`slice bounds out of range [${pos}:${end}]`);
  return s.subarray(Number(pos), Number(end));
};

/** strconv.Atoi: an optional sign and decimal digits within int64, else undefined. */
function atoi(b: Buffer): bigint | undefined {
  const text = b.toString('latin1');
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n === BigInt.asIntN(64, n) ? n : undefined;
}

function goPanic(message: string): EnvsubstError {
  return new EnvsubstError(`runtime error: ${message}`, 'panic');
}

export const replaceAll: SubstituteFunc = (s, args) => (args.length === 0 ? s : replace(s, args[0], args[1] ?? EMPTY, -1));

export const replaceFirst: SubstituteFunc = (s, args) => (args.length === 0 ? s : replace(s, args[0], args[1] ?? EMPTY, 1));

/** The prefix args[0] replaced with args[1]; s unchanged without exactly two args. */
export const replacePrefix: SubstituteFunc = (s, args) => {
  if (args.length !== 2) return s;
  return hasPrefix(s, args[0]) ? replace(s, args[0], args[1], 1) : s;
};

/** The suffix args[0] replaced with args[1]; s unchanged without exactly two args. */
export const replaceSuffix: SubstituteFunc = (s, args) => {
  if (args.length !== 2) return s;
  if (!hasSuffix(s, args[0])) return s;
  return Buffer.concat([s.subarray(0, s.length - args[0].length), args[1]]);
};

export const trimShortestPrefix: SubstituteFunc = (s, args) => (args.length === 0 ? s : trimShortest(s, args[0]));

export const trimLongestPrefix: SubstituteFunc = (s, args) => (args.length === 0 ? s : trimLongest(s, args[0]));

export const trimShortestSuffix: SubstituteFunc = (s, args) =>
  args.length === 0 ? s : reverse(trimShortest(reverse(s), reverse(args[0])));

export const trimLongestSuffix: SubstituteFunc = (s, args) =>
  args.length === 0 ? s : reverse(trimLongest(reverse(s), reverse(args[0])));

/** s without its shortest non-empty prefix matching pattern; s itself on a malformed pattern. */
function trimShortest(s: Buffer, pattern: Buffer): Buffer {
  let shortest = 0;
  try {
    for (let i = 0; i < s.length; i++) if (match(pattern, s.subarray(0, s.length - i))) shortest = s.length - i;
  } catch (err) {
    if (err instanceof BadPatternError) return s;
    throw err;
  }
  return s.subarray(shortest);
}

/** s without its longest non-empty prefix matching pattern; s itself on a malformed pattern. */
function trimLongest(s: Buffer, pattern: Buffer): Buffer {
  try {
    for (let i = 0; i < s.length; i++) if (match(pattern, s.subarray(0, s.length - i))) return s.subarray(s.length - i);
  } catch (err) {
    if (err instanceof BadPatternError) return s;
    throw err;
  }
  return s;
}

/** The runes of s in reverse order (an invalid byte becomes U+FFFD). */
function reverse(s: Buffer): Buffer {
  return fromRunes(toRunes(s).reverse());
}

function hasPrefix(s: Buffer, prefix: Buffer): boolean {
  return s.length >= prefix.length && s.subarray(0, prefix.length).equals(prefix);
}

function hasSuffix(s: Buffer, suffix: Buffer): boolean {
  return s.length >= suffix.length && s.subarray(s.length - suffix.length).equals(suffix);
}

/** strings.Replace(s, old, replacement, n): an empty old matches before every rune and at the end. */
function replace(s: Buffer, old: Buffer, replacement: Buffer, n: number): Buffer {
  if (old.equals(replacement) || n === 0) return s;
  const m = old.length === 0 ? runeCount(s) + 1 : count(s, old);
  if (m === 0) return s;
  if (n < 0 || m < n) n = m;
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    let j = start;
    if (old.length === 0) {
      if (i > 0) j += decodeRune(s, start).width;
    } else {
      j = s.indexOf(old, start);
    }
    out.push(s.subarray(start, j), replacement);
    start = j + old.length;
  }
  out.push(s.subarray(start));
  return Buffer.concat(out);
}

/** strings.Count: non-overlapping occurrences of a non-empty sep. */
function count(s: Buffer, sep: Buffer): number {
  let n = 0;
  for (let i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, i + sep.length)) n++;
  return n;
}
