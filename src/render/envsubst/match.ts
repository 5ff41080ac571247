/**
 * Shell pattern matching for envsubst's `#`, `##`, `%` and `%%` operators: a port of fluxcd/pkg
 * envsubst/path/match.go, Flux's copy of Go's `path.Match` (BSD-style licence, The Go Authors; carried in
 * fluxcd/pkg, Apache-2.0, The Flux authors), over bytes as Go's strings are.
 *
 *   `*`  any sequence of characters: unlike Go's path.Match, `/` included, and a trailing `*` matches the rest
 *   `?`  any single character (a rune; an invalid byte counts as one)
 *   `[` [`^`] { c | `\`c | lo`-`hi } `]`   a character class (non-empty)
 *   `\`c the character c; any other byte matches itself
 *
 * A malformed pattern throws BadPatternError (`syntax error in pattern`), but only when matching reaches the
 * malformed part: unlike Go's path.Match, Flux's copy does not check the rest of a pattern after a mismatch.
 */
import { decodeRune, RUNE_ERROR } from './utf8.js';

export class BadPatternError extends Error {
  constructor() {
    super('syntax error in pattern');
  }
}

const code = (c: string): number => c.charCodeAt(0);
const STAR = code('*');
const QUESTION = code('?');
const LBRACKET = code('[');
const RBRACKET = code(']');
const CARET = code('^');
const MINUS = code('-');
const BACKSLASH = code('\\');

/** Whether name matches all of pattern; throws BadPatternError for a malformed pattern. */
export function match(pattern: Uint8Array, name: Uint8Array): boolean {
  let rest = pattern;
  nextChunk: while (rest.length > 0) {
    const chunk = scanChunk(rest);
    rest = chunk.rest;
    // A trailing * matches the rest of the string.
    if (chunk.star && chunk.chunk.length === 0) return true;
    // Look for a match at the current position; the last chunk must exhaust the name.
    const t = matchChunk(chunk.chunk, name);
    if (t !== undefined && (t.length === 0 || rest.length > 0)) {
      name = t;
      continue;
    }
    if (chunk.star) {
      // Look for a match skipping i+1 bytes.
      for (let i = 0; i < name.length; i++) {
        const skipped = matchChunk(chunk.chunk, name.subarray(i + 1));
        if (skipped === undefined) continue;
        if (rest.length === 0 && skipped.length > 0) continue;
        name = skipped;
        continue nextChunk;
      }
    }
    return false;
  }
  return name.length === 0;
}

/** The next segment of pattern: a run without `*` (outside classes), possibly preceded by stars. */
function scanChunk(pattern: Uint8Array): { star: boolean; chunk: Uint8Array; rest: Uint8Array } {
  let star = false;
  let p = 0;
  while (p < pattern.length && pattern[p] === STAR) {
    p++;
    star = true;
  }
  pattern = pattern.subarray(p);
  let inRange = false;
  let i = 0;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case BACKSLASH:
        // A trailing backslash is reported by matchChunk.
        if (i + 1 < pattern.length) i++;
        break;
      case LBRACKET:
        inRange = true;
        break;
      case RBRACKET:
        inRange = false;
        break;
      case STAR:
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: pattern.subarray(0, i), rest: pattern.subarray(i) };
}

/** Whether chunk (literals, classes and `?` only) matches the start of s: the rest of s, or undefined. */
function matchChunk(chunk: Uint8Array, s: Uint8Array): Uint8Array | undefined {
  while (chunk.length > 0) {
    if (s.length === 0) return undefined;
    switch (chunk[0]) {
      case LBRACKET: {
        const { rune, width } = decodeRune(s, 0);
        s = s.subarray(width);
        chunk = chunk.subarray(1);
        let negated = false;
        if (chunk.length > 0 && chunk[0] === CARET) {
          negated = true;
          chunk = chunk.subarray(1);
        }
        let matched = false;
        let ranges = 0;
        for (;;) {
          if (chunk.length > 0 && chunk[0] === RBRACKET && ranges > 0) {
            chunk = chunk.subarray(1);
            break;
          }
          const lo = getEsc(chunk);
          let hi = lo.rune;
          chunk = lo.rest;
          if (chunk[0] === MINUS) {
            const high = getEsc(chunk.subarray(1));
            hi = high.rune;
            chunk = high.rest;
          }
          if (lo.rune <= rune && rune <= hi) matched = true;
          ranges++;
        }
        if (matched === negated) return undefined;
        break;
      }
      case QUESTION:
        s = s.subarray(decodeRune(s, 0).width);
        chunk = chunk.subarray(1);
        break;
      case BACKSLASH:
        chunk = chunk.subarray(1);
        if (chunk.length === 0) throw new BadPatternError();
        if (chunk[0] !== s[0]) return undefined;
        s = s.subarray(1);
        chunk = chunk.subarray(1);
        break;
      default:
        if (chunk[0] !== s[0]) return undefined;
        s = s.subarray(1);
        chunk = chunk.subarray(1);
    }
  }
  return s;
}

/** A possibly escaped character of a class, and the chunk after it (which must not be empty). */
function getEsc(chunk: Uint8Array): { rune: number; rest: Uint8Array } {
  if (chunk.length === 0 || chunk[0] === MINUS || chunk[0] === RBRACKET) throw new BadPatternError();
  if (chunk[0] === BACKSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) throw new BadPatternError();
  }
  const { rune, width } = decodeRune(chunk, 0);
  if (rune === RUNE_ERROR && width === 1) throw new BadPatternError();
  const rest = chunk.subarray(width);
  if (rest.length === 0) throw new BadPatternError();
  return { rune, rest };
}
