/**
 * Rendering Helm charts exactly as `helm template` does, with our own engine.
 *
 *   renderChart(repo, 'charts/app', { releaseName: 'app', namespace: 'prod', valuesFiles: ['envs/prod.yaml'] })
 *     -> { manifests: [{ source, content, provenance, hook? }], valuesSources, notes, templateOrigins }
 *
 * The pipeline follows Helm (pkg/cmd/install.go runInstall, pkg/action/install.go Run, action.go renderResources):
 * user values (-f, --set-json, --set, --set-string, --set-file, --set-literal) -> load chart (with its `file://`
 * dependencies, as `helm dependency build` would package them) -> installable and
 * dependency checks -> release name check -> dependency processing (aliases, tags, conditions, import-values) ->
 * coalesce with chart defaults -> schema validation -> kubeVersion check -> engine -> NOTES split off ->
 * manifests sorted by install order, hooks apart -> CRDs (with includeCrds).
 *
 * Errors are HelmRenderErrors (InputErrors) naming the file, line and column where known; `helmMessage` is the
 * exact text Helm prints after "Error: ".
 */
import { InputError, type RepoFiles } from '../../repo/files.js';
import { parseYaml } from '../../objects/yaml-source.js';
import type { GoValue, ProvenanceSegment } from '../gotemplate/index.js';
import { ArchiveBudget } from './archive.js';
import { type Chart, ChartError, addArchiveDependencies, addFileDependencies, chartFullPath, chartName, crdObjects, loadArchive, loadChart } from './chart.js';
import { replaceDefaultValues, type DefaultValuesFiles } from './chart-defaults.js';
import { RenderError, makeCapabilities, renderTemplates, toRenderValues, type Capabilities } from './engine.js';
import { engineToYaml, helmFuncMap } from './funcmap.js';
import {
  type CrdOutput, ManifestError, type SortedManifest, releaseManifest, sortManifests, type RenderedFile
} from './output.js';
import { RELEASED_HELM, type HelmBuild } from './build.js';
import { isCompatibleRange } from './semver.js';
import {
  type ValueOptions, type Values, type ValuesSource, ValuesError, checkDependencies, coalesceValues, mergeUserValues,
  processDependencies, validateAgainstSchema
} from './values.js';

export type { ValuesSource } from './values.js';
export { DEFAULT_KUBE_VERSION, HELM_MAIN_TEST_BUILD, RELEASED_HELM, type HelmBuild } from './build.js';
export type { ProvenanceSegment } from '../gotemplate/index.js';

export interface RenderChartOptions extends ValueOptions {
  releaseName: string;
  namespace: string;
  /** The chart's values.yaml replaced by the merge of these files first, as Flux packages a HelmChart with `valuesFiles`. */
  defaultValuesFiles?: DefaultValuesFiles;
  /**
   * `--kube-version`: .Capabilities.KubeVersion and the Chart.yaml `kubeVersion` check, e.g. "1.29" or "v1.29.3".
   * Default DEFAULT_KUBE_VERSION (v1.35.0, what released Helm 4.1.4 reports).
   */
  kubeVersion?: string;
  /** `--api-versions`: entries added to the default Capabilities.APIVersions. */
  apiVersions?: string[];
  includeCrds?: boolean;
  skipTests?: boolean;
  isUpgrade?: boolean;
  /** `--skip-schema-validation`: values.schema.json files (the chart's and its subcharts') are not checked. */
  skipSchemaValidation?: boolean;
  /** The chart itself as a fetched archive (then `chartDir` only names it in messages). */
  chartArchive?: { origin: string; data: Uint8Array };
  /** Dependencies fetched from repositories, as `helm dependency build` would leave them in charts/. */
  dependencyArchives?: { name: string; origin: string; data: Uint8Array }[];
  /** Render subcharts' NOTES.txt too. */
  renderSubchartNotes?: boolean;
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Receives Helm's warnings (coalescing conflicts, non-bool conditions). */
  warn?: (message: string) => void;
  /** The Helm build to behave as (default RELEASED_HELM, Helm 4.1.4). */
  build?: HelmBuild;
}

export interface RenderedManifest {
  /** Template path as in "# Source:" (e.g. "app/templates/deploy.yaml", "app/crds/x.yaml"). */
  source: string;
  content: string;
  /** Provenance of `content` (offsets relative to content). */
  provenance: ProvenanceSegment[];
  /** The helm.sh/hook annotation for hooks. */
  hook?: string;
  kind: 'crd' | 'manifest' | 'hook';
}

