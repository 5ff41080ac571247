/**
 * The targets that declarations in rendered output make (Flux Kustomizations and HelmReleases, Argo CD Applications
 * and the ones ApplicationSets generate), once each: the scan renders a target, hands its objects here, and queues
 * what comes back. The same release rendered by two overlays is two targets; declarations nest at most
 * MAX_DECLARATION_DEPTH deep.
 */
import { isRecord, type JsonPath, type KubeObject } from '../objects/types.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import { applicationTargets, isArgoApplication, type WhichRepository } from './argocd-application.js';
import { collectFluxSources, fluxSourceOf, helmReleaseTarget, isHelmRelease, type FindObject, type FindSource, type FluxSource } from './flux-helm-release.js';
import { fluxKustomizationGraph, fluxKustomizationTarget, isFluxKustomization } from './flux-kustomization.js';
import { loadKustomizationGraph } from './kustomization.js';
import { artifactsOf, isArtifactGenerator, type FluxArtifact } from './flux-artifact.js';
import { digest } from '../util/hash.js';
import type { YamlTexts } from './repo-yaml.js';
import { objectsFromYaml } from '../objects/manifests.js';
import type { ClusterConfig, Destination, HelmEnvironment, Target } from './types.js';

/** How declarations are read beyond the repository's files. */
export interface DeclaredOptions {
  /** Revisions of this repository that mean this side of the pull request. */
  localRevisions?: readonly string[];
  /** What Helm is told for every declared release (the config's top level). */
  helm?: HelmEnvironment;
  /** The clusters: a declaration's destination picks what Helm is told about it. */
  clusters?: readonly ClusterConfig[];
  /** The commit the scanned tree is (Argo CD's `$ARGOCD_APP_REVISION`), when known. */
  revision?: string;
  /** Expands an ApplicationSet into its Applications (the renderer's; without it sets are reported not checked). */
  expandApplicationSet?: (set: KubeObject, isThisRepository: (repoURL: string, revision: string) => boolean) => { applications: KubeObject[] } | { problem: { path: JsonPath; reason: string } };
}

