/**
 * Helm charts in memory and how they are loaded (port of pkg/chart/v2/loader): from a folder read through
 * RepoFiles (with .helmignore) or from a .tgz archive; subcharts under charts/ (folders and archives);
 * Chart.yaml (apiVersion v1 with requirements.yaml, or v2), values.yaml, values.schema.json, templates/
 * and everything else as .Files. Metadata is validated as Helm validates it. One load has one decompression
 * budget (archive.ts ArchiveBudget): the chart's archive, its subchart archives and the archives nested in those
 * all draw on it, however deep.
 */
import path from 'node:path';
import { InputError, type RepoFiles } from '../../repo/files.js';
import type { GoValue } from '../gotemplate/index.js';
import { ArchiveBudget, ArchiveError, readTarGz, type ArchiveLimits } from './archive.js';
import { BadPatternError, goPathMatch } from './glob.js';
import { isCompatibleRange, parseSemver } from './semver.js';
import { GoYamlError, jsonKind, parseYamlGo, readValuesText, yamlScalarAsString } from './yamlgo.js';

/** A chart file: its name inside the chart and where it came from (repo path, or archive!/entry). */
export interface ChartFile {
  name: string;
  data: Buffer;
  origin: string;
}

export interface Maintainer {
  name: string;
  email: string;
  url: string;
}

export interface Dependency {
  name: string;
  version: string;
  repository: string;
  condition: string;
  tags: string[];
  enabled: boolean;
  importValues: unknown[];
  alias: string;
}

export interface Metadata {
  name: string;
  home: string;
  sources: string[] | null;
  version: string;
  description: string;
  keywords: string[] | null;
  maintainers: Maintainer[] | null;
  icon: string;
  apiVersion: string;
  condition: string;
  tags: string;
  appVersion: string;
  deprecated: boolean;
  annotations: Record<string, string> | null;
  kubeVersion: string;
  dependencies: Dependency[] | null;
  type: string;
}

export interface Chart {
  metadata: Metadata;
  templates: ChartFile[];
  /** Default values (values.yaml), Go values. */
  values: Map<string, GoValue>;
  /** values.yaml as loaded (for source maps). */
  valuesFile?: ChartFile;
  /** The files whose merge replaced values.yaml before rendering (Flux HelmChart valuesFiles), for source maps. */
  defaultsFrom?: ChartFile[];
  schema?: ChartFile;
  /** Everything else: .Files. */
  files: ChartFile[];
  dependencies: Chart[];
  parent?: Chart;
  /** Folder or archive the chart was loaded from. */
  origin: string;
}

export class ChartError extends Error {
  constructor(message: string, readonly file?: string) {
    super(message);
    this.name = 'ChartError';
  }
}

export interface LoadOptions {
  /** Limits of the chart's decompression budget (one for the whole load; see archiveBudget). */
  archiveLimits?: ArchiveLimits;
  /**
   * The budget every archive of the load draws on: the chart's own, each subchart archive and each archive nested
   * in one. Made from archiveLimits when the load starts, when not given.
   */
  archiveBudget?: ArchiveBudget;
  /** Most files one chart folder (with its subcharts) may hold. */
  maxFiles?: number;
}