export interface ChartRender {
  /** In `helm template` order: CRDs (includeCrds), manifests by install order, then hooks (test hooks dropped with skipTests). */
  manifests: RenderedManifest[];
  /** Every values file in merge order (lowest priority first). */
  valuesSources: ValuesSource[];
  notes?: string;
  /**
   * What this render could not check as Helm would, one sentence each (a values.schema.json `$ref` outside the
   * chart, which Helm fetches and a render does not). Empty when everything was checked.
   */
  unchecked: string[];
  /** Template name -> repository path (or archive!/entry) it was read from. */
  templateOrigins: Record<string, string>;
  /** The release manifest (CRDs + manifests) as Helm builds it, and the sorted parts. */
  releaseManifest: string;
  sortedManifests: SortedManifest[];
  hooks: SortedManifest[];
  crds: CrdOutput[];
  values: Values;
  capabilities: Capabilities;
  chart: Chart;
}

export class HelmRenderError extends InputError {
  constructor(
    file: string,
    /** Exactly what Helm prints after "Error: ". */
    readonly helmMessage: string,
    line?: number,
    column?: number,
    /**
     * Set when the error came from rendering (the release had been made): the partial release manifest, which Helm
     * prints with --debug ('' when the templates did not execute).
     */
    readonly partialManifest?: string
  ) {
    super(file, helmMessage, 'helm-render', line, column);
    this.name = 'HelmRenderError';
  }
}

const RELEASE_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validateReleaseName(name: string): void {
  if (name === '' || name.length > 53 || !RELEASE_NAME_RE.test(name)) {
    throw new HelmRenderError('', `release name ${JSON.stringify(name)}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53`);
  }
}

function collectChartValuesSources(c: Chart, prefix: string[], out: ValuesSource[]): void {
  for (const d of c.dependencies) collectChartValuesSources(d, [...prefix, chartName(d)], out);
  for (const file of c.defaultsFrom ?? (c.valuesFile ? [c.valuesFile] : [])) {
    try {
      for (const d of parseYaml(file.data.toString('utf8'), file.origin).documents) {
        out.push({ file: file.origin, sourceMap: d.sourceMap, prefix });
      }
    } catch {
      // source maps are best effort
    }
  }
}

function crdProvenance(name: string, content: string): ProvenanceSegment[] {
  const segs: ProvenanceSegment[] = [];
  let pos = 0;
  let line = 1;
  while (pos < content.length) {
    const nl = content.indexOf('\n', pos);
    const end = nl < 0 ? content.length : nl + 1;
    segs.push({ start: pos, end, template: name, source: name, line, kind: 'text' });
    pos = end;
    line++;
  }
  return segs;
}

