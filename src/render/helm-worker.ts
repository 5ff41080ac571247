/**
 * Worker-thread entry of the built-in Helm renderer. Rendering runs here so that the scan can stop a render that
 * does not return in time (a function looping inside itself cannot be interrupted on the scan's own thread).
 * Receives one job at a time; answers with plain, cloneable data.
 */
import { parentPort } from 'node:worker_threads';
import { InputError, RepoFiles } from '../repo/files.js';
import { toJS } from './gotemplate/index.js';
import { renderChart, type RenderChartOptions, type RenderedManifest } from './helm/index.js';

export interface HelmJob {
  id: number;
  root: string;
  maxFileBytes: number;
  chartDir: string;
  options: RenderChartOptions;
}

export type HelmJobResult =
  | {
      id: number;
      ok: true;
      manifests: RenderedManifest[];
      /** The merged values as plain data. */
      values: unknown;
      /** Values files in merge order (source maps are rebuilt by the caller from the files). */
      valuesSources: { file: string; prefix: string[] }[];
      templateOrigins: Record<string, string>;
    }
  | { id: number; ok: false; error: { file: string; reason: string; ruleId: string; line?: number; column?: number } }
  | { id: number; ok: false; crash: string };

export function runHelmJob(job: HelmJob): HelmJobResult {
  try {
    const render = renderChart(new RepoFiles(job.root, { maxFileBytes: job.maxFileBytes }), job.chartDir, job.options);
    return {
      id: job.id,
      ok: true,
      manifests: render.manifests,
      values: toJS(render.values),
      valuesSources: render.valuesSources.map((s) => ({ file: s.file, prefix: s.prefix })),
      templateOrigins: render.templateOrigins
    };
  } catch (err) {
    if (err instanceof InputError) {
      return { id: job.id, ok: false, error: { file: err.file, reason: err.reason, ruleId: err.ruleId, line: err.line, column: err.column } };
    }
    return { id: job.id, ok: false, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

parentPort?.on('message', (job: HelmJob) => parentPort!.postMessage(runHelmJob(job)));
