/**
 * Fields missing because a condition was false. A rule about a missing field is located at the field's nearest
 * existing parent; when an `if`/`with` branch that was not taken sits in that parent (recorded by the renderer
 * where the branch would have printed) and would have written the missing key, the finding belongs to the
 * condition: the values line of the condition's `.Values` key (`securityContext.enabled: false`), with the
 * condition's template line related; the condition's template line when it reads no values.
 * A branch counts when it is directly in the parent (not inside one of the parent's child collections) and a line
 * of its literal text (recorded by the renderer) writes the missing key; among those, one whose key is indented as the parent's children (when the
 * branch is in the rendered template's own text) wins. When no branch writes the key, one whose condition names
 * it (`.Values.podSecurityContext.enabled` for `securityContext`) is taken.
 */
import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { ProvenanceSegment, SkippedBranch } from '../render/gotemplate/index.js';
import { segmentsOverlapping } from '../render/helm/output.js';
import { framesOf, type Frames } from './helm-frames.js';
import { getAt, type JsonPath, type RelatedLocation, type SourceLocation } from './types.js';

export interface ToggleContext {
  frames: Frames;
  /** Source name of the rendered template. */
  renderedSource: string;
  content: string;
  segments: readonly ProvenanceSegment[];
  /** The `.Values` paths among the fields an action reads (scope applied), in the order written. */
  valuesChains(reads: readonly string[] | undefined): JsonPath[];
  /** The merged values (for which of a condition's keys made it false). */
  values: unknown;
  /** The line of the values file that sets a path. */
  valuesLocation(path: JsonPath): SourceLocation | undefined;
}

export interface ToggleParent {
  /** The YAML node of the nearest existing parent (undefined or null scalar when it has no value). */
  node: YamlNode | undefined;
  /** Offset of the parent's key (or its start) in the rendered text. */
  keyOffset: number;
}

/** The location of the condition that dropped `missingKey` from `parent`, when one did. */
export function findToggle(ctx: ToggleContext, parent: ToggleParent, missingKey: string | number): { location: SourceLocation; related: RelatedLocation[] } | undefined {
  if (typeof missingKey !== 'string') return undefined;
  const branches = branchesIn(ctx, parent);
  if (branches.length === 0) return undefined;
  const column = childrenColumn(ctx.content, parent.node);
  const keyLine = new RegExp(`^[\\t ]*(?:-[\\t ]+)?["']?${escapeRegExp(missingKey)}["']?[\\t ]*:(?:[\\t ]|$)`);
  let best: { branch: SkippedBranch; score: number } | undefined;
  for (const branch of branches) {
    const score = scoreBranch(ctx, branch, keyLine, missingKey, column);
    if (score > 0 && (!best || score > best.score)) best = { branch, score };
  }
  return best && conditionLocation(ctx, best.branch);
}

/** The skipped branches recorded directly in the parent's value. */
function branchesIn(ctx: ToggleContext, parent: ToggleParent): SkippedBranch[] {
  const { node, keyOffset } = parent;
  const collection = isMap(node) || isSeq(node);
  const start = node?.range && collection ? node.range[0] : keyOffset;
  let end = node?.range && collection ? node.range[2] : start;
  // A parent without children ends at the start of the next line: a branch dropped there was its only content.
  if (!collection) {
    const nl = ctx.content.indexOf('\n', end);
    end = nl < 0 ? ctx.content.length : nl + 1;
  }
  const children = collection ? childCollections(node) : [];
  const out: SkippedBranch[] = [];
  for (const seg of segmentsOverlapping(ctx.segments, start, end + 1)) {
    if (!seg.skipped || seg.start < start || seg.start > end) continue;
    if (children.some(([a, b]) => a < seg.start && seg.start < b)) continue;
    out.push(...seg.skipped);
  }
  return out;
}

/** Ranges of the parent's child maps and sequences. */
function childCollections(node: YamlNode | undefined): [number, number][] {
  const out: [number, number][] = [];
  const add = (n: unknown) => {
    if ((isMap(n) || isSeq(n)) && n.range) out.push([n.range[0], n.range[1]]);
  };
  if (isMap(node)) for (const pair of node.items) add(pair.value);
  else if (isSeq(node)) for (const item of node.items) add(item);
  return out;
}

/** Column of the parent's first child key (a block mapping), undefined otherwise. */
function childrenColumn(content: string, node: YamlNode | undefined): number | undefined {
  if (!isMap(node) || node.items.length === 0) return undefined;
  const key = node.items[0].key;
  if (!isScalar(key) || !key.range) return undefined;
  const at = key.range[0];
  return at - (content.lastIndexOf('\n', at - 1) + 1);
}

/** 3: writes the key at the parent's children column; 2: writes the key; 1: its condition names the key; 0: unrelated. */
function scoreBranch(ctx: ToggleContext, branch: SkippedBranch, keyLine: RegExp, key: string, column: number | undefined): number {
  const sameText = branch.source === ctx.renderedSource && !branch.calls?.length;
  for (const line of branch.text.split('\n')) {
    if (!keyLine.test(line)) continue;
    const indent = /^[\t ]*(?:-[\t ]+)?/.exec(line)![0].length;
    return sameText && column !== undefined && indent === column ? 3 : 2;
  }
  return ctx.valuesChains(branch.reads).some((chain) => chain.some((k) => typeof k === 'string' && k.toLowerCase().includes(key.toLowerCase()))) ? 1 : 0;
}

/** The values line of the condition's key (template line related), else the condition's template line. */
function conditionLocation(ctx: ToggleContext, branch: SkippedBranch): { location: SourceLocation; related: RelatedLocation[] } {
  const frames = framesOf(branch);
  const chains = ctx.valuesChains(branch.reads);
  // The key that decided: a false one when the branch skipped was the `if` branch, a true one for `else`.
  const decided = chains.filter((c) => truthy(getAt(ctx.values, c)) === !!branch.else);
  for (const chain of [...decided, ...chains]) {
    const location = ctx.valuesLocation(chain);
    if (location) return { location, related: [ctx.frames.relatedFrame(frames[frames.length - 1], 'condition'), ...ctx.frames.related(frames, frames.length - 1)] };
  }
  return ctx.frames.place(frames);
}

/** Go template truth: false, 0, nil, empty strings and collections are false. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
