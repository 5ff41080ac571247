/**
 * Flux HelmReleases as render targets, read as helm-controller reads them (fluxcd/helm-controller, api/v2): the
 * chart from `spec.chart.spec` (a HelmRepository, or this repository's own GitRepository) or `spec.chartRef` (an
 * OCIRepository); the release name (`GetReleaseName` and `ShortenName`) and namespace; `spec.values` merged over the
 * chart's values, its keys located where the HelmRelease writes them (through kustomize patches too, since the
 * HelmRelease objects come from the rendered output). What the gate does not apply yet (`valuesFrom`,
 * `postRenderers`, chart `valuesFiles`, other sources) leaves the release not checked, with the reason.
 * Sources are read from the repository's files (HelmRepository, OCIRepository, GitRepository objects).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { isRecord, type JsonPath, type KubeObject, type SourceLocation } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import type { Target } from './types.js';

const SOURCE_API = 'source.toolkit.fluxcd.io/';
const HELM_API = 'helm.toolkit.fluxcd.io/';

export interface FluxSource {
  kind: 'HelmRepository' | 'OCIRepository' | 'GitRepository';
  name: string;
  namespace: string;
  spec: Record<string, unknown>;
  location: SourceLocation;
  /** Where its `spec.url` is written (the line a finding about the location belongs on). */
  urlLocation: SourceLocation;
}

/** The Flux source objects written in the repository's YAML files, by `kind/namespace/name`. */
export function collectFluxSources(repo: RepoFiles, files: readonly string[]): Map<string, FluxSource> {
  const out = new Map<string, FluxSource>();
  for (const file of files) {
    if (!/\.ya?ml$/i.test(file)) continue;
    let text: string;
    try {
      text = repo.readText(file);
    } catch {
      continue;
    }
    if (!text.includes(SOURCE_API)) continue;
    for (const doc of parseYaml(text, file).documents) {
      const v = doc.value;
      if (!isRecord(v) || typeof v.apiVersion !== 'string' || !v.apiVersion.startsWith(SOURCE_API)) continue;
      if (v.kind !== 'HelmRepository' && v.kind !== 'OCIRepository' && v.kind !== 'GitRepository') continue;
      const metadata = isRecord(v.metadata) ? v.metadata : {};
      if (typeof metadata.name !== 'string') continue;
      const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
      const urlLocation = doc.sourceMap.locate(['spec', 'url']).location;
      const source: FluxSource = { kind: v.kind, name: metadata.name, namespace, spec: isRecord(v.spec) ? v.spec : {}, location: { file, line: doc.line }, urlLocation };
      out.set(`${v.kind}/${namespace}/${metadata.name}`, source);
    }
  }
  return out;
}

export function isHelmRelease(object: KubeObject): boolean {
  return object.kind === 'HelmRelease' && object.apiVersion.startsWith(HELM_API);
}

