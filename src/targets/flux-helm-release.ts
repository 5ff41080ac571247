/**
 * Flux HelmReleases as render targets, read as helm-controller reads them (fluxcd/helm-controller, api/v2): the
 * chart from `spec.chart.spec` (a HelmRepository, or this repository's own GitRepository) or `spec.chartRef` (an
 * OCIRepository, a HelmChart written in the repository, whose spec is read as `spec.chart.spec`, or an ExternalArtifact
 * an ArtifactGenerator copies from this repository, the chart at its root); the release name (`GetReleaseName` and `ShortenName`) and namespace; `valuesFrom` (ConfigMaps and
 * Secrets from the rendered output or the repository, merged in the render process as fluxcd/pkg merges them) and
 * `spec.values`, each key located where it is written (through kustomize patches too, since the HelmRelease objects
 * come from the rendered output); chart `valuesFiles`, whose merge replaces the chart's values.yaml as
 * source-controller packages the chart; `postRenderers` kustomize patches and images. What the gate does not apply
 * yet (other sources, SOPS-encrypted Secrets) leaves the release not checked, with the reason.
 * Sources are read from the rendered output and the repository's files (HelmRepository, OCIRepository,
 * GitRepository objects).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { isRecord, type JsonPath, type KubeObject, type SourceLocation } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import { underRoot, type RepoFiles } from '../repo/files.js';
import { inlineValuesAt, setPathSegments, textValuesAt } from './inline-values.js';
import type { YamlTexts } from './repo-yaml.js';
import { declaration } from './declaration.js';
import { artifactHolds, artifactRefusal, type FluxArtifact } from './flux-artifact.js';
import type { FluxPostRenderer, FluxValuesReference, InlineValues, Target } from './types.js';

/** A ConfigMap or Secret by kind, namespace and name: in the producing target's output first, else the repository's files. */
export type FindObject = (kind: 'ConfigMap' | 'Secret', namespace: string, name: string) => KubeObject | undefined;

const SOURCE_API = 'source.toolkit.fluxcd.io/';
const HELM_API = 'helm.toolkit.fluxcd.io/';

export interface FluxSource {
  kind: 'HelmRepository' | 'OCIRepository' | 'GitRepository' | 'HelmChart';
  name: string;
  namespace: string;
  spec: Record<string, unknown>;
  location: SourceLocation;
  /** Where its `spec.url` is written (the line a finding about the location belongs on). */
  urlLocation: SourceLocation;
}

/** A Flux source by kind, namespace and name: in the producing target's output first, else the repository's files. */
export type FindSource = (kind: string, namespace: string, name: string) => FluxSource | undefined;

/** A rendered object as a Flux source, when it is one (its namespace as the render gave it). */
export function fluxSourceOf(object: KubeObject): FluxSource | undefined {
  if (!object.apiVersion.startsWith(SOURCE_API)) return undefined;
  if (object.kind !== 'HelmRepository' && object.kind !== 'OCIRepository' && object.kind !== 'GitRepository' && object.kind !== 'HelmChart') return undefined;
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  return { kind: object.kind, name: object.name, namespace: object.namespace ?? 'default', spec, location: object.sourceMap.locate([]).location, urlLocation: object.sourceMap.locate(['spec', 'url']).location };
}

