/**
 * The built-in Helm renderer for a scan target: renders the release with our engine (src/render/helm) on a worker
 * thread with a hard time limit, and turns each rendered template into objects whose source maps follow
 * provenance to the values or template line.
 */
import { objectsFromRenderedTemplate, type ValuesSource } from '../objects/helm-provenance.js';
import type { JsonPath, KubeObject } from '../objects/types.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import type { HelmRelease, Target } from '../targets/types.js';
import { setPathSegments } from '../targets/inline-values.js';
import { parseYaml } from '../objects/yaml-source.js';
import { chartFetchError, fetchRemoteDependencies } from '../sources/remote-dependencies.js';
import type { FetchedChart } from '../fetch/chart-source.js';
import type { SourceLocation } from '../objects/types.js';
import { renderOnWorker } from './helm-pool.js';
import { postRender } from './flux-post-render.js';
import type { RenderOptions, RenderOutput } from './types.js';

/** `web/charts/db/charts/cache/templates/x.yaml` -> ['db', 'cache']: where that template's `.Values` sits. */
export function valuesScopeOf(source: string): string[] {
  const parts = source.split('/');
  const scope: string[] = [];
  for (let i = 1; i + 1 < parts.length; i++) if (parts[i] === 'charts') scope.push(parts[++i]);
  return scope;
}

/** Time a render may overrun its own deadline (which the engine checks between steps) before it is stopped. */
function hardTimeoutMs(timeoutMs: number): number {
  return timeoutMs + Math.max(1000, Math.round(timeoutMs / 2));
}

export async function renderHelm(target: Target, repo: RepoFiles, options: RenderOptions): Promise<RenderOutput> {
  const release = target.helm!;
  // Problems are reported on the declaration that deploys the chart when there is one, else on its Chart.yaml.
  const chartFile = target.declaredAt?.file ?? (target.path ? `${target.path}/Chart.yaml` : 'Chart.yaml');
  const chartLine = target.declaredAt?.line;
  const fetched = new Map<string, FetchedArchive>();
  let chartArchive: { origin: string; data: Buffer } | undefined;
  if (release.remoteChart) {
    const got = await fetchChart(release.remoteChart, options.charts);
    if ('error' in got) return { objects: [], errors: [got.error] };
    chartArchive = { origin: `${got.chart.name}-${got.chart.version}.tgz`, data: got.chart.archive };
    fetched.set(chartArchive.origin, { origin: chartArchive.origin, chart: got.chart, at: release.remoteChart.declaredAt });
  }
  // A Flux HelmRelease's valuesFrom is merged with spec.values in the render process (helm-worker.ts).
  const valuesObjects = release.valuesFrom ? undefined : release.inlineValues?.map((v) => v.value);
  // Helm refuses a chart with a missing dependency: one that cannot be fetched leaves the chart unrendered.
  const remote = chartArchive ? { archives: [], errors: [] } : await fetchRemoteDependencies(repo, target.path, options.charts);
  if (remote.errors.length > 0) return { objects: [], errors: remote.errors };
  for (const a of remote.archives) fetched.set(a.origin, { origin: a.origin, chart: a.chart, at: { file: chartFile, line: a.line } });
  const render = await renderOnWorker(
    {
      ...(release.valuesFrom ? { fluxValues: release.valuesFrom } : {}),
      root: repo.root,
      maxFileBytes: repo.maxFileBytes,
      chartDir: target.path,
      options: {
        releaseName: release.releaseName,
        namespace: release.namespace,
        valuesFiles: release.valuesFiles,
        set: release.set,
        timeoutMs: options.timeoutMs,
        ...release.environment,
        ...(remote.archives.length > 0 ? { dependencyArchives: remote.archives.map((a) => ({ name: a.name, origin: a.origin, data: a.data })) } : {}),
        ...(chartArchive ? { chartArchive } : {}),
        ...(release.skipTests ? { skipTests: true } : {}),
        ...(release.includeCrds ? { includeCrds: true } : {}),
        ...(release.setString ? { setString: release.setString } : {}),
        ...(release.setFile ? { setFile: release.setFile } : {}),
        ...(release.chartValuesFiles ? { defaultValuesFiles: release.chartValuesFiles } : {}),
        ...(valuesObjects ? { valuesObjects } : {})
      }
    },
    hardTimeoutMs(options.timeoutMs)
  );
  if (!render.ok) {
    if ('timedOut' in render) {
      return { objects: [], errors: [new InputError(chartFile, `rendering the chart did not finish within ${hardTimeoutMs(options.timeoutMs)} ms and was stopped`, 'render-timeout', chartLine)] };
    }
    if ('crash' in render) return { objects: [], errors: [new InputError(chartFile, `the Helm renderer failed: ${render.crash.split('\n')[0]}`, 'helm-render-failed', chartLine)] };
    const e = render.error;
    const ruleId = e.ruleId === 'helm-render' ? 'helm-render-failed' : e.ruleId;
    // A problem inside a chart archive (`charts/x.tgz!/x/templates/a.yaml`) is reported on the archive, the
    // repository file; the message names the entry.
    const file = (e.file || chartFile).split('!/')[0];
    // A problem inside a fetched dependency is reported on the Chart.yaml line that declares it.
    const archive = fetched.get(file);
    if (archive) {
      const entry = e.file.slice(archive.origin.length + 2);
      return { objects: [], errors: [new InputError(archive.at.file, `${describeFetched(archive.chart)}${entry ? `: ${entry}` : ''}: ${e.reason}`, ruleId, archive.at.line)] };
    }
    // A declared release of a fetched chart has no chart folder here: what the engine names there is the declaration.
    if (chartArchive && !repo.isFile(file)) return { objects: [], errors: [new InputError(chartFile, e.reason, ruleId, chartLine)] };
    const reason = file === e.file || !e.file ? e.reason : `${e.file}: ${e.reason}`;
    return { objects: [], errors: [new InputError(file, reason, ruleId, file === e.file ? e.line : undefined, file === e.file ? e.column : undefined)] };
  }
  const values = render.values;
  const valuesSources = [...valuesSourceMaps(repo, render.valuesSources, release.inlineValues ?? [], release.valuesFrom !== undefined), ...setSources(release)];
  const templateFile = (source: string): string | undefined => {
    const origin = render.templateOrigins[source];
    return origin && !origin.includes('!/') ? origin : undefined;
  };
  const objects: KubeObject[] = [];
  const errors: InputError[] = [];
  for (const manifest of render.manifests) {
    const out = objectsFromRenderedTemplate(
      { source: manifest.source, content: manifest.content, segments: manifest.provenance, valuesScope: valuesScopeOf(manifest.source) },
      {
        target: target.id,
        templateFile,
        templateOrigin: (source) => render.templateOrigins[source],
        archivePlace: (path) => {
          const archive = fetched.get(path);
          return archive && { location: archive.at, label: `in ${describeFetched(archive.chart)}:` };
        },
        values,
        valuesSources,
        fallback: { file: chartFile, line: 1 }
      }
    );
    const origin = render.templateOrigins[manifest.source] ?? '';
    const archive = fetched.get(origin.split('!/')[0]);
    if (archive) for (const object of out.objects) object.from = `written by ${describeFetched(archive.chart)}: ${origin.slice(archive.origin.length + 2)}`;
    objects.push(...out.objects);
    errors.push(...out.errors);
  }
  const notes = render.unchecked.length > 0 ? { notes: render.unchecked } : {};
  if (release.postRenderers && errors.length === 0) {
    const post = await postRender(objects, release.postRenderers, { timeoutMs: options.timeoutMs });
    return { objects: post.objects, errors: post.errors, ...notes };
  }
  return { objects, errors, ...notes };
}

