/**
 * Argo CD Applications as render targets, read as Argo CD's repo-server reads them (argoproj/argo-cd
 * reposerver/repository/repository.go `GenerateManifests`): `.argocd-source.yaml` and `.argocd-source-<app>.yaml`
 * merged over the source; the source type explicit (helm, kustomize, directory; more than one is an error) or
 * detected (kustomization > Chart.yaml > plain directory); the build environment (`ARGOCD_APP_NAME`,
 * `ARGOCD_APP_NAMESPACE`, `ARGOCD_APP_REVISION`, ...) substituted where Argo substitutes it. Helm: the chart from a
 * Helm repository, an OCI registry or this repository; release name `helm.releaseName`, else the Application's
 * name; value files resolved as `ResolveValueFilePathOrUrl` resolves them (globs, `$ref` sources), then
 * `valuesObject` (which replaces `values`), then `parameters` and `fileParameters`. Kustomize: edits applied as the
 * repo-server applies them. Directory: its recurse/include/exclude rules. Objects without a namespace get the
 * destination's. Each value is located where the Application, its patch or its override file writes it; what is not
 * rendered (plugins, other repositories, URLs, jsonnet) leaves the Application not checked, with the reason.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { isRecord, type JsonPath, type KubeObject, type SourceLocation } from '../objects/types.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import { inlineValuesAt, textValuesAt } from './inline-values.js';
import type { FluxBuild, InlineValues, Target } from './types.js';
import { fluxKustomizationGraph } from './flux-kustomization.js';
import { buildEnv, envsubst, instanceName, unknownVariables, type BuildEnv } from './argocd-env.js';
import { directoryFiles, directorySettings } from './argocd-directory.js';
import { withSourceOverrides } from './argocd-source-overrides.js';
import { checkRefs, outOfBoundsLink, resolveOne, resolveValueFiles, type RefCheckout, type ResolvedValueFile, type ValueFilesContext } from './argocd-value-files.js';

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
 * when several sources render), or one that is not rendered with the reason. `revision` is the commit this side of
 * the pull request is at, for `ARGOCD_APP_REVISION` (unknown: a source that uses it is not rendered).
 */
