/**
 * Source maps for Helm-rendered objects. The renderer records which template line emitted each piece of output
 * (provenance segments, with the `include`/`template` calls they were printed through and the `if`/`with`
 * branches not taken); this module turns a field of a rendered object into the line a person edits:
 * - the values-file line, when the field's value was printed by an action that read `.Values`: on the action's
 *   line, or (for output of a helper, such as bitnami's `common.images.image` reading a dict built from
 *   `.Values.image`) on the lines of the calls that led to it, innermost first; matched by the `.Values` chain
 *   plus the key path, by a scalar of that chain that is part of the value (the tag of an image), or by value and
 *   key path. The template line is related. A subchart's value lands on the parent's key that feeds it
 *   (`<subchart>.<key>` or `global.<key>`) when the parent sets it, else on the subchart's values.yaml;
 *   A value an action computed from one scalar it read (`ternary "no" "yes" .Values.auth.enabled`) lands there too;
 * - a field missing because an `if`/`with` was false: the values line of the condition (see helm-toggles.ts);
 * - otherwise the template line that emitted the field, chosen along the call chain as helm-frames.ts says (the
 *   chart's own line, not a dependency's helper; a packaged chart's archive, never `Chart.yaml:1`).
 * Text written literally in a template is never matched to values: a value search is only for values printed by
 * actions, and a scalar chain equal to the value only counts when the action printed exactly that value.
 */
