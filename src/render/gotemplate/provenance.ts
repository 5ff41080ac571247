/**
 * Provenance through named templates and untaken branches (used by exec.ts when provenance is recorded).
 * - A segment printed inside `{{ template }}` or `include` carries the call sites it was printed through.
 * - `include` returns a string that the caller's pipeline may indent, trim or quote before printing it: the
 *   included output's segments are found again in the printed text line by line (each line's content, without
 *   its indentation, searched in order), and the rest of the printed text stays the caller's action.
 * - An `if`/`with` branch that was not taken is remembered on the next segment with visible text, so a field
 *   missing from the output can be traced to the condition that dropped it.
 */
import type { ProvenanceSegment } from './exec.js';
import type { ListNode, Node } from './parse/nodes.js';

/** Where a named template was called: the `{{ template }}` action or the `include` call. */
export interface ProvenanceCall {
  /** Parse name (for Helm: the file) and 1-based line of the call. */
  source: string;
  line: number;
  /** Name of the template called. */
  template: string;
  /** The fields and variables the call's arguments read, as written (see readsOf). */
  reads?: readonly string[];
}

/** An `if`/`with` branch that was not taken; what it would have printed was dropped just before the segment carrying it. */
export interface SkippedBranch {
  /** Parse name and 1-based line of the `if`/`with` action (its condition). */
  source: string;
  line: number;
  /** The fields and variables the condition reads, as written (see readsOf). */
  reads?: readonly string[];
  /** The start of the literal text the branch would have printed (nested branches included), at most TEXT_LIMIT characters. */
  text: string;
  /** Set when the branch not taken is the `else` branch (the condition was true). */
  else?: true;
  /** The calls the condition was evaluated inside, outermost first. */
  calls?: readonly ProvenanceCall[];
}

/** The output of one `include` during an action, with its own segments (offsets into `text`). */
export interface Fragment {
  text: string;
  segments: readonly ProvenanceSegment[];
  /** Branches skipped after the last visible text of the include. */
  trailingSkipped: readonly SkippedBranch[];
}

/** A piece of the printed text that an included segment wrote: [start, end) in the printed text. */
export interface MappedPiece {
  start: number;
  end: number;
  segment: ProvenanceSegment;
}

/** Lines of a fragment whose content was not found in a row before the fragment is given up. */
const MAX_MISSES = 3;
/** Characters searched in vain for one fragment, in multiples of the printed text's length, before it is given up. */
const MISS_BUDGET = 4;

/**
 * Where the fragments' lines reappear in `printed`. Later fragments win where two claim the same text (an
 * include whose argument is another include's output prints that output as its own). Pieces are returned in
 * order and never overlap.
 */
export function mapFragments(printed: string, fragments: readonly Fragment[]): MappedPiece[] {
  let taken: MappedPiece[] = [];
  for (let f = fragments.length - 1; f >= 0; f--) taken = mergeFree(taken, mapFragment(printed, fragments[f]));
  return taken;
}

/** `taken` plus the pieces of `more` that overlap none of it, in order (both lists are in order and disjoint). */
function mergeFree(taken: MappedPiece[], more: MappedPiece[]): MappedPiece[] {
  if (taken.length === 0) return more;
  const out: MappedPiece[] = [];
  let i = 0;
  for (const p of more) {
    while (i < taken.length && taken[i].end <= p.start) out.push(taken[i++]);
    if (i < taken.length && taken[i].start < p.end) continue;
    out.push(p);
  }
  while (i < taken.length) out.push(taken[i++]);
  return out;
}