/** Source maps of the values files, rebuilt from the files (the worker sends plain data), and of inline values. */
function valuesSourceMaps(repo: RepoFiles, sources: { file: string; prefix: string[]; inline?: number }[], inline: NonNullable<HelmRelease['inlineValues']>, merged: boolean): ValuesSource[] {
  const out: ValuesSource[] = [];
  const seen = new Set<string>();
  for (const { file, prefix, inline: at } of sources) {
    if (at !== undefined) {
      // Values merged before rendering were one object for the engine; each of their sources locates its keys.
      for (const given of merged ? inline : inline.slice(at, at + 1)) out.push({ file: given.file, sourceMap: given.sourceMap, scope: prefix });
      continue;
    }
    const key = `${file}\0${prefix.join('\0')}`;
    if (file.includes('!/') || seen.has(key)) continue;
    seen.add(key);
    let text: string;
    try {
      text = repo.readText(file);
    } catch {
      continue;
    }
    for (const doc of parseYaml(text, file).documents) out.push({ file, sourceMap: doc.sourceMap, scope: prefix });
  }
  return out;
}

/** `--set` keys written in a declaration (Argo CD parameters): after every values file, each locating what it sets. */
function setSources(release: HelmRelease): ValuesSource[] {
  return (release.setAt ?? []).map(({ key, at }) => {
    const segments = setPathSegments(key);
    return {
      file: at.file,
      sourceMap: {
        has: (p: JsonPath) => p.length >= segments.length && segments.every((s, k) => p[k] === s),
        locate: (p: JsonPath) => ({ location: at, related: [], foundPath: p })
      },
      scope: []
    };
  });
}

/** A chart fetched for this render, and the line in the repository that asks for it. */
interface FetchedArchive {
  origin: string;
  chart: FetchedChart;
  at: SourceLocation;
}

/** The chart a declaration deploys, from the run's chart source; a finding on the declaration when it is not there. */
async function fetchChart(spec: NonNullable<HelmRelease['remoteChart']>, charts: RenderOptions['charts']): Promise<{ chart: FetchedChart } | { error: InputError }> {
  const what = `the chart ${spec.name} ${spec.version} from ${spec.repository}`;
  if (!charts) return { error: new InputError(spec.declaredAt.file, `${what} is not fetched: fetching remote charts is not set up here`, 'remote-chart-not-allowed', spec.declaredAt.line) };
  const answer = await charts.get({ repository: spec.repository, name: spec.name, version: spec.version });
  return answer.ok ? { chart: answer.chart } : { error: chartFetchError(what, answer, spec.declaredAt.file, spec.declaredAt.line) };
}

/** `podinfo 6.7.1 from oci://ghcr.io/stefanprodan/charts`. */
function describeFetched(chart: { name: string; version: string; repository: string }): string {
  return `${chart.name} ${chart.version} from ${chart.repository}`;
}
