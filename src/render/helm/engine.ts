/**
 * The Helm template engine (port of pkg/engine/engine.go and files.go): one template set named "gotpl" with
 * every template of the chart and its subcharts, parsed and executed in Helm's order, `missingkey=zero` with
 * `<no value>` removed, per-chart contexts (.Values .Release .Chart .Capabilities .Files .Subcharts .Template),
 * and Helm's error rewriting (parse error at (...), execution error at (...), multi-line exec traces).
 */
import path from 'node:path';
import {
  GoInt, GoNil, GoStruct, Template, TemplateError, byteSlice, defineFunc, quoteString, withGoMethods, withGoType,
  type FuncMap, type GoFuncValue, type GoValue, type ProvenanceSegment
} from '../gotemplate/index.js';
import { type Chart, type ChartFile, chartFullPath, chartName } from './chart.js';
import { cleanupExecError, cleanupParseError } from './errors.js';
import { compileGlob } from './glob.js';
import { GoYamlError, parseYamlGo, yamlToGo } from './yamlgo.js';
import { type Values, NoTableError, NoValueError, deepCopy, isTable, pathValue, table } from './values.js';

// ---------------------------------------------------------------- Capabilities

export interface KubeVersion {
  /** As given, with a leading "v" (e.g. v1.29, v1.33.4-gke.1245000). */
  version: string;
  /** The numbers only (e.g. v1.29, v1.33.4): String(), and what the Chart.yaml kubeVersion check uses. */
  normalized: string;
  major: string;
  minor: string;
}

/**
 * common.ParseKubeVersion (k8s.io/apimachinery ParseGeneric): "1.29" -> Version v1.29, "v1.33.4-gke.1" keeps its
 * suffix in Version and drops it from the normalized form. Throws with Helm's wording.
 */
export function parseKubeVersion(s: string): KubeVersion {
  const m = /^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$/s.exec(s);
  if (!m) throw new Error(`invalid kube version '${s}': could not parse ${quoteString(s)} as version`);
  const parts = m[1].split('.');
  if (parts.length < 2) throw new Error(`invalid kube version '${s}': illegal version string ${quoteString(s)}`);
  if (parts[0].startsWith('0') && parts[0] !== '0') throw new Error(`invalid kube version '${s}': illegal zero-prefixed version component ${quoteString(parts[0])} in ${quoteString(s)}`);
  const nums = parts.map((p) => BigInt(p));
  return {
    version: s.startsWith('v') ? s : 'v' + s,
    normalized: 'v' + nums.join('.'),
    major: String(nums[0]),
    minor: String(nums[1])
  };
}

import { RELEASED_HELM, type HelmBuild, type HelmBuildInfo } from './build.js';

export { DEFAULT_KUBE_VERSION } from './build.js';

export interface CapabilitiesOptions {
  kubeVersion?: string;
  apiVersions?: string[];
  /** The Helm build whose defaults apply (default RELEASED_HELM). */
  build?: HelmBuild;
}

export interface Capabilities {
  kubeVersion: KubeVersion;
  apiVersions: string[];
  helm: HelmBuildInfo;
}

export function makeCapabilities(o: CapabilitiesOptions = {}): Capabilities {
  const build = o.build ?? RELEASED_HELM;
  return {
    kubeVersion: parseKubeVersion(o.kubeVersion || build.kubeVersion),
    apiVersions: [...build.apiVersions, ...(o.apiVersions ?? [])],
    helm: build.info
  };
}

function capabilitiesValue(c: Capabilities): GoStruct {
  const kv = c.kubeVersion;
  const kube = new GoStruct('common.KubeVersion', { Version: kv.version, normalizedVersion: kv.normalized, Major: kv.major, Minor: kv.minor }, {
    String: defineFunc({ params: [], result: 'string' }, () => kv.normalized),
    GitVersion: defineFunc({ params: [], result: 'string' }, () => kv.version)
  }, true);
  const set = new Set(c.apiVersions);
  const apis = withGoMethods(withGoType([...c.apiVersions], '[]string'), {
    Has: defineFunc({ params: ['string'], result: 'bool' }, (v: GoValue) => set.has(v as string))
  });
  const helm = new GoStruct('version.BuildInfo', { ...c.helm });
  return new GoStruct('*common.Capabilities', { KubeVersion: kube, APIVersions: apis, HelmVersion: helm });
}

// ---------------------------------------------------------------- .Files

const bytesValue = byteSlice;

