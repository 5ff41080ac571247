/**
 * Argo CD ApplicationSets expanded as the ApplicationSet controller expands them (argoproj/argo-cd applicationset/
 * generators, applicationset/utils), from what the repository holds: the `list`, `git` (directories and files of
 * this repository), `matrix` (two children, the second templated with the first's parameters) and `merge`
 * generators, post-selectors, and both template engines — fasttemplate (`{{key}}` over flat parameters, an unknown
 * key left as written) and `goTemplate` (Go text/template with Sprig minus env/expandenv/getHostByName, plus
 * `normalize`, `slugify`, `toYaml`, `fromYaml`, `fromYamlArray`) — on every string of the template, then
 * `templatePatch`; the `clusters` generator from the config's cluster list. Generated Applications take the
 * ApplicationSet's namespace; each field is located on the template line (or the patch) that wrote it. Generators
 * that need a live service (pull requests, SCM providers, plugins, cluster decision resources) are problems: the
 * set is not checked.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { selectorMatches } from '../objects/label-selector.js';
import { makeObject } from '../objects/manifests.js';
import { isRecord, type JsonPath, type KubeObject, type Located } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import type { RepoFiles } from '../repo/files.js';
import type { ClusterConfig } from '../targets/types.js';
import { defineFunc, fromJS, GoInt, Template, TemplateError, type FuncMap, type GoValue } from './gotemplate/index.js';
import { slugMake } from './gosimple-slug.js';
import { createHelmFuncs } from './helm/funcs/index.js';
import { createSprigFuncs } from './sprig/index.js';

type Params = Record<string, unknown>;

/** The Applications a set generates, or the reason it cannot be expanded (with where the reason is written). */
export type ApplicationSetExpansion = { applications: KubeObject[] } | { problem: { path: JsonPath; reason: string } };

/** Whether a Git `repoURL` at `revision` is this checkout, this side of the pull request. */
export type IsThisRepository = (repoURL: string, revision: string) => boolean;

class Unexpandable extends Error {
  constructor(
    readonly at: JsonPath,
    reason: string
  ) {
    super(reason);
  }
}

/** Most Applications one set may generate (a matrix of two large generators multiplies). */
const MAX_APPLICATIONS = 2000;

export function expandApplicationSet(set: KubeObject, repo: RepoFiles, isThisRepository: IsThisRepository, clusters: readonly ClusterConfig[] = []): ApplicationSetExpansion {
  const spec = isRecord(set.body.spec) ? set.body.spec : {};
  const goTemplate = spec.goTemplate === true;
  const options = Array.isArray(spec.goTemplateOptions) ? spec.goTemplateOptions.filter((o): o is string => typeof o === 'string') : [];
  const engine: Engine = goTemplate ? new GoEngine(options) : new FastEngine();
  try {
    const generators = Array.isArray(spec.generators) ? spec.generators : [];
    const sets: { params: Params; generator: number }[] = [];
    generators.forEach((g, i) => {
      for (const params of generate(g, ['spec', 'generators', i], { repo, isThisRepository, engine, goTemplate, clusters })) sets.push({ params, generator: i });
    });
    if (sets.length > MAX_APPLICATIONS) throw new Unexpandable(['spec', 'generators'], `it generates ${sets.length} Applications, over the gate's limit of ${MAX_APPLICATIONS}`);
    const template = isRecord(spec.template) ? spec.template : {};
    const applications: KubeObject[] = [];
    const names = new Set<string>();
    for (const { params, generator } of sets) {
      const g = generators[generator];
      const own = isRecord(g) && isRecord(Object.values(g).find(isRecord)?.template) ? (Object.values(g).find(isRecord)!.template as Record<string, unknown>) : undefined;
      const merged = own ? deepMerge(structuredClone(template), own) : template;
      const rendered = engine.renderTree(structuredClone(merged), params, ['spec', 'template']) as Record<string, unknown>;
      let patchedPaths: ((p: JsonPath) => boolean) | undefined;
      if (typeof spec.templatePatch === 'string') {
        const text = engine.render(spec.templatePatch, params, ['spec', 'templatePatch']);
        const patch = parseYaml(text, set.sourceMap.locate(['spec', 'templatePatch']).location.file).documents[0]?.value;
        if (patch !== undefined && !isRecord(patch)) throw new Unexpandable(['spec', 'templatePatch'], 'its templatePatch is not a YAML mapping');
        if (isRecord(patch)) {
          const project = isRecord(rendered.spec) ? rendered.spec.project : undefined;
          deepMerge(rendered, patch);
          if (isRecord(rendered.spec)) rendered.spec.project = project;
          patchedPaths = (p) => hasPath(patch, p);
        }
      }
      const metadata = isRecord(rendered.metadata) ? rendered.metadata : {};
      const name = typeof metadata.name === 'string' ? metadata.name : '';
      if (names.has(name)) throw new Unexpandable(['spec', 'template', 'metadata', 'name'], `it generates two Applications named "${name}" (the controller refuses the set)`);
      names.add(name);
      const body = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...rendered, metadata: { ...metadata, namespace: set.namespace ?? 'argocd' } };
      applications.push(makeObject(body, set.target, generatedSourceMap(set, patchedPaths)));
    }
    return { applications };
  } catch (err) {
    if (err instanceof Unexpandable) return { problem: { path: err.at, reason: err.message } };
    if (err instanceof TemplateError) return { problem: { path: ['spec', 'template'], reason: `its template fails: ${err.message}` } };
    throw err;
  }
}