/** The options with the load's one decompression budget (made here, at the start of a load, when missing). */
function withBudget(options: LoadOptions): LoadOptions & { archiveBudget: ArchiveBudget } {
  return options.archiveBudget ? { ...options, archiveBudget: options.archiveBudget } : { ...options, archiveBudget: new ArchiveBudget(options.archiveLimits) };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function trimBom(b: Buffer): Buffer {
  return b.subarray(0, 3).equals(UTF8_BOM) ? b.subarray(3) : b;
}

export function chartName(c: Chart): string {
  return c.metadata.name;
}

export function isRoot(c: Chart): boolean {
  return !c.parent;
}

/** `root/charts/sub/...`: the prefix of template names. */
export function chartFullPath(c: Chart): string {
  return c.parent ? `${chartFullPath(c.parent)}/charts/${c.metadata.name}` : c.metadata.name;
}

// ---------------------------------------------------------------- .helmignore

interface IgnoreRule {
  negate: boolean;
  mustDir: boolean;
  match: (n: string) => boolean;
}

/** pkg/ignore: gitignore-like rules (no `**`), plus the default `templates/.?*`. */
export function parseHelmignore(text: string, file: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const add = (raw: string): void => {
    let rule = raw.trim();
    if (rule === '' || rule.startsWith('#')) return;
    if (rule.includes('**')) throw new ChartError('double-star (**) syntax is not supported', file);
    try {
      goPathMatch(rule, 'abc');
    } catch (err) {
      if (err instanceof BadPatternError) throw new ChartError(`syntax error in pattern`, file);
      throw err;
    }
    let negate = false;
    let mustDir = false;
    if (rule.startsWith('!')) {
      negate = true;
      rule = rule.slice(1);
    }
    if (rule.endsWith('/')) {
      mustDir = true;
      rule = rule.slice(0, -1);
    }
    const r = rule;
    let match: (n: string) => boolean;
    if (r.startsWith('/')) match = (n) => safeMatch(r.slice(1), n);
    else if (r.includes('/')) match = (n) => safeMatch(r, n);
    else match = (n) => safeMatch(r, path.posix.basename(n));
    rules.push({ negate, mustDir, match });
  };
  add('templates/.?*');
  for (const line of text.split('\n')) add(line.replace(/\r$/, ''));
  return rules;
}

function safeMatch(p: string, n: string): boolean {
  try {
    return goPathMatch(p, n);
  } catch {
    return false;
  }
}

export function helmIgnored(rules: IgnoreRule[], n: string, isDir: boolean): boolean {
  if (n === '' || n === '.' || n === './') return false;
  for (const p of rules) {
    if (p.negate) {
      if (p.mustDir && !isDir) return true;
      if (!p.match(n)) return true;
      continue;
    }
    if (p.mustDir && !isDir) continue;
    if (p.match(n)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- loading

interface BufferedFile {
  name: string;
  data: Buffer;
  origin: string;
}

/** Loads a chart folder (repository path) or a chart archive (path ending in .tgz / .tar.gz). */
export function loadChart(repo: RepoFiles, chartPath: string, options: LoadOptions = {}): Chart {
  options = withBudget(options);
  const rel = repo.normalize(chartPath);
  if (repo.isDirectory(rel)) return loadDir(repo, rel, options);
  if (repo.isFile(rel)) return loadArchive(repo.readBytes(rel), rel, options);
  throw new ChartError(`path "${chartPath}" not found`, chartPath);
}

export function loadDir(repo: RepoFiles, dir: string, options: LoadOptions = {}): Chart {
  options = withBudget(options);
  const maxFiles = options.maxFiles ?? 20_000;
  let rules: IgnoreRule[];
  const ignoreFile = dir ? `${dir}/.helmignore` : '.helmignore';
  rules = parseHelmignore('', ignoreFile);
  if (repo.isFile(ignoreFile)) rules = parseHelmignore(repo.readText(ignoreFile), ignoreFile);
  const files: BufferedFile[] = [];
  const visit = (relDir: string, depth: number): void => {
    if (depth > 64) throw new ChartError(`chart folder nests deeper than 64 levels`, relDir);
    const abs = relDir ? `${dir}${dir ? '/' : ''}${relDir}` : dir;
    for (const entry of repo.list(abs)) {
      const n = relDir ? `${relDir}/${entry.name}` : entry.name;
      const repoPath = dir ? `${dir}/${n}` : n;
      if (entry.isDir) {
        if (helmIgnored(rules, n, true)) continue;
        visit(n, depth + 1);
        continue;
      }
      if (helmIgnored(rules, n, false)) continue;
      if (files.length >= maxFiles) throw new ChartError(`chart has more than ${maxFiles} files; not loaded`, dir);
      files.push({ name: n, data: trimBom(repo.readBytes(repoPath)), origin: repoPath });
    }
  };
  visit('', 0);
  return loadFiles(files, dir || '.', options);
}

/** LoadArchive: the archive's top folder is stripped from every name. */
export function loadArchive(data: Buffer, origin: string, options: LoadOptions = {}): Chart {
  options = withBudget(options);
  let entries;
  try {
    entries = readTarGz(data, options.archiveBudget, origin);
  } catch (err) {
    if (err instanceof ArchiveError) throw new ChartError(err.message, origin);
    throw err;
  }
  const files: BufferedFile[] = [];
  for (const e of entries) {
    const parts = e.name.split('/');
    if (parts[0] === 'Chart.yaml') throw new ChartError('chart yaml not in base directory', origin);
    const n = parts.slice(1).join('/');
    if (n === '') throw new ChartError(`chart illegally contains content outside the base directory: "${e.name}"`, origin);
    if (/^[A-Za-z]:/.test(n)) throw new ChartError('chart contains illegally named files', origin);
    files.push({ name: n, data: trimBom(e.data), origin: `${origin}!/${e.name}` });
  }
  if (files.length === 0) throw new ChartError('no files in chart archive', origin);
  return loadFiles(files, origin, options);
}

/** LoadFiles: sorts the files into the chart's parts; subcharts are loaded recursively. */
export function loadFiles(files: BufferedFile[], origin: string, options: LoadOptions = {}): Chart {
  options = withBudget(options);
  let metadata: Metadata | undefined;
  let requirements: unknown;
  const chart: Chart = { metadata: undefined as unknown as Metadata, templates: [], values: new Map(), files: [], dependencies: [], origin };
  const subcharts = new Map<string, BufferedFile[]>();
  for (const f of files) {
    if (f.name === 'Chart.yaml') {
      metadata = parseMetadata(f, 'Chart.yaml', metadata);
      if (metadata.apiVersion === '') metadata.apiVersion = 'v1';
    } else if (f.name === 'Chart.lock' || f.name === 'requirements.lock') {
      // lock files only matter to `helm dependency build`
    } else if (f.name === 'values.yaml') {
      try {
        chart.values = readValuesText(f.data.toString('utf8'));
      } catch (err) {
        if (err instanceof GoYamlError) throw new ChartError(`cannot load values.yaml: ${err.message}`, f.origin);
        throw err;
      }
      chart.valuesFile = { name: f.name, data: f.data, origin: f.origin };
    } else if (f.name === 'values.schema.json') {
      chart.schema = { name: f.name, data: f.data, origin: f.origin };
    } else if (f.name === 'requirements.yaml') {
      requirements = f;
    } else if (f.name.startsWith('templates/')) {
      chart.templates.push({ name: f.name, data: f.data, origin: f.origin });
    } else if (f.name.startsWith('charts/')) {
      if (path.posix.extname(f.name) === '.prov') {
        chart.files.push({ name: f.name, data: f.data, origin: f.origin });
        continue;
      }
      const fname = f.name.slice('charts/'.length);
      const cname = fname.split('/')[0];
      const list = subcharts.get(cname) ?? [];
      list.push({ name: fname, data: f.data, origin: f.origin });
      subcharts.set(cname, list);
    } else {
      chart.files.push({ name: f.name, data: f.data, origin: f.origin });
    }
  }
  if (requirements) {
    const f = requirements as BufferedFile;
    metadata = parseMetadata(f, 'requirements.yaml', metadata ?? emptyMetadata());
  }
  if (!metadata) throw new ChartError('Chart.yaml file is missing', origin);
  if (metadata.apiVersion === '') metadata.apiVersion = 'v1';
  chart.metadata = metadata;
  validateMetadata(metadata, origin);

  for (const n of [...subcharts.keys()].sort()) {
    const sfiles = subcharts.get(n)!;
    if (n.startsWith('_') || n.startsWith('.')) continue;
    let sc: Chart;
    try {
      if (path.posix.extname(n) === '.tgz') {
        const file = sfiles[0];
        if (file.name !== n) throw new ChartError(`error unpacking subchart tar in ${metadata.name}: expected ${n}, got ${file.name}`, file.origin);
        sc = loadArchive(file.data, file.origin, options);
      } else {
        const buff: BufferedFile[] = [];
        for (const f of sfiles) {
          const i = f.name.indexOf('/');
          if (i < 0) continue;
          buff.push({ name: f.name.slice(i + 1), data: f.data, origin: f.origin });
        }
        sc = loadFiles(buff, `${origin}/charts/${n}`, options);
      }
    } catch (err) {
      if (err instanceof ChartError) throw new ChartError(`error unpacking subchart ${n} in ${metadata.name}: ${err.message}`, err.file);
      throw err;
    }
    sc.parent = chart;
    chart.dependencies.push(sc);
  }
  return chart;
}

/**
 * `helm dependency build` for `file://` dependencies of a chart folder: each one that charts/ does not already hold
 * is loaded from its folder in the repository (with that folder's .helmignore and its own charts/), as the build
 * would package it. Paths are read through RepoFiles, so a folder outside the repository is refused. The version
 * constraint is checked as the build checks it. Archives carry their dependencies and are left alone; the
 * dependencies' own `file://` dependencies are not followed (the build does not follow them either).
 */
export function addFileDependencies(repo: RepoFiles, chartDir: string, chart: Chart, options: LoadOptions = {}): void {
  const dir = repo.normalize(chartDir);
  if (!repo.isDirectory(dir)) return;
  options = withBudget(options);
  const chartFile = dir ? `${dir}/Chart.yaml` : 'Chart.yaml';
  const missing: string[] = [];
  for (const d of chart.metadata.dependencies ?? []) {
    if (!d.repository.startsWith('file://')) continue;
    if (chart.dependencies.some((c) => chartName(c) === d.name)) continue;
    const rel = d.repository.slice('file://'.length);
    const depDir = repo.resolveFrom(dir, rel, chartFile);
    if (!repo.isDirectory(depDir)) throw new ChartError(`dependency ${JSON.stringify(d.name)}: directory ${rel} not found`, chartFile);
    const sub = loadDir(repo, depDir, options);
    if (d.version !== '' && !isCompatibleRange(d.version, sub.metadata.version)) {
      missing.push(`${JSON.stringify(d.name)} (repository ${JSON.stringify(d.repository)}, version ${JSON.stringify(d.version)})`);
      continue;
    }
    sub.parent = chart;
    chart.dependencies.push(sub);
  }
  if (missing.length > 0) {
    throw new ChartError(`can't get a valid version for ${missing.length} subchart(s): ${missing.join(', ')}. Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml`, chartFile);
  }
}

/**
 * Dependencies fetched from Helm repositories or OCI registries (what `helm dependency build` would have written
 * into charts/): each archive that charts/ does not already hold is loaded, under the chart's one decompression
 * budget, and must be the chart it was fetched as.
 */
export function addArchiveDependencies(chart: Chart, archives: readonly { name: string; origin: string; data: Uint8Array }[], options: LoadOptions = {}): void {
  options = withBudget(options);
  for (const archive of archives) {
    if (chart.dependencies.some((c) => chartName(c) === archive.name)) continue;
    const sub = loadArchive(Buffer.from(archive.data.buffer, archive.data.byteOffset, archive.data.byteLength), archive.origin, options);
    if (chartName(sub) !== archive.name) {
      throw new ChartError(`the archive fetched for dependency ${JSON.stringify(archive.name)} holds the chart ${JSON.stringify(chartName(sub))}`, archive.origin);
    }
    sub.parent = chart;
    chart.dependencies.push(sub);
  }
}

function emptyMetadata(): Metadata {
  return {
    name: '', home: '', sources: null, version: '', description: '', keywords: null, maintainers: null, icon: '',
    apiVersion: '', condition: '', tags: '', appVersion: '', deprecated: false, annotations: null, kubeVersion: '',
    dependencies: null, type: ''
  };
}

/** Case-insensitive field lookup as encoding/json does (exact match first). */
function field(m: Map<unknown, unknown>, name: string): unknown {
  if (m.has(name)) return m.get(name);
  const lower = name.toLowerCase();
  for (const [k, v] of m) if (typeof k === 'string' && k.toLowerCase() === lower) return v;
  return undefined;
}

function unmarshalErr(file: string, kind: string, fieldPath: string, type: string): never {
  throw new ChartError(`cannot load ${file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go struct field ${fieldPath} of type ${type}`);
}

function str(m: Map<unknown, unknown>, name: string, file: string, ctx: string): string {
  const v = field(m, name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return yamlScalarAsString(v) ?? unmarshalErr(file, jsonKind(v), `${ctx}.${name}`, 'string');
}

function strList(m: Map<unknown, unknown>, name: string, file: string, ctx: string): string[] | null {
  const v = field(m, name);
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) return unmarshalErr(file, jsonKind(v), `${ctx}.${name}`, '[]string');
  return v.map((x) => (typeof x === 'string' ? x : x === null ? '' : yamlScalarAsString(x) ?? unmarshalErr(file, jsonKind(x), `${ctx}.${name}`, 'string')));
}

function parseMetadata(f: BufferedFile, file: string, into?: Metadata): Metadata {
  let doc: unknown;
  try {
    doc = parseYamlGo(f.data.toString('utf8'));
  } catch (err) {
    if (err instanceof GoYamlError) throw new ChartError(`cannot load ${file}: error converting YAML to JSON: ${err.message}`, f.origin);
    throw err;
  }
  const md = into ?? emptyMetadata();
  if (doc === null || doc === undefined) return md;
  if (!(doc instanceof Map)) {
    throw new ChartError(`cannot load ${file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(doc)} into Go value of type chart.Metadata`, f.origin);
  }
  const m = doc as Map<unknown, unknown>;
  const ctx = 'Metadata';
  try {
    const has = (n: string): boolean => field(m, n) !== undefined;
    if (has('name')) md.name = str(m, 'name', file, ctx);
    if (has('home')) md.home = str(m, 'home', file, ctx);
    if (has('sources')) md.sources = strList(m, 'sources', file, ctx);
    if (has('version')) md.version = str(m, 'version', file, ctx);
    if (has('description')) md.description = str(m, 'description', file, ctx);
    if (has('keywords')) md.keywords = strList(m, 'keywords', file, ctx);
    if (has('icon')) md.icon = str(m, 'icon', file, ctx);
    if (has('apiVersion')) md.apiVersion = str(m, 'apiVersion', file, ctx);
    if (has('condition')) md.condition = str(m, 'condition', file, ctx);
    if (has('tags')) md.tags = str(m, 'tags', file, ctx);
    if (has('appVersion')) md.appVersion = str(m, 'appVersion', file, ctx);
    if (has('deprecated')) {
      const v = field(m, 'deprecated');
      if (v !== null && typeof v !== 'boolean') unmarshalErr(file, jsonKind(v), `${ctx}.deprecated`, 'bool');
      md.deprecated = v === true;
    }
    if (has('kubeVersion')) md.kubeVersion = str(m, 'kubeVersion', file, ctx);
    if (has('type')) md.type = str(m, 'type', file, ctx);
    if (has('annotations')) {
      const v = field(m, 'annotations');
      if (v === null) md.annotations = null;
      else if (!(v instanceof Map)) unmarshalErr(file, jsonKind(v), `${ctx}.annotations`, 'map[string]string');
      else {
        const a: Record<string, string> = {};
        for (const [k, x] of v as Map<unknown, unknown>) {
          a[String(k)] = x === null ? '' : typeof x === 'string' ? x : yamlScalarAsString(x) ?? unmarshalErr(file, jsonKind(x), `${ctx}.annotations`, 'string');
        }
        md.annotations = a;
      }
    }
    if (has('maintainers')) {
      const v = field(m, 'maintainers');
      if (v === null) md.maintainers = null;
      else if (!Array.isArray(v)) unmarshalErr(file, jsonKind(v), `${ctx}.maintainers`, '[]*chart.Maintainer');
      else {
        md.maintainers = v.map((x) => {
          if (x === null) return { name: '', email: '', url: '' };
          if (!(x instanceof Map)) return unmarshalErr(file, jsonKind(x), `${ctx}.maintainers`, 'chart.Maintainer');
          return { name: str(x, 'name', file, 'Maintainer'), email: str(x, 'email', file, 'Maintainer'), url: str(x, 'url', file, 'Maintainer') };
        });
      }
    }
    if (has('dependencies')) {
      const v = field(m, 'dependencies');
      if (v === null) md.dependencies = null;
      else if (!Array.isArray(v)) unmarshalErr(file, jsonKind(v), `${ctx}.dependencies`, '[]*chart.Dependency');
      else md.dependencies = v.map((x) => parseDependency(x, file));
    }
  } catch (err) {
    if (err instanceof ChartError && !err.file) throw new ChartError(err.message, f.origin);
    throw err;
  }
  return md;
}

function parseDependency(x: unknown, file: string): Dependency {
  const d: Dependency = { name: '', version: '', repository: '', condition: '', tags: [], enabled: false, importValues: [], alias: '' };
  if (x === null) return d;
  if (!(x instanceof Map)) return unmarshalErr(file, jsonKind(x), 'Metadata.dependencies', 'chart.Dependency');
  const m = x as Map<unknown, unknown>;
  d.name = str(m, 'name', file, 'Dependency');
  d.version = str(m, 'version', file, 'Dependency');
  d.repository = str(m, 'repository', file, 'Dependency');
  d.condition = str(m, 'condition', file, 'Dependency');
  d.tags = strList(m, 'tags', file, 'Dependency') ?? [];
  const en = field(m, 'enabled');
  d.enabled = en === true;
  const iv = field(m, 'import-values');
  if (iv !== undefined && iv !== null) {
    if (!Array.isArray(iv)) unmarshalErr(file, jsonKind(iv), 'Dependency.import-values', '[]interface {}');
    d.importValues = iv as unknown[];
  }
  d.alias = str(m, 'alias', file, 'Dependency');
  return d;
}

const ALIAS_RE = /^[a-zA-Z0-9_-]+$/;

function sanitize(s: string): string {
  // strings.Map(func(r) { if unicode.IsSpace(r) return ' '; if !unicode.IsPrint(r) return -1 })
  return [...s].map((c) => (/\s/u.test(c) ? ' ' : /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u.test(c) ? '' : c)).join('');
}

/** Metadata.Validate (errors are "validation: ..."). */
export function validateMetadata(md: Metadata, origin: string): void {
  const fail = (msg: string): never => {
    throw new ChartError(`validation: ${msg}`, origin);
  };
  md.name = sanitize(md.name);
  md.description = sanitize(md.description);
  md.home = sanitize(md.home);
  md.icon = sanitize(md.icon);
  md.condition = sanitize(md.condition);
  md.tags = sanitize(md.tags);
  md.appVersion = sanitize(md.appVersion);
  md.kubeVersion = sanitize(md.kubeVersion);
  if (md.apiVersion === '') fail('chart.metadata.apiVersion is required');
  if (md.name === '') fail('chart.metadata.name is required');
  if (md.name !== path.basename(md.name) || md.name === '.' || md.name === '..') fail(`chart.metadata.name ${JSON.stringify(md.name)} is invalid`);
  if (md.version === '') fail('chart.metadata.version is required');
  if (!parseSemver(md.version)) fail(`chart.metadata.version ${JSON.stringify(md.version)} is invalid`);
  if (!['', 'application', 'library'].includes(md.type)) fail('chart.metadata.type must be application or library');
  const seen = new Set<string>();
  for (const d of md.dependencies ?? []) {
    d.name = sanitize(d.name);
    d.version = sanitize(d.version);
    d.repository = sanitize(d.repository);
    d.condition = sanitize(d.condition);
    d.alias = sanitize(d.alias);
    if (d.name === '') fail('dependencies must have a name');
    if (d.name !== path.basename(d.name)) fail(`dependency name ${JSON.stringify(d.name)} is invalid`);
    if (d.alias !== '' && !ALIAS_RE.test(d.alias)) fail(`dependency "${d.name}" has disallowed characters in the alias`);
    const key = d.alias || d.name;
    if (seen.has(key)) fail(`more than one dependency with name or alias ${JSON.stringify(key)}`);
    seen.add(key);
  }
}

/** CRD files of the chart (crds/*.yaml|yml|json), then of its dependencies. */
export function crdObjects(c: Chart): { name: string; filename: string; file: ChartFile }[] {
  const out: { name: string; filename: string; file: ChartFile }[] = [];
  for (const f of c.files) {
    if (f.name.startsWith('crds/') && ['.yaml', '.yml', '.json'].includes(path.posix.extname(f.name))) {
      out.push({ name: f.name, filename: `${chartFullPath(c)}/${f.name}`, file: f });
    }
  }
  for (const d of c.dependencies) out.push(...crdObjects(d));
  return out;
}

/** Wraps chart loading errors as InputErrors naming the file. */
export function chartInputError(err: ChartError, fallbackFile: string): InputError {
  return new InputError(err.file ?? fallbackFile, err.message, 'helm-chart');
}
