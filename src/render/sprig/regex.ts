/**
 * Go regexp (RE2) semantics for Sprig's regex functions.
 *
 * Patterns are parsed and compiled by @bufbuild/re2 (an RE2 port: same syntax, same error messages as Go's
 * regexp/syntax, e.g. "error parsing regexp: missing closing ): `(`"). That package only answers yes/no, so
 * matching with submatch positions is done here by a Pike VM over its compiled program, a port of Go's
 * regexp/exec.go: leftmost-first matches and capture groups exactly as Go reports them, linear time, no
 * backtracking. FindAll/ReplaceAll/Split follow Go's rules for empty matches, and replacement templates use
 * Go's Expand rules ($1, ${1}, $name, ${name}, $$; "$1x" names the group "1x").
 */
import { RE2JS } from '@bufbuild/re2';
import { GoNil, GoValue, defineFunc, quoteString, withGoType } from '../gotemplate/index.js';

type Fn = ReturnType<typeof defineFunc>;
type Prog = RE2JS['re2Input']['prog'];
type Inst = ReturnType<Prog['getInst']>;

// Instruction opcodes and empty-width flags of @bufbuild/re2 (Inst.js, Utils.js).
const ALT = 1;
const ALT_MATCH = 2;
const CAPTURE = 3;
const EMPTY_WIDTH = 4;
const MATCH = 6;
const NOP = 7;
const RUNE = 8;
const RUNE1 = 9;
const RUNE_ANY = 10;
const RUNE_ANY_NOT_NL = 11;
const BEGIN_LINE = 0x01;
const END_LINE = 0x02;
const BEGIN_TEXT = 0x04;
const END_TEXT = 0x08;
const WORD_BOUNDARY = 0x10;
const NO_WORD_BOUNDARY = 0x20;