/** Fields of a generated Application located on the template (or templatePatch) line that wrote them. */
function generatedSourceMap(set: KubeObject, patched: ((p: JsonPath) => boolean) | undefined) {
  return {
    locate(p: JsonPath): Located {
      if (patched?.(p)) return { ...set.sourceMap.locate(['spec', 'templatePatch']), foundPath: p };
      const located = set.sourceMap.locate(['spec', 'template', ...p]);
      return { ...located, foundPath: located.foundPath.slice(2) };
    }
  };
}

interface Context {
  clusters: readonly ClusterConfig[];
  repo: RepoFiles;
  isThisRepository: IsThisRepository;
  engine: Engine;
  goTemplate: boolean;
}

/** The parameter sets of one generator, after its post-selector. */
function generate(generator: unknown, at: JsonPath, ctx: Context): Params[] {
  if (!isRecord(generator)) throw new Unexpandable(at, 'a generator is not a mapping');
  const kinds = Object.keys(generator).filter((k) => k !== 'selector' && k !== 'values');
  if (kinds.length !== 1) throw new Unexpandable(at, `a generator names ${kinds.length === 0 ? 'no' : 'more than one'} kind (${kinds.join(', ')})`);
  const kind = kinds[0];
  const body = generator[kind];
  let sets: Params[];
  switch (kind) {
    case 'list':
      sets = listParams(body, [...at, kind], ctx);
      break;
    case 'git':
      sets = gitParams(body, [...at, kind], ctx);
      break;
    case 'matrix':
      sets = matrixParams(body, [...at, kind], ctx);
      break;
    case 'merge':
      sets = mergeParams(body, [...at, kind], ctx);
      break;
    case 'clusters':
      sets = clusterParams(body, [...at, kind], ctx);
      break;
    case 'clusterDecisionResource':
    case 'pullRequest':
    case 'scmProvider':
    case 'plugin':
      throw new Unexpandable([...at, kind], `its ${kind} generator needs a live service (a provider's API, a plugin or a cluster resource), which the gate does not call`);
    default:
      throw new Unexpandable([...at, kind], `its ${kind} generator is not known to the gate`);
  }
  const values = isRecord(isRecord(body) ? body.values : undefined) ? ((body as Params).values as Params) : undefined;
  if (values) sets = sets.map((p) => withValues(p, values, ctx));
  return isRecord(generator.selector) ? sets.filter((p) => selects(generator.selector as Params, p, ctx.goTemplate)) : sets;
}

/** `values` of a generator, each templated with the generator's own parameters (`values.<key>`, or `.values`). */
function withValues(params: Params, values: Params, ctx: Context): Params {
  const rendered: Params = {};
  for (const [k, v] of Object.entries(values)) rendered[k] = typeof v === 'string' ? ctx.engine.render(v, params, []) : v;
  if (ctx.goTemplate) return { ...params, values: rendered };
  const out = { ...params };
  for (const [k, v] of Object.entries(rendered)) out[`values.${k}`] = v;
  return out;
}

function listParams(body: unknown, at: JsonPath, ctx: Context): Params[] {
  if (!isRecord(body)) throw new Unexpandable(at, 'its list generator is not a mapping');
  let elements: unknown[] = Array.isArray(body.elements) ? body.elements : [];
  if (typeof body.elementsYaml === 'string' && body.elementsYaml.trim() !== '') {
    const parsed = parseYaml(body.elementsYaml, 'elementsYaml').documents[0]?.value;
    if (!Array.isArray(parsed)) throw new Unexpandable([...at, 'elementsYaml'], 'its elementsYaml is not a YAML list');
    elements = [...elements, ...parsed];
  }
  return elements.map((e, i) => {
    if (!isRecord(e)) throw new Unexpandable([...at, 'elements', i], 'a list element is not a mapping');
    if (ctx.goTemplate) return e;
    const flat: Params = {};
    for (const [k, v] of Object.entries(e)) {
      if (k === 'values' && isRecord(v)) for (const [vk, vv] of Object.entries(v)) flat[`values.${vk}`] = String(vv);
      else if (typeof v === 'string') flat[k] = v;
      else throw new Unexpandable([...at, 'elements', i, k], `a list element's ${k} is not a string (fasttemplate takes strings only; set goTemplate: true)`);
    }
    return flat;
  });
}

