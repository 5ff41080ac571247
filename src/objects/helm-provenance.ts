/**
 * Source maps for Helm-rendered objects. The renderer records which template line emitted each piece of output
 * (provenance segments); this module turns a field of a rendered object into the line a person edits:
 * - the values-file line, when the field's value was printed by an action that read `.Values` (directly,
 *   through `toYaml`, or through `with`/`range` blocks: then matched by value and key path), with the template
 *   line as a related location;
 * - otherwise the template line that emitted the field.
 */
import { isAlias, isMap, isScalar as isYamlScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { ProvenanceSegment } from '../render/gotemplate/index.js';
import { firstSegmentEndingAfter, segmentsOverlapping } from '../render/helm/output.js';
import type { InputError } from '../repo/files.js';
import { makeObject } from './manifests.js';
import { getAt, isRecord, type JsonPath, type KubeObject, type Located, type RelatedLocation, type SourceLocation, type SourceMap } from './types.js';
import { isKubeObject } from './manifests.js';
import { parseYaml, type YamlSourceMap } from './yaml-source.js';

/** One values file of a release, with the path its keys sit under in the merged values ([] for the chart's own). */
export interface ValuesSource {
  file: string;
  sourceMap: YamlSourceMap;
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
  /** Text of a repository file (templates), for reading the actions on a line: the same text each time (lines are cached per reader). */
  readFile(file: string): string | undefined;
  /** The release's merged values (plain JS), as the top chart sees them. */
  values: unknown;
  /** Values files in merge order, lowest precedence first. */
  valuesSources: readonly ValuesSource[];
  /** Location to use when a template is not in the repository (a packaged subchart). */
  fallback: SourceLocation;
}

/** Parses one rendered template into objects whose source maps go through provenance. */
export function objectsFromRenderedTemplate(rendered: RenderedTemplate, ctx: ProvenanceContext): { objects: KubeObject[]; errors: InputError[] } {
  const where = ctx.templateFile(rendered.source) ?? ctx.fallback.file;
  const { documents, errors } = parseYaml(rendered.content, where);
  const tracer = new ProvenanceTracer(rendered, ctx);
  const volatile = rendered.segments.filter((s) => s.volatile);
  const objects: KubeObject[] = [];
  for (const doc of documents) {
    if (!isKubeObject(doc.value)) continue;
    const object = makeObject(doc.value, ctx.target, new HelmSourceMap(doc.sourceMap, doc.value, tracer));
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
    const key = isYamlScalar(pair.key) ? String(pair.key.value) : typeof pair.key === 'string' || typeof pair.key === 'number' ? String(pair.key) : undefined;
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
    const valueRange = node?.range ? ([node.range[0], node.range[1]] as const) : undefined;
    return { ...this.tracer.trace(foundPath, getAt(this.body, foundPath), keyOffset, valueRange), foundPath };
  }
}

const VALUES_CHAIN = /\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;

/**
 * Template lines, per file reader: a scan maps each rendered document on its own (with the same reader), and a
 * template that renders thousands of documents is split into lines once, not once per document.
 */
const templateLines = new WeakMap<ProvenanceContext['readFile'], Map<string, string[]>>();

class ProvenanceTracer {
  private readonly lineCache: Map<string, string[]>;

  constructor(
    private readonly rendered: RenderedTemplate,
    private readonly ctx: ProvenanceContext
  ) {
    let lines = templateLines.get(ctx.readFile);
    if (!lines) templateLines.set(ctx.readFile, (lines = new Map()));
    this.lineCache = lines;
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

  private templateLocation(seg: ProvenanceSegment | undefined): SourceLocation {
    if (!seg) return this.ctx.fallback;
    const file = this.ctx.templateFile(seg.source);
    return file ? { file, line: seg.line } : this.ctx.fallback;
  }

  templateLocationOfLine(content: string, line: number): SourceLocation | undefined {
    let offset = 0;
    for (let l = 1; l < line && offset >= 0; l++) offset = content.indexOf('\n', offset) + 1;
    return offset >= 0 ? this.templateLocation(this.segmentAt(offset)) : undefined;
  }

  private templateLine(seg: ProvenanceSegment): string {
    const file = this.ctx.templateFile(seg.source);
    if (!file) return '';
    let lines = this.lineCache.get(file);
    if (!lines) this.lineCache.set(file, (lines = (this.ctx.readFile(file) ?? '').split('\n')));
    return lines[seg.line - 1] ?? '';
  }

  trace(path: JsonPath, value: unknown, keyOffset: number, valueRange: readonly [number, number] | undefined): Omit<Located, 'foundPath'> {
    const keySegment = this.segmentAt(keyOffset);
    const template = this.templateLocation(keySegment);
    const written = valueRange ? this.segmentsIn(valueRange[0], valueRange[1]) : keySegment ? [keySegment] : [];
    // A value counts as printed by actions only when no literal template text is part of it: a scalar from
    // `{{ .Values.x }}`, or a whole block from `{{ toYaml .Values.x }}`; a mapping written out in the template
    // belongs to the template line of its key.
    const literal = written.some((s) => s.kind === 'text' && this.rendered.content.slice(s.start, s.end).trim() !== '' && !isQuoteOnly(this.rendered.content.slice(s.start, s.end)));
    const actions = written.filter((s) => s.kind === 'action');
    if (actions.length === 0 || (literal && !isScalar(value))) return { location: template, related: [] };

    const actionTemplate = this.templateLocation(actions[actions.length - 1]);
    const valuesPath = this.valuesPathFor(path, value, actions);
    const valuesLocation = valuesPath && this.valuesLocation(valuesPath);
    if (!valuesLocation) return { location: actionTemplate, related: [] };
    const related: RelatedLocation[] = [{ ...actionTemplate, label: 'template' }];
    return { location: valuesLocation, related };
  }

  /** The values path a rendered field came from: from the `.Values` chains of the actions, else by value. */
  private valuesPathFor(path: JsonPath, value: unknown, actions: ProvenanceSegment[]): JsonPath | undefined {
    const chains: JsonPath[] = [];
    for (const seg of actions) {
      for (const m of this.templateLine(seg).matchAll(VALUES_CHAIN)) chains.push(m[1].slice(1).split('.'));
    }
    // Later actions win: `{{ .Values.image.repository }}:{{ .Values.image.tag }}` is about the tag.
    chains.reverse();
    const scope = this.rendered.valuesScope ?? [];
    for (let i = 0; i < chains.length; i++) chains[i] = [...scope, ...chains[i]];
    for (const chain of chains) {
      const found = this.extend(chain, path, value);
      if (found) return found;
    }
    // A scalar built from several values (`repo:tag`): the last chain whose value is part of it.
    if (typeof value === 'string') {
      const part = chains.find((chain) => {
        const v = getAt(this.ctx.values, chain);
        return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && String(v) !== '' && value.includes(String(v));
      });
      if (part) return part;
    }
    return this.searchByValue(path, value, scope);
  }

  /** `chain` plus the longest suffix of the rendered path under which the values hold the rendered value. */
  private extend(chain: JsonPath, path: JsonPath, value: unknown): JsonPath | undefined {
    for (let k = Math.min(path.length, 8); k >= 0; k--) {
      const candidate = [...chain, ...path.slice(path.length - k)];
      if (valueMatches(getAt(this.ctx.values, candidate), value)) return candidate;
    }
    return undefined;
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

  /** The line in the highest-precedence values file that sets `path`. */
  private valuesLocation(path: JsonPath): SourceLocation | undefined {
    for (let i = this.ctx.valuesSources.length - 1; i >= 0; i--) {
      const source = this.ctx.valuesSources[i];
      const scope = source.scope ?? [];
      if (scope.some((seg, k) => path[k] !== seg)) continue;
      const rel = path.slice(scope.length);
      if (source.sourceMap.has(rel)) return source.sourceMap.locate(rel).location;
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