/** `git@github.com:acme/gitops.git`, `https://github.com/acme/gitops` and `ssh://git@github.com/acme/gitops.git` -> `github.com/acme/gitops`. */
export function normalizeGitUrl(url: string): string {
  let u = url.trim().toLowerCase().replace(/\.git\/?$/, '').replace(/\/+$/, '');
  const scp = /^[\w.-]+@([^:/]+):(.+)$/.exec(u);
  if (scp) return `${scp[1]}/${scp[2]}`;
  u = u.replace(/^[a-z+]+:\/\//, '').replace(/^[^@/]+@/, '');
  return u.replace(/:\d+\//, '/');
}

/**
 * Most declarations deep a declared target may sit: a bootstrap Kustomization, the cluster's, an app's, its
 * HelmRelease, a chart of HelmReleases... Declarations already seen are never followed again, so cycles end anyway.
 */
const MAX_DECLARATION_DEPTH = 8;

/**
 * The targets rendered declarations make, once each. Flux sources are read from the repository's files the first time a
 * declaration needs them; a GitRepository is this repository when it is the bootstrap one or its URL is one of
 * `repositoryUrls` (the checkout's remotes).
 */
export class DeclaredTargets {
  private sources: Map<string, FluxSource> | undefined;
  private values: KubeObject[] | undefined;
  private generatorObjects: KubeObject[] | undefined;
  private providerObjects: KubeObject[] | undefined;
  private readonly ids = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly depth = new Map<string, number>();
  private readonly urls: Set<string>;

  private readonly revisions: Set<string>;

  private readonly repo: RepoFiles;

  constructor(
    private readonly texts: YamlTexts,
    repositoryUrls: readonly string[],
    private readonly options: DeclaredOptions = {}
  ) {
    this.repo = texts.repo;
    this.urls = new Set(repositoryUrls.map(normalizeGitUrl));
    this.revisions = new Set(options.localRevisions ?? ['', 'HEAD', 'main', 'master']);
  }

  /** ConfigMaps and Secrets for `valuesFrom`: in the producing target's output, else in the repository's files. */
  private finder(objects: readonly KubeObject[]): FindObject {
    return (kind, namespace, name) => {
      const matches = (o: KubeObject) => o.kind === kind && o.apiVersion === 'v1' && o.name === name && (o.namespace ?? namespace) === namespace;
      return objects.find(matches) ?? this.valueObjects().find(matches);
    };
  }

  /** ArtifactGenerators written in the repository's files. */
  private generators(): KubeObject[] {
    return (this.generatorObjects ??= this.texts.objects(/source\.extensions\.fluxcd\.io\//, isArtifactGenerator));
  }

  /** ResourceSetInputProviders: in the producing target's output first, then in the repository's files. */
  private inputProviders(objects: readonly KubeObject[]): KubeObject[] {
    const rendered = objects.filter(isInputProvider);
    const written = (this.providerObjects ??= this.texts.objects(/fluxcd\.controlplane\.io\//, isInputProvider));
    const key = (o: KubeObject) => `${o.namespace ?? ''}/${o.name}`;
    const have = new Set(rendered.map(key));
    return [...rendered, ...written.filter((o) => !have.has(key(o)))];
  }

  private valueObjects(): KubeObject[] {
    return (this.values ??= this.texts.objects(/^kind:\s*(ConfigMap|Secret)\s*$/m, (o) => o.kind === 'ConfigMap' || o.kind === 'Secret'));
  }

  /**
   * What Helm is told for a declared release: the config's top level, then the cluster the declaration deploys to
   * (an Application's destination server or name; for Flux, the in-cluster one), then the declaration's own.
   */
  private environment(object: KubeObject, own: HelmEnvironment | undefined): HelmEnvironment | undefined {
    const cluster = clusterOf(object, this.options.clusters ?? []);
    const apiVersions = [...(this.options.helm?.apiVersions ?? []), ...(cluster?.apiVersions ?? []), ...(own?.apiVersions ?? [])];
    const merged: HelmEnvironment = {
      ...this.options.helm,
      ...(cluster?.kubeVersion ? { kubeVersion: cluster.kubeVersion } : {}),
      ...own,
      ...(apiVersions.length > 0 ? { apiVersions: [...new Set(apiVersions)] } : {})
    };
    return Object.keys(merged).length > 0 ? merged : undefined;
  }

  /** The files a producer renders as objects (plain manifests, kustomize resource files); none for a chart. */
  private resourceFiles(producer: Target): Set<string> {
    if (producer.kind === 'manifests') return new Set(producer.files ?? producer.inputs);
    if (producer.kind !== 'kustomize' || !producer.renderable) return new Set();
    const graph = producer.flux ? fluxKustomizationGraph(this.repo, producer) : loadKustomizationGraph(this.repo, producer.path);
    const out = new Set<string>();
    for (const node of graph.nodes.values()) for (const e of node.entries) if (e.role === 'resource' && !e.folder && e.resolved) out.add(e.resolved);
    return out;
  }

  /** ApplicationSets replaced by the Applications they generate; those that cannot be expanded, with the reason. */
  private expandSets(applications: KubeObject[], isThisAt: (url: string, revision: string) => boolean) {
    const out: KubeObject[] = [];
    const refused: { set: KubeObject; path: JsonPath; reason: string }[] = [];
    for (const object of applications) {
      if (object.kind !== 'ApplicationSet') {
        out.push(object);
        continue;
      }
      const expand = this.options.expandApplicationSet;
      const result = expand ? expand(object, isThisAt) : { problem: { path: ['spec', 'generators'], reason: 'ApplicationSets are not expanded in this scan' } };
      if ('problem' in result) refused.push({ set: object, ...result.problem });
      else out.push(...result.applications);
    }
    return { applications: out, refused };
  }

  from(producer: Target, objects: readonly KubeObject[]): Target[] {
    const releases = objects.filter(isHelmRelease);
    const applications = objects.filter(isArgoApplication);
    const kustomizations = objects.filter(isFluxKustomization);
    const resourceSets = objects.filter(isResourceSet);
    if (releases.length === 0 && applications.length === 0 && kustomizations.length === 0 && resourceSets.length === 0) return [];
    const depth = (this.depth.get(producer.id) ?? 0) + 1;
    if (depth > MAX_DECLARATION_DEPTH) return [];
    const which: WhichRepository = (url, revision) => (!this.urls.has(normalizeGitUrl(url)) ? 'other' : this.revisions.has(revision) ? 'this' : 'other-revision');
    const expanded = this.expandSets(applications, (url, revision) => which(url, revision) === 'this');
    if (releases.length > 0 || kustomizations.length > 0) this.sources ??= collectFluxSources(this.texts);
    const thisRepository = (s: FluxSource) => (s.name === 'flux-system' && s.namespace === 'flux-system') || (typeof s.spec.url === 'string' && this.urls.has(normalizeGitUrl(s.spec.url)));
    const find = this.finder(objects);
    const rendered = new Map<string, FluxSource>();
    for (const o of objects) {
      const s = fluxSourceOf(o);
      if (s) rendered.set(`${s.kind}/${s.namespace}/${s.name}`, s);
    }
    const findSource: FindSource = (kind, namespace, name) => rendered.get(`${kind}/${namespace}/${name}`) ?? this.sources?.get(`${kind}/${namespace}/${name}`);
    const isThisGitRepository = (namespace: string, name: string) => {
      const s = findSource('GitRepository', namespace, name);
      return s ? thisRepository(s) : name === 'flux-system' && namespace === 'flux-system';
    };
    const findArtifact = (namespace: string, name: string): FluxArtifact | undefined => {
      for (const generator of [...objects.filter(isArtifactGenerator), ...this.generators()]) {
        const found = artifactsOf(generator, isThisGitRepository).find((a) => a.namespace === namespace && a.name === name);
        if (found) return found;
      }
      return undefined;
    };
    const made = [
      ...kustomizations.map((object) => [object, safely(object, producer, 'flux-ks', 'kustomize', () => fluxKustomizationTarget(object, producer, findSource, this.repo, thisRepository, find, findArtifact))] as const),
      ...releases.map((object) => [object, safely(object, producer, 'flux', 'helm', () => helmReleaseTarget(object, producer, findSource, this.repo, thisRepository, find, findArtifact))] as const),
      ...expanded.applications.flatMap((object) => safelyAll(object, producer, 'argocd', () => applicationTargets(object, producer, this.repo, which, this.options.revision)).map((t) => [object, t] as const)),
      ...expanded.refused.map(({ set, path, reason }) => [set, setNotRendered(set, producer, path, reason)] as const),
      ...resourceSets.map((object) => [object, resourceSetTarget(object, producer, this.inputProviders(objects))] as const)
    ];
    const out: Target[] = [];
    const inherited = new Set(producer.inputs);
    const resources = this.resourceFiles(producer);
    for (const [object, target] of made) {
      if (!target) continue;
      target.reads ??= target.inputs.filter((f) => !inherited.has(f));
      // What made the declaration: the producer's inputs, less the other objects' files beside it (editing a sibling
      // HelmRelease does not change this one); kustomizations, patches and components stay.
      const own = object.sourceMap.locate([]).location.file;
      target.inputs = [...new Set([...producer.inputs.filter((f) => f === own || !resources.has(f)), ...target.reads])].sort();
      // The same declaration reached twice (a folder and the Flux Kustomization that builds it, or a Kustomization
      // that builds its own folder) is one target; the same name with other content (two overlays) is two.
      // A copy of it written in another file is another declaration (checked, and listed, on its own).
      const seen = digest('declaration', target.id, own, JSON.stringify(object.body));
      if (this.seen.has(seen)) continue;
      this.seen.add(seen);
      if (target.helm) target.helm.environment = this.environment(object, target.helm.environment);
      const destination = destinationOf(object, producer, this.options.clusters ?? []);
      if (destination) target.destination = destination;
      if (this.ids.has(target.id)) target.id = `${target.id}@${producer.id}`;
      if (this.ids.has(target.id)) continue;
      this.ids.add(target.id);
      this.depth.set(target.id, depth);
      out.push(target);
    }
    return out;
  }
}

const IN_CLUSTER = 'https://kubernetes.default.svc';

/** An Argo CD declaration's destination server (without trailing slashes) and name, as written. */
function argoDestination(object: KubeObject): { server?: string; name?: string } {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const destination = object.apiVersion.startsWith('argoproj.io/') && isRecord(spec.destination) ? spec.destination : {};
  return {
    ...(typeof destination.server === 'string' ? { server: destination.server.replace(/\/+$/, '') } : {}),
    ...(typeof destination.name === 'string' ? { name: destination.name } : {})
  };
}

/** The configured cluster a declaration deploys to: an Argo CD destination's server or name, else the in-cluster one. */
export function clusterOf(object: KubeObject, clusters: readonly ClusterConfig[]): ClusterConfig | undefined {
  const { server, name } = argoDestination(object);
  if (server) return clusters.find((c) => c.server?.replace(/\/+$/, '') === server);
  if (name) return clusters.find((c) => c.name === name);
  return clusters.find((c) => c.server?.replace(/\/+$/, '') === IN_CLUSTER || c.name === 'in-cluster');
}

/**
 * The cluster a declaration deploys to. An Argo CD Application's destination (the configured cluster it names, else
 * its server or name); a Flux Kustomization or HelmRelease with `kubeConfig` applies to the cluster that Secret
 * reaches; any other declaration to the cluster of what made it, at the top the in-cluster one.
 */
export function destinationOf(object: KubeObject, producer: Target, clusters: readonly ClusterConfig[]): Destination | undefined {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const inCluster = (): Destination | undefined => {
    const kubeVersion = clusterOf(object, clusters)?.kubeVersion;
    return kubeVersion ? { key: IN_CLUSTER_KEY, kubeVersion } : undefined;
  };
  if (isArgoApplication(object)) {
    const { server, name } = argoDestination(object);
    if (server === IN_CLUSTER || (!server && (name === undefined || name === 'in-cluster'))) return inCluster();
    const cluster = clusterOf(object, clusters);
    const key = cluster?.name ?? (server ? `server:${server}` : `name:${name}`);
    return { key, ...(cluster?.kubeVersion ? { kubeVersion: cluster.kubeVersion } : {}) };
  }
  const kubeConfig = isRecord(spec.kubeConfig) ? spec.kubeConfig : undefined;
  if (kubeConfig) {
    // A kubeconfig Secret, or (workload identity) a ConfigMap naming the cluster.
    const nameOf = (ref: unknown) => (isRecord(ref) && typeof ref.name === 'string' ? ref.name : undefined);
    const secret = nameOf(kubeConfig.secretRef);
    const configMap = nameOf(kubeConfig.configMapRef);
    return { key: `kubeConfig:${object.namespace ?? 'default'}/${secret ? `secret/${secret}` : `configmap/${configMap ?? ''}`}` };
  }
  return producer.destination ?? inCluster();
}

/** The destination key of the cluster the repository itself syncs to. */
export const IN_CLUSTER_KEY = 'in-cluster';

/** `safely` for a declaration that makes several targets. */
function safelyAll(object: KubeObject, producer: Target, prefix: string, build: () => Target[]): Target[] {
  let built: Target[] | undefined;
  const failed = safely(object, producer, prefix, 'helm', () => {
    built = build();
    return undefined;
  });
  return failed ? [failed] : (built ?? []);
}

/**
 * A declaration's target, or — when reading what it names fails (a path leaving the repository, an unreadable
 * file) — a target that is not checked, the problem on the declaration: a hostile declaration never stops the scan.
 */
function safely(object: KubeObject, producer: Target, prefix: string, kind: Target['kind'], build: () => Target | undefined): Target | undefined {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const at = object.sourceMap.locate([]).location;
    const problem = new InputError(at.file, `${object.kind} ${object.namespace ?? ''}${object.namespace ? '/' : ''}${object.name}: ${err.reason} (${err.file})`, err.ruleId, at.line);
    return { id: `${prefix}:${object.namespace ?? 'default'}/${object.name}`, kind, path: producer.path, inputs: [...producer.inputs], renderable: false, declaredAt: at, problems: [problem] };
  }
}

/** An ApplicationSet the gate cannot expand: not checked, the reason on the line it concerns. */
function setNotRendered(set: KubeObject, producer: Target, path: JsonPath, reason: string): Target {
  const name = `${set.namespace ?? 'argocd'}/${set.name}`;
  return declarationNotRendered(set, producer, `argocd-set:${name}`, 'helm', path, `ApplicationSet ${name}: ${reason}, so the Applications it generates are not checked`);
}

/** A declaration that generates what it deploys and is not expanded: a target reported not checked, on `path`. */
function declarationNotRendered(object: KubeObject, producer: Target, id: string, kind: Target['kind'], path: JsonPath, message: string): Target {
  const where = object.sourceMap.locate(path).location;
  const problem = new InputError(where.file, message, 'declaration-not-rendered', where.line, where.column);
  return { id, kind, path: producer.path, inputs: [...producer.inputs], renderable: false, declaredAt: object.sourceMap.locate([]).location, problems: [problem] };
}

/** A Flux Operator ResourceSet (fluxcd.controlplane.io): the resources it generates from its inputs. */
export function isResourceSet(object: KubeObject): boolean {
  return object.kind === 'ResourceSet' && object.apiVersion.startsWith('fluxcd.controlplane.io/');
}

/** A Flux Operator ResourceSetInputProvider: the inputs it exports to ResourceSets. */
function isInputProvider(object: KubeObject): boolean {
  return object.kind === 'ResourceSetInputProvider' && object.apiVersion.startsWith('fluxcd.controlplane.io/');
}

/**
 * A ResourceSet's target, `flux-rset:<namespace>/<name>`: rendered from the set and the input providers its
 * `inputsFrom` may name (it reads their files), as the Flux Operator builds it.
 */
function resourceSetTarget(set: KubeObject, producer: Target, providers: KubeObject[]): Target {
  const name = `${set.namespace ?? 'default'}/${set.name}`;
  const own = set.sourceMap.locate([]).location;
  const namespace = set.namespace ?? 'default';
  const candidates = providers.filter((p) => (p.namespace ?? namespace) === namespace);
  const files = [...new Set([own.file, ...candidates.map((p) => p.sourceMap.locate([]).location.file)])].sort();
  return { id: `flux-rset:${name}`, kind: 'manifests', path: producer.path, inputs: [...new Set([...producer.inputs, ...files])].sort(), reads: files, files: [], renderable: true, declaredAt: own, resourceSet: { object: set, providers: candidates } };
}

const RELEASE_INPUT = /source\.toolkit\.fluxcd\.io\/|^kind:\s*["']?(ConfigMap|Secret|ResourceSetInputProvider)["']?\s*$/m;

/**
 * In a pull request, whether a changed file may be one a HelmRelease reads without naming its file: a HelmRelease
 * takes its chart from a source object and its values from ConfigMaps and Secrets anywhere in the repository (and a
 * ResourceSet its inputs from providers), so a change to one of those (or a YAML file the head no longer holds, which may have been one) renders every
 * HelmRelease. Wide on purpose: rendering too much costs time, missing one would pass a change unchecked.
 */
export function declarationInputsChanged(repo: RepoFiles, changed: readonly string[]): boolean {
  return changed.some((file) => {
    if (!/\.ya?ml$/i.test(file)) return false;
    let content: string | undefined;
    try {
      content = repo.readText(file);
    } catch {
      content = undefined;
    }
    return content === undefined || RELEASE_INPUT.test(content);
  });
}

/** A text that may hold a Flux or Argo CD declaration (or an ArtifactGenerator): a cheap test before parsing. */
export const DECLARATION_API = /(kustomize|helm)\.toolkit\.fluxcd\.io\/|argoproj\.io\/|source\.extensions\.fluxcd\.io\/|fluxcd\.controlplane\.io\//;
const FLUX_KUSTOMIZATION = /kustomize\.toolkit\.fluxcd\.io\//;

/** The repository's files that hold Flux or Argo CD declarations, and the folders Flux Kustomizations build. */
export interface DeclarationFiles {
  files: Set<string>;
  /** The files among them that hold Flux Kustomizations. */
  fluxFiles: Set<string>;
  /** The files holding a Flux Kustomization that builds a folder holding the file itself (a bootstrap `flux-system`). */
  selfBuilding: Set<string>;
  /** The folders declarations build as their controller builds them: Flux Kustomizations' `spec.path`, Argo CD Applications' source paths. */
  builtPaths: string[];
  /** Each ExternalArtifact made by a generator written in a file (`namespace/name`): the repository folder it holds. */
  artifactRoots: Map<string, string>;
}

/** The folders an Argo CD Application's sources build (every `path` source: Argo CD renders it as it says). */
function argoSourcePaths(object: KubeObject): string[] {
  if (object.kind !== 'Application' || !object.apiVersion.startsWith('argoproj.io/')) return [];
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const sources = Array.isArray(spec.sources) && spec.sources.length > 0 ? spec.sources.filter(isRecord) : [spec.source].filter(isRecord);
  return sources.filter((s) => typeof s.path === 'string' && typeof s.chart !== 'string').map((s) => (s.path as string).replace(/^\.\/?/, '').replace(/\/+$/, ''));
}

/** A Flux Kustomization's folder in this repository as written (its path in an ExternalArtifact moved to the artifact's folder). */
export function staticFluxPath(object: KubeObject, artifactRoots: ReadonlyMap<string, string>): string | 'unknown' {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const written = (typeof spec.path === 'string' ? spec.path : '').replace(/^\.\/?/, '').replace(/\/+$/, '');
  const ref = isRecord(spec.sourceRef) ? spec.sourceRef : {};
  if (ref.kind !== 'ExternalArtifact') return written;
  const root = artifactRoots.get(`${typeof ref.namespace === 'string' ? ref.namespace : (object.namespace ?? 'default')}/${String(ref.name)}`);
  return root === undefined ? 'unknown' : root ? `${root}/${written}`.replace(/\/$/, '') : written;
}

/**
 * Which files hold declarations (read as text first, parsed only when they name a Flux or Argo CD API): a target
 * that reads none of them makes no further targets, and a folder inside a Flux Kustomization's path is built by it.
 */
export function declarationFiles(texts: YamlTexts, expandApplicationSet?: DeclaredOptions['expandApplicationSet']): DeclarationFiles {
  const repo = texts.repo;
  const out: DeclarationFiles = { files: new Set(), fluxFiles: new Set(), selfBuilding: new Set(), builtPaths: [], artifactRoots: new Map() };
  const kustomizations: KubeObject[] = [];
  for (const [file, text] of texts.entries()) {
    if (!DECLARATION_API.test(text)) continue;
    out.files.add(file);
    if (!FLUX_KUSTOMIZATION.test(text) && !text.includes('source.extensions.fluxcd.io/') && !/^\s+path:/m.test(text)) continue;
    for (const object of objectsFromYaml(text, file, 'declarations').objects) {
      // An Argo CD Application builds its source folders as Argo CD renders them: the folders wait for it. An
      // ApplicationSet's folders are those of the Applications it generates (none when it cannot be expanded: nothing renders).
      const applications = object.kind === 'ApplicationSet' && object.apiVersion.startsWith('argoproj.io/') && expandApplicationSet ? expandApplicationSet(object, () => true) : { applications: [object] };
      for (const p of 'applications' in applications ? applications.applications.flatMap(argoSourcePaths) : []) {
        try {
          out.builtPaths.push(repo.normalize(p));
        } catch {
          // A path leaving the repository: the Application reports it.
        }
      }
      if (isArtifactGenerator(object)) {
        for (const a of artifactsOf(object, () => true)) if ('root' in a) out.artifactRoots.set(`${a.namespace}/${a.name}`, a.root);
      }
      if (!isFluxKustomization(object)) continue;
      out.fluxFiles.add(file);
      kustomizations.push(object);
    }
  }
  for (const object of kustomizations) {
    const p = staticFluxPath(object, out.artifactRoots);
    if (p === 'unknown') continue;
    try {
      const built = repo.normalize(p);
      out.builtPaths.push(built);
      const file = object.sourceMap.locate([]).location.file;
      if (built === '' || file.startsWith(`${built}/`)) out.selfBuilding.add(file);
    } catch {
      // A path leaving the repository: its declaration reports it.
    }
  }
  out.builtPaths = [...new Set(out.builtPaths)].sort();
  return out;
}