/** The Flux source objects written in the repository's YAML files, by `kind/namespace/name`. */
export function collectFluxSources(texts: YamlTexts): Map<string, FluxSource> {
  const out = new Map<string, FluxSource>();
  for (const object of texts.objects(/source\.toolkit\.fluxcd\.io\//, (o) => fluxSourceOf(o) !== undefined)) {
    const source = fluxSourceOf(object)!;
    out.set(`${source.kind}/${source.namespace}/${source.name}`, source);
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
export function helmReleaseTarget(
  object: KubeObject,
  producer: Target,
  findSource: FindSource,
  repo: RepoFiles,
  thisRepository: (source: FluxSource) => boolean,
  findObject: FindObject,
  findArtifact: (namespace: string, name: string) => FluxArtifact | undefined = () => undefined
): Target {
  const { spec, namespace, at, declaredAt, problems, refuse } = declaration(object);
  const targetNamespace = str(spec.targetNamespace);
  const releaseName = shortenReleaseName(str(spec.releaseName) ?? (targetNamespace ? `${targetNamespace}-${object.name}` : object.name));
  const base: Target = {
    id: `flux:${namespace}/${object.name}`,
    kind: 'helm',
    path: path.posix.dirname(declaredAt.file) === '.' ? '' : path.posix.dirname(declaredAt.file),
    inputs: [...producer.inputs],
    renderable: true,
    declaredAt,
    // A Helm upgrade deletes what the release no longer renders.
    prunes: true,
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
  const specValues = spec.values !== undefined && spec.values !== null ? inlineValuesAt(object, ['spec', 'values'], spec.values) : undefined;
  if (specValues) base.helm!.inlineValues = [specValues];
  if (Array.isArray(spec.valuesFrom) && spec.valuesFrom.length > 0) {
    const read = valuesFrom(object, spec.valuesFrom, namespace, findObject, repo, refuse);
    base.helm!.valuesFrom = { ...read.valuesFrom, values: spec.values ?? null };
    // Where keys are written, lowest precedence first: references, spec.values, then target paths (which win).
    base.helm!.inlineValues = [...read.merged, ...(specValues ? [specValues] : []), ...read.targeted];
    base.inputs = [...new Set([...base.inputs, ...read.files])].sort();
  }
  if (Array.isArray(spec.postRenderers) && spec.postRenderers.length > 0) {
    const renderers = postRenderers(spec.postRenderers, at, refuse);
    if (renderers.length > 0) base.helm!.postRenderers = renderers;
  }
  const chart = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : undefined;
  const chartRef = isRecord(spec.chartRef) ? spec.chartRef : undefined;
  const source = (kind: string, ref: Record<string, unknown>): FluxSource | undefined => findSource(kind, str(ref.namespace) ?? namespace, str(ref.name) ?? '');
  /**
   * A chart template (`spec.chart.spec`, or a HelmChart's spec): its source, chart and valuesFiles. `field` places a
   * problem on the HelmRelease; `local`: the source is in the template's own namespace (a HelmChart's sourceRef).
   */
  const fromChartSpec = (spec: Record<string, unknown>, sourceNamespace: string, field: (name: string) => JsonPath, chartAt: SourceLocation, local: boolean): void => {
    const ref = isRecord(spec.sourceRef) ? spec.sourceRef : {};
    const kind = str(ref.kind) ?? '';
    const chartName = str(spec.chart) ?? '';
    const refNamespace = local ? sourceNamespace : (str(ref.namespace) ?? sourceNamespace);
    const valuesFiles = Array.isArray(spec.valuesFiles) ? spec.valuesFiles.filter((f): f is string => typeof f === 'string') : [];
    const ignoreMissing = spec.ignoreMissingValuesFiles === true;
    // The bootstrap GitRepository (made by `flux bootstrap` or the Flux Operator) is this repository even when unwritten.
    const bootstrap: FluxSource | undefined =
      kind === 'GitRepository' && str(ref.name) === 'flux-system' && refNamespace === 'flux-system'
        ? { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system', spec: {}, location: declaredAt, urlLocation: declaredAt }
        : undefined;
    const found = kind === 'HelmRepository' || kind === 'GitRepository' ? (findSource(kind, refNamespace, str(ref.name) ?? '') ?? bootstrap) : undefined;
    if (!found) {
      refuse(field('sourceRef'), kind === 'HelmRepository' || kind === 'GitRepository' ? `the ${kind} ${refNamespace}/${str(ref.name) ?? ''} it names is not in the repository` : `a chart from a ${kind || 'missing'} source is not rendered by the gate yet`, 'declaration-source-not-found');
    } else if (found.kind === 'HelmRepository') {
      const url = str(found.spec.url) ?? '';
      const repository = found.spec.type === 'oci' ? url.replace(/\/+$/, '') : url;
      base.helm!.remoteChart = { repository, name: chartName, version: str(spec.version) ?? '*', declaredAt: chartAt };
      base.inputs = [...new Set([...base.inputs, found.location.file])].sort();
      if (valuesFiles.length > 0) base.helm!.chartValuesFiles = { files: valuesFiles, inChart: true, ignoreMissing };
    } else if (!thisRepository(found)) {
      refuse(field('sourceRef'), `the chart comes from the GitRepository ${found.namespace}/${found.name} (${str(found.spec.url) ?? 'no url'}), which is not this repository; other repositories are not fetched`, 'declaration-source-not-found');
    } else {
      const dir = repo.normalize(chartName.replace(/^\.\//, '').replace(/\/+$/, ''));
      if (!repo.isFile(dir ? `${dir}/Chart.yaml` : 'Chart.yaml')) {
        refuse(field('chart'), `the chart path ${chartName} has no Chart.yaml in this repository`, 'declaration-source-not-found');
      } else {
        base.path = dir;
        base.inputs = [...new Set([...base.inputs, ...(found === bootstrap ? [] : [found.location.file]), ...repo.walk(dir)])].sort();
        base.helm!.chartFromGit = { reconcileStrategy: str(spec.reconcileStrategy) ?? 'ChartVersion' };
        if (valuesFiles.length > 0) {
          // Relative to the source's root, which `..` does not leave (securejoin); read by the release.
          const files = valuesFiles.map(underRoot);
          base.helm!.chartValuesFiles = { files: valuesFiles, inChart: false, ignoreMissing };
          base.inputs = [...new Set([...base.inputs, ...files])].sort();
        }
      }
    }
  };
  if (chart) {
    fromChartSpec(chart, namespace, (f) => ['spec', 'chart', 'spec', f], at(['spec', 'chart', 'spec', 'chart']), false);
  } else if (chartRef && str(chartRef.kind) === 'HelmChart') {
    // A HelmChart written beside the release: its spec is the chart template, its sourceRef in its own namespace.
    const found = source('HelmChart', chartRef);
    if (!found) {
      refuse(['spec', 'chartRef'], `the HelmChart ${str(chartRef.namespace) ?? namespace}/${str(chartRef.name) ?? ''} it names is not in the repository`, 'declaration-source-not-found');
    } else {
      base.inputs = [...new Set([...base.inputs, found.location.file])].sort();
      fromChartSpec(found.spec, found.namespace, () => ['spec', 'chartRef'], found.location, true);
    }
  } else if (chartRef && str(chartRef.kind) === 'ExternalArtifact') {
    // Flux 2.7: an ArtifactGenerator's copy of this repository's folder; the chart is at the artifact's root.
    const refNamespace = str(chartRef.namespace) ?? namespace;
    const found = findArtifact(refNamespace, str(chartRef.name) ?? '');
    if (!found || 'problem' in found) {
      refuse(['spec', 'chartRef'], ...artifactRefusal(found, refNamespace, str(chartRef.name) ?? ''));
    } else if (!repo.isFile(found.root ? `${found.root}/Chart.yaml` : 'Chart.yaml')) {
      refuse(['spec', 'chartRef'], `the ExternalArtifact ${refNamespace}/${found.name} holds no Chart.yaml at its root (${found.root || '.'} of this repository), so helm-controller finds no chart`, 'declaration-source-not-found');
    } else {
      const files = repo.walk(found.root);
      const left = files.filter((f) => !artifactHolds(found, f));
      if (left.length > 0) {
        refuse(['spec', 'chartRef'], `the ExternalArtifact ${refNamespace}/${found.name} holds only part of the chart folder ${found.root || '.'} (not ${left.slice(0, 3).join(', ')}${left.length > 3 ? ' and more' : ''}), which the gate does not reproduce`, 'declaration-not-rendered');
      } else {
        base.path = found.root;
        base.inputs = [...new Set([...base.inputs, found.location.file, ...files])].sort();
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

/**
 * `postRenderers[].kustomize`: inline patches (with their targets) and images, each with the line that writes it.
 * Anything else (the v2beta1 patchesStrategicMerge and patchesJson6902) leaves the release not checked.
 */
function postRenderers(list: unknown[], at: (p: JsonPath) => SourceLocation, refuse: (p: JsonPath, reason: string, ruleId?: string) => void): FluxPostRenderer[] {
  const out: FluxPostRenderer[] = [];
  list.forEach((entry, i) => {
    const kustomize = isRecord(entry) && isRecord(entry.kustomize) ? entry.kustomize : undefined;
    const p: JsonPath = ['spec', 'postRenderers', i, 'kustomize'];
    if (!kustomize) return refuse(['spec', 'postRenderers', i], 'a post-renderer other than kustomize is not applied by the gate, so what the release deploys is not checked');
    for (const field of ['patchesStrategicMerge', 'patchesJson6902']) {
      if (kustomize[field] !== undefined) return refuse([...p, field], `post-renderer ${field} (removed from the HelmRelease API in v2) is not applied by the gate, so what the release deploys is not checked`);
    }
    const patches = (Array.isArray(kustomize.patches) ? kustomize.patches : []).flatMap((patch, j) =>
      isRecord(patch) && typeof patch.patch === 'string' ? [{ patch: patch.patch, ...(isRecord(patch.target) ? { target: patch.target } : {}), at: at([...p, 'patches', j, 'patch']) }] : []
    );
    const images = (Array.isArray(kustomize.images) ? kustomize.images : []).flatMap((image, j) => {
      if (!isRecord(image) || !str(image.name)) return [];
      const fields = Object.fromEntries(['newName', 'newTag', 'digest'].filter((f) => typeof image[f] === 'string').map((f) => [f, image[f] as string]));
      return [{ name: image.name as string, ...fields, at: at([...p, 'images', j]) }];
    });
    out.push({ patches, images, at: at(p) });
  });
  return out;
}

/**
 * The `valuesFrom` references with the ConfigMaps and Secrets found for them (Secret `data` decoded, `stringData`
 * over it), and where their keys are written: a whole values key at its `data` entry; a target path's value there
 * too. A SOPS-encrypted Secret cannot be read: the release is not checked.
 */
function valuesFrom(object: KubeObject, list: unknown[], namespace: string, findObject: FindObject, repo: RepoFiles, refuse: (p: JsonPath, reason: string, ruleId?: string) => void) {
  const refs: FluxValuesReference[] = [];
  const resources: Record<string, { data: Record<string, string> }> = {};
  const at: SourceLocation[] = [];
  const merged: InlineValues[] = [];
  const targeted: InlineValues[] = [];
  const files = new Set<string>();
  list.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const ref: FluxValuesReference = {
      kind: str(entry.kind) ?? '',
      name: str(entry.name) ?? '',
      ...(str(entry.valuesKey) ? { valuesKey: str(entry.valuesKey) } : {}),
      ...(str(entry.targetPath) ? { targetPath: str(entry.targetPath) } : {}),
      ...(entry.optional === true ? { optional: true } : {}),
      ...(entry.literal === true ? { literal: true } : {})
    };
    refs.push(ref);
    at.push(object.sourceMap.locate(['spec', 'valuesFrom', i]).location);
    if (ref.kind !== 'ConfigMap' && ref.kind !== 'Secret') return;
    const found = findObject(ref.kind, namespace, ref.name);
    if (!found) return;
    if (ref.kind === 'Secret' && found.body.sops !== undefined) {
      refuse(['spec', 'valuesFrom', i], `the Secret ${namespace}/${ref.name} is encrypted with SOPS, so its values cannot be read and what the release deploys is not checked`);
      return;
    }
    const { data, where } = objectData(found);
    resources[`${ref.kind}/${ref.name}`] = { data };
    const key = ref.valuesKey || 'values.yaml';
    if (!(key in data)) return;
    const location = where(key);
    files.add(location.file);
    const constant = (has: (p: JsonPath) => boolean): InlineValues['sourceMap'] => ({ has, locate: (p) => ({ location, related: [], foundPath: p }) });
    if (ref.targetPath) {
      const target = setPathSegments(ref.targetPath);
      targeted.push({ value: null, file: location.file, sourceMap: constant((p) => target.every((seg, k) => p[k] === seg)) });
      return;
    }
    // Text written in the file (a ConfigMap's data, a Secret's stringData): each key on its line of a `key: |` block.
    if (written(found, key)) {
      const read = textValuesAt(repo, location, data[key]);
      if (read && !('error' in read)) {
        merged.push(read);
        return;
      }
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(data[key], location.file).documents[0]?.value;
    } catch {
      parsed = undefined;
    }
    merged.push({ value: parsed, file: location.file, sourceMap: constant((p) => hasPath(parsed, p)) });
  });
  return { valuesFrom: { refs, resources, at }, merged, targeted, files };
}

/** Whether a key's value is written as text in the object's file (not base64 `data` of a Secret). */
function written(object: KubeObject, key: string): boolean {
  if (object.kind !== 'Secret') return true;
  return isRecord(object.body.stringData) && typeof object.body.stringData[key] === 'string';
}

/** A ConfigMap's `data`, or a Secret's `data` (base64) with `stringData` over it, and where each key is written. */
function objectData(object: KubeObject): { data: Record<string, string>; where: (key: string) => SourceLocation } {
  const data: Record<string, string> = {};
  const field: Record<string, string> = {};
  const body = object.body;
  if (isRecord(body.data)) {
    for (const [k, v] of Object.entries(body.data)) {
      if (typeof v !== 'string') continue;
      data[k] = object.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
      field[k] = 'data';
    }
  }
  if (object.kind === 'Secret' && isRecord(body.stringData)) {
    for (const [k, v] of Object.entries(body.stringData)) {
      if (typeof v !== 'string') continue;
      data[k] = v;
      field[k] = 'stringData';
    }
  }
  return { data, where: (key) => object.sourceMap.locate([field[key] ?? 'data', key]).location };
}

function hasPath(value: unknown, p: JsonPath): boolean {
  let node = value;
  for (const seg of p) {
    if (Array.isArray(node) && typeof seg === 'number') node = node[seg];
    else if (isRecord(node) && typeof seg === 'string' && seg in node) node = node[seg];
    else return false;
  }
  return true;
}
