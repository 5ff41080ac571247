/**
 * What a file of declarations can reach, read without rendering anything: for a pull request, a target that is not
 * itself affected is rendered only when a declaration in its files leads (through any number of further
 * declarations) to a changed file. Without this, every Kustomization of a home-ops repository would be built at
 * base and head to find the one HelmRelease a change edits.
 *
 * A declaration reaches: a Flux Kustomization, its path's files and whatever its kustomization loads (components,
 * bases outside the path); a HelmRelease, its folder, a chart in this repository and its chart valuesFiles; an Argo
 * CD Application, its folder, its source paths and its value files (`$ref` ones included, build-environment
 * variables read as `*`). What cannot be known statically counts as reaching everything: an ApplicationSet, a
 * patch that could move a Kustomization's path, a path the declaration does not write.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { parseYaml } from '../objects/yaml-source.js';
import { objectsFromYaml } from '../objects/manifests.js';
import { isRecord, type KubeObject } from '../objects/types.js';
import { underRoot, type RepoFiles } from '../repo/files.js';
import type { YamlTexts } from './repo-yaml.js';
import { isArgoApplication, manifestGeneratePaths } from './argocd-application.js';
import { isHelmRelease } from './flux-helm-release.js';
import { isFluxKustomization } from './flux-kustomization.js';
import { loadKustomizationGraph } from './kustomization.js';
import { isResourceSet, staticFluxPath } from './declared.js';

type Reach = Set<string> | 'everything';

export class DeclarationReach {
  private readonly cache = new Map<string, Reach>();
  private readonly pathPatched: boolean;

  private readonly repo: RepoFiles;
  private readonly texts: Map<string, string>;

  constructor(
    texts: YamlTexts,
    private readonly declarationFiles: ReadonlySet<string>,
    private readonly artifactRoots: ReadonlyMap<string, string> = new Map()
  ) {
    this.repo = texts.repo;
    this.texts = new Map(texts.entries());
    this.pathPatched = [...this.texts.keys()].some((f) => this.movesKustomizationPath(f));
  }

  /** Whether a declaration written in `file` leads to one of `changed`. */
  leadsTo(file: string, changed: ReadonlySet<string>): boolean {
    if (this.pathPatched) return true;
    const reach = this.reach(file, new Set());
    return reach === 'everything' || [...reach].some((f) => changed.has(f));
  }

  private reach(file: string, visiting: Set<string>): Reach {
    const cached = this.cache.get(file);
    if (cached) return cached;
    if (visiting.has(file)) return new Set();
    visiting.add(file);
    const out = new Set<string>();
    let everything = false;
    for (const object of this.objects(file)) {
      const direct = this.direct(object);
      if (direct === 'everything') everything = true;
      else for (const f of direct) out.add(f);
    }
    if (!everything) {
      for (const f of [...out]) {
        if (f === file || !this.declarationFiles.has(f)) continue;
        const further = this.reach(f, visiting);
        if (further === 'everything') {
          everything = true;
          break;
        }
        for (const g of further) out.add(g);
      }
    }
    visiting.delete(file);
    const reach: Reach = everything ? 'everything' : out;
    this.cache.set(file, reach);
    return reach;
  }

  private objects(file: string): KubeObject[] {
    const text = this.texts.get(file);
    return text === undefined ? [] : objectsFromYaml(text, file, 'reach').objects;
  }

  /** The files one declaration reads itself. */
  private direct(object: KubeObject): Reach {
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    const own = path.posix.dirname(object.sourceMap.locate([]).location.file);
    const folder = (dir: string) => this.files(dir === '.' ? '' : dir);
    if (isFluxKustomization(object)) {
      if (typeof spec.path !== 'string' && spec.path !== undefined) return 'everything';
      const written = staticFluxPath(object, this.artifactRoots);
      if (written === 'unknown') return 'everything';
      const dir = this.normalize(written);
      if (dir === undefined) return new Set();
      const out = new Set([...folder(dir), ...loadKustomizationGraph(this.repo, dir).inputs]);
      for (const c of Array.isArray(spec.components) ? spec.components : []) {
        const d = typeof c === 'string' ? this.normalize(path.posix.join(dir, c)) : undefined;
        if (d !== undefined) for (const f of [...folder(d), ...loadKustomizationGraph(this.repo, d).inputs]) out.add(f);
      }
      return out;
    }
    if (isHelmRelease(object)) {
      const out = new Set(folder(own));
      const chart = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : undefined;
      const dir = typeof chart?.chart === 'string' && chart.chart.includes('/') ? this.normalize(chart.chart) : undefined;
      if (dir !== undefined) for (const f of folder(dir)) out.add(f);
      // A chart an ArtifactGenerator copies from this repository.
      const chartRef = isRecord(spec.chartRef) ? spec.chartRef : undefined;
      if (chartRef?.kind === 'ExternalArtifact' && typeof chartRef.name === 'string') {
        const root = this.artifactRoots.get(`${typeof chartRef.namespace === 'string' ? chartRef.namespace : (object.namespace ?? 'default')}/${chartRef.name}`);
        if (root !== undefined) for (const f of folder(root)) out.add(f);
      }
      // Chart valuesFiles of a chart from this repository: from the repository root.
      for (const file of Array.isArray(chart?.valuesFiles) ? chart.valuesFiles : []) {
        const rel = typeof file === 'string' ? this.normalize(underRoot(file)) : undefined;
        if (rel !== undefined) out.add(rel);
      }
      return out;
    }
    if (isArgoApplication(object)) {
      if (object.kind === 'ApplicationSet') return 'everything';
      const out = new Set(folder(own));
      const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])].filter(isRecord);
      for (const source of sources) {
        const dir = typeof source.path === 'string' ? this.normalize(source.path) : undefined;
        if (dir !== undefined) for (const f of folder(dir)) out.add(f);
        for (const f of manifestGeneratePaths(object, this.repo, dir)) out.add(f);
        // Value files: relative to the chart, from the repository root (`/x`), or through a `$ref` source.
        const helm = isRecord(source.helm) ? source.helm : {};
        for (const file of Array.isArray(helm.valueFiles) ? helm.valueFiles : []) {
          if (typeof file !== 'string') continue;
          const rel = file.startsWith('$') ? file.replace(/^\$[^/]*\/?/, '') : file.startsWith('/') ? file.slice(1) : path.posix.join(dir ?? '', file);
          // A build-environment variable (`$ARGOCD_APP_NAME`) may be anything here: it widens to `*`.
          const match = picomatch(rel.replace(/^\.\//, '').replace(/\$(\{[^}]*\}|[A-Za-z0-9_]+)/g, '*'), { dot: true });
          for (const f of this.files('')) if (match(f)) out.add(f);
        }
      }
      return out;
    }
    // What a ResourceSet generates (HelmReleases, Kustomizations, sources) is known only by building it.
    if (isResourceSet(object)) return 'everything';
    return new Set();
  }

  private normalize(p: string): string | undefined {
    try {
      return this.repo.normalize(p.replace(/^\.\/?/, '').replace(/\/+$/, ''));
    } catch {
      return undefined;
    }
  }

  private files(dir: string): string[] {
    try {
      return this.repo.isDirectory(dir) ? this.repo.walk(dir) : [];
    } catch {
      return [];
    }
  }

  /**
   * Whether a patch in `file` could move a Flux Kustomization's path: a JSON 6902 operation on `/spec/path`, or a
   * patch document (in the file or inline under a `patch` key) that is a Kustomization setting `spec.path`.
   */
  private movesKustomizationPath(file: string): boolean {
    const text = this.texts.get(file) ?? '';
    if (/\/spec\/path\b/.test(text)) return true;
    if (!/kind:\s*["']?Kustomization/.test(text) || !/\bpath:/.test(text)) return false;
    const patchDocument = (value: unknown): boolean =>
      isRecord(value) && value.kind === 'Kustomization' && isRecord(value.spec) && 'path' in value.spec && !('sourceRef' in value.spec);
    const inline = (value: unknown): boolean => {
      if (Array.isArray(value)) return value.some(inline);
      if (!isRecord(value)) return false;
      return Object.entries(value).some(([k, v]) => (k === 'patch' && typeof v === 'string' ? parseYaml(v, file).documents.some((d) => patchDocument(d.value)) : inline(v)));
    };
    return parseYaml(text, file).documents.some((d) => patchDocument(d.value) || inline(d.value));
  }
}