/** engine.files: map[string][]byte with methods; byte slices are made on first access. */
class FilesMap extends Map<string, GoValue> {
  private readonly raw: Map<string, Buffer>;
  private readonly cache = new Map<string, GoValue>();
  constructor(raw: Map<string, Buffer>, private readonly toYaml: (v: GoValue) => string) {
    super();
    this.raw = raw;
    for (const k of raw.keys()) super.set(k, null);
    withGoType(this, 'map[string][]uint8');
    withGoMethods(this, this.methods());
  }
  override get(k: string): GoValue | undefined {
    const b = this.raw.get(k);
    if (b === undefined) return undefined;
    let v = this.cache.get(k);
    if (v === undefined) {
      v = bytesValue(b);
      this.cache.set(k, v);
    }
    return v;
  }
  override *entries(): MapIterator<[string, GoValue]> {
    for (const k of this.raw.keys()) yield [k, this.get(k) as GoValue];
  }
  override [Symbol.iterator](): MapIterator<[string, GoValue]> {
    return this.entries();
  }
  override *values(): MapIterator<GoValue> {
    for (const k of this.raw.keys()) yield this.get(k) as GoValue;
  }
  override forEach(cb: (v: GoValue, k: string, m: Map<string, GoValue>) => void): void {
    for (const [k, v] of this.entries()) cb(v, k, this);
  }
  bytes(k: string): Buffer | undefined {
    return this.raw.get(k);
  }
  private methods(): Record<string, GoFuncValue> {
    const raw = this.raw;
    const toYaml = this.toYaml;
    return {
      Get: defineFunc({ params: ['string'], result: 'string' }, (name: GoValue) => (raw.get(name as string) ?? Buffer.alloc(0)).toString('utf8')),
      GetBytes: defineFunc({ params: ['string'], result: '[]uint8' }, (name: GoValue) => bytesValue(raw.get(name as string) ?? Buffer.alloc(0))),
      Glob: defineFunc({ params: ['string'], result: 'engine.files' }, (pattern: GoValue) => {
        let re: RegExp;
        try {
          re = compileGlob(pattern as string);
        } catch {
          re = /^.*$/s;
        }
        const nf = new Map<string, Buffer>();
        for (const [k, v] of raw) if (re.test(k)) nf.set(k, v);
        return new FilesMap(nf, toYaml);
      }),
      AsConfig: defineFunc({ params: [], result: 'string' }, () => {
        const m = withGoType(new Map<string, GoValue>(), 'map[string]string');
        for (const [k, v] of raw) m.set(path.posix.basename(k), v.toString('utf8'));
        return toYaml(m);
      }),
      AsSecrets: defineFunc({ params: [], result: 'string' }, () => {
        const m = withGoType(new Map<string, GoValue>(), 'map[string]string');
        for (const [k, v] of raw) m.set(path.posix.basename(k), v.toString('base64'));
        return toYaml(m);
      }),
      Lines: defineFunc({ params: ['string'], result: '[]string' }, (p: GoValue) => {
        const b = raw.get(p as string);
        if (b === undefined) return withGoType([], '[]string');
        let s = b.toString('utf8');
        if (s.endsWith('\n')) s = s.slice(0, -1);
        return withGoType(s.split('\n'), '[]string');
      })
    };
  }
}

export function newFiles(files: ChartFile[], toYaml: (v: GoValue) => string): FilesMap {
  const m = new Map<string, Buffer>();
  for (const f of files) m.set(f.name, f.data);
  return new FilesMap(m, toYaml);
}

// ---------------------------------------------------------------- values objects

/** Attach common.Values' methods (YAML, Table, AsMap, PathValue) to a values map. */
export function withValuesMethods(v: Values, toYaml: (v: GoValue) => string): Values {
  return withGoMethods(v, {
    YAML: defineFunc({ params: [], result: 'string' }, () => toYaml(v)),
    AsMap: defineFunc({ params: [], result: 'map[string]interface {}' }, () => v),
    Table: defineFunc({ params: ['string'], result: 'common.Values' }, (name: GoValue) => {
      try {
        return table(v, name as string);
      } catch (err) {
        if (err instanceof NoTableError) throw new Error(err.message);
        throw err;
      }
    }),
    PathValue: defineFunc({ params: ['string'], result: 'interface {}' }, (p: GoValue) => {
      try {
        return pathValue(v, p as string);
      } catch (err) {
        if (err instanceof NoValueError) throw new Error(err.message);
        throw err;
      }
    })
  });
}

function strSlice(xs: string[] | null): GoValue {
  return xs ? withGoType([...xs], '[]string') : new GoNil('[]string');
}

