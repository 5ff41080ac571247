/**
 * The lexical scanner of Flux's envsubst, a port of fluxcd/pkg envsubst/parse/scan.go (Apache-2.0, The Flux
 * authors; forked from drone/envsubst, MIT, drone.io). It reads runes from the UTF-8 bytes of the input, as Go
 * does, because positions and widths are byte counts: `unread` steps back by the width of the last rune read,
 * which upstream's parser relies on (and trips over, see parse.ts `parseDefaultOrSubstr`).
 *
 * Escapes are removed from the buffer itself (`skip`, on a gap buffer so that many escapes stay linear), so `$$`
 * scans as `$`, and inside `${…}` replace arguments `\/` and `\\` scan as `/` and `\`. A NUL rune reads as end
 * of input, as Go's `eof = rune(0)`. `offsetOf` maps a position back to the original input, for reference spans.
 */
import { type Decoded, decodeRune, isLetterOrDigit } from './utf8.js';

/** Go's `eof = rune(0)`: also what a NUL byte decodes to. */
export const EOF = 0;

export type Token = 'illegal' | 'eof' | 'ident' | 'lbrack' | 'rbrack';

// Mode bits that control which tokens scan() recognises.
export const SCAN_IDENT = 1;
export const SCAN_LBRACK = 2;
export const SCAN_RBRACK = 4;
export const SCAN_ESCAPE = 8;

// Escape bits: which characters an escape applies to.
export const ESCAPE_DOLLAR = 1;
export const ESCAPE_BACKSLASH = 2;
export const ESCAPE_ALL = ESCAPE_DOLLAR | ESCAPE_BACKSLASH;

const code = (c: string): number => c.charCodeAt(0);
export const DOLLAR = code('$');
export const LBRACE = code('{');
export const RBRACE = code('}');
export const BACKSLASH = code('\\');
export const SLASH = code('/');

/** Reports whether rune `r` is accepted; `i` is the token's length in bytes including `r`. */
export type AcceptFunc = (r: number, i: number) => boolean;

export class Scanner {
  private readonly buf: GapBuffer;
  pos = 0;
  start = 0;
  width = 0;
  mode = 0;
  escapeChars = 0;
  accept: AcceptFunc = acceptRune;

  constructor(input: Uint8Array) {
    this.buf = new GapBuffer(input);
  }

  /** The next rune, or EOF at the end of the buffer. */
  read(): number {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return EOF;
    }
    const { rune, width } = this.buf.decodeRune(this.pos);
    this.width = width;
    this.pos += width;
    return rune;
  }

  /** Steps back by the width of the last rune read (not necessarily the rune before pos). */
  unread(): void {
    this.pos -= this.width;
  }

  /** Removes the byte before pos from the buffer (the escape character just read). */
  skip(): void {
    this.buf.remove(this.pos - 1);
  }

  peek(): number {
    const r = this.read();
    this.unread();
    return r;
  }

  /** The bytes of the most recently scanned token. */
  string(): Uint8Array {
    return this.buf.slice(this.start, this.pos);
  }

  /** The offset in the original input of the byte now at `i`. */
  offsetOf(i: number): number {
    return this.buf.offsetOf(i);
  }

  private shouldEscape(character: number): boolean {
    return (this.escapeChars & character) !== 0;
  }

  /** Reads the next token; the checks run in this order, each may consume input. */
  scan(): Token {
    this.start = this.pos;
    const r = this.read();
    if (r === EOF) return 'eof';
    if (this.scanLbrack(r)) return 'lbrack';
    if (this.scanRbrack(r)) return 'rbrack';
    if (this.scanIdent(r)) return 'ident';
    return 'illegal';
  }

  private scanIdent(first: number): boolean {
    if ((this.mode & SCAN_IDENT) === 0) return false;
    if (this.scanEscaped(first)) this.skip();
    else if (!this.accept(first, this.pos - this.start)) return false;
    for (;;) {
      const r = this.read();
      if (r === EOF) {
        this.unread();
        break;
      }
      if (this.scanLbrack(r)) {
        this.unread();
        this.unread();
        break;
      }
      if (this.scanEscaped(r)) {
        this.skip();
        continue;
      }
      if (!this.accept(r, this.pos - this.start)) {
        this.unread();
        break;
      }
    }
    return true;
  }

  private scanLbrack(r: number): boolean {
    if ((this.mode & SCAN_LBRACK) === 0) return false;
    if (r === DOLLAR) {
      if (this.read() === LBRACE) return true;
      this.unread();
    }
    return false;
  }

  private scanRbrack(r: number): boolean {
    if ((this.mode & SCAN_RBRACK) === 0) return false;
    return r === RBRACE;
  }

  private scanEscaped(r: number): boolean {
    if ((this.mode & SCAN_ESCAPE) === 0) return false;
    if (r === DOLLAR && this.shouldEscape(ESCAPE_DOLLAR) && this.peek() === DOLLAR) return true;
    if (r === BACKSLASH && this.shouldEscape(ESCAPE_BACKSLASH)) {
      const next = this.peek();
      return next === SLASH || next === BACKSLASH;
    }
    return false;
  }
}