/** helm-controller's ShortenName: names over 53 characters become their first 40, `-`, and 12 hex of their sha256. */
export function shortenReleaseName(name: string): string {
  if (name.length <= 53) return name;
  return `${name.slice(0, 40)}-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The target for one HelmRelease object rendered by `producer`. `thisRepository` says whether a GitRepository is
 * this checkout (the bootstrap `flux-system` one, or one whose URL is this repository's).
 */
export function helmReleaseTarget(object: KubeObject, producer: Target, sources: Map<string, FluxSource>, repo: RepoFiles, thisRepository: (source: FluxSource) => boolean): Target {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const namespace = object.namespace ?? 'default';
  const at = (p: JsonPath): SourceLocation => object.sourceMap.locate(p).location;
  const declaredAt = at([]);
  const problems: InputError[] = [];
  const refuse = (p: JsonPath, reason: string, ruleId = 'declaration-not-rendered') => {
    const where = at(p);
    problems.push(new InputError(where.file, `HelmRelease ${namespace}/${object.name}: ${reason}`, ruleId, where.line, where.column));
  };
  const targetNamespace = str(spec.targetNamespace);
  const releaseName = shortenReleaseName(str(spec.releaseName) ?? (targetNamespace ? `${targetNamespace}-${object.name}` : object.name));
  const base: Target = {
    id: `flux:${namespace}/${object.name}`,
    kind: 'helm',
    path: path.posix.dirname(declaredAt.file) === '.' ? '' : path.posix.dirname(declaredAt.file),
    inputs: [...producer.inputs],
    renderable: true,
    declaredAt,
    helm: {
      releaseName,
      namespace: targetNamespace ?? namespace,
      namespaceDeclared: true,
      valuesFiles: [],
      set: [],
      // Test hooks exist only when `helm test` runs, which helm-controller does only with spec.test.enable.
      skipTests: !(isRecord(spec.test) && spec.test.enable === true)
    }
  };
  if (spec.values !== undefined && spec.values !== null) {
    const valuesAt = object.sourceMap.locate(['spec', 'values']).location.file;
    const view = {
      has: (p: JsonPath) => object.sourceMap.locate(['spec', 'values', ...p]).foundPath.length === p.length + 2,
      locate: (p: JsonPath) => object.sourceMap.locate(['spec', 'values', ...p])
    };
    base.helm!.inlineValues = [{ value: spec.values, file: valuesAt, sourceMap: view }];
  }
  for (const [field, what] of [
    ['valuesFrom', 'valuesFrom (values from ConfigMaps and Secrets) is not applied by the gate yet'],
    ['postRenderers', 'postRenderers (kustomize patches after rendering) are not applied by the gate yet']
  ] as const) {
    if (Array.isArray(spec[field]) && spec[field].length > 0) refuse(['spec', field], `${what}, so what the release deploys is not checked`);
  }
  const chart = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : undefined;
  const chartRef = isRecord(spec.chartRef) ? spec.chartRef : undefined;
  const source = (kind: string, ref: Record<string, unknown>): FluxSource | undefined => sources.get(`${kind}/${str(ref.namespace) ?? namespace}/${str(ref.name) ?? ''}`);
  if (chart) {
    const ref = isRecord(chart.sourceRef) ? chart.sourceRef : {};
    const kind = str(ref.kind) ?? '';
    const chartName = str(chart.chart) ?? '';
    if (Array.isArray(chart.valuesFiles) && chart.valuesFiles.length > 0) refuse(['spec', 'chart', 'spec', 'valuesFiles'], 'chart valuesFiles (which replace the chart\'s values.yaml) are not applied by the gate yet, so what the release deploys is not checked');
    const found = kind === 'HelmRepository' || kind === 'GitRepository' ? source(kind, ref) : undefined;
    if (!found) {
      refuse(['spec', 'chart', 'spec', 'sourceRef'], kind === 'HelmRepository' || kind === 'GitRepository' ? `the ${kind} ${str(ref.namespace) ?? namespace}/${str(ref.name) ?? ''} it names is not in the repository` : `a chart from a ${kind || 'missing'} source is not rendered by the gate yet`, 'declaration-source-not-found');
    } else if (found.kind === 'HelmRepository') {
      const url = str(found.spec.url) ?? '';
      const repository = found.spec.type === 'oci' ? url.replace(/\/+$/, '') : url;
      base.helm!.remoteChart = { repository, name: chartName, version: str(chart.version) ?? '*', declaredAt: at(['spec', 'chart', 'spec', 'chart']) };
      base.inputs = [...new Set([...base.inputs, found.location.file])].sort();
    } else if (!thisRepository(found)) {
      refuse(['spec', 'chart', 'spec', 'sourceRef'], `the chart comes from the GitRepository ${found.namespace}/${found.name} (${str(found.spec.url) ?? 'no url'}), which is not this repository; other repositories are not fetched`, 'declaration-source-not-found');
    } else {
      const dir = repo.normalize(chartName.replace(/^\.\//, '').replace(/\/+$/, ''));
      if (!repo.isFile(dir ? `${dir}/Chart.yaml` : 'Chart.yaml')) {
        refuse(['spec', 'chart', 'spec', 'chart'], `the chart path ${chartName} has no Chart.yaml in this repository`, 'declaration-source-not-found');
      } else {
        base.path = dir;
        base.inputs = [...new Set([...base.inputs, found.location.file, ...repo.walk(dir)])].sort();
      }
    }
  } else if (chartRef) {
    const found = str(chartRef.kind) === 'OCIRepository' ? source('OCIRepository', chartRef) : undefined;
    if (!found) {
      refuse(['spec', 'chartRef'], str(chartRef.kind) === 'OCIRepository' ? `the OCIRepository ${str(chartRef.namespace) ?? namespace}/${str(chartRef.name) ?? ''} it names is not in the repository` : `a chartRef to a ${str(chartRef.kind) ?? 'missing'} kind is not rendered by the gate yet`, 'declaration-source-not-found');
    } else {
      const url = (str(found.spec.url) ?? '').replace(/\/+$/, '');
      const cut = url.lastIndexOf('/');
      const ref = isRecord(found.spec.ref) ? found.spec.ref : {};
      const version = str(ref.digest) ?? str(ref.semver) ?? str(ref.tag) ?? 'latest';
      base.helm!.remoteChart = { repository: url.slice(0, cut), name: url.slice(cut + 1), version, declaredAt: found.urlLocation };
      base.inputs = [...new Set([...base.inputs, found.location.file])].sort();
    }
  } else {
    refuse(['spec'], 'it names no chart (spec.chart or spec.chartRef)', 'declaration-source-not-found');
  }
  return problems.length > 0 ? { ...base, renderable: false, problems } : base;
}
