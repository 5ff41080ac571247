/**
 * The built-in Helm renderer for a scan target: renders the release with our engine (src/render/helm) on a worker
 * thread with a hard time limit, and turns each rendered template into objects whose source maps follow
 * provenance to the values or template line.
 */
import { objectsFromRenderedTemplate, type ValuesSource } from '../objects/helm-provenance.js';
import type { KubeObject } from '../objects/types.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import type { Target } from '../targets/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import { fetchRemoteDependencies } from '../sources/remote-dependencies.js';
import { renderOnWorker } from './helm-pool.js';
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
  const chartFile = target.path ? `${target.path}/Chart.yaml` : 'Chart.yaml';
  // Helm refuses a chart with a missing dependency: one that cannot be fetched leaves the chart unrendered.
  const remote = await fetchRemoteDependencies(repo, target.path, options.charts);
  if (remote.errors.length > 0) return { objects: [], errors: remote.errors };
  const fetched = new Map(remote.archives.map((a) => [a.origin, a]));
  const render = await renderOnWorker(
    {
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
        ...(remote.archives.length > 0 ? { dependencyArchives: remote.archives.map((a) => ({ name: a.name, origin: a.origin, data: a.data })) } : {})
      }
    },
    hardTimeoutMs(options.timeoutMs)
  );
  if (!render.ok) {
    if ('timedOut' in render) {
      return { objects: [], errors: [new InputError(chartFile, `rendering the chart did not finish within ${hardTimeoutMs(options.timeoutMs)} ms and was stopped`, 'render-timeout')] };
    }
    if ('crash' in render) return { objects: [], errors: [new InputError(chartFile, `the Helm renderer failed: ${render.crash.split('\n')[0]}`, 'helm-render-failed')] };
    const e = render.error;
    // A problem inside a chart archive (`charts/x.tgz!/x/templates/a.yaml`) is reported on the archive, the
    // repository file; the message names the entry.
    const file = (e.file || chartFile).split('!/')[0];
    // A problem inside a fetched dependency is reported on the Chart.yaml line that declares it.
    const archive = fetched.get(file);
    if (archive) {
      const entry = e.file.slice(archive.origin.length + 2);
      return { objects: [], errors: [new InputError(chartFile, `${describeFetched(archive.chart)}${entry ? `: ${entry}` : ''}: ${e.reason}`, e.ruleId === 'helm-render' ? 'helm-render-failed' : e.ruleId, archive.line)] };
    }
    const reason = file === e.file || !e.file ? e.reason : `${e.file}: ${e.reason}`;
    return { objects: [], errors: [new InputError(file, reason, e.ruleId === 'helm-render' ? 'helm-render-failed' : e.ruleId, file === e.file ? e.line : undefined, file === e.file ? e.column : undefined)] };
  }
  const values = render.values;
  const valuesSources = valuesSourceMaps(repo, render.valuesSources);
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
          return archive && { location: { file: chartFile, line: archive.line }, label: `in ${describeFetched(archive.chart)}:` };
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
  return { objects, errors, ...(render.unchecked.length > 0 ? { notes: render.unchecked } : {}) };
}

/** Source maps of the values files, rebuilt from the files (the worker sends plain data). */
function valuesSourceMaps(repo: RepoFiles, sources: { file: string; prefix: string[] }[]): ValuesSource[] {
  const out: ValuesSource[] = [];
  const seen = new Set<string>();
  for (const { file, prefix } of sources) {
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

/** `podinfo 6.7.1 from oci://ghcr.io/stefanprodan/charts`. */
function describeFetched(chart: { name: string; version: string; repository: string }): string {
  return `${chart.name} ${chart.version} from ${chart.repository}`;
}