// Accept functions: which runes a token may contain.

export const acceptRune: AcceptFunc = () => true;
export const acceptIdent: AcceptFunc = (r) => isIdentRune(r);
export const acceptColon: AcceptFunc = (r) => r === code(':');
export const acceptOneHash: AcceptFunc = (r, i) => r === code('#') && i === 1;
export const acceptNotClosing: AcceptFunc = (r) => r !== RBRACE;
export const acceptHashFunc: AcceptFunc = (r, i) => r === code('#') && i < 3;
export const acceptPercentFunc: AcceptFunc = (r, i) => r === code('%') && i < 3;
export const acceptOneEqual: AcceptFunc = (r, i) => i === 1 && r === code('=');
export const acceptOneColon: AcceptFunc = (r, i) => i === 1 && r === code(':');
export const rejectColonClose: AcceptFunc = (r) => r !== code(':') && r !== RBRACE;
export const acceptSlash: AcceptFunc = (r) => r === SLASH;
export const acceptNotSlash: AcceptFunc = (r) => r !== SLASH;
export const acceptCasingFunc: AcceptFunc = (r, i) => (r === code(',') || r === code('^')) && i < 3;

export const acceptDefaultFunc: AcceptFunc = (r, i) =>
  (i === 1 && r === code(':')) || (i === 2 && (r === code('=') || r === code('-') || r === code('?') || r === code('+')));

export const acceptReplaceFunc: AcceptFunc = (r, i) =>
  (i === 1 && r === SLASH) || (i === 2 && (r === SLASH || r === code('#') || r === code('%')));

/** unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'. */
function isIdentRune(r: number): boolean {
  return r === code('_') || isLetterOrDigit(r);
}

/**
 * The scanner's buffer: bytes with a gap at the last removal, so removing the byte behind the cursor costs
 * the distance from the previous removal, not the rest of the input (Go's skip copies the whole tail, which makes
 * many `$$` quadratic). Indices are logical: as if the removed bytes were cut out.
 */
class GapBuffer {
  private readonly bytes: Uint8Array;
  /** Original offset of each physical byte, once something was removed. */
  private origin: Int32Array | undefined;
  private gapStart = 0;
  private gapEnd = 0;

  constructor(input: Uint8Array) {
    // A plain Uint8Array, whose slice() copies (a Buffer's returns a view).
    this.bytes = Uint8Array.from(input);
  }

  get length(): number {
    return this.bytes.length - (this.gapEnd - this.gapStart);
  }

  private physical(i: number): number {
    return i < this.gapStart ? i : i + (this.gapEnd - this.gapStart);
  }

  /** The rune at logical index i (Go's utf8.DecodeRune of the rest). */
  decodeRune(i: number): Decoded {
    const byte = this.bytes[this.physical(i)];
    if (byte < 0x80) return { rune: byte, width: 1 };
    if (i >= this.gapStart) return decodeRune(this.bytes, i + (this.gapEnd - this.gapStart));
    if (i + 4 <= this.gapStart || this.gapStart === this.gapEnd) return decodeRune(this.bytes, i);
    return decodeRune(this.slice(i, Math.min(i + 4, this.length)), 0); // a rune may span the gap
  }

  /** The logical bytes [start, end). */
  slice(start: number, end: number): Uint8Array {
    const gap = this.gapEnd - this.gapStart;
    if (end <= this.gapStart) return this.bytes.slice(start, end);
    if (start >= this.gapStart) return this.bytes.slice(start + gap, end + gap);
    const out = new Uint8Array(end - start);
    out.set(this.bytes.subarray(start, this.gapStart));
    out.set(this.bytes.subarray(this.gapEnd, end + gap), this.gapStart - start);
    return out;
  }

  /** Removes the byte at logical index i. */
  remove(i: number): void {
    this.origin ??= Int32Array.from({ length: this.bytes.length }, (_, k) => k);
    this.moveGap(i + 1);
    this.gapStart--;
  }

  /** The offset in the original input of the byte at logical index i. */
  offsetOf(i: number): number {
    const p = this.physical(i);
    return this.origin ? this.origin[p] : p;
  }

  /** Moves the gap to start at logical index at. */
  private moveGap(at: number): void {
    const gap = this.gapEnd - this.gapStart;
    if (gap > 0) {
      for (const array of [this.bytes, this.origin]) {
        if (!array) continue;
        if (at < this.gapStart) array.copyWithin(at + gap, at, this.gapStart);
        else array.copyWithin(this.gapStart, this.gapEnd, at + gap);
      }
    }
    this.gapStart = at;
    this.gapEnd = at + gap;
  }
}