/** `git` with `directories` or `files` of this repository. */
function gitParams(body: unknown, at: JsonPath, ctx: Context): Params[] {
  if (!isRecord(body)) throw new Unexpandable(at, 'its git generator is not a mapping');
  const repoURL = typeof body.repoURL === 'string' ? body.repoURL : '';
  const revision = typeof body.revision === 'string' ? body.revision : '';
  if (!ctx.isThisRepository(repoURL, revision)) throw new Unexpandable([...at, 'repoURL'], `its git generator reads ${repoURL || '(no repoURL)'}${revision ? ` at ${revision}` : ''}, which is not this repository at this revision; other repositories are not fetched`);
  const prefix = typeof body.pathParamPrefix === 'string' && body.pathParamPrefix !== '' ? body.pathParamPrefix : undefined;
  if (Array.isArray(body.directories)) return directoryParams(body.directories, [...at, 'directories'], ctx, prefix);
  if (Array.isArray(body.files)) return fileParams(body.files, [...at, 'files'], ctx, prefix);
  throw new Unexpandable(at, 'its git generator lists neither directories nor files');
}

function directoryParams(entries: unknown[], at: JsonPath, ctx: Context, prefix: string | undefined): Params[] {
  const dirs = new Set<string>();
  for (const file of ctx.repo.walk('')) {
    const parts = file.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const visible = [...dirs].filter((d) => !d.split('/').some((s) => s.startsWith('.'))).sort();
  const include: ((d: string) => boolean)[] = [];
  const exclude: ((d: string) => boolean)[] = [];
  entries.forEach((e, i) => {
    if (!isRecord(e) || typeof e.path !== 'string') throw new Unexpandable([...at, i], 'a directories entry has no path');
    (e.exclude === true ? exclude : include).push(goPathMatch(e.path));
  });
  return visible.filter((d) => include.some((m) => m(d)) && !exclude.some((m) => m(d))).map((d) => pathParams(d, undefined, ctx.goTemplate, prefix));
}

function fileParams(entries: unknown[], at: JsonPath, ctx: Context, prefix: string | undefined): Params[] {
  const files = ctx.repo.walk('').sort();
  const include: ((f: string) => boolean)[] = [];
  const exclude: ((f: string) => boolean)[] = [];
  entries.forEach((e, i) => {
    if (!isRecord(e) || typeof e.path !== 'string') throw new Unexpandable([...at, i], 'a files entry has no path');
    (e.exclude === true ? exclude : include).push(gitPathspec(e.path));
  });
  const out: Params[] = [];
  for (const file of files.filter((f) => include.some((m) => m(f)) && !exclude.some((m) => m(f)))) {
    const parsed = parseYaml(ctx.repo.readText(file), file);
    if (parsed.errors.length > 0) throw new Unexpandable(at, `${file}, which the git files generator reads, is not valid YAML or JSON (${parsed.errors[0].reason})`);
    const value = parsed.documents[0]?.value;
    const objects = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    for (const object of objects) {
      if (!isRecord(object)) throw new Unexpandable(at, `${file}, which the git files generator reads, does not hold a mapping`);
      const params = ctx.goTemplate ? { ...object } : flatten(object);
      out.push({ ...params, ...pathParams(path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file), path.posix.basename(file), ctx.goTemplate, prefix) });
    }
  }
  return out;
}

/** `path`, `path.basename`, `path.basenameNormalized`, `path[n]` (and the file's name) as the git generator sets them. */
function pathParams(dir: string, filename: string | undefined, goTemplate: boolean, prefix: string | undefined): Params {
  const segments = dir === '' ? [] : dir.split('/');
  const basename = segments.length > 0 ? segments[segments.length - 1] : '.';
  const p: Params = { path: dir || '.', basename, basenameNormalized: sanitizeName(basename), segments };
  if (filename !== undefined) Object.assign(p, { filename, filenameNormalized: sanitizeName(filename) });
  if (goTemplate) return prefix ? { [prefix]: { path: p } } : { path: p };
  const key = prefix ? `${prefix}.path` : 'path';
  const flat: Params = { [key]: p.path, [`${key}.basename`]: basename, [`${key}.basenameNormalized`]: p.basenameNormalized };
  segments.forEach((s, i) => (flat[`${key}[${i}]`] = s));
  if (filename !== undefined) Object.assign(flat, { [`${key}.filename`]: filename, [`${key}.filenameNormalized`]: p.filenameNormalized });
  return flat;
}

