/**
 * Argo CD Applications with a Helm source as render targets, read as Argo CD's repo-server renders them
 * (argoproj/argo-cd reposerver/repository/repository.go `helmTemplate`): the chart from a Helm repository or an OCI
 * registry (`chart` + `targetRevision`), or from this repository (`path` holding a Chart.yaml); release name
 * `helm.releaseName`, else the Application's name; namespace `helm.namespace`, else the destination's; values in
 * Argo's precedence: value files, then `valuesObject` (which replaces `values`, never merges with it), then
 * `parameters`. Each value is located where the Application (or its patch) writes it. What is not rendered yet
 * (several sources, value files from `$ref` or globs or URLs, plugins, Kustomize or directory settings) leaves the
 * Application not checked, with the reason; a path source with none of those is the folder's own target.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { isRecord, type JsonPath, type KubeObject, type Located, type SourceLocation } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import { inlineValuesAt } from './inline-values.js';
import type { FluxBuild, InlineValues, Target } from './types.js';
import { fluxKustomizationGraph } from './flux-kustomization.js';

const ARGO_API = 'argoproj.io/';

export function isArgoApplication(object: KubeObject): boolean {
  return (object.kind === 'Application' || object.kind === 'ApplicationSet') && object.apiVersion.startsWith(ARGO_API);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Argo CD's repoURL for a Helm chart as a chart location: OCI registries are written without a scheme. */
