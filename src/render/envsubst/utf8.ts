/**
 * The parts of Go's `unicode/utf8` and `unicode` that Flux's envsubst (fluxcd/pkg envsubst, Apache-2.0, The Flux
 * authors; forked from drone/envsubst, MIT, drone.io) relies on, over bytes: Go strings are byte strings, and the
 * scanner, `${#v}`, `${v:n:len}` and the `#`/`%` patterns all count or cut bytes. An invalid or short sequence
 * decodes as RuneError (U+FFFD) of width 1, as Go's `utf8.DecodeRune` does, and case mapping is Go's simple
 * one-rune-to-one-rune mapping (`unicode.ToUpper`), not JavaScript's full mapping (`'ß'.toUpperCase()` is `SS`).
 */

export const RUNE_ERROR = 0xfffd;

export interface Decoded {
  rune: number;
  width: number;
}

const INVALID: Decoded = { rune: RUNE_ERROR, width: 1 };

/** utf8.DecodeRune(b[i:end]): the rune at `i` and its width; (RuneError, 0) when empty, (RuneError, 1) when invalid. */
export function decodeRune(b: Uint8Array, i: number, end: number = b.length): Decoded {
  const n = end - i;
  if (n <= 0) return { rune: RUNE_ERROR, width: 0 };
  const x = b[i];
  if (x < 0x80) return { rune: x, width: 1 };
  let size: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (x >= 0xc2 && x <= 0xdf) size = 2;
  else if (x >= 0xe0 && x <= 0xef) {
    size = 3;
    if (x === 0xe0) lo = 0xa0;
    else if (x === 0xed) hi = 0x9f; // no surrogates
  } else if (x >= 0xf0 && x <= 0xf4) {
    size = 4;
    if (x === 0xf0) lo = 0x90;
    else if (x === 0xf4) hi = 0x8f; // nothing above U+10FFFF
  } else return INVALID;
  if (n < size) return INVALID;
  const b1 = b[i + 1];
  if (b1 < lo || b1 > hi) return INVALID;
  if (size === 2) return { rune: ((x & 0x1f) << 6) | (b1 & 0x3f), width: 2 };
  const b2 = b[i + 2];
  if (b2 < 0x80 || b2 > 0xbf) return INVALID;
  if (size === 3) return { rune: ((x & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f), width: 3 };
  const b3 = b[i + 3];
  if (b3 < 0x80 || b3 > 0xbf) return INVALID;
  return { rune: ((x & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f), width: 4 };
}

/** Go's `string(r)`: the UTF-8 bytes of a rune, U+FFFD for a surrogate or a value beyond U+10FFFF. */
export function encodeRune(r: number): Buffer {
  const valid = r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff);
  return Buffer.from(String.fromCodePoint(valid ? r : RUNE_ERROR), 'utf8');
}

/** Go's `[]rune(s)`. */
export function toRunes(s: Uint8Array): number[] {
  const runes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const { rune, width } = decodeRune(s, i);
    runes.push(rune);
    i += width;
  }
  return runes;
}

/** Go's `string(runes)`. */
export function fromRunes(runes: readonly number[]): Buffer {
  return Buffer.concat(runes.map(encodeRune));
}

/** Go's `utf8.RuneCount`: invalid bytes count one each. */
export function runeCount(s: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < s.length; count++) i += decodeRune(s, i).width;
  return count;
}

/** Go's `strings.Map(f, s)`: every rune mapped, an invalid byte written as U+FFFD. */
export function mapRunes(s: Uint8Array, f: (r: number) => number): Buffer {
  return fromRunes(toRunes(s).map(f));
}

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;

/** unicode.IsLetter(r) || unicode.IsDigit(r). */
export function isLetterOrDigit(r: number): boolean {
  if (r < 0x80) return (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return LETTER_OR_DIGIT.test(String.fromCodePoint(r));
}

/**
 * Simple uppercase mappings of the letters whose full mapping (SpecialCasing.txt, what JavaScript applies)
 * has more than one rune: the Greek letters with ypogegrammeni map to their titlecase forms. Every other letter
 * with a multi-rune full mapping (ß, ŉ, ǰ, the ligatures, …) has no simple mapping and stays as it is.
 */
function specialUpper(r: number): number | undefined {
  if ((r >= 0x1f80 && r <= 0x1f87) || (r >= 0x1f90 && r <= 0x1f97) || (r >= 0x1fa0 && r <= 0x1fa7)) return r + 8;
  if (r === 0x1fb3 || r === 0x1fc3 || r === 0x1ff3) return r + 9;
  return undefined;
}

/** unicode.ToUpper(r). */
export function toUpperRune(r: number): number {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 0x20 : r;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return r;
  const mapped = [...String.fromCodePoint(r).toUpperCase()];
  if (mapped.length === 1) return mapped[0].codePointAt(0) ?? r;
  return specialUpper(r) ?? r;
}

/** unicode.ToLower(r); the only multi-rune full lowercase mapping is İ, whose simple mapping is i. */
export function toLowerRune(r: number): number {
  if (r < 0x80) return r >= 0x41 && r <= 0x5a ? r + 0x20 : r;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return r;
  const mapped = [...String.fromCodePoint(r).toLowerCase()];
  if (mapped.length === 1) return mapped[0].codePointAt(0) ?? r;
  return r === 0x130 ? 0x69 : r;
}