/**
 * `clusters`: one set per cluster of the config's `clusters` list (Argo CD's cluster Secrets are not in the
 * repository), its `selector` matched against the cluster's labels: `name`, `nameNormalized`, `server`, `project`,
 * `metadata.labels.*` and `metadata.annotations.*`.
 */
function clusterParams(body: unknown, at: JsonPath, ctx: Context): Params[] {
  if (ctx.clusters.length === 0) throw new Unexpandable(at, "its clusters generator lists Argo CD's clusters, and the config names none (`clusters:`)");
  const selector = isRecord(body) && isRecord(body.selector) ? body.selector : undefined;
  const out: Params[] = [];
  for (const cluster of ctx.clusters) {
    const labels = cluster.labels ?? {};
    if (selector && !selects(selector, labels, false)) continue;
    const name = cluster.name ?? cluster.server ?? '';
    const base = { name, nameNormalized: sanitizeName(name), server: cluster.server ?? '', project: '' };
    if (ctx.goTemplate) {
      out.push({ ...base, metadata: { labels, annotations: cluster.annotations ?? {} } });
      continue;
    }
    const flat: Params = { ...base };
    for (const [k, v] of Object.entries(labels)) flat[`metadata.labels.${k}`] = v;
    for (const [k, v] of Object.entries(cluster.annotations ?? {})) flat[`metadata.annotations.${k}`] = v;
    out.push(flat);
  }
  return out;
}

function matrixParams(body: unknown, at: JsonPath, ctx: Context): Params[] {
  const children = isRecord(body) && Array.isArray(body.generators) ? body.generators : [];
  if (children.length !== 2) throw new Unexpandable(at, `its matrix generator has ${children.length} generators; the controller takes exactly two`);
  const out: Params[] = [];
  for (const first of generate(children[0], [...at, 'generators', 0], ctx)) {
    // The second generator may use the first's parameters.
    const second = ctx.engine.renderTree(structuredClone(children[1]), first, [...at, 'generators', 1]);
    for (const p of generate(second, [...at, 'generators', 1], ctx)) out.push(ctx.goTemplate ? deepMerge(structuredClone(first), p) : { ...first, ...p });
    // A product grows fast: stop as soon as it is over the limit, not after building it.
    if (out.length > MAX_APPLICATIONS) throw new Unexpandable(at, `its matrix generator makes more than ${MAX_APPLICATIONS} parameter sets, over the gate's limit`);
  }
  return out;
}

function mergeParams(body: unknown, at: JsonPath, ctx: Context): Params[] {
  const children = isRecord(body) && Array.isArray(body.generators) ? body.generators : [];
  const keys = isRecord(body) && Array.isArray(body.mergeKeys) ? body.mergeKeys.filter((k): k is string => typeof k === 'string') : [];
  if (children.length < 2 || keys.length === 0) throw new Unexpandable(at, 'its merge generator needs at least two generators and mergeKeys');
  const keyOf = (p: Params) => JSON.stringify(keys.map((k) => (ctx.goTemplate ? lookup(p, k) : p[k])));
  const base = generate(children[0], [...at, 'generators', 0], ctx);
  for (let i = 1; i < children.length; i++) {
    const later = new Map(generate(children[i], [...at, 'generators', i], ctx).map((p) => [keyOf(p), p]));
    for (let j = 0; j < base.length; j++) {
      const match = later.get(keyOf(base[j]));
      if (match) base[j] = ctx.goTemplate ? deepMerge(structuredClone(base[j]), match) : { ...base[j], ...match };
    }
  }
  return base;
}

/** A post-selector (matchLabels, matchExpressions) over a parameter set. */
function selects(selector: Params, params: Params, goTemplate: boolean): boolean {
  return selectorMatches(selector, (k) => {
    const v = goTemplate ? lookup(params, k) : params[k];
    return v === undefined || v === null ? undefined : String(v);
  });
}

interface Engine {
  render(text: string, params: Params, at: JsonPath): string;
  /** Every string in `value` rendered (keys are not templated). */
  renderTree(value: unknown, params: Params, at: JsonPath): unknown;
}