export function applicationTargets(object: KubeObject, producer: Target, repo: RepoFiles, isThisRepository: WhichRepository, revision?: string): Target[] {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const appNamespace = object.namespace ?? 'argocd';
  const at = (p: JsonPath): SourceLocation => object.sourceMap.locate(p).location;
  const id = `argocd:${appNamespace}/${object.name}`;
  const multiSource = Array.isArray(spec.sources) && spec.sources.length > 0;
  const app: App = { object, producer, repo, isThisRepository, at, id, refs: new Map(), multiSource, ...(revision ? { revision } : {}) };
  if (multiSource) {
    const sources = (spec.sources as unknown[]).map((s, i) => ({ source: isRecord(s) ? s : {}, at: ['spec', 'sources', i] as JsonPath }));
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
  /** Whether the Application has `sources` (a `$name` value file must then name a ref source). */
  multiSource: boolean;
  /** The commit this side of the pull request is (`$ARGOCD_APP_REVISION`), when known. */
  revision?: string;
}

/** Each `ref` source's checkout: this repository when it is this side of the pull request, else none. */
function refCheckouts(app: App): Map<string, RefCheckout> {
  const out = new Map<string, RefCheckout>();
  for (const [name, { source }] of app.refs) {
    const url = str(source.repoURL) ?? '';
    out.set(name, { repo: app.isThisRepository(url, str(source.targetRevision) ?? '') === 'this' ? app.repo : undefined, url, ...(str(source.chart) ? { chart: true } : {}) });
  }
  return out;
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

/** The target of one source, rendered as the repo-server renders it. */
function sourceTarget(app: App, written: Record<string, unknown>, sourceAt: JsonPath, id: string): Target | undefined {
  const { repo } = app;
  const spec = isRecord(app.object.body.spec) ? app.object.body.spec : {};
  const declaredAt = app.at([]);
  const base: Target = { id, kind: 'helm', path: dirname(declaredAt.file), inputs: [...app.producer.inputs], renderable: true, declaredAt };
  const sync = isRecord(spec.syncPolicy) && isRecord(spec.syncPolicy.automated) ? spec.syncPolicy.automated : undefined;
  if (sync?.prune === true) base.prunes = true;
  const refuse = (p: JsonPath, reason: string, ruleId = 'declaration-not-rendered'): Target => notRendered(app, id, p, reason, ruleId);
  const sp = (...p: (string | number)[]): JsonPath => [...sourceAt, ...p];
  const repoURL = str(written.repoURL) ?? '';
  const destination = isRecord(spec.destination) ? spec.destination : {};
  if (str(written.chart)) {
    if (isRecord(written.plugin)) return refuse(sp('plugin'), 'a config management plugin renders it, which the gate cannot reproduce');
    const helm = isRecord(written.helm) ? written.helm : undefined;
    base.helm = remoteRelease(app.object, helm, destination, { repository: argoChartRepository(repoURL), name: str(written.chart)!, version: str(written.targetRevision) ?? '*', declaredAt: app.at(sp('chart')) });
    return helmSettings(app, base, helm, undefined, sp, buildEnv(app.object, written, app.revision));
  }
  const revision = str(written.targetRevision) ?? '';
  const which = app.isThisRepository(repoURL, revision);
  if (which === 'other-revision') return refuse(sp('targetRevision'), `its source is this repository at revision ${revision}, not this side of the pull request (localRevisions); other revisions are not fetched`, 'declaration-source-not-found');
  if (which === 'other') return refuse(sp('repoURL'), `its source ${repoURL || '(none)'} is not this repository; other repositories are not fetched`, 'declaration-source-not-found');
  // The repo-server refuses a checkout holding a link that leaves it, before it renders anything.
  const link = outOfBoundsLink(repo);
  if (link !== undefined) return refuse(sp('repoURL'), `repository contains out-of-bounds symlinks. file: ${link}; Argo CD refuses to render any source of it`, 'path-outside-repository');
  const dir = repo.normalize((str(written.path) ?? '.').replace(/^\.\/?$/, '').replace(/^\.\//, '').replace(/\/+$/, ''));
  if (!repo.isDirectory(dir)) return refuse(sp('path'), `its path ${dir || '.'} is not a folder of this repository`, 'declaration-source-not-found');
  // `.argocd-source*.yaml` in the folder are merged into the source first; what they set is located in them.
  const overridden = withSourceOverrides(app.object, sourceAt, written, repo, dir, instanceName(app.object));
  base.inputs = [...new Set([...base.inputs, ...overridden.files])].sort();
  if (overridden.problems.length > 0) return { ...refuse(sp('path'), `its source overrides in ${dir || '.'} cannot be read`), problems: overridden.problems };
  const source = overridden.source;
  const own: App = overridden.object === app.object ? app : { ...app, object: overridden.object, at: (p) => overridden.object.sourceMap.locate(p).location };
  const env = buildEnv(own.object, source, app.revision);
  if (isRecord(source.plugin)) return refuse(sp('plugin'), 'a config management plugin renders it, which the gate cannot reproduce');
  const explicit = (['kustomize', 'helm', 'directory'] as const).filter((k) => isRecord(source[k]) && Object.keys(source[k]).length > 0);
  if (explicit.length > 1) return refuse(sp(explicit[1]), `multiple application sources defined: ${explicit.join(',')}; Argo CD refuses to render it`);
  const isChart = repo.isFile(dir ? `${dir}/Chart.yaml` : 'Chart.yaml');
  const isKustomize = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((n) => repo.isFile(dir ? `${dir}/${n}` : n));
  // Explicit settings pick the tool; else a kustomization, then a chart, then plain files (discovery.go `AppType`).
  const tool = explicit[0] ?? (isKustomize ? 'kustomize' : isChart ? 'helm' : 'directory');
  const destinationNamespace = str(destination.namespace) ? { namespace: str(destination.namespace)!, at: own.at(['spec', 'destination', 'namespace']) } : undefined;
  if (tool === 'kustomize') {
    if (!isKustomize) return refuse(sp('kustomize'), `kustomize settings are given, but ${dir || '.'} holds no kustomization, so Argo CD cannot build it`, 'declaration-source-not-found');
    const kustomize = isRecord(source.kustomize) ? source.kustomize : {};
    return withNamespace(kustomizeTarget(own, base, kustomize, dir, sp, env), destinationNamespace);
  }
  if (tool === 'directory') return withNamespace(directoryTarget(own, base, source.directory, dir), destinationNamespace);
  const helm = isRecord(source.helm) ? source.helm : undefined;
  if (!isChart) return refuse(sp('helm'), `helm settings are given, but ${dir || '.'} holds no Chart.yaml`, 'declaration-source-not-found');
  base.path = dir;
  base.inputs = [...new Set([...base.inputs, ...repo.walk(dir)])].sort();
  base.helm = remoteRelease(own.object, helm, destination, undefined);
  return helmSettings(own, base, helm, dir, sp, env);
}

function withNamespace(target: Target, namespace: Target['destinationNamespace']): Target {
  if (namespace && target.renderable) target.destinationNamespace = namespace;
  return target;
}

/** A Helm source's settings applied to its release: value files, values, parameters, file parameters, flags. */
function helmSettings(app: App, base: Target, helm: Record<string, unknown> | undefined, chartDir: string | undefined, sp: (...p: (string | number)[]) => JsonPath, env: BuildEnv): Target {
  const release = base.helm!;
  const refuse = (p: JsonPath, reason: string, ruleId = 'declaration-not-rendered'): Target => notRendered(app, base.id, p, reason, ruleId);
  if (!helm) {
    release.includeCrds = true;
    return base;
  }
  const unknown = (text: string, p: JsonPath): Target | undefined => unknownRevision(app, base.id, env, text, p);
  const files = (Array.isArray(helm.valueFiles) ? helm.valueFiles : []).map((f) => (typeof f === 'string' ? f : ''));
  const fileParameters = (Array.isArray(helm.fileParameters) ? helm.fileParameters : []).filter(isRecord);
  const ctx: ValueFilesContext = { repo: app.repo, appPath: chartDir ?? '', refs: refCheckouts(app), multiSource: app.multiSource, env, ignoreMissing: helm.ignoreMissingValueFiles === true };
  const refProblem = checkRefs([...files, ...fileParameters.map((p) => (typeof p.path === 'string' ? p.path : ''))], ctx);
  if (refProblem) {
    const i = refProblem.index;
    return refuse(i < files.length ? sp('helm', 'valueFiles', i) : sp('helm', 'fileParameters', i - files.length, 'path'), `${refProblem.message}, so Argo CD fails to render it`);
  }
  for (const [i, f] of files.entries()) {
    const problem = unknown(f, sp('helm', 'valueFiles', i));
    if (problem) return problem;
    if (chartDir === undefined && inFetchedChart(f, ctx)) return refuse(sp('helm', 'valueFiles', i), `the value file ${f} is inside the fetched chart, which the gate does not read value files from yet`);
  }
  const resolved = resolveValueFiles(files, ctx);
  if ('error' in resolved) return refuse(sp('helm', 'valueFiles', resolved.error.index), ...valueFileProblem(files[resolved.error.index], resolved.error.message));
  for (const [i, f] of resolved.files.entries()) {
    const problem = usable(f, ctx);
    if (problem) return refuse(sp('helm', 'valueFiles', resolved.origins[i]), ...problem);
    const file = (f as { file: string }).file;
    release.valuesFiles.push(file);
    if (!base.inputs.includes(file)) base.inputs = [...base.inputs, file].sort();
  }
  const inline = inlineValues(app.object, app.repo, helm, sp('helm'));
  if (typeof inline === 'string') return refuse(sp('helm', 'values'), inline, 'invalid-yaml');
  if (inline) release.inlineValues = [inline];
  // Parameters are a map in Argo CD (the last of a name wins); values are substituted and their commas escaped.
  const parameters = new Map<string, { value: string; forceString: boolean; at: SourceLocation }>();
  for (const [i, p] of (Array.isArray(helm.parameters) ? helm.parameters : []).entries()) {
    if (!isRecord(p) || typeof p.name !== 'string') continue;
    const raw = p.value === undefined || p.value === null ? '' : String(p.value);
    const problem = unknown(raw, sp('helm', 'parameters', i, 'value'));
    if (problem) return problem;
    parameters.set(`${p.forceString === true ? 's' : 'v'}${p.name}`, { value: envsubst(raw, env), forceString: p.forceString === true, at: app.at(sp('helm', 'parameters', i, 'value')) });
  }
  for (const [key, p] of parameters) {
    const name = key.slice(1);
    release.setAt = [...(release.setAt ?? []), { key: name, at: p.at }];
    if (p.forceString) release.setString = [...(release.setString ?? []), `${name}=${cleanSetParameter(p.value)}`];
    else release.set.push(`${name}=${cleanSetParameter(p.value)}`);
  }
  for (const [i, p] of fileParameters.entries()) {
    if (typeof p.name !== 'string' || typeof p.path !== 'string') continue;
    const at = sp('helm', 'fileParameters', i, 'path');
    const problem = unknown(p.path, at);
    if (problem) return problem;
    if (chartDir === undefined && inFetchedChart(p.path, ctx)) return refuse(at, `the file parameter ${p.path} is inside the fetched chart, which the gate does not read files from yet`);
    const one = resolveOne(p.path, ctx);
    if ('error' in one) return refuse(at, ...valueFileProblem(p.path, one.error));
    const unusable = usable(one, ctx);
    if (unusable) return refuse(at, ...unusable);
    const file = (one as { file: string }).file;
    release.setFile = [...(release.setFile ?? []), `${p.name}=${cleanSetParameter(file)}`];
    if (!base.inputs.includes(file)) base.inputs = [...base.inputs, file].sort();
  }
  if (helm.skipCrds !== true) release.includeCrds = true;
  if (helm.skipTests === true) release.skipTests = true;
  const environment = {
    ...(str(helm.kubeVersion) ? { kubeVersion: str(helm.kubeVersion) } : {}),
    ...(Array.isArray(helm.apiVersions) ? { apiVersions: helm.apiVersions.filter((v): v is string => typeof v === 'string') } : {}),
    ...(helm.skipSchemaValidation === true ? { skipSchemaValidation: true } : {})
  };
  if (Object.keys(environment).length > 0) release.environment = environment;
  return base;
}

/** A source refused for a revision variable in `text` when the commit is not known (outside a git checkout). */
function unknownRevision(app: App, id: string, env: BuildEnv, text: string, p: JsonPath): Target | undefined {
  const names = unknownVariables(text, env);
  return names.length > 0 ? notRendered(app, id, p, `it uses $${names[0]}, the commit Argo CD renders, which the gate does not know outside a git checkout`) : undefined;
}

/** Whether a relative entry of a source whose chart is fetched names a file inside that chart. */
function inFetchedChart(entry: string, ctx: ValueFilesContext): boolean {
  if (entry.startsWith('$') && ctx.refs.has(entry.split('/')[0].slice(1))) return false;
  const value = envsubst(entry, ctx.env);
  return !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
}

/** A resolution error as a reason and rule. */
function valueFileProblem(entry: string, message: string): [string, string] {
  const missingRef = /^failed to find repo "(.*)"$/.exec(message);
  if (missingRef) {
    const name = entry.split('/')[0];
    return [`the file ${entry} comes from ref source ${name} (${missingRef[1]}), which is not this repository at this revision; other repositories and revisions are not fetched`, 'declaration-source-not-found'];
  }
  const ruleId = /outside repository root|out-of-bounds symlinks/.test(message) ? 'path-outside-repository' : /matched no files/.test(message) ? 'file-not-found' : 'declaration-not-rendered';
  return [`${entry}: ${message}, so Argo CD fails to render it`, ruleId];
}

/** Why a resolved value file cannot be read by the gate (a URL, a missing file), if it cannot. */
function usable(f: ResolvedValueFile, ctx: ValueFilesContext): [string, string] | undefined {
  if ('url' in f) return [`the value file ${f.url} is a URL, which Argo CD fetches while rendering and the gate does not`, 'declaration-not-rendered'];
  if (!ctx.repo.isFile(f.file)) return [`the file ${f.file} does not exist, so Helm fails to render it`, 'file-not-found'];
  return undefined;
}

/** util/helm/cmd.go `cleanSetParameters`: commas not already escaped are escaped, unless the value is a `{list}`. */
export function cleanSetParameter(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) return value;
  let out = '';
  let previous = '';
  for (const c of value) {
    out += c === ',' && previous !== '\\' ? '\\,' : c;
    previous = c;
  }
  return out;
}

/** An Argo CD directory source: the files the repo-server reads, jsonnet reported as not checked. */
function directoryTarget(app: App, base: Target, settings: unknown, dir: string): Target {
  const found = directoryFiles(app.repo, dir, directorySettings(settings));
  const problems = [...found.problems];
  for (const file of found.jsonnet) {
    problems.push(new InputError(file, `Argo CD evaluates this jsonnet file for ${app.object.kind} ${app.object.namespace ?? 'argocd'}/${app.object.name}; the gate does not evaluate jsonnet, so what it makes is not checked`, 'declaration-not-rendered'));
  }
  const target: Target = { ...base, kind: 'manifests', path: dir, files: found.files, reads: found.files, argocdDirectory: true };
  delete target.helm;
  target.inputs = [...new Set([...base.inputs, ...found.files, ...found.jsonnet])].sort();
  if (problems.length > 0) target.problems = problems;
  return target;
}

/**
 * A kustomize source with Argo CD's settings, applied as the repo-server applies them: `kustomize edit` on the
 * folder's own kustomization (`set nameprefix`/`namesuffix`/`namespace`/`image`/`replicas`, `add label`/`annotation`/
 * `component`) and `patches` appended — the same kustomization, not an extra layer — built with kustomize's default
 * load restrictions. Each edited field points at its line in the Application.
 */
function kustomizeTarget(app: App, base: Target, kustomize: Record<string, unknown>, dir: string, sp: (...p: (string | number)[]) => JsonPath, env: BuildEnv): Target {
  const refuse = (p: JsonPath, reason: string) => notRendered(app, base.id, p, reason);
  const labelled = isRecord(kustomize.commonLabels) && Object.keys(kustomize.commonLabels).length > 0;
  if (labelled && kustomize.labelIncludeTemplates === true && kustomize.labelWithoutSelector !== true) {
    return refuse(sp('kustomize', 'labelIncludeTemplates'), 'kustomize edit add label fails: --without-selector flag must be specified for --include-templates to work (labelIncludeTemplates without labelWithoutSelector), so Argo CD fails to render it');
  }
  const unknown = (text: string, p: JsonPath): Target | undefined => unknownRevision(app, base.id, env, text, p);
  const flux: FluxBuild = { patches: [], images: [], components: [], sourceMap: app.object.sourceMap, argocd: { replicas: [] } };
  if (str(kustomize.namePrefix)) flux.namePrefix = str(kustomize.namePrefix);
  if (str(kustomize.nameSuffix)) flux.nameSuffix = str(kustomize.nameSuffix);
  if (str(kustomize.namespace)) flux.targetNamespace = str(kustomize.namespace);
  const list = (field: string): unknown[] => (Array.isArray(kustomize[field]) ? (kustomize[field] as unknown[]) : []);
  for (const [i, image] of list('images').entries()) {
    if (typeof image !== 'string') continue;
    const problem = unknown(image, sp('kustomize', 'images', i));
    if (problem) return problem;
    flux.images.push({ ...argoImage(envsubst(image, env)), at: sp('kustomize', 'images', i) });
  }
  for (const [i, r] of list('replicas').entries()) {
    if (isRecord(r) && typeof r.name === 'string' && (typeof r.count === 'number' || typeof r.count === 'string')) flux.argocd!.replicas.push({ name: r.name, count: r.count, at: sp('kustomize', 'replicas', i, 'count') });
  }
  // Label values are substituted with the build environment; annotation values only with commonAnnotationsEnvsubst.
  for (const field of ['commonLabels', 'commonAnnotations'] as const) {
    const value = kustomize[field];
    if (!isRecord(value)) continue;
    const substitute = field === 'commonLabels' || kustomize.commonAnnotationsEnvsubst === true;
    const entries: [string, string][] = [];
    for (const [k, v] of Object.entries(value)) {
      const problem = substitute ? unknown(String(v), sp('kustomize', field, k)) : undefined;
      if (problem) return problem;
      entries.push([k, substitute ? envsubst(String(v), env) : String(v)]);
    }
    const force = kustomize[field === 'commonLabels' ? 'forceCommonLabels' : 'forceCommonAnnotations'] === true;
    const labels = field === 'commonLabels' ? { withoutSelector: kustomize.labelWithoutSelector === true, includeTemplates: kustomize.labelIncludeTemplates === true } : {};
    flux.argocd![field] = { value: Object.fromEntries(entries), at: sp('kustomize', field), force, ...labels };
  }
  for (const [i, patch] of list('patches').entries()) {
    if (!isRecord(patch)) continue;
    // Copied into the kustomization as written: a `path` is read from the kustomization's folder.
    const fields = { ...(typeof patch.patch === 'string' ? { patch: patch.patch } : {}), ...(typeof patch.path === 'string' ? { path: patch.path } : {}) };
    flux.patches.push({ ...fields, ...(isRecord(patch.target) ? { target: patch.target } : {}), ...(isRecord(patch.options) ? { options: patch.options } : {}), at: sp('kustomize', 'patches', i) });
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
  const read = textValuesAt(repo, object.sourceMap.locate([...base, 'values']).location, helm.values);
  return read && 'error' in read ? `helm.values is not valid YAML (${read.error}), so Argo CD cannot render it` : read;
}
