/**
 * The targets that declarations in rendered output make (Flux HelmReleases, Argo CD Applications), once each: the
 * scan renders a target, hands its objects here, and queues what comes back. The same release rendered by two
 * overlays is two targets; declarations nest at most a few levels deep.
 */
import type { KubeObject } from '../objects/types.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import { applicationTarget, isArgoApplication } from './argocd-application.js';
import { collectFluxSources, helmReleaseTarget, isHelmRelease, type FindObject, type FluxSource } from './flux-helm-release.js';
import { objectsFromYaml } from '../objects/manifests.js';
import type { Target } from './types.js';

/** `git@github.com:acme/gitops.git`, `https://github.com/acme/gitops` and `ssh://git@github.com/acme/gitops.git` -> `github.com/acme/gitops`. */
export function normalizeGitUrl(url: string): string {
  let u = url.trim().toLowerCase().replace(/\.git\/?$/, '').replace(/\/+$/, '');
  const scp = /^[\w.-]+@([^:/]+):(.+)$/.exec(u);
  if (scp) return `${scp[1]}/${scp[2]}`;
  u = u.replace(/^[a-z+]+:\/\//, '').replace(/^[^@/]+@/, '');
  return u.replace(/:\d+\//, '/');
}

/** Most declarations deep a declared target may sit (a HelmRelease rendering a chart of HelmReleases, and so on). */
const MAX_DECLARATION_DEPTH = 4;

/**
 * The targets rendered declarations make, once each. Flux sources are read from the repository's files the first time a
 * declaration needs them; a GitRepository is this repository when it is the bootstrap one or its URL is one of
 * `repositoryUrls` (the checkout's remotes).
 */
export class DeclaredTargets {
  private sources: Map<string, FluxSource> | undefined;
  private values: KubeObject[] | undefined;
  private readonly ids = new Set<string>();
  private readonly depth = new Map<string, number>();
  private readonly urls: Set<string>;

  constructor(
    private readonly repo: RepoFiles,
    private readonly files: readonly string[],
    repositoryUrls: readonly string[]
  ) {
    this.urls = new Set(repositoryUrls.map(normalizeGitUrl));
  }

  /** ConfigMaps and Secrets for `valuesFrom`: in the producing target's output, else in the repository's files. */
  private finder(objects: readonly KubeObject[]): FindObject {
    return (kind, namespace, name) => {
      const matches = (o: KubeObject) => o.kind === kind && o.apiVersion === 'v1' && o.name === name && (o.namespace ?? namespace) === namespace;
      return objects.find(matches) ?? this.valueObjects().find(matches);
    };
  }

  private valueObjects(): KubeObject[] {
    if (this.values) return this.values;
    this.values = [];
    for (const file of this.files) {
      if (!/\.ya?ml$/i.test(file)) continue;
      let text: string;
      try {
        text = this.repo.readText(file);
      } catch {
        continue;
      }
      if (!/^kind:\s*(ConfigMap|Secret)\s*$/m.test(text)) continue;
      this.values.push(...objectsFromYaml(text, file, 'valuesFrom').objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret'));
    }
    return this.values;
  }

  from(producer: Target, objects: readonly KubeObject[]): Target[] {
    const releases = objects.filter(isHelmRelease);
    const applications = objects.filter(isArgoApplication);
    if (releases.length === 0 && applications.length === 0) return [];
    const depth = (this.depth.get(producer.id) ?? 0) + 1;
    if (depth > MAX_DECLARATION_DEPTH) return [];
    if (releases.length > 0) this.sources ??= collectFluxSources(this.repo, this.files);
    const thisRepository = (s: FluxSource) => (s.name === 'flux-system' && s.namespace === 'flux-system') || (typeof s.spec.url === 'string' && this.urls.has(normalizeGitUrl(s.spec.url)));
    const isThisUrl = (url: string) => this.urls.has(normalizeGitUrl(url));
    const made = [
      ...releases.map((object) => safely(object, producer, 'flux', () => helmReleaseTarget(object, producer, this.sources!, this.repo, thisRepository, this.finder(objects)))),
      ...applications.map((object) => safely(object, producer, 'argocd', () => applicationTarget(object, producer, this.repo, isThisUrl)))
    ].filter((t): t is Target => t !== undefined);
    const out: Target[] = [];
    for (const target of made) {
      // The same release from two overlays (staging, production) is two targets.
      if (this.ids.has(target.id)) target.id = `${target.id}@${producer.id}`;
      if (this.ids.has(target.id)) continue;
      this.ids.add(target.id);
      this.depth.set(target.id, depth);
      out.push(target);
    }
    return out;
  }
}

/**
 * A declaration's target, or — when reading what it names fails (a path leaving the repository, an unreadable
 * file) — a target that is not checked, the problem on the declaration: a hostile declaration never stops the scan.
 */
function safely(object: KubeObject, producer: Target, prefix: string, build: () => Target | undefined): Target | undefined {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const at = object.sourceMap.locate([]).location;
    const problem = new InputError(at.file, `${object.kind} ${object.namespace ?? ''}${object.namespace ? '/' : ''}${object.name}: ${err.reason} (${err.file})`, err.ruleId, at.line);
    return { id: `${prefix}:${object.namespace ?? 'default'}/${object.name}`, kind: 'helm', path: producer.path, inputs: [...producer.inputs], renderable: false, declaredAt: at, problems: [problem] };
  }
}

const FLUX_RELEASE = /helm\.toolkit\.fluxcd\.io\//;
const RELEASE_INPUT = /source\.toolkit\.fluxcd\.io\/|^kind:\s*["']?(ConfigMap|Secret)["']?\s*$/m;

/**
 * In a pull request, the targets whose HelmReleases may read a changed file: a HelmRelease takes its chart from a
 * source object and its values from ConfigMaps and Secrets anywhere in the repository, so a change to one of those
 * (or a YAML file the head no longer holds, which may have been one) renders every target that holds a HelmRelease.
 * Wide on purpose: rendering too much costs time, missing one would pass a change unchecked.
 */
export function targetsReadingDeclarationInputs(repo: RepoFiles, targets: readonly Target[], changed: readonly string[]): Target[] {
  const text = (file: string): string | undefined => {
    try {
      return repo.readText(file);
    } catch {
      return undefined;
    }
  };
  const yaml = (file: string) => /\.ya?ml$/i.test(file);
  const touched = changed.some((file) => {
    if (!yaml(file)) return false;
    const content = text(file);
    return content === undefined || RELEASE_INPUT.test(content);
  });
  if (!touched) return [];
  const mentions = new Map<string, boolean>();
  const holdsRelease = (file: string): boolean => {
    let hit = mentions.get(file);
    if (hit === undefined) mentions.set(file, (hit = yaml(file) && FLUX_RELEASE.test(text(file) ?? '')));
    return hit;
  };
  return targets.filter((t) => t.inputs.some(holdsRelease));
}