function mapFragment(printed: string, fragment: Fragment): MappedPiece[] {
  const { text, segments } = fragment;
  const out: MappedPiece[] = [];
  let cursor = 0;
  let misses = 0;
  let searched = 0;
  let seg = 0;
  for (let lineStart = 0; lineStart < text.length && misses < MAX_MISSES && searched <= MISS_BUDGET * printed.length; ) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    let a = lineStart;
    let b = lineEnd;
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    lineStart = lineEnd + 1;
    if (a === b) continue;
    const at = printed.indexOf(text.slice(a, b), cursor);
    if (at < 0) {
      misses++;
      searched += printed.length - cursor;
      continue;
    }
    misses = 0;
    cursor = at + (b - a);
    const shift = at - a;
    while (seg < segments.length && segments[seg].end <= a) seg++;
    for (let i = seg; i < segments.length && segments[i].start < b; i++) {
      const s = segments[i];
      const start = Math.max(s.start, a);
      const end = Math.min(s.end, b);
      if (end <= start) continue;
      const { skipped, ...rest } = s;
      // A segment cut into several lines keeps its skipped branches on its first piece only.
      const first = skipped && start === firstVisible(text, s);
      out.push({ start: start + shift, end: end + shift, segment: { ...rest, ...(first ? { skipped } : {}), start: start + shift, end: end + shift } });
    }
  }
  return out;
}

/** The first offset of `s` that is not white space (its start when it has none). */
function firstVisible(text: string, s: ProvenanceSegment): number {
  for (let i = s.start; i < s.end; i++) if (!isSpace(text.charCodeAt(i))) return i;
  return s.start;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * The skipped branches of the fragments that no piece carries (their text was not found again, or they came
 * after the last visible text), so that the caller keeps them on its own output.
 */
export function unmappedSkipped(fragments: readonly Fragment[], pieces: readonly MappedPiece[]): SkippedBranch[] {
  const carried = new Set<SkippedBranch>();
  for (const p of pieces) for (const s of p.segment.skipped ?? []) carried.add(s);
  const out: SkippedBranch[] = [];
  for (const f of fragments) {
    for (const s of f.segments) for (const b of s.skipped ?? []) if (!carried.has(b)) out.push(b);
    out.push(...f.trailingSkipped);
  }
  return out;
}

const NO_READS: readonly string[] = [];
const readsCache = new WeakMap<Node, readonly string[]>();

/**
 * The fields and variables a node reads, as written (`.Values.image`, `$.Values.x`, `.context.Values.y`), in
 * the order written, nested pipelines and chains included; computed once per node.
 */
export function readsOf(node: Node | null): readonly string[] {
  if (!node) return NO_READS;
  const cached = readsCache.get(node);
  if (cached) return cached;
  const out: string[] = [];
  const visit = (n: Node): void => {
    switch (n.type) {
      case 'field':
      case 'variable':
        out.push(n.String());
        return;
      case 'chain':
        visit(n.node);
        return;
      case 'pipe':
        for (const c of n.cmds) visit(c);
        return;
      case 'command':
        for (const a of n.args) visit(a);
        return;
      case 'action':
      case 'template':
        if (n.pipe) visit(n.pipe);
        return;
      default:
        return;
    }
  };
  visit(node);
  const reads = out.length > 0 ? out : NO_READS;
  readsCache.set(node, reads);
  return reads;
}

/** Most characters of a skipped branch's text kept. */
export const TEXT_LIMIT = 256;

const textCache = new WeakMap<ListNode, string>();

/** The literal text of a branch, nested `if`/`with`/`range` lists included, up to TEXT_LIMIT characters; once per node. */
export function branchText(list: ListNode): string {
  const cached = textCache.get(list);
  if (cached !== undefined) return cached;
  let text = '';
  const visit = (n: Node): void => {
    if (text.length >= TEXT_LIMIT) return;
    if (n.type === 'text') text += n.text;
    else if (n.type === 'list') for (const c of n.nodes) visit(c);
    else if (n.type === 'if' || n.type === 'with' || n.type === 'range') {
      visit(n.list);
      if (n.elseList) visit(n.elseList);
    }
  };
  visit(list);
  text = text.slice(0, TEXT_LIMIT);
  textCache.set(list, text);
  return text;
}