abstract class TreeEngine implements Engine {
  abstract render(text: string, params: Params, at: JsonPath): string;

  renderTree(value: unknown, params: Params, at: JsonPath): unknown {
    if (typeof value === 'string') return value.includes('{{') ? this.render(value, params, at) : value;
    if (Array.isArray(value)) return value.map((v, i) => this.renderTree(v, params, [...at, i]));
    if (isRecord(value)) {
      const out: Params = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.renderTree(v, params, [...at, k]);
      return out;
    }
    return value;
  }
}

/** fasttemplate as the controller uses it: `{{ key }}` replaced by a flat parameter, an unknown key kept as written. */
class FastEngine extends TreeEngine {
  render(text: string, params: Params): string {
    return text.replace(/\{\{([^{}]*)\}\}/g, (whole, key: string) => {
      const v = params[key.trim()];
      return v === undefined ? whole : String(v);
    });
  }
}

/** Go text/template with Argo CD's function map. */
class GoEngine extends TreeEngine {
  private readonly funcs: FuncMap;

  constructor(private readonly options: string[]) {
    super();
    const sprig = createSprigFuncs();
    const helm = createHelmFuncs();
    delete sprig.env;
    delete sprig.expandenv;
    delete sprig.getHostByName;
    this.funcs = {
      ...sprig,
      toYaml: helm.toYaml,
      fromYaml: helm.fromYaml,
      fromYamlArray: helm.fromYamlArray,
      normalize: defineFunc({ params: ['string'], result: 'string' }, (s) => sanitizeName(String(s))),
      slugify: (...args: GoValue[]) => slugifyName(args)
    };
  }

  render(text: string, params: Params): string {
    const t = new Template('', { funcs: this.funcs, options: this.options.length > 0 ? this.options : ['missingkey=default'] });
    t.parse(text);
    // A template is the pull request's text: bounded output and time, as Helm's are.
    return t.execute(fromJS(params), { maxOutputLength: 1 << 20, deadline: Date.now() + 5000 });
  }
}

/** Argo CD's SanitizeName: lower case, characters outside `[-a-z0-9.]` as `-`, at most 253, trimmed of `-` and `.`. */
export function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, '-')
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * Argo CD's SlugifyName: `slugify NAME`, `slugify MAX NAME` or `slugify MAX SMART NAME` (max 50 and smart by
 * default): the name sanitized, then gosimple/slug's `Make`.
 */
function slugifyName(args: GoValue[]): string {
  const at = (i: number): GoValue => (i < args.length - 1 ? args[i] : undefined);
  const max = at(0) instanceof GoInt ? Number((at(0) as GoInt).value) : typeof at(0) === 'number' ? (at(0) as number) : 50;
  const smart = typeof at(1) === 'boolean' ? (at(1) as boolean) : true;
  const name = args.length > 0 ? args[args.length - 1] : '';
  if (typeof name !== 'string') throw new Error(`interface conversion: interface {} is ${typeof name}, not string`);
  return slugMake(sanitizeName(name), max, smart);
}

/** Go's path.Match: `*` and `?` never cross `/`. */
function goPathMatch(pattern: string): (p: string) => boolean {
  return picomatch(pattern, { dot: true, nobrace: true, noextglob: true, noglobstar: true, nonegate: true });
}

/** A `git ls-files` pathspec glob: `*` and `?` also match `/`. */
function gitPathspec(pattern: string): (p: string) => boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const compiled = new RegExp(`^${re}$`);
  return (p) => compiled.test(p);
}

function flatten(value: Params, prefix = '', out: Params = {}): Params {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isRecord(v)) flatten(v, key, out);
    else out[key] = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

function lookup(params: Params, dotted: string): unknown {
  let cur: unknown = params;
  for (const seg of dotted.split('.')) cur = isRecord(cur) ? cur[seg] : undefined;
  return cur;
}

/** Maps merged key by key; anything else (lists included) replaced, as a strategic merge patch without merge keys. */
function deepMerge<T extends Params>(target: T, patch: Params): T {
  for (const [k, v] of Object.entries(patch)) {
    const cur = (target as Params)[k];
    if (isRecord(cur) && isRecord(v)) deepMerge(cur, v);
    else (target as Params)[k] = structuredClone(v);
  }
  return target;
}

function hasPath(value: unknown, p: JsonPath): boolean {
  let cur = value;
  for (const seg of p) {
    if (isRecord(cur) && typeof seg === 'string' && seg in cur) cur = cur[seg];
    else if (Array.isArray(cur) && typeof seg === 'number' && seg < cur.length) cur = cur[seg];
    else return false;
  }
  return p.length > 0;
}
