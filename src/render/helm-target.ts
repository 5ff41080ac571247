/**
 * The built-in Helm renderer for a scan target: renders the release with our engine (src/render/helm) and turns
 * each rendered template into objects whose source maps follow provenance to the values or template line.
 */
import { objectsFromRenderedTemplate, type ValuesSource } from '../objects/helm-provenance.js';
import type { KubeObject } from '../objects/types.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import type { Target } from '../targets/types.js';
import { toJS } from './gotemplate/index.js';
import { renderChart } from './helm/index.js';
import type { RenderOptions, RenderOutput } from './types.js';

/** `web/charts/db/charts/cache/templates/x.yaml` -> ['db', 'cache']: where that template's `.Values` sits. */
export function valuesScopeOf(source: string): string[] {
  const parts = source.split('/');
  const scope: string[] = [];
  for (let i = 1; i + 1 < parts.length; i++) if (parts[i] === 'charts') scope.push(parts[++i]);
  return scope;
}

export async function renderHelm(target: Target, repo: RepoFiles, options: RenderOptions): Promise<RenderOutput> {
  const release = target.helm!;
  const chartFile = target.path ? `${target.path}/Chart.yaml` : 'Chart.yaml';
  let render;
  try {
    render = renderChart(repo, target.path, {
      releaseName: release.releaseName,
      namespace: release.namespace,
      valuesFiles: release.valuesFiles,
      set: release.set,
      timeoutMs: options.timeoutMs
    });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { objects: [], errors: [new InputError(err.file || chartFile, err.reason, err.ruleId === 'helm-render' ? 'helm-render-failed' : err.ruleId, err.line, err.column)] };
  }
  const values = toJS(render.values);
  const valuesSources: ValuesSource[] = render.valuesSources
    .filter((s) => !s.file.includes('!/'))
    .map((s) => ({ file: s.file, sourceMap: s.sourceMap, scope: s.prefix }));
  const texts = new Map<string, string | undefined>();
  const readFile = (file: string): string | undefined => {
    if (!texts.has(file)) {
      try {
        texts.set(file, repo.readText(file));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  const templateFile = (source: string): string | undefined => {
    const origin = render.templateOrigins[source];
    return origin && !origin.includes('!/') ? origin : undefined;
  };
  const objects: KubeObject[] = [];
  const errors: InputError[] = [];
  for (const manifest of render.manifests) {
    const out = objectsFromRenderedTemplate(
      { source: manifest.source, content: manifest.content, segments: manifest.provenance, valuesScope: valuesScopeOf(manifest.source) },
      { target: target.id, templateFile, readFile, values, valuesSources, fallback: { file: chartFile, line: 1 } }
    );
    objects.push(...out.objects);
    errors.push(...out.errors);
  }
  return { objects, errors };
}
