/**
 * Finds what can be rendered in a repository: kustomizations (only the roots people deploy; never a Component),
 * Helm charts (one target per release: defaults and each environment's values; never a library chart) and folders
 * of plain manifests that no kustomization or chart owns.
 *
 * Nothing in scope disappears without a word: every YAML or JSON file outside charts and kustomizations is part of a
 * manifest folder (also one that cannot be read or parsed: rendering reports why), or skipped by a rule the report
 * counts (`skipped`): valid YAML/JSON that holds no Kubernetes object, JSON that no Kubernetes reader accepts, a
 * path the configuration excludes, a folder whose name starts with a dot (`.archive/`, `.taskfiles/`), YAML that is a
 * template for another tool. The last two are scanned when the config says so (`scanHiddenFolders`,
 * `scanTemplates`).
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { InputError, type RepoFiles } from '../repo/files.js';
import { isKubeObject } from '../objects/manifests.js';
import { isRecord } from '../objects/types.js';
import { DEFAULT_YAML_LIMITS, parseYaml } from '../objects/yaml-source.js';
import { parseStream } from '../objects/yaml-stream.js';
import { dedupeErrors, findKustomizationFile, KUSTOMIZATION_FILE_NAMES, loadKustomizationGraph, type KustomizationCache, type KustomizationGraph } from './kustomization.js';
import { helmTargets } from './helm.js';
import type { DiscoveryOptions, SkipReason, Target, TargetKind } from './types.js';

export interface DiscoveryResult {
  targets: Target[];
  /** Problems that belong to no target (a configured target that does not exist, a link leaving the repository). */
  errors: InputError[];
  /** YAML and JSON files in scope that no target renders, each with the documented rule that skips it. */
  skipped: SkippedFile[];
  /** Every file in scope (not in a skipped hidden folder), where declarations look for the objects they name. */
  files: string[];
}


export interface SkippedFile {
  file: string;
  reason: SkipReason;
}

export function targetId(kind: TargetKind, folder: string): string {
  return `${kind}:${folder === '' ? '.' : folder}`;
}

const isManifestFile = (file: string): boolean => /\.(ya?ml|json)$/i.test(file);
const dirOf = (file: string): string => {
  const d = path.posix.dirname(file);
  return d === '.' ? '' : d;
};
/** Whether `file` is `dir` or inside it ('' is the repository root). */
export const isUnder = (file: string, dir: string): boolean => dir === '' || file === dir || file.startsWith(`${dir}/`);

type Matcher = (p: string) => boolean;

function matcher(globs: readonly string[]): Matcher | undefined {
  const list = globs.filter((g) => g.trim() !== '');
  if (list.length === 0) return undefined;
  const m = picomatch(list, { dot: true });
  return (p: string) => m(p);
}