export function argoChartRepository(repoURL: string): string {
  if (/^oci:\/\//i.test(repoURL)) return repoURL.replace(/\/+$/, '');
  if (/^https?:\/\//i.test(repoURL)) return repoURL.replace(/\/+$/, '');
  return `oci://${repoURL.replace(/\/+$/, '')}`;
}

/** Whether a Git `repoURL` at a revision is this checkout (this side of the pull request), another revision, or another repository. */
export type WhichRepository = (url: string, revision: string) => 'this' | 'other-revision' | 'other';

/**
 * The targets of one Application: one per source that renders something (`argocd:<namespace>/<name>`, with `[i]`
 * when several sources render), or one that is not rendered with the reason. Empty when the folder's own target
 * renders what the Application deploys.
 */
export function applicationTargets(object: KubeObject, producer: Target, repo: RepoFiles, isThisRepository: WhichRepository): Target[] {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const appNamespace = object.namespace ?? 'argocd';
  const at = (p: JsonPath): SourceLocation => object.sourceMap.locate(p).location;
  const id = `argocd:${appNamespace}/${object.name}`;
  const app: App = { object, producer, repo, isThisRepository, at, id, refs: new Map() };
  if (Array.isArray(spec.sources) && spec.sources.length > 0) {
    const sources = spec.sources.map((s, i) => ({ source: isRecord(s) ? s : {}, at: ['spec', 'sources', i] as JsonPath }));
    for (const { source, at: p } of sources) if (str(source.ref)) app.refs.set(str(source.ref)!, { source, at: p });
    // A source that only names a `ref` (no chart, no path) lends its files to the others and renders nothing.
    const rendering = sources.filter(({ source }) => str(source.chart) || typeof source.path === 'string' || !str(source.ref));
    return rendering.flatMap(({ source, at: p }, i) => withGeneratePaths(object, repo, source, sourceTarget(app, source, p, rendering.length > 1 ? `${id}[${i}]` : id)) ?? []);
  }
  const source = isRecord(spec.source) ? spec.source : undefined;
  if (!source) return [notRendered(app, id, ['spec'], 'it has no source (or only a source hydrator), which the gate does not render yet')];
  return [withGeneratePaths(object, repo, source, sourceTarget(app, source, ['spec', 'source'], id))].filter((t): t is Target => t !== undefined);
}

const GENERATE_PATHS = 'argocd.argoproj.io/manifest-generate-paths';

/**
 * The files the `manifest-generate-paths` annotation names (`;`-separated, relative to the source's path, `/` for
 * the repository root, globs allowed): the author says the Application depends on them, so a change to one of them
 * renders it. They only ever add to what the gate found it reads.
 */
export function manifestGeneratePaths(object: KubeObject, repo: RepoFiles, sourcePath: string | undefined): string[] {
  const annotations = object.body.metadata && isRecord(object.body.metadata) && isRecord(object.body.metadata.annotations) ? object.body.metadata.annotations : {};
  const value = annotations[GENERATE_PATHS];
  if (typeof value !== 'string' || value.trim() === '') return [];
  const files = repo.walk('');
  const out = new Set<string>();
  for (const raw of value.split(';').map((p) => p.trim()).filter(Boolean)) {
    let pattern: string;
    try {
      pattern = raw.startsWith('/') ? repo.normalize(raw.slice(1)) : repo.normalize(path.posix.join(sourcePath ?? '', raw));
    } catch {
      continue;
    }
    const match = picomatch(pattern, { dot: true });
    for (const f of files) if (pattern === '' || f === pattern || f.startsWith(`${pattern}/`) || match(f)) out.add(f);
  }
  return [...out];
}

function withGeneratePaths(object: KubeObject, repo: RepoFiles, source: Record<string, unknown>, target: Target | undefined): Target | undefined {
  if (!target) return target;
  const extra = manifestGeneratePaths(object, repo, typeof source.path === 'string' ? source.path.replace(/^\.\/?/, '').replace(/\/+$/, '') : undefined);
  if (extra.length > 0) target.inputs = [...new Set([...target.inputs, ...extra])].sort();
  return target;
}

/** One Application and what its sources share: `ref` sources by name. */
interface App {
  object: KubeObject;
  producer: Target;
  repo: RepoFiles;
  isThisRepository: WhichRepository;
  at(p: JsonPath): SourceLocation;
  id: string;
  refs: Map<string, { source: Record<string, unknown>; at: JsonPath }>;
}

function notRendered(app: App, id: string, p: JsonPath, reason: string, ruleId = 'declaration-not-rendered'): Target {
  const where = app.at(p);
  const { object, producer } = app;
  return {
    id,
    kind: 'helm',
    path: dirname(app.at([]).file),
    inputs: [...producer.inputs],
    renderable: false,
    declaredAt: app.at([]),
    problems: [new InputError(where.file, `${object.kind} ${object.namespace ?? 'argocd'}/${object.name}: ${reason}`, ruleId, where.line, where.column)]
  };
}

/** The target of one source, rendered as the repo-server renders it; undefined when the folder's own target does. */
function sourceTarget(app: App, source: Record<string, unknown>, sourceAt: JsonPath, id: string): Target | undefined {
  const { object, producer, repo, at } = app;
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const declaredAt = at([]);
  const base: Target = { id, kind: 'helm', path: dirname(declaredAt.file), inputs: [...producer.inputs], renderable: true, declaredAt };
  const sync = isRecord(spec.syncPolicy) && isRecord(spec.syncPolicy.automated) ? spec.syncPolicy.automated : undefined;
  if (sync?.prune === true) base.prunes = true;
  const refuse = (p: JsonPath, reason: string, ruleId = 'declaration-not-rendered'): Target => notRendered(app, id, p, reason, ruleId);
  const sp = (...p: (string | number)[]): JsonPath => [...sourceAt, ...p];
  if (isRecord(source.plugin)) return refuse(sp('plugin'), 'a config management plugin renders it, which the gate cannot reproduce');
  const helm = isRecord(source.helm) ? source.helm : undefined;
  const repoURL = str(source.repoURL) ?? '';
  const destination = isRecord(spec.destination) ? spec.destination : {};
  let chartDir: string | undefined;
  if (str(source.chart)) {
    base.helm = remoteRelease(object, helm, destination, { repository: argoChartRepository(repoURL), name: str(source.chart)!, version: str(source.targetRevision) ?? '*', declaredAt: at(sp('chart')) });
  } else {
    const revision = str(source.targetRevision) ?? '';
    const which = app.isThisRepository(repoURL, revision);
    if (which === 'other-revision') return refuse(sp('targetRevision'), `its source is this repository at revision ${revision}, not this side of the pull request (localRevisions); other revisions are not fetched`, 'declaration-source-not-found');
    if (which === 'other') return refuse(sp('repoURL'), `its source ${repoURL || '(none)'} is not this repository; other repositories are not fetched`, 'declaration-source-not-found');
    const dir = repo.normalize((str(source.path) ?? '.').replace(/^\.\/?$/, '').replace(/^\.\//, '').replace(/\/+$/, ''));
    const isChart = repo.isFile(dir ? `${dir}/Chart.yaml` : 'Chart.yaml');
    const isKustomize = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((n) => repo.isFile(dir ? `${dir}/${n}` : n));
    if (helm && !isChart) return refuse(sp('helm'), `helm settings are given, but ${dir || '.'} holds no Chart.yaml`, 'declaration-source-not-found');
    if (!isChart || (isKustomize && !helm)) {
      const kustomize = isRecord(source.kustomize) && Object.keys(source.kustomize).length > 0 ? source.kustomize : undefined;
      if (kustomize && isKustomize) return kustomizeTarget(app, base, kustomize, dir, sp);
      // Plain manifests, or a kustomization without Argo CD settings: the folder's own target renders them.
      for (const field of ['kustomize', 'directory'] as const) {
        if (isRecord(source[field]) && Object.keys(source[field]).length > 0) return refuse(sp(field), `Argo CD's ${field} settings ${field === 'kustomize' ? `are given, but ${dir || '.'} holds no kustomization` : 'are not applied by the gate yet'}, so what it deploys is not checked as Argo CD renders it`);
      }
      return undefined;
    }
    chartDir = dir;
    base.path = dir;
    base.inputs = [...new Set([...base.inputs, ...repo.walk(dir)])].sort();
    base.helm = remoteRelease(object, helm, destination, undefined);
  }
  const release = base.helm!;
  if (helm) {
    const files = Array.isArray(helm.valueFiles) ? helm.valueFiles.filter((f): f is string => typeof f === 'string') : [];
    for (const [i, file] of files.entries()) {
      const resolved = valueFiles(app, file, chartDir);
      if (typeof resolved === 'string') return refuse(sp('helm', 'valueFiles', i), resolved, /does not exist/.test(resolved) ? 'file-not-found' : /not this repository|other revisions/.test(resolved) ? 'declaration-source-not-found' : 'declaration-not-rendered');
      if (resolved.length === 0 && helm.ignoreMissingValueFiles !== true) return refuse(sp('helm', 'valueFiles', i), `the value file ${file} does not exist`, 'file-not-found');
      for (const f of resolved) {
        release.valuesFiles.push(f);
        if (!base.inputs.includes(f)) base.inputs = [...base.inputs, f].sort();
      }
    }
    const inline = inlineValues(object, repo, helm, sp('helm'));
    if (typeof inline === 'string') return refuse(sp('helm', 'values'), inline, 'invalid-yaml');
    if (inline) release.inlineValues = [inline];
    if (Array.isArray(helm.parameters)) {
      for (const [i, p] of helm.parameters.entries()) {
        if (!isRecord(p) || typeof p.name !== 'string') continue;
        const value = p.value === undefined || p.value === null ? '' : String(p.value);
        release.setAt = [...(release.setAt ?? []), { key: p.name, at: at(sp('helm', 'parameters', i, 'value')) }];
        if (p.forceString === true) release.setString = [...(release.setString ?? []), `${p.name}=${value}`];
        else release.set.push(`${p.name}=${value}`);
      }
    }
    if (Array.isArray(helm.fileParameters) && helm.fileParameters.length > 0) return refuse(sp('helm', 'fileParameters'), 'fileParameters are not applied by the gate yet');
    if (helm.skipCrds !== true) release.includeCrds = true;
    if (helm.skipTests === true) release.skipTests = true;
    const environment = {
      ...(str(source.kubeVersion) ?? str(helm.kubeVersion) ? { kubeVersion: str(helm.kubeVersion) ?? str(source.kubeVersion) } : {}),
      ...(Array.isArray(helm.apiVersions) ? { apiVersions: helm.apiVersions.filter((v): v is string => typeof v === 'string') } : {}),
      ...(helm.skipSchemaValidation === true ? { skipSchemaValidation: true } : {})
    };
    if (Object.keys(environment).length > 0) release.environment = environment;
  } else {
    release.includeCrds = true;
  }
  return base;
}

/**
 * A kustomize source with Argo CD's settings, applied as the repo-server applies them: `kustomize edit` on the
 * folder's own kustomization (`set nameprefix`/`namesuffix`/`namespace`/`image`/`replicas`, `add label`/`annotation`/
 * `component`) and `patches` appended — the same kustomization, not an extra layer — built with kustomize's default
 * load restrictions. Each edited field points at its line in the Application.
 */
function kustomizeTarget(app: App, base: Target, kustomize: Record<string, unknown>, dir: string, sp: (...p: (string | number)[]) => JsonPath): Target {
  const refuse = (p: JsonPath, reason: string) => notRendered(app, base.id, p, reason);
  for (const field of ['commonAnnotationsEnvsubst', 'labelWithoutSelector', 'labelIncludeTemplates']) {
    if (kustomize[field] === true) return refuse(sp('kustomize', field), `kustomize.${field} is not applied by the gate yet, so what it deploys is not checked as Argo CD renders it`);
  }
  const flux: FluxBuild = { patches: [], images: [], components: [], sourceMap: app.object.sourceMap, argocd: { replicas: [] } };
  if (str(kustomize.namePrefix)) flux.namePrefix = str(kustomize.namePrefix);
  if (str(kustomize.nameSuffix)) flux.nameSuffix = str(kustomize.nameSuffix);
  if (str(kustomize.namespace)) flux.targetNamespace = str(kustomize.namespace);
  const list = (field: string): unknown[] => (Array.isArray(kustomize[field]) ? (kustomize[field] as unknown[]) : []);
  for (const [i, image] of list('images').entries()) {
    if (typeof image !== 'string') continue;
    if (image.includes('$')) return refuse(sp('kustomize', 'images', i), `the image ${image} uses build environment variables, which the gate does not substitute yet`);
    flux.images.push({ ...argoImage(image), at: sp('kustomize', 'images', i) });
  }
  for (const [i, r] of list('replicas').entries()) {
    if (isRecord(r) && typeof r.name === 'string' && (typeof r.count === 'number' || typeof r.count === 'string')) flux.argocd!.replicas.push({ name: r.name, count: r.count, at: sp('kustomize', 'replicas', i, 'count') });
  }
  for (const field of ['commonLabels', 'commonAnnotations'] as const) {
    const value = kustomize[field];
    if (isRecord(value)) flux.argocd![field] = { value: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])), at: sp('kustomize', field) };
  }
  for (const [i, patch] of list('patches').entries()) {
    if (!isRecord(patch)) continue;
    if (typeof patch.patch !== 'string') return refuse(sp('kustomize', 'patches', i), 'a patch from a file (path) is not applied by the gate yet, so what it deploys is not checked as Argo CD renders it');
    flux.patches.push({ patch: patch.patch, ...(isRecord(patch.target) ? { target: patch.target } : {}), at: sp('kustomize', 'patches', i) });
  }
  for (const [i, component] of list('components').entries()) {
    if (typeof component !== 'string') continue;
    if (kustomize.ignoreMissingComponents === true && !app.repo.isDirectory(path.posix.join(dir, component))) continue;
    flux.components.push({ path: component, at: sp('kustomize', 'components', i) });
  }
  const target: Target = { ...base, kind: 'kustomize', path: dir, flux };
  delete target.helm;
  const graph = fluxKustomizationGraph(app.repo, target);
  target.reads = graph.inputs.filter((f) => app.repo.isFile(f));
  target.inputs = [...new Set([...base.inputs, ...target.reads])].sort();
  if (graph.errors.length > 0) target.problems = [...graph.errors];
  return target;
}

/** `kustomize edit set image` arguments: `name=newName:tag`, `name:tag`, `name@digest`, `name=newName@digest`. */
function argoImage(text: string): { name: string; newName?: string; newTag?: string; digest?: string } {
  const eq = text.indexOf('=');
  const name = eq >= 0 ? text.slice(0, eq) : undefined;
  const rest = eq >= 0 ? text.slice(eq + 1) : text;
  const at = rest.indexOf('@');
  const digest = at >= 0 ? rest.slice(at + 1) : undefined;
  const ref = at >= 0 ? rest.slice(0, at) : rest;
  const colon = ref.lastIndexOf(':');
  const tagged = colon > ref.lastIndexOf('/');
  const image = tagged ? ref.slice(0, colon) : ref;
  const tag = tagged ? ref.slice(colon + 1) : undefined;
  return {
    name: name ?? image,
    ...(name !== undefined && image !== name ? { newName: image } : {}),
    ...(tag ? { newTag: tag } : {}),
    ...(digest ? { digest } : {})
  };
}

/**
 * The repository files one `valueFiles` entry names, in the order Helm merges them: a path relative to the chart
 * (`/` for the repository root), a `$ref/` path into a `ref` source that is this repository, or a glob (matches
 * sorted). A reason when the entry cannot be read: a URL, another repository's `$ref`, a fetched chart's file.
 */
function valueFiles(app: App, file: string, chartDir: string | undefined): string[] | string {
  const { repo } = app;
  if (/^[a-z]+:\/\//i.test(file)) return `the value file ${file} is a URL, which the gate does not fetch`;
  let root: string;
  let rel: string;
  const ref = /^\$([^/]+)\/(.*)$/.exec(file);
  if (ref) {
    const named = app.refs.get(ref[1]);
    if (!named) return `the value file ${file} names the ref source $${ref[1]}, which the Application does not have`;
    const which = app.isThisRepository(str(named.source.repoURL) ?? '', str(named.source.targetRevision) ?? '');
    if (which !== 'this') return `the value file ${file} comes from the ref source $${ref[1]} (${str(named.source.repoURL) ?? ''}), which is ${which === 'other' ? 'not this repository' : 'another revision of this repository'}; other repositories and revisions are not fetched`;
    root = '';
    rel = ref[2];
  } else {
    if (chartDir === undefined) return `value files inside a fetched chart (${file}) are not read by the gate yet`;
    root = file.startsWith('/') ? '' : chartDir;
    rel = file.startsWith('/') ? file.slice(1) : file;
  }
  const joined = repo.normalize(path.posix.join(root, rel));
  if (!/[*?[]/.test(rel)) return repo.isFile(joined) ? [joined] : [];
  const match = picomatch(joined, { dot: true });
  return repo.walk('').filter((f) => match(f)).sort();
}

function dirname(file: string): string {
  const d = path.posix.dirname(file);
  return d === '.' ? '' : d;
}

function remoteRelease(object: KubeObject, helm: Record<string, unknown> | undefined, destination: Record<string, unknown>, chart: NonNullable<Target['helm']>['remoteChart']): NonNullable<Target['helm']> {
  const namespace = str(helm?.namespace) ?? str(destination.namespace) ?? object.namespace ?? 'default';
  return {
    releaseName: str(helm?.releaseName) ?? object.name,
    namespace,
    namespaceDeclared: true,
    valuesFiles: [],
    set: [],
    ...(chart ? { remoteChart: chart } : {})
  };
}

/**
 * `helm.valuesObject`, else `helm.values` (a YAML string): valuesObject wins and the two are never merged. The keys
 * of a `values: |` block are located on their own lines in the Application file; of any other string, on its line.
 */
function inlineValues(object: KubeObject, repo: RepoFiles, helm: Record<string, unknown>, base: JsonPath): InlineValues | string | undefined {
  if (isRecord(helm.valuesObject)) return inlineValuesAt(object, [...base, 'valuesObject'], helm.valuesObject);
  if (typeof helm.values !== 'string' || helm.values.trim() === '') return undefined;
  const key = object.sourceMap.locate([...base, 'values']).location;
  const read = parseYaml(helm.values, key.file);
  if (read.errors.length > 0) return `helm.values is not valid YAML (${read.errors[0].reason}), so Argo CD cannot render it`;
  const parsed = read.documents[0];
  if (!parsed) return undefined;
  let firstLine: number | undefined;
  try {
    const line = repo.readText(key.file).split('\n')[key.line - 1] ?? '';
    // `values: |` (or `|-`, `|+`, `|2`): the block's lines are the file's lines after the key.
    if (/:\s*\|[-+0-9]*\s*(#.*)?$/.test(line)) firstLine = key.line + 1;
  } catch {
    firstLine = undefined;
  }
  const sourceMap = {
    has: (p: JsonPath) => parsed.sourceMap.has(p),
    locate: (p: JsonPath): Located => {
      const inner = parsed.sourceMap.locate(p);
      return { ...inner, location: firstLine !== undefined ? { file: key.file, line: firstLine + inner.location.line - 1 } : key, related: [] };
    }
  };
  return { value: parsed.value, file: key.file, sourceMap };
}