const isWord = (r: number): boolean =>
  (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || (r >= 0x30 && r <= 0x39) || r === 0x5f;

function emptyOp(r1: number, r2: number): number {
  let op = 0;
  if (r1 < 0) op |= BEGIN_TEXT | BEGIN_LINE;
  if (r1 === 0x0a) op |= BEGIN_LINE;
  if (r2 < 0) op |= END_TEXT | END_LINE;
  if (r2 === 0x0a) op |= END_LINE;
  op |= isWord(r1) !== isWord(r2) ? WORD_BOUNDARY : NO_WORD_BOUNDARY;
  return op;
}

interface Thread {
  pc: number;
  cap: number[];
}

class Queue {
  sparse = new Map<number, number>();
  dense: { pc: number; t: Thread | null }[] = [];
  has(pc: number): boolean {
    const j = this.sparse.get(pc);
    return j !== undefined && j < this.dense.length && this.dense[j].pc === pc;
  }
  clear(): void {
    this.sparse.clear();
    this.dense.length = 0;
  }
}

/** A compiled Go regular expression. */
export class GoRegexp {
  readonly prog: Prog;
  readonly numSubexp: number;
  /** Names of the subexpressions, index 0 being the whole match ('' for unnamed groups). */
  readonly subexpNames: string[];
  private readonly startCond: number;
  constructor(readonly expr: string) {
    const re = new RE2JS(expr);
    const r2 = re.re2();
    this.prog = r2.prog;
    this.numSubexp = r2.numberOfCapturingGroups();
    this.subexpNames = new Array<string>(this.numSubexp + 1).fill('');
    for (const [name, idx] of r2.namedGroups) this.subexpNames[idx] = name;
    this.startCond = this.prog.startCond();
  }

  /** Go's doExecute over runes: the match (and submatch) positions as rune indices, or null. */
  exec(input: number[], pos: number, ncap: number): number[] | null {
    const prog = this.prog;
    const n = input.length;
    ncap = Math.max(ncap, 2);
    let matched = false;
    let matchcap: number[] = new Array<number>(ncap).fill(-1);
    let runq = new Queue();
    let nextq = new Queue();
    const at = (i: number): number => (i < n ? input[i] : -1);

    const add = (q: Queue, pc: number, p: number, cap: number[], cond: number): void => {
      for (;;) {
        if (pc === 0 || q.has(pc)) return;
        const j = q.dense.length;
        const d = { pc, t: null as Thread | null };
        q.dense.push(d);
        q.sparse.set(pc, j);
        const inst: Inst = prog.getInst(pc);
        switch (inst.op) {
          case ALT:
          case ALT_MATCH:
            add(q, inst.out, p, cap, cond);
            pc = inst.arg;
            continue;
          case EMPTY_WIDTH:
            if ((inst.arg & ~cond) === 0) {
              pc = inst.out;
              continue;
            }
            return;
          case NOP:
            pc = inst.out;
            continue;
          case CAPTURE:
            if (inst.arg < cap.length) {
              const old = cap[inst.arg];
              cap[inst.arg] = p;
              add(q, inst.out, p, cap, cond);
              cap[inst.arg] = old;
              return;
            }
            pc = inst.out;
            continue;
          case MATCH:
          case RUNE:
          case RUNE1:
          case RUNE_ANY:
          case RUNE_ANY_NOT_NL:
            d.t = { pc, cap: cap.slice() };
            return;
          default:
            return;
        }
      }
    };

    const step = (p: number, nextPos: number, c: number, nextCond: number): void => {
      for (let j = 0; j < runq.dense.length; j++) {
        const t = runq.dense[j].t;
        if (!t) continue;
        const inst = prog.getInst(t.pc);
        let ok = false;
        switch (inst.op) {
          case MATCH:
            t.cap[1] = p;
            matchcap = t.cap.slice();
            matched = true;
            // leftmost-first: cut off lower-priority threads
            runq.dense.length = 0;
            break;
          case RUNE:
          case RUNE1:
            ok = c >= 0 && inst.matchRune(c);
            break;
          case RUNE_ANY:
            ok = c >= 0;
            break;
          case RUNE_ANY_NOT_NL:
            ok = c >= 0 && c !== 0x0a;
            break;
        }
        if (ok) add(nextq, inst.out, nextPos, t.cap, nextCond);
      }
      runq.clear();
    };

    let r = at(pos);
    let width = pos < n ? 1 : 0;
    let r1 = r >= 0 ? at(pos + 1) : -1;
    let flag = emptyOp(pos === 0 ? -1 : at(pos - 1), r);
    for (;;) {
      if (runq.dense.length === 0) {
        if ((this.startCond & BEGIN_TEXT) !== 0 && pos !== 0) break;
        if (matched) break;
      }
      if (!matched && (pos === 0 || (this.startCond & BEGIN_TEXT) === 0)) {
        const cap = matchcap.slice();
        cap[0] = pos;
        add(runq, prog.start, pos, cap, flag);
      }
      flag = emptyOp(r, r1);
      step(pos, pos + width, r, flag);
      if (width === 0) break;
      pos += width;
      r = r1;
      width = pos < n ? 1 : 0;
      r1 = r >= 0 ? at(pos + 1) : -1;
      [runq, nextq] = [nextq, runq];
    }
    return matched ? matchcap : null;
  }
}

const cache = new Map<string, GoRegexp>();

/** regexp.Compile: throws Go's syntax error text. */
export function compileRegexp(expr: string): GoRegexp {
  let re = cache.get(expr);
  if (!re) {
    re = new GoRegexp(expr);
    if (cache.size > 500) cache.clear();
    cache.set(expr, re);
  }
  return re;
}

/** regexp.MustCompile: the panic text Go produces. */
export function mustCompile(expr: string): GoRegexp {
  try {
    return compileRegexp(expr);
  } catch (e) {
    throw new Error(`regexp: Compile(${quoteRe(expr)}): ${(e as Error).message}`);
  }
}

function quoteRe(s: string): string {
  // strconv.CanBackquote: no backquote, no control characters other than tab, no BOM
  const canBackquote = !Array.from(s).some((ch) => {
    const c = ch.codePointAt(0) ?? 0;
    return ch === '`' || (c < 0x20 && c !== 9) || c === 0x7f || c === 0xfeff;
  });
  return canBackquote ? '`' + s + '`' : quoteString(s);
}

/** A string as runes plus UTF-16 offsets for slicing. */
class Runes {
  readonly cps: number[] = [];
  readonly off: number[] = [];
  constructor(readonly s: string) {
    let i = 0;
    for (const ch of s) {
      this.cps.push(ch.codePointAt(0) ?? 0);
      this.off.push(i);
      i += ch.length;
    }
    this.off.push(i);
  }
  slice(a: number, b: number): string {
    return this.s.slice(this.off[a], this.off[b]);
  }
  get length(): number {
    return this.cps.length;
  }
}

/** Go's allMatches: successive non-overlapping matches; an empty match right after a match is ignored. */
function allMatches(re: GoRegexp, rs: Runes, n: number, ncap: number): number[][] {
  const out: number[][] = [];
  const end = rs.length;
  if (n < 0) n = end + 1;
  for (let pos = 0, prevMatchEnd = -1; out.length < n && pos <= end;) {
    const m = re.exec(rs.cps, pos, ncap);
    if (!m) break;
    let accept = true;
    if (m[1] === pos) {
      if (m[0] === prevMatchEnd) accept = false;
      pos += pos < end ? 1 : 1;
    } else pos = m[1];
    prevMatchEnd = m[1];
    if (accept) out.push(m);
  }
  return out;
}

export function matchString(re: GoRegexp, s: string): boolean {
  return re.exec(new Runes(s).cps, 0, 0) !== null;
}

export function findString(re: GoRegexp, s: string): string {
  const rs = new Runes(s);
  const m = re.exec(rs.cps, 0, 2);
  return m ? rs.slice(m[0], m[1]) : '';
}

export function findAllString(re: GoRegexp, s: string, n: number): string[] | null {
  const rs = new Runes(s);
  const ms = allMatches(re, rs, n, 2);
  return ms.length === 0 ? null : ms.map((m) => rs.slice(m[0], m[1]));
}

/** Go's Regexp.Expand for a string template. */
export function expand(re: GoRegexp, template: string, rs: Runes, m: number[]): string {
  let out = '';
  let t = template;
  for (;;) {
    const i = t.indexOf('$');
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    const ex = extract(t);
    if (!ex) {
      out += '$';
      continue;
    }
    t = ex.rest;
    if (ex.num >= 0) {
      if (2 * ex.num + 1 < m.length && m[2 * ex.num] >= 0) out += rs.slice(m[2 * ex.num], m[2 * ex.num + 1]);
    } else {
      for (let k = 0; k < re.subexpNames.length; k++) {
        if (ex.name === re.subexpNames[k] && 2 * k + 1 < m.length && m[2 * k] >= 0) {
          out += rs.slice(m[2 * k], m[2 * k + 1]);
          break;
        }
      }
    }
  }
  return out + t;
}

function extract(str: string): { name: string; num: number; rest: string } | null {
  if (str === '') return null;
  let brace = false;
  if (str[0] === '{') {
    brace = true;
    str = str.slice(1);
  }
  let i = 0;
  for (const ch of str) {
    if (!/^[\p{L}\p{Nd}_]$/u.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return null;
  const name = str.slice(0, i);
  if (brace) {
    if (i >= str.length || str[i] !== '}') return null;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    if (name[k] < '0' || name[k] > '9' || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (name.charCodeAt(k) - 48);
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}

/** Go's replaceAll (ReplaceAllString / ReplaceAllLiteralString). */
export function replaceAllString(re: GoRegexp, src: string, repl: string, literal: boolean): string {
  const rs = new Runes(src);
  const n = rs.length;
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  const ncap = literal ? 2 : 2 * (re.numSubexp + 1);
  while (searchPos <= n) {
    const a = re.exec(rs.cps, searchPos, ncap);
    if (!a) break;
    out += rs.slice(lastMatchEnd, a[0]);
    if (a[1] > lastMatchEnd || a[0] === 0) out += literal ? repl : expand(re, repl, rs, a);
    lastMatchEnd = a[1];
    const width = searchPos < n ? 1 : 0;
    if (searchPos + width > a[1]) searchPos += width;
    else if (searchPos + 1 > a[1]) searchPos++;
    else searchPos = a[1];
  }
  return out + rs.slice(lastMatchEnd, n);
}

/** Go's Regexp.Split. */
export function splitString(re: GoRegexp, s: string, n: number): string[] | null {
  if (n === 0) return null;
  if (re.expr.length > 0 && s.length === 0) return [''];
  const rs = new Runes(s);
  const matches = allMatches(re, rs, n, 2);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m[0];
    if (m[1] !== 0) out.push(rs.slice(beg, end));
    beg = m[1];
  }
  if (end !== rs.length) out.push(rs.slice(beg, rs.length));
  return out;
}

/** regexp.QuoteMeta */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

const strs = (xs: string[] | null): GoValue => (xs === null ? new GoNil('[]string') : withGoType(xs.slice(), '[]string'));
const num = (v: GoValue): number => Number((v as { value: bigint }).value);

export function regexFuncs(): Record<string, Fn> {
  const S2 = { params: ['string', 'string'] };
  const S3 = { params: ['string', 'string', 'string'], result: 'string' };
  const SSI = { params: ['string', 'string', 'int'], result: '[]string' };
  return {
    regexMatch: defineFunc({ ...S2, result: 'bool' }, (r: GoValue, s: GoValue) => {
      try {
        return matchString(compileRegexp(r as string), s as string);
      } catch {
        return false;
      }
    }),
    mustRegexMatch: defineFunc({ ...S2, result: 'bool' }, (r: GoValue, s: GoValue) => matchString(compileRegexp(r as string), s as string)),
    regexFindAll: defineFunc(SSI, (r: GoValue, s: GoValue, n: GoValue) => strs(findAllString(mustCompile(r as string), s as string, num(n)))),
    mustRegexFindAll: defineFunc(SSI, (r: GoValue, s: GoValue, n: GoValue) => strs(findAllString(compileRegexp(r as string), s as string, num(n)))),
    regexFind: defineFunc({ ...S2, result: 'string' }, (r: GoValue, s: GoValue) => findString(mustCompile(r as string), s as string)),
    mustRegexFind: defineFunc({ ...S2, result: 'string' }, (r: GoValue, s: GoValue) => findString(compileRegexp(r as string), s as string)),
    regexReplaceAll: defineFunc(S3, (r: GoValue, s: GoValue, repl: GoValue) =>
      replaceAllString(mustCompile(r as string), s as string, repl as string, false)),
    mustRegexReplaceAll: defineFunc(S3, (r: GoValue, s: GoValue, repl: GoValue) =>
      replaceAllString(compileRegexp(r as string), s as string, repl as string, false)),
    regexReplaceAllLiteral: defineFunc(S3, (r: GoValue, s: GoValue, repl: GoValue) =>
      replaceAllString(mustCompile(r as string), s as string, repl as string, true)),
    mustRegexReplaceAllLiteral: defineFunc(S3, (r: GoValue, s: GoValue, repl: GoValue) =>
      replaceAllString(compileRegexp(r as string), s as string, repl as string, true)),
    regexSplit: defineFunc(SSI, (r: GoValue, s: GoValue, n: GoValue) => strs(splitString(mustCompile(r as string), s as string, num(n)))),
    mustRegexSplit: defineFunc(SSI, (r: GoValue, s: GoValue, n: GoValue) => strs(splitString(compileRegexp(r as string), s as string, num(n)))),
    regexQuoteMeta: defineFunc({ params: ['string'], result: 'string' }, (s: GoValue) => quoteMeta(s as string))
  };
}
