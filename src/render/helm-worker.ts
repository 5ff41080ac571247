/**
 * Entry of the built-in Helm renderer's own process (started by helm-pool.ts). Rendering runs here so that the
 * scan can stop a render that does not return in time (a function looping inside itself cannot be interrupted on
 * the scan's own thread) or that runs out of memory (which aborts the process it runs in).
 * Says `ready` once loaded, then receives one job at a time and answers with plain, cloneable data.
 */
import { InputError, RepoFiles } from '../repo/files.js';
import { RENDER_PROCESS_FLAG } from './helm-pool.js';
import { toJS } from './gotemplate/index.js';
import { renderChart, type RenderChartOptions, type RenderedManifest } from './helm/index.js';
import { chartValuesFromReferences, FluxValuesError, type ValuesReference } from './flux-values.js';
import type { Values } from './helm/values.js';
import { yamlToGo } from './helm/yamlgo.js';

export interface HelmJob {
  id: number;
  root: string;
  maxFileBytes: number;
  chartDir: string;
  options: RenderChartOptions;
  /** A Flux HelmRelease's valuesFrom and spec.values, merged here as helm-controller merges them. */
  fluxValues?: FluxValuesJob;
}

export interface FluxValuesJob {
  refs: ValuesReference[];
  resources: Record<string, { data: Record<string, string> }>;
  /** Where each reference is written, for the error a failing one makes. */
  at: { file: string; line: number }[];
  values: unknown;
}

export type HelmJobResult =
  | {
      id: number;
      ok: true;
      manifests: RenderedManifest[];
      /** The merged values as plain data. */
      values: unknown;
      /** Values files in merge order (source maps are rebuilt by the caller from the files). */
      valuesSources: { file: string; prefix: string[]; inline?: number }[];
      templateOrigins: Record<string, string>;
      /** What the render could not check as Helm would (ChartRender.unchecked). */
      unchecked: string[];
    }
  | { id: number; ok: false; error: { file: string; reason: string; ruleId: string; line?: number; column?: number } }
  | { id: number; ok: false; crash: string };

export function runHelmJob(job: HelmJob): HelmJobResult {
  try {
    const options = job.fluxValues ? { ...job.options, valuesObjects: [mergeFluxValues(job.fluxValues)] } : job.options;
    const render = renderChart(new RepoFiles(job.root, { maxFileBytes: job.maxFileBytes }), job.chartDir, options);
    return {
      id: job.id,
      ok: true,
      manifests: render.manifests,
      values: toJS(render.values),
      valuesSources: render.valuesSources.map((s) => ({ file: s.file, prefix: s.prefix, ...(s.inline !== undefined ? { inline: s.inline } : {}) })),
      templateOrigins: render.templateOrigins,
      unchecked: render.unchecked
    };
  } catch (err) {
    if (err instanceof InputError) {
      return { id: job.id, ok: false, error: { file: err.file, reason: err.reason, ruleId: err.ruleId, line: err.line, column: err.column } };
    }
    return { id: job.id, ok: false, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

/** valuesFrom and spec.values merged as helm-controller merges them; a failing reference is an InputError on its line. */
function mergeFluxValues(job: FluxValuesJob): unknown {
  try {
    const values = job.values !== null && typeof job.values === 'object' && !Array.isArray(job.values) ? (yamlToGo(job.values) as Values) : undefined;
    return toJS(chartValuesFromReferences((kind, name) => job.resources[`${kind}/${name}`], values, job.refs));
  } catch (err) {
    if (!(err instanceof FluxValuesError)) throw err;
    const at = job.at[err.reference];
    throw new InputError(at.file, `valuesFrom: ${err.message} (helm-controller would not install the release)`, 'invalid-input', at.line);
  }
}

// Listens only when started by helm-pool.ts (importing this module does nothing).
if (process.send && process.argv.includes(RENDER_PROCESS_FLAG)) {
  const send = process.send.bind(process);
  process.on('message', (job: HelmJob) => send(runHelmJob(job)));
  // The scan went away: nothing more to render.
  process.on('disconnect', () => process.exit(0));
  send('ready');
}