/** .Chart: Chart.yaml fields under their Go names, plus IsRoot. */
export function chartValue(c: Chart): Values {
  const md = c.metadata;
  const m = new Map<string, GoValue>();
  m.set('Name', md.name);
  m.set('Home', md.home);
  m.set('Sources', strSlice(md.sources));
  m.set('Version', md.version);
  m.set('Description', md.description);
  m.set('Keywords', strSlice(md.keywords));
  m.set('Maintainers', md.maintainers
    ? withGoType(md.maintainers.map((x) => new GoStruct('*chart.Maintainer', { Name: x.name, Email: x.email, URL: x.url })), '[]*chart.Maintainer')
    : new GoNil('[]*chart.Maintainer'));
  m.set('Icon', md.icon);
  m.set('APIVersion', md.apiVersion);
  m.set('Condition', md.condition);
  m.set('Tags', md.tags);
  m.set('AppVersion', md.appVersion);
  m.set('Deprecated', md.deprecated);
  m.set('Annotations', md.annotations ? withGoType(new Map(Object.entries(md.annotations)), 'map[string]string') : new GoNil('map[string]string'));
  m.set('KubeVersion', md.kubeVersion);
  m.set('Dependencies', md.dependencies
    ? withGoType(md.dependencies.map((d) => new GoStruct('*chart.Dependency', {
      Name: d.name, Version: d.version, Repository: d.repository, Condition: d.condition, Tags: strSlice(d.tags),
      Enabled: d.enabled, ImportValues: yamlToGo(d.importValues), Alias: d.alias
    })), '[]*chart.Dependency')
    : new GoNil('[]*chart.Dependency'));
  m.set('Type', md.type);
  m.set('IsRoot', !c.parent);
  return m;
}

export interface ReleaseOptions {
  name: string;
  namespace: string;
  isUpgrade?: boolean;
  revision?: number;
}

function releaseValue(r: ReleaseOptions): Values {
  return new Map<string, GoValue>([
    ['Name', r.name],
    ['Namespace', r.namespace],
    ['IsUpgrade', !!r.isUpgrade],
    ['IsInstall', !r.isUpgrade],
    ['Revision', new GoInt('int', r.revision ?? 1)],
    ['Service', 'Helm']
  ]);
}

// ---------------------------------------------------------------- rendering

interface Renderable {
  tpl: string;
  vals: Values;
  basePath: string;
  origin: string;
}

export interface EngineOptions {
  funcs: FuncMap;
  /** toYaml as Helm's engine uses it for .Files.AsConfig/AsSecrets and .Values.YAML. */
  toYaml: (v: GoValue) => string;
  /** Absolute deadline (Date.now() ms). */
  deadline?: number;
  /** Output budget over all templates, in characters. */
  maxOutputLength?: number;
  /** Engine.Strict: missingkey=error. */
  strict?: boolean;
}

export interface RenderedTemplate {
  name: string;
  output: string;
  segments: ProvenanceSegment[];
}

export interface EngineResult {
  /** Rendered templates (partials excluded), in Helm's execution order. */
  rendered: RenderedTemplate[];
  /** Template name -> file it came from (repository path or archive!/entry). */
  origins: Map<string, string>;
}

export class RenderError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = 'RenderError';
  }
}

function isLibraryChart(c: Chart): boolean {
  return c.metadata.type.toLowerCase() === 'library';
}

function isTemplateValid(c: Chart, name: string): boolean {
  if (isLibraryChart(c)) return path.posix.basename(name).startsWith('_');
  return true;
}

function recAllTpls(c: Chart, templates: Map<string, Renderable>, vals: Values, toYaml: (v: GoValue) => string): Values {
  const subCharts = new Map<string, GoValue>();
  const next = new Map<string, GoValue>([
    ['Chart', chartValue(c)],
    ['Files', newFiles(c.files, toYaml)],
    ['Release', vals.get('Release') ?? null],
    ['Capabilities', vals.get('Capabilities') ?? null],
    ['Values', withValuesMethods(new Map(), toYaml)],
    ['Subcharts', subCharts]
  ]);
  if (!c.parent) {
    next.set('Values', vals.get('Values') ?? null);
  } else {
    try {
      next.set('Values', withValuesMethods(table(vals, `Values.${chartName(c)}`), toYaml));
    } catch {
      // keep the empty values
    }
  }
  for (const child of c.dependencies) subCharts.set(chartName(child), recAllTpls(child, templates, next, toYaml));
  const id = chartFullPath(c);
  for (const t of c.templates) {
    if (!isTemplateValid(c, t.name)) continue;
    templates.set(`${id}/${t.name}`, { tpl: t.data.toString('utf8'), vals: next, basePath: `${id}/templates`, origin: t.origin });
  }
  return next;
}

/** sort.Sort(sort.Reverse(byPathLen)): deepest first, then reverse lexicographic. */
export function sortTemplates(names: string[]): string[] {
  const depth = (s: string): number => s.split('/').length - 1;
  return [...names].sort((a, b) => {
    const da = depth(a);
    const db = depth(b);
    if (da !== db) return db - da;
    return a < b ? 1 : a > b ? -1 : 0;
  });
}

