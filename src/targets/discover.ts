/**
 * Finds what can be rendered in a repository: kustomizations (only the roots people deploy), Helm charts (one
 * target per release: defaults and each environment's values) and folders of plain manifests that no
 * kustomization or chart owns.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { InputError, type RepoFiles } from '../repo/files.js';
import { isKubeObject } from '../objects/manifests.js';
import { parseYaml } from '../objects/yaml-source.js';
import { dedupeErrors, findKustomizationFile, KUSTOMIZATION_FILE_NAMES, loadKustomizationGraph, type KustomizationCache, type KustomizationGraph } from './kustomization.js';
import { helmTargets } from './helm.js';
import type { DiscoveryOptions, Target, TargetKind } from './types.js';

export interface DiscoveryResult {
  targets: Target[];
  errors: InputError[];
}

export function targetId(kind: TargetKind, folder: string): string {
  return `${kind}:${folder === '' ? '.' : folder}`;
}

const isYamlFile = (file: string): boolean => /\.ya?ml$/i.test(file);
const dirOf = (file: string): string => {
  const d = path.posix.dirname(file);
  return d === '.' ? '' : d;
};
const isUnder = (file: string, dir: string): boolean => dir === '' || file === dir || file.startsWith(`${dir}/`);

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
  const files = repo.walk('');
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
  const roots = kustDirs.filter((d) => !included.has(d));
  const reached = new Set<string>();
  for (const r of roots) for (const n of graphs.get(r)!.nodes.keys()) reached.add(n);
  for (const d of kustDirs) {
    if (reached.has(d)) continue;
    roots.push(d);
    for (const n of graphs.get(d)!.nodes.keys()) reached.add(n);
  }

  // Plain manifest folders.
  const manifestCandidates = files.filter((f) => isYamlFile(f) && !inChart(f) && !owned.has(f) && !kustomizationNames.has(path.posix.basename(f)));
  const manifestFolders = groupManifests(repo, manifestCandidates);

  const include = matcher(options.include ?? []);
  const exclude = matcher(options.exclude ?? []);
  const folderAllowed = (folder: string, markers: string[]): boolean => {
    const candidates = [folder === '' ? '.' : folder, ...markers];
    if (exclude && candidates.some(exclude)) return false;
    if (include && !candidates.some(include)) return false;
    return true;
  };

  const kustomizeTarget = (d: string): Target => ({
    id: targetId('kustomize', d),
    kind: 'kustomize',
    path: d,
    inputs: graphs.get(d)?.inputs ?? loadKustomizationGraph(repo, d, cache).inputs,
    renderable: true
  });
  const chartConfigs = new Map((options.charts ?? []).map((c) => [repo.normalize(c.path.replace(/^\.\/?$/, '')), c]));
  const addHelmTargets = (d: string): void => {
    const found = helmTargets(repo, d, chartConfigs.get(d), options.configSource ?? 'config');
    targets.push(...found.targets);
    errors.push(...found.errors);
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
        const g = graphs.get(d) ?? loadKustomizationGraph(repo, d, cache);
        graphs.set(d, g);
        errors.push(...g.errors);
        targets.push(kustomizeTarget(d));
      } else if ((!want || want === 'helm') && repo.isFile(d ? `${d}/Chart.yaml` : 'Chart.yaml')) {
        addHelmTargets(d);
      } else if (!want || want === 'manifests') {
        const list = repo.isDirectory(d)
          ? groupManifests(repo, repo.walk(d).filter((f) => dirOf(f) === d && isYamlFile(f) && !kustomizationNames.has(path.posix.basename(f)))).get(d)
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
      errors.push(...graphs.get(d)!.errors);
    }
    for (const d of topCharts) {
      if (folderAllowed(d, [d ? `${d}/Chart.yaml` : 'Chart.yaml'])) addHelmTargets(d);
    }
    for (const [d, list] of manifestFolders) {
      if (exclude && exclude(d === '' ? '.' : d)) continue;
      const kept = list.filter((f) => !(exclude && exclude(f)) && (!include || include(f) || include(d === '' ? '.' : d)));
      if (kept.length > 0) targets.push(manifestsTarget(d, kept));
    }
  }

  const seen = new Set<string>();
  const unique = targets.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
  unique.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { targets: unique, errors: dedupeErrors(errors) };
}

/**
 * Groups YAML files into manifest folders. A folder counts when at least one of its files holds a Kubernetes
 * object; files there that cannot be read or parsed join it so that rendering reports them.
 */
function groupManifests(repo: RepoFiles, candidates: string[]): Map<string, string[]> {
  const byDir = new Map<string, { good: string[]; broken: string[] }>();
  for (const file of candidates) {
    const kind = classifyYaml(repo, file);
    if (kind === 'other') continue;
    const d = dirOf(file);
    let entry = byDir.get(d);
    if (!entry) byDir.set(d, (entry = { good: [], broken: [] }));
    (kind === 'manifest' ? entry.good : entry.broken).push(file);
  }
  const out = new Map<string, string[]>();
  for (const [d, { good, broken }] of [...byDir].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (good.length > 0) out.set(d, [...good, ...broken].sort());
  }
  return out;
}

function classifyYaml(repo: RepoFiles, file: string): 'manifest' | 'broken' | 'other' {
  let text: string;
  try {
    text = repo.readText(file);
  } catch {
    return 'broken';
  }
  const { documents, errors } = parseYaml(text, file);
  const hasObject = documents.some((d) => isKubeObject(d.value));
  if (hasObject) return 'manifest';
  return errors.length > 0 ? 'broken' : 'other';
}
