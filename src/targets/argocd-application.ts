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
import { isRecord, type JsonPath, type KubeObject, type Located, type SourceLocation } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import { inlineValuesAt } from './inline-values.js';
import type { InlineValues, Target } from './types.js';

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

/**
 * The target for one Application (or the reason it is not rendered). `isThisRepository` says whether a Git
 * `repoURL` at a revision is this checkout, this side of the pull request, or another revision or repository.
 * Returns undefined when the folder's own target renders what the Application deploys.
 */
export function applicationTarget(object: KubeObject, producer: Target, repo: RepoFiles, isThisRepository: (url: string, revision: string) => 'this' | 'other-revision' | 'other'): Target | undefined {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const appNamespace = object.namespace ?? 'argocd';
  const at = (p: JsonPath): SourceLocation => object.sourceMap.locate(p).location;
  const declaredAt = at([]);
  const id = `argocd:${appNamespace}/${object.name}`;
  const base: Target = { id, kind: 'helm', path: dirname(declaredAt.file), inputs: [...producer.inputs], renderable: true, declaredAt };
  const refuse = (p: JsonPath, reason: string, ruleId = 'declaration-not-rendered'): Target => {
    const where = at(p);
    return { ...base, renderable: false, problems: [new InputError(where.file, `${object.kind} ${appNamespace}/${object.name}: ${reason}`, ruleId, where.line, where.column)] };
  };
  if (object.kind === 'ApplicationSet') return refuse(['spec', 'generators'], 'ApplicationSets are not expanded by the gate yet, so the Applications it generates are not checked');
  if (Array.isArray(spec.sources) && spec.sources.length > 0) return refuse(['spec', 'sources'], 'multi-source Applications are not rendered by the gate yet');
  const source = isRecord(spec.source) ? spec.source : undefined;
  if (!source) return refuse(['spec'], 'it has no source (or only a source hydrator), which the gate does not render yet');
  const sp = (...p: (string | number)[]): JsonPath => ['spec', 'source', ...p];
  if (isRecord(source.plugin)) return refuse(sp('plugin'), 'a config management plugin renders it, which the gate cannot reproduce');
  const helm = isRecord(source.helm) ? source.helm : undefined;
  const repoURL = str(source.repoURL) ?? '';
  const destination = isRecord(spec.destination) ? spec.destination : {};
  let chartDir: string | undefined;
  if (str(source.chart)) {
    base.helm = remoteRelease(object, helm, destination, { repository: argoChartRepository(repoURL), name: str(source.chart)!, version: str(source.targetRevision) ?? '*', declaredAt: at(sp('chart')) });
  } else {
    const revision = str(source.targetRevision) ?? '';
    const which = isThisRepository(repoURL, revision);
    if (which === 'other-revision') return refuse(sp('targetRevision'), `its source is this repository at revision ${revision}, not this side of the pull request (localRevisions); other revisions are not fetched`, 'declaration-source-not-found');
    if (which === 'other') return refuse(sp('repoURL'), `its source ${repoURL || '(none)'} is not this repository; other repositories are not fetched`, 'declaration-source-not-found');
    const dir = repo.normalize((str(source.path) ?? '.').replace(/^\.\/?$/, '').replace(/^\.\//, '').replace(/\/+$/, ''));
    const isChart = repo.isFile(dir ? `${dir}/Chart.yaml` : 'Chart.yaml');
    const isKustomize = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((n) => repo.isFile(dir ? `${dir}/${n}` : n));
    if (helm && !isChart) return refuse(sp('helm'), `helm settings are given, but ${dir || '.'} holds no Chart.yaml`, 'declaration-source-not-found');
    if (!isChart || (isKustomize && !helm)) {
      // Kustomize or plain manifests: the folder's own target renders them; Argo's own settings for them are not applied yet.
      for (const field of ['kustomize', 'directory'] as const) {
        if (isRecord(source[field]) && Object.keys(source[field]).length > 0) return refuse(sp(field), `Argo CD's ${field} settings are not applied by the gate yet, so what it deploys is not checked as Argo CD renders it`);
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
      if (/^\$/.test(file) || /[*?[]/.test(file) || /^[a-z]+:\/\//i.test(file)) return refuse(sp('helm', 'valueFiles', i), `the value file ${file} ($ref, glob or URL) is not resolved by the gate yet`);
      if (chartDir === undefined) return refuse(sp('helm', 'valueFiles', i), `value files inside a fetched chart (${file}) are not read by the gate yet`);
      const resolved = repo.normalize(file.startsWith('/') ? file.slice(1) : path.posix.join(chartDir, file));
      if (!repo.isFile(resolved)) {
        if (helm.ignoreMissingValueFiles === true) continue;
        return refuse(sp('helm', 'valueFiles', i), `the value file ${file} (${resolved}) does not exist`, 'file-not-found');
      }
      release.valuesFiles.push(resolved);
      if (!base.inputs.includes(resolved)) base.inputs = [...base.inputs, resolved].sort();
    }
    const inline = inlineValues(object, repo, helm);
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
function inlineValues(object: KubeObject, repo: RepoFiles, helm: Record<string, unknown>): InlineValues | string | undefined {
  const base: JsonPath = ['spec', 'source', 'helm'];
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