/** Lists the render targets of a repository snapshot. Problems become InputErrors; discovery goes on. */
export function discoverTargets(repo: RepoFiles, options: DiscoveryOptions): DiscoveryResult {
  const errors: InputError[] = [];
  const skipped: SkippedFile[] = [];
  const walked = repo.walk('', errors);
  const hidden = (f: string): boolean => !options.hiddenFolders && f.split('/').slice(0, -1).some((seg) => seg.startsWith('.'));
  for (const f of walked) if (hidden(f) && isManifestFile(f)) skipped.push({ file: f, reason: 'in a hidden folder' });
  const files = walked.filter((f) => !hidden(f));
  const fileSet = new Set(files);
  const dirs = [...new Set(files.map(dirOf))].sort();

  // Helm charts: the outermost folders with a Chart.yaml (nested ones are subcharts).
  const chartDirs = dirs.filter((d) => fileSet.has(d ? `${d}/Chart.yaml` : 'Chart.yaml'));
  const topCharts = chartDirs.filter((d) => !chartDirs.some((o) => o !== d && isUnder(d, o)));
  const inChart = (file: string): boolean => topCharts.some((c) => isUnder(file, c));

  // Kustomizations and their loading graphs.
  const kustomizationNames = new Set<string>(KUSTOMIZATION_FILE_NAMES);
  const kustDirs = dirs.filter((d) => KUSTOMIZATION_FILE_NAMES.some((n) => fileSet.has(d ? `${d}/${n}` : n)) && !inChart(d ? `${d}/x` : 'x'));
  const cache: KustomizationCache = new Map();
  const graphs = new Map<string, KustomizationGraph>();
  for (const d of kustDirs) graphs.set(d, loadKustomizationGraph(repo, d, cache));
  const included = new Set<string>();
  for (const d of kustDirs) for (const inc of cache.get(d)?.includes ?? []) if (inc !== d) included.add(inc);
  const owned = new Set<string>();
  for (const g of graphs.values()) for (const f of g.inputs) owned.add(f);

  // Roots: not included by another kustomization. Kustomizations only reachable through a cycle become roots too.
  // A Component is never a root: kustomize builds it only through the kustomizations that list it.
  const isComponent = (d: string): boolean => cache.get(d)?.kind === 'Component';
  const roots = kustDirs.filter((d) => !included.has(d) && !isComponent(d));
  const reached = new Set<string>();
  for (const r of roots) for (const n of graphs.get(r)!.nodes.keys()) reached.add(n);
  for (const d of kustDirs) {
    if (reached.has(d) || isComponent(d)) continue;
    roots.push(d);
    for (const n of graphs.get(d)!.nodes.keys()) reached.add(n);
  }

  // Plain manifest folders.
  const manifestCandidates = files.filter((f) => isManifestFile(f) && !inChart(f) && !owned.has(f) && !kustomizationNames.has(path.posix.basename(f)));
  const manifestFolders = groupManifests(repo, manifestCandidates, skipped, options.toolTemplates ?? false);

  const include = matcher(options.include ?? []);
  const exclude = matcher(options.exclude ?? []);
  const folderAllowed = (folder: string, markers: string[]): boolean => {
    const candidates = [folder === '' ? '.' : folder, ...markers];
    if (exclude && candidates.some(exclude)) return false;
    if (include && !candidates.some(include)) return false;
    return true;
  };

  const kustomizeTarget = (d: string): Target => {
    const graph = graphs.get(d) ?? loadKustomizationGraph(repo, d, cache);
    graphs.set(d, graph);
    return withProblems({ id: targetId('kustomize', d), kind: 'kustomize', path: d, inputs: graph.inputs, renderable: true }, graph.errors);
  };
  const chartConfigs = new Map((options.charts ?? []).map((c) => [repo.normalize(c.path.replace(/^\.\/?$/, '')), c]));
  const addHelmTargets = (d: string): void => {
    const found = helmTargets(repo, d, { config: chartConfigs.get(d), configSource: options.configSource ?? 'config', helm: options.helm, ciValues: options.ciValues });
    if (found.targets.length === 0 && !found.library) errors.push(...found.errors);
    targets.push(...found.targets.map((t) => withProblems(t, found.errors)));
  };
  const manifestsTarget = (d: string, list: string[]): Target => ({ id: targetId('manifests', d), kind: 'manifests', path: d, inputs: [...list], files: [...list], renderable: true });

  const targets: Target[] = [];
  const explicit = (options.targets ?? []).filter((t) => t && typeof t.path === 'string');
  if (explicit.length > 0) {
    for (const t of explicit) {
      let d: string;
      try {
        d = repo.normalize(t.path.replace(/^\.\/?$/, ''));
      } catch (err) {
        errors.push(err instanceof InputError ? err : new InputError(t.path, String(err), 'target-not-found'));
        continue;
      }
      const want = t.kind;
      if ((!want || want === 'kustomize') && findKustomizationFile(repo, d)) {
        targets.push(kustomizeTarget(d));
      } else if ((!want || want === 'helm') && repo.isFile(d ? `${d}/Chart.yaml` : 'Chart.yaml')) {
        addHelmTargets(d);
      } else if (!want || want === 'manifests') {
        const list = repo.isDirectory(d)
          ? groupManifests(repo, repo.walk(d).filter((f) => dirOf(f) === d && isManifestFile(f) && !kustomizationNames.has(path.posix.basename(f))), skipped, options.toolTemplates ?? false).get(d)
          : undefined;
        if (list && list.length > 0) targets.push(manifestsTarget(d, list));
        else errors.push(new InputError(d || '.', `configured target "${t.path}" has no ${want ?? 'kustomization, Helm chart or Kubernetes manifests'} to render`, 'target-not-found'));
      } else {
        errors.push(new InputError(d || '.', `configured target "${t.path}" has no ${want} to render`, 'target-not-found'));
      }
    }
  } else {
    for (const d of roots) {
      const file = findKustomizationFile(repo, d);
      if (!folderAllowed(d, file ? [file] : [])) continue;
      targets.push(kustomizeTarget(d));
    }
    for (const d of topCharts) {
      if (folderAllowed(d, [d ? `${d}/Chart.yaml` : 'Chart.yaml'])) addHelmTargets(d);
    }
    for (const [d, list] of manifestFolders) {
      const folderExcluded = exclude !== undefined && exclude(d === '' ? '.' : d);
      const kept = list.filter((f) => !folderExcluded && !(exclude && exclude(f)) && (!include || include(f) || include(d === '' ? '.' : d)));
      for (const f of list) if (!kept.includes(f)) skipped.push({ file: f, reason: 'excluded by config' });
      if (kept.length > 0) targets.push(manifestsTarget(d, kept));
    }
  }

  const seen = new Set<string>();
  const unique = targets.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
  unique.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { targets: unique, errors: dedupeErrors(errors), skipped, files };
}