import { isAlias, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { ProvenanceSegment } from '../render/gotemplate/index.js';
import { firstSegmentEndingAfter, segmentsOverlapping } from '../render/helm/output.js';
import type { InputError } from '../repo/files.js';
import { makeObject } from './manifests.js';
import { formatPath, getAt, isRecord, type JsonPath, type KubeObject, type Located, type SourceLocation, type SourceMap } from './types.js';
import { isKubeObject } from './manifests.js';
import { mapKeyText, parseYaml, type YamlSourceMap } from './yaml-source.js';
import { framesOf, Frames } from './helm-frames.js';
import { findToggle, type ToggleContext } from './helm-toggles.js';

/** One values file of a release, with the path its keys sit under in the merged values ([] for the chart's own). */
export interface ValuesSource {
  file: string;
  /** Where each key is written: a values file's map, or a view into a declaration (a HelmRelease's `spec.values`). */
  sourceMap: Pick<YamlSourceMap, 'has' | 'locate'>;
  /** Where this file's root sits in the values the template sees (e.g. [] for the chart, ['sub'] seen from a subchart). */
  scope?: JsonPath;
}

export interface RenderedTemplate {
  /** Template name as Helm prints it in `# Source:` (e.g. `web/templates/deployment.yaml`). */
  source: string;
  /** The rendered text of that template. */
  content: string;
  /** Provenance segments with offsets into `content`. */
  segments: readonly ProvenanceSegment[];
  /** Where `.Values` of this template sits in the release's values ([] for the chart, ['db'] for subchart db). */
  valuesScope?: JsonPath;
}

export interface ProvenanceContext {
  target: string;
  /** Repository path of a template, from the name the engine parsed it under; undefined when not in the repository. */
  templateFile(source: string): string | undefined;
  /** Where a template came from as the engine read it: `charts/x.tgz!/x/templates/a.yaml` for a packaged chart. */
  templateOrigin?(source: string): string | undefined;
  /** The release's merged values (plain JS), as the top chart sees them. */
  values: unknown;
  /** Values files in merge order, lowest precedence first. */
  valuesSources: readonly ValuesSource[];
  /** Where an archive that is not a repository file is reported (a fetched dependency's Chart.yaml line). */
  archivePlace?(archive: string): { location: SourceLocation; label: string } | undefined;
  /** Location to use when a template is neither in the repository nor in an archive there. */
  fallback: SourceLocation;
}

/** Parses one rendered template into objects whose source maps go through provenance. */
export function objectsFromRenderedTemplate(rendered: RenderedTemplate, ctx: ProvenanceContext): { objects: KubeObject[]; errors: InputError[] } {
  const tracer = new ProvenanceTracer(rendered, ctx);
  const { documents, errors } = parseYaml(rendered.content, tracer.frames.locationOf({ source: rendered.source, line: 1 }).location.file);
  const volatile = rendered.segments.filter((s) => s.volatile);
  const objects: KubeObject[] = [];
  for (const doc of documents) {
    if (!isKubeObject(doc.value)) continue;
    const object = makeObject(doc.value, ctx.target, new HelmSourceMap(doc.sourceMap, doc.value, tracer));
    const namespaceRange = object.namespace !== undefined ? doc.sourceMap.nodeAt(NAMESPACE_PATH)?.range : undefined;
    if (namespaceRange) object.namespaceSource = tracer.sourceOf(object.namespace, namespaceRange);
    if (volatile.length > 0) {
      const paths = volatileLeaves(doc.value, doc.sourceMap, volatile);
      if (paths.length > 0) object.volatilePaths = paths;
    }
    objects.push(object);
  }
  // Errors carry lines of the rendered text; point them at the template instead.
  for (const e of errors) {
    const loc = e.line ? tracer.templateLocationOfLine(rendered.content, e.line) : undefined;
    if (loc) Object.assign(e, { file: loc.file, line: loc.line, column: undefined });
  }
  return { objects, errors };
}

/**
 * Scalar fields whose text was printed by a volatile action (randAlphaNum, genCA, now, ...). The object and its
 * YAML nodes are walked together, each mapping's keys indexed once, so the work is linear in the document (finding
 * every leaf from the root again would cost the width of each mapping per leaf).
 */
function volatileLeaves(body: unknown, map: YamlSourceMap, volatile: readonly ProvenanceSegment[]): JsonPath[] {
  const out: JsonPath[] = [];
  const visit = (value: unknown, node: YamlNode | undefined, at: (string | number)[]) => {
    if (isRecord(value) || Array.isArray(value)) {
      const child = childNodes(map, node, at);
      if (isRecord(value)) for (const [k, v] of Object.entries(value)) visit(v, child(k), [...at, k]);
      else value.forEach((v, i) => visit(v, child(i), [...at, i]));
      return;
    }
    const range = node?.range;
    const first = range ? volatile[firstSegmentEndingAfter(volatile, range[0])] : undefined;
    if (range && first && first.start < range[1]) out.push(at);
  };
  visit(body, map.nodeAt([]), []);
  return out;
}

/**
 * The children of the YAML node at `at`, found as YamlSourceMap.nodeAt finds them (the first pair whose key reads
 * the same; undefined when missing or null). An alias is resolved by the source map itself.
 */
function childNodes(map: YamlSourceMap, node: YamlNode | undefined, at: (string | number)[]): (key: string | number) => YamlNode | undefined {
  if (isAlias(node)) return (key) => map.nodeAt([...at, key]);
  if (isSeq(node)) return (key) => (typeof key === 'number' ? ((node.items[key] as YamlNode | null | undefined) ?? undefined) : undefined);
  if (!isMap(node)) return () => undefined;
  const pairs = new Map<string, YamlNode | undefined>();
  for (const pair of node.items) {
    const key = mapKeyText(pair.key);
    if (key !== undefined && !pairs.has(key)) pairs.set(key, (pair.value as YamlNode | null) ?? undefined);
  }
  return (key) => pairs.get(String(key));
}

class HelmSourceMap implements SourceMap {
  constructor(
    private readonly rendered: YamlSourceMap,
    private readonly body: Record<string, unknown>,
    private readonly tracer: ProvenanceTracer
  ) {}

  locate(path: JsonPath): Located {
    const { foundPath } = this.rendered.locate(path);
    const node = this.rendered.nodeAt(foundPath);
    const keyOffset = this.rendered.offsetOf(foundPath);
    if (foundPath.length < path.length) {
      const toggle = this.tracer.toggle({ node, keyOffset }, path[foundPath.length]);
      if (toggle) return { ...toggle, foundPath };
    }
    const valueRange = node?.range ? ([node.range[0], node.range[1]] as const) : undefined;
    return { ...this.tracer.trace(foundPath, getAt(this.body, foundPath), keyOffset, valueRange), foundPath };
  }
}

const NAMESPACE_PATH: JsonPath = ['metadata', 'namespace'];

const VALUES_CHAIN = /\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;

class ProvenanceTracer {
  readonly frames: Frames;
  private readonly scope: JsonPath;

  constructor(
    private readonly rendered: RenderedTemplate,
    private readonly ctx: ProvenanceContext
  ) {
    this.frames = new Frames(ctx, rendered.source);
    this.scope = rendered.valuesScope ?? [];
  }

  /** The segment that wrote the character at `offset`. */
  private segmentAt(offset: number): ProvenanceSegment | undefined {
    const segs = this.rendered.segments;
    const seg = segs[firstSegmentEndingAfter(segs, offset)];
    return seg && seg.start <= offset ? seg : undefined;
  }

  /** The segments that wrote [start, end) (the one at `start` for an empty range). */
  private segmentsIn(start: number, end: number): ProvenanceSegment[] {
    return segmentsOverlapping(this.rendered.segments, start, Math.max(end, start + 1));
  }

  /** Where a person edits the output of `seg`, with the other lines of its call chain related. */
  private templatePlace(seg: ProvenanceSegment | undefined): Omit<Located, 'foundPath'> {
    if (!seg) return { location: this.ctx.fallback, related: [] };
    return this.frames.place(framesOf(seg));
  }

  templateLocationOfLine(content: string, line: number): SourceLocation | undefined {
    let offset = 0;
    for (let l = 1; l < line && offset >= 0; l++) offset = content.indexOf('\n', offset) + 1;
    return offset >= 0 ? this.templatePlace(this.segmentAt(offset)).location : undefined;
  }

  /** The `.Values` paths among the fields an action or call reads, in the order written, under this template's values scope. */
  private chainsOf(reads: readonly string[] | undefined): JsonPath[] {
    const out: JsonPath[] = [];
    for (const read of reads ?? []) for (const m of read.matchAll(VALUES_CHAIN)) out.push([...this.scope, ...m[1].slice(1).split('.')]);
    return out;
  }

  toggle(parent: { node: YamlNode | undefined; keyOffset: number }, missingKey: string | number): Omit<Located, 'foundPath'> | undefined {
    const ctx: ToggleContext = {
      frames: this.frames,
      renderedSource: this.rendered.source,
      content: this.rendered.content,
      segments: this.rendered.segments,
      valuesChains: (reads) => this.chainsOf(reads),
      values: this.ctx.values,
      valuesLocation: (path) => this.valuesLocation(path)
    };
    return findToggle(ctx, parent, missingKey);
  }

  trace(path: JsonPath, value: unknown, keyOffset: number, valueRange: readonly [number, number] | undefined): Omit<Located, 'foundPath'> {
    const keySegment = this.segmentAt(keyOffset);
    const written = valueRange ? this.segmentsIn(valueRange[0], valueRange[1]) : keySegment ? [keySegment] : [];
    // A value counts as printed by actions only when no literal template text is part of it: a scalar from
    // `{{ .Values.x }}`, or a whole block from `{{ toYaml .Values.x }}`; a mapping written out in the template
    // belongs to the template line of its key.
    const literal = this.hasLiteralText(written);
    const actions = written.filter((s) => s.kind === 'action');
    if (actions.length === 0 || (literal && !isScalar(value))) return this.templatePlace(keySegment);

    const last = actions[actions.length - 1];
    // An action that printed more than this value (an included block) cannot be matched to a scalar by its chain alone.
    const exact = valueRange !== undefined && actions.some((s) => s.start >= valueRange[0] && s.end <= valueRange[1]);
    const valuesPath = this.valuesPathFor(path, value, actions, exact);
    const placed = this.templatePlace(last);
    if (!valuesPath) return placed;
    const valuesLocation = this.valuesLocation(valuesPath);
    if (valuesLocation) return { location: valuesLocation, related: this.frames.related(framesOf(last)) };
    // Values of a packaged chart: the archive, with the key named.
    if (this.frames.isPacked(framesOf(last))) return { location: placed.location, related: [...placed.related, { ...placed.location, label: `values ${formatPath(valuesPath)}` }] };
    return placed;
  }

  /**
   * The `.Values` chains for the output of `seg`: those its action reads, then those the calls it was printed
   * through read, innermost first (a helper reads its arguments, built from `.Values` at the call).
   */
  private chainsFor(seg: ProvenanceSegment): JsonPath[] {
    const reads = [seg.reads, ...[...(seg.calls ?? [])].reverse().map((c) => c.reads)];
    const out: JsonPath[] = [];
    const seen = new Set<string>();
    for (const r of reads) {
      // Later chains in an action win: `{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}` is about the tag.
      for (const chain of this.chainsOf(r).reverse()) {
        const key = chain.join('\0');
        if (!seen.has(key)) out.push(chain);
        seen.add(key);
      }
    }
    return out;
  }

  /** Whether literal template text (more than quotes and separators) is part of what `segments` wrote. */
  private hasLiteralText(segments: readonly ProvenanceSegment[]): boolean {
    return segments.some((s) => s.kind === 'text' && this.rendered.content.slice(s.start, s.end).trim() !== '' && !isQuoteOnly(this.rendered.content.slice(s.start, s.end)));
  }

  /**
   * Who wrote the scalar `value` at `range`: `written` when template text did, or an action printing a `.Values`
   * field that holds it; `release` when only actions printed it from something else (`.Release.Namespace`, a
   * helper's default). Only `.Values` chains the actions (or the helpers they called) read count: a value found
   * elsewhere in the values by search is not proof that someone wrote it for this field.
   */
  sourceOf(value: unknown, range: readonly [number, number, number?]): 'written' | 'release' {
    const written = this.segmentsIn(range[0], range[1]);
    const actions = written.filter((s) => s.kind === 'action');
    if (actions.length === 0 || this.hasLiteralText(written)) return 'written';
    for (const seg of actions) {
      for (const chain of this.chainsFor(seg)) if (valueMatches(getAt(this.ctx.values, chain), value)) return 'written';
    }
    return 'release';
  }

  /** The values path a rendered field came from: from the `.Values` chains of the actions, else by value. */
  private valuesPathFor(path: JsonPath, value: unknown, actions: ProvenanceSegment[], exact: boolean): JsonPath | undefined {
    const chains: JsonPath[] = [];
    const seen = new Set<string>();
    for (const seg of [...actions].reverse()) {
      for (const chain of this.chainsFor(seg)) {
        const key = chain.join('\0');
        if (!seen.has(key)) chains.push(chain);
        seen.add(key);
      }
    }
    for (const chain of chains) {
      const found = this.extend(chain, path, value, exact);
      if (found) return found;
    }
    // A scalar built from several values (`repo:tag`, a helper's `registry/repository:tag`): the chain, or the
    // scalar under it, whose value ends last in it (the tag rather than the repository).
    if (typeof value === 'string') {
      const part = this.lastPart(chains, value);
      if (part) return part;
    }
    // A value the action computed from a value it read (`ternary "no" "yes" .Values.auth.enabled`); an empty
    // value read did not make it (`default .Release.Namespace .Values.namespaceOverride`).
    if (exact && isScalar(value)) {
      const own = this.chainsOf(actions[actions.length - 1].reads).reverse().find((c) => isSetScalar(getAt(this.ctx.values, c)));
      if (own) return own;
    }
    return this.searchByValue(path, value, this.scope);
  }

  /** `chain` plus the longest suffix of the rendered path under which the values hold the rendered value. */
  private extend(chain: JsonPath, path: JsonPath, value: unknown, exact: boolean): JsonPath | undefined {
    for (let k = Math.min(path.length, 8); k >= (exact || !isScalar(value) ? 0 : 1); k--) {
      const candidate = [...chain, ...path.slice(path.length - k)];
      if (valueMatches(getAt(this.ctx.values, candidate), value)) return candidate;
    }
    return undefined;
  }

  /** Among the chains and the scalars up to three levels under them, the one whose text ends last in `value`. */
  private lastPart(chains: JsonPath[], value: string): JsonPath | undefined {
    let best: { path: JsonPath; end: number } | undefined;
    const consider = (at: JsonPath, v: unknown, depth: number) => {
      if (typeof v === 'string' || typeof v === 'number') {
        const text = String(v);
        const i = text === '' ? -1 : value.lastIndexOf(text);
        if (i >= 0 && (!best || i + text.length > best.end)) best = { path: at, end: i + text.length };
      } else if (depth < 3 && isRecord(v)) {
        for (const [k, child] of Object.entries(v)) consider([...at, k], child, depth + 1);
      }
    };
    for (const chain of chains) consider(chain, getAt(this.ctx.values, chain), 0);
    return best?.path;
  }

  /** A values path whose key suffix and value equal the rendered field's (for `with`/`range` and helpers). */
  private searchByValue(path: JsonPath, value: unknown, scope: JsonPath): JsonPath | undefined {
    const last = path[path.length - 1];
    const key = valueKey(value);
    if (typeof last !== 'string' || key === undefined) return undefined;
    let best: { path: JsonPath; score: number } | undefined;
    for (const { at, node } of valuesIndex(this.ctx.values, scope).get(`${last}\0${key}`) ?? []) {
      if (!valueMatches(node, value)) continue;
      let score = 0;
      while (score < at.length && score < path.length && at[at.length - 1 - score] === path[path.length - 1 - score]) score++;
      if (!best || score > best.score) best = { path: at, score };
    }
    return best && [...best.path];
  }

  /**
   * The line in the highest-precedence values file that sets `path`. A subchart's `global.x` is also set by
   * `global.x` of every chart above it (Helm copies globals down).
   */
  private valuesLocation(path: JsonPath): SourceLocation | undefined {
    const candidates: JsonPath[] = [path];
    const g = this.scope.length;
    if (g > 0 && path[g] === 'global') for (let j = g - 1; j >= 0; j--) candidates.push([...path.slice(0, j), ...path.slice(g)]);
    for (let i = this.ctx.valuesSources.length - 1; i >= 0; i--) {
      const source = this.ctx.valuesSources[i];
      const scope = source.scope ?? [];
      for (const candidate of candidates) {
        if (scope.some((seg, k) => candidate[k] !== seg)) continue;
        const rel = candidate.slice(scope.length);
        if (source.sourceMap.has(rel)) return source.sourceMap.locate(rel).location;
      }
    }
    return undefined;
  }
}

/** Values indexes, per merged values and scope: built once per release, not once per rendered field. */
const valuesIndexes = new WeakMap<object, Map<string, ValuesIndex>>();

/** Nodes of the values (with their paths) by last key and valueKey. */
type ValuesIndex = Map<string, { at: JsonPath; node: unknown }[]>;

/**
 * The paths of the values under `scope` (at most 12 levels down, the scope's own node included) whose last step is
 * a key, by that key and the value's valueKey, in the order a walk of the values meets them. searchByValue's
 * candidates are exactly these (its score needs the last key to match, its value test the same valueKey).
 */
function valuesIndex(values: unknown, scope: JsonPath): ValuesIndex {
  const owner = typeof values === 'object' && values !== null ? values : undefined;
  const scopeKey = JSON.stringify(scope);
  const cached = owner && valuesIndexes.get(owner)?.get(scopeKey);
  if (cached) return cached;
  const index: ValuesIndex = new Map();
  const visit = (node: unknown, at: (string | number)[], depth: number) => {
    if (depth > 12) return;
    const last = at[at.length - 1];
    const key = valueKey(node);
    if (typeof last === 'string' && key !== undefined) {
      const bucket = `${last}\0${key}`;
      const nodes = index.get(bucket);
      if (nodes) nodes.push({ at, node });
      else index.set(bucket, [{ at, node }]);
    }
    if (isRecord(node)) for (const [k, v] of Object.entries(node)) visit(v, [...at, k], depth + 1);
    else if (Array.isArray(node)) node.forEach((v, i) => visit(v, [...at, i], depth + 1));
  };
  visit(getAt(values, scope), [...scope], 0);
  if (owner) {
    const byScope = valuesIndexes.get(owner) ?? new Map<string, ValuesIndex>();
    byScope.set(scopeKey, index);
    valuesIndexes.set(owner, byScope);
  }
  return index;
}

/** A key equal for any two values valueMatches pairs (undefined for values it never pairs). */
function valueKey(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return `s${String(value)}`;
  if (value === null) return 'n';
  // Big integers (values past 2^53) have no JSON form; no rendered object holds one, so any stand-in will do.
  if (typeof value === 'object') return `o${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? { bigint: String(v) } : v))}`;
  return undefined;
}

/** A boolean, a number or a non-empty string. */
function isSetScalar(value: unknown): boolean {
  return typeof value === 'boolean' || typeof value === 'number' || (typeof value === 'string' && value !== '');
}

function isScalar(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && value !== undefined);
}

/** Text such as `"` or `:` around actions inside one scalar (`"{{ .repo }}:{{ .tag }}"`). */
function isQuoteOnly(text: string): boolean {
  return /^[\s"':@/.-]*$/.test(text);
}

function valueMatches(candidate: unknown, rendered: unknown): boolean {
  if (candidate === undefined) return false;
  if (candidate === rendered) return true;
  if (typeof rendered === 'string' && (typeof candidate === 'number' || typeof candidate === 'boolean')) return String(candidate) === rendered;
  if (typeof candidate === 'string' && (typeof rendered === 'number' || typeof rendered === 'boolean')) return candidate === String(rendered);
  if (typeof candidate === 'object' && candidate !== null && typeof rendered === 'object' && rendered !== null) return JSON.stringify(candidate) === JSON.stringify(rendered);
  return false;
}