/** Removes every "<no value>" and moves provenance offsets accordingly. */
export function stripNoValue(output: string, segments: ProvenanceSegment[]): { output: string; segments: ProvenanceSegment[] } {
  const NV = '<no value>';
  if (!output.includes(NV)) return { output, segments };
  const removed: number[] = []; // start offsets (in the original) of removed occurrences
  let i = output.indexOf(NV);
  while (i !== -1) {
    removed.push(i);
    i = output.indexOf(NV, i + NV.length);
  }
  // The occurrences wholly before `off` (a binary search: the work per offset does not grow with their number),
  // plus the part of one that `off` falls inside.
  const map = (off: number): number => {
    let lo = 0;
    let hi = removed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (removed[mid] + NV.length <= off) lo = mid + 1;
      else hi = mid;
    }
    const inside = lo < removed.length && removed[lo] < off ? off - removed[lo] : 0;
    return off - lo * NV.length - inside;
  };
  const segs: ProvenanceSegment[] = [];
  for (const s of segments) {
    const start = map(s.start);
    const end = map(s.end);
    if (end > start) segs.push({ ...s, start, end });
  }
  return { output: output.split(NV).join(''), segments: segs };
}

function locationOf(msg: string): { file?: string; line?: number; column?: number } {
  const m = /\(([^():]+):(\d+)(?::(\d+))?\)/.exec(msg) ?? /^([^\s:]+):(\d+)(?::(\d+))?/m.exec(msg) ?? /template: ([^\s:]+):(\d+)(?::(\d+))?/.exec(msg);
  if (!m) return {};
  return { file: m[1], line: Number(m[2]), column: m[3] ? Number(m[3]) : undefined };
}

/** Engine.Render: all templates of the chart tree into one set; executes every non-partial template. */
export function renderTemplates(chart: Chart, top: Values, opts: EngineOptions): EngineResult {
  const templates = new Map<string, Renderable>();
  recAllTpls(chart, templates, top, opts.toYaml);
  const origins = new Map<string, string>();
  for (const [k, r] of templates) origins.set(k, r.origin);
  const keys = sortTemplates([...templates.keys()]);
  const t = new Template('gotpl', { options: [opts.strict ? 'missingkey=error' : 'missingkey=zero'] });
  t.funcs(opts.funcs);
  for (const name of keys) {
    try {
      t.new(name).parse(templates.get(name)!.tpl);
    } catch (err) {
      if (err instanceof TemplateError) {
        const msg = cleanupParseError(name, err.message);
        const loc = locationOf(msg);
        throw new RenderError(msg, origins.get(loc.file ?? name) ?? origins.get(name), loc.line, loc.column);
      }
      throw err;
    }
  }
  const rendered: RenderedTemplate[] = [];
  let budget = opts.maxOutputLength;
  for (const name of keys) {
    if (path.posix.basename(name).startsWith('_')) continue;
    const r = templates.get(name)!;
    r.vals.set('Template', new Map<string, GoValue>([['Name', name], ['BasePath', r.basePath]]));
    let res: { output: string; segments: ProvenanceSegment[] };
    try {
      res = t.executeWithProvenance(r.vals, { name, deadline: opts.deadline, maxOutputLength: budget });
    } catch (err) {
      if (err instanceof TemplateError) {
        if (err.kind === 'limit') throw new RenderError(`${name}: ${err.message}`, origins.get(name));
        const msg = err.kind === 'exec' ? cleanupExecError(name, err.message) : err.message;
        const loc = locationOf(msg);
        throw new RenderError(msg, origins.get(loc.file ?? name) ?? origins.get(name), loc.line, loc.column);
      }
      throw err;
    }
    if (budget !== undefined) budget -= res.output.length;
    const stripped = stripNoValue(res.output, res.segments);
    rendered.push({ name, output: stripped.output, segments: stripped.segments });
  }
  return { rendered, origins };
}

/** ToRenderValues: the top-level context {Chart, Capabilities, Release, Values}. */
export function toRenderValues(chart: Chart, values: Values, release: ReleaseOptions, caps: Capabilities, toYaml: (v: GoValue) => string): Values {
  return new Map<string, GoValue>([
    ['Chart', chartValue(chart)],
    ['Capabilities', capabilitiesValue(caps)],
    ['Release', releaseValue(release)],
    ['Values', withValuesMethods(values, toYaml)]
  ]);
}

/** For values embedded by tests: a YAML text to Values. */
export function valuesFromYaml(text: string): Values {
  let v: unknown;
  try {
    v = parseYamlGo(text);
  } catch (err) {
    if (err instanceof GoYamlError) throw new RenderError(err.message);
    throw err;
  }
  const g = yamlToGo(v ?? new Map());
  return isTable(g) ? deepCopy(g) : new Map();
}