/** A target with the problems discovery met while following its inputs (the scan reports them with the target). */
function withProblems(target: Target, problems: InputError[]): Target {
  return problems.length > 0 ? { ...target, problems: dedupeErrors(problems) } : target;
}

/**
 * Groups YAML and JSON files into manifest folders: a file that holds a Kubernetes object, or that cannot be read or
 * parsed (rendering reports why), makes its folder a target. Valid files without any Kubernetes object are skipped
 * and counted.
 */
function groupManifests(repo: RepoFiles, candidates: string[], skipped: SkippedFile[], toolTemplates: boolean): Map<string, string[]> {
  const byDir = new Map<string, string[]>();
  for (const file of candidates) {
    const kind = classifyManifestFile(repo, file, toolTemplates);
    if (kind !== 'manifest' && kind !== 'broken') {
      skipped.push({ file, reason: kind });
      continue;
    }
    const d = dirOf(file);
    const list = byDir.get(d);
    if (list) list.push(file);
    else byDir.set(d, [file]);
  }
  return new Map([...byDir].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([d, list]) => [d, list.sort()]));
}

/**
 * What a YAML or JSON file is to the scan. A `.json` file that is not JSON at all is skipped: kubectl, Argo CD and
 * Flux read `.json` manifests as JSON, so nothing deploys from it (editor settings with comments, for example).
 * A template for another tool (`${...}` or `{{ }}` placeholders) is skipped only where nothing could apply it as it
 * is: when its YAML does not parse (a syntax error, or a mapping used as a key, which is what `{{ x }}` becomes and
 * what Go's YAML reader refuses), or when every object in it has a placeholder for its name or namespace (no API
 * server accepts such a name). Anything Kubernetes could apply as written is checked, whatever the file's name; a
 * file the gate refuses for its own limits (aliases, nesting) is never a template.
 */
function classifyManifestFile(repo: RepoFiles, file: string, toolTemplates: boolean): 'manifest' | 'broken' | SkipReason {
  let text: string;
  try {
    text = repo.readText(file);
  } catch {
    return 'broken';
  }
  if (/\.json$/i.test(file)) {
    try {
      JSON.parse(text);
    } catch {
      return 'not valid JSON';
    }
  }
  const placeholders = !toolTemplates && TEMPLATE_MARKER.test(text);
  if (placeholders && parseStream(text, file, { maxDocuments: DEFAULT_YAML_LIMITS.maxDocuments }).errors.some((e) => e.ruleId === 'invalid-yaml')) {
    return 'template for another tool';
  }
  const { documents, errors } = parseYaml(text, file);
  const objects = documents.filter((d) => isKubeObject(d.value) || isKubeList(d.value));
  if (placeholders && errors.some((e) => e.ruleId === 'ambiguous-yaml' && /key that is itself a/.test(e.reason))) return 'template for another tool';
  if (placeholders && objects.length > 0 && objects.every((d) => hasPlaceholderIdentity(d.value))) return 'template for another tool';
  if (errors.length > 0) return 'broken';
  return objects.length > 0 ? 'manifest' : 'not Kubernetes YAML';
}

/** `${VAR}` (envsubst, Flux post-build), `{{ }}` and `{% %}` (Go templates, Jinja) placeholders. */
const TEMPLATE_MARKER = /\$\{[^}\n]*\}|\{\{|\{%/;

/** An object whose name or namespace is a placeholder: a template no API server would accept as written. */
function hasPlaceholderIdentity(value: unknown): boolean {
  const meta = isRecord(value) && isRecord(value.metadata) ? value.metadata : {};
  return [meta.name, meta.namespace].some((v) => typeof v === 'string' && TEMPLATE_MARKER.test(v));
}

/** `kind: List` (or `*List`) with items: kubectl applies its items. */
function isKubeList(value: unknown): boolean {
  return isRecord(value) && typeof value.kind === 'string' && /List$/.test(value.kind) && Array.isArray(value.items);
}