/** Renders a chart (folder or .tgz, a repository path) as `helm template` would. */
export function renderChart(repo: RepoFiles, chartDir: string, options: RenderChartOptions): ChartRender {
  const warn = options.warn ?? (() => undefined);
  const build = options.build ?? RELEASED_HELM;
  // Errors once the release exists carry its (empty) manifest: `template` then hints at --debug (released Helm).
  const afterRelease = build.renderErrorHintsDebug ? '' : undefined;
  const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : undefined;
  const userSources: ValuesSource[] = [];
  let vals: Values;
  try {
    vals = mergeUserValues(repo, options, userSources);
  } catch (err) {
    if (err instanceof ValuesError) throw new HelmRenderError(err.file ?? chartDir, err.message, err.line);
    if (err instanceof InputError) throw new HelmRenderError(err.file, err.reason, err.line, err.column);
    throw err;
  }
  let chart: Chart;
  try {
    // one decompression budget for the chart and the `file://` dependencies loaded beside it
    const load = { archiveBudget: new ArchiveBudget() };
    if (options.chartArchive) {
      chart = loadArchive(Buffer.from(options.chartArchive.data.buffer, options.chartArchive.data.byteOffset, options.chartArchive.data.byteLength), options.chartArchive.origin, load);
    } else {
      chart = loadChart(repo, chartDir, load);
      addFileDependencies(repo, chartDir, chart, load);
    }
    if (options.dependencyArchives) addArchiveDependencies(chart, options.dependencyArchives, load);
    if (options.defaultValuesFiles) replaceDefaultValues(repo, chart, options.defaultValuesFiles);
  } catch (err) {
    if (err instanceof ValuesError) throw new HelmRenderError(err.file ?? chartDir, err.message, err.line);
    if (err instanceof ChartError) throw new HelmRenderError(err.file ?? chartDir, err.message);
    if (err instanceof InputError) throw new HelmRenderError(err.file, err.reason, err.line, err.column);
    throw err;
  }
  const chartFile = `${repo.normalize(chartDir) || '.'}/Chart.yaml`;
  const type = chart.metadata.type;
  if (type !== '' && type !== 'application') throw new HelmRenderError(chartFile, `${type} charts are not installable`);
  if (chart.metadata.dependencies) {
    try {
      checkDependencies(chart);
    } catch (err) {
      if (err instanceof ValuesError) throw new HelmRenderError(chartFile, err.message);
      throw err;
    }
  }
  validateReleaseName(options.releaseName);
  try {
    processDependencies(chart, vals, warn, build);
  } catch (err) {
    if (err instanceof ValuesError) throw new HelmRenderError(chartFile, err.message);
    throw err;
  }
  let caps: Capabilities;
  try {
    caps = makeCapabilities({ kubeVersion: options.kubeVersion, apiVersions: options.apiVersions, build });
  } catch (err) {
    throw new HelmRenderError(chartFile, (err as Error).message);
  }
  let coalesced: Values;
  try {
    coalesced = coalesceValues(chart, vals, warn, build);
  } catch (err) {
    if (err instanceof ValuesError) throw new HelmRenderError(chartFile, err.message);
    throw err;
  }
  const unchecked: string[] = [];
  if (!options.skipSchemaValidation) {
    const err = validateAgainstSchema(chart, coalesced, (n) => unchecked.push(n));
    if (err) {
      throw new HelmRenderError(chart.schema?.origin ?? chartFile, `values don't meet the specifications of the schema(s) in the following chart(s):\n${err}`);
    }
  }
  const top = toRenderValues(chart, coalesced, { name: options.releaseName, namespace: options.namespace, isUpgrade: options.isUpgrade }, caps, engineToYaml);
  // checked against the normalized version (KubeVersion.String()), inside renderResources: the release exists
  if (chart.metadata.kubeVersion !== '' && !isCompatibleRange(chart.metadata.kubeVersion, caps.kubeVersion.normalized)) {
    throw new HelmRenderError(chartFile, `chart requires kubeVersion: ${chart.metadata.kubeVersion} which is incompatible with Kubernetes ${caps.kubeVersion.version}`, undefined, undefined, afterRelease);
  }
  let result;
  try {
    result = renderTemplates(chart, top, { funcs: helmFuncMap(), toYaml: engineToYaml, deadline, maxOutputLength: options.maxOutputBytes });
  } catch (err) {
    // the release exists by now (Helm 4.1 then hints at --debug), with nothing rendered
    if (err instanceof RenderError) throw new HelmRenderError(err.file ?? chartFile, err.message, err.line, err.column, afterRelease);
    throw err;
  }
  const templateOrigins: Record<string, string> = Object.fromEntries(result.origins);
  // NOTES.txt
  const notesName = `${chartFullPath(chart)}/templates/NOTES.txt`;
  let notes = '';
  const files: RenderedFile[] = [];
  for (const r of [...result.rendered].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (r.name.endsWith('NOTES.txt')) {
      if (options.renderSubchartNotes || r.name === notesName) notes += (notes.length > 0 ? '\n' : '') + r.output;
      continue;
    }
    files.push({ name: r.name, content: r.output, segments: r.segments });
  }
  let sorted;
  try {
    sorted = sortManifests(files, build);
  } catch (err) {
    if (err instanceof ManifestError) {
      let partial = '';
      for (const f of files) if (f.content.trim() !== '') partial += `---\n# Source: ${f.name}\n${f.content}\n`;
      throw new HelmRenderError(templateOrigins[err.file] ?? err.file, err.message, err.line, undefined, partial);
    }
    throw err;
  }
  const crds: CrdOutput[] = options.includeCrds ? crdObjects(chart).map((c) => ({ filename: c.filename, content: c.file.data.toString('utf8') })) : [];
  if (options.includeCrds) for (const c of crdObjects(chart)) templateOrigins[c.filename] = c.file.origin;
  const manifests: RenderedManifest[] = [];
  for (const c of crds) manifests.push({ source: c.filename, content: c.content, provenance: crdProvenance(c.filename, c.content), kind: 'crd' });
  for (const m of sorted.manifests) manifests.push({ source: m.name, content: m.content, provenance: m.segments, kind: 'manifest' });
  for (const h of sorted.hooks) {
    if (options.skipTests && (h.hookEvents ?? []).includes('test')) continue;
    manifests.push({ source: h.name, content: h.content, provenance: h.segments, hook: h.hook, kind: 'hook' });
  }
  const valuesSources: ValuesSource[] = [];
  collectChartValuesSources(chart, [], valuesSources);
  valuesSources.push(...userSources);
  return {
    manifests,
    valuesSources,
    ...(notes !== '' ? { notes } : {}),
    unchecked,
    templateOrigins,
    releaseManifest: releaseManifest(crds, sorted.manifests),
    sortedManifests: sorted.manifests,
    hooks: sorted.hooks,
    crds,
    values: coalesced,
    capabilities: caps,
    chart
  };
}

export type { GoValue };
