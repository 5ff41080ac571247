/**
 * A chart's default values replaced by the merge of values files before it is rendered, as Flux's
 * source-controller packages a HelmChart that lists `valuesFiles` (fluxcd/source-controller
 * internal/helm/chart/builder_local.go `mergeFileValues`, builder_remote.go `mergeChartValues`, metadata.go
 * `OverwriteChartDefaultValues`): for a chart from a Git source the paths are relative to the source's root and
 * cannot leave it; for a chart from a Helm repository they name files inside the chart, `values.yaml` being its own
 * defaults. The merge replaces values.yaml whole, even when it is empty; a chart with no values.yaml is refused.
 */
import path from 'node:path';
import { InputError, underRoot, type RepoFiles } from '../../repo/files.js';
import type { Chart, ChartFile } from './chart.js';
import { ValuesError } from './values.js';
import type { GoValue } from '../gotemplate/index.js';
import { GoYamlError, mergeMaps, parseYamlDocsGo, yamlToGo } from './yamlgo.js';

export interface DefaultValuesFiles {
  /** In order, later files winning: repository paths (`inChart` false) or paths inside the chart. */
  files: string[];
  inChart: boolean;
  /** `ignoreMissingValuesFiles`: a file that does not exist is skipped. */
  ignoreMissing?: boolean;
}

const MERGE_ERROR = 'values files merge error';

/** Replaces `chart.values` (and what locates them) with the merge of the files. */
export function replaceDefaultValues(repo: RepoFiles, chart: Chart, spec: DefaultValuesFiles): void {
  let merged = new Map<string, GoValue>();
  const from: ChartFile[] = [];
  for (const p of spec.files) {
    const file = spec.inChart ? chartFile(chart, p, spec.ignoreMissing === true) : repositoryFile(repo, p, spec.ignoreMissing === true);
    if (file === undefined) continue;
    merged = mergeMaps(merged, unmarshal(file, p));
    from.push(file);
  }
  if (!chart.valuesFile) throw new ValuesError(`${MERGE_ERROR}: failed to locate values file: values.yaml`);
  chart.values = merged;
  chart.defaultsFrom = from;
}

/** `mergeChartValues`: `values.yaml` is the chart's defaults, anything else one of its other files. */
function chartFile(chart: Chart, p: string, ignoreMissing: boolean): ChartFile | undefined {
  const clean = path.posix.normalize(p);
  if (clean === 'values.yaml') return chart.valuesFile;
  const found = chart.files.find((f) => f.name === clean);
  if (found || ignoreMissing) return found;
  throw new ValuesError(`${MERGE_ERROR}: no values file found at path '${p}'`);
}

/** `mergeFileValues`: the path joined to the source root as `securejoin` joins it (`..` stops at the root). */
function repositoryFile(repo: RepoFiles, p: string, ignoreMissing: boolean): ChartFile | undefined {
  const joined = underRoot(p);
  if (!repo.isFile(joined)) {
    if (ignoreMissing && !repo.isDirectory(joined)) return undefined;
    throw new ValuesError(`${MERGE_ERROR}: no values file found at path '/${joined}' (reference '${p}')`, joined);
  }
  try {
    return { name: joined, data: Buffer.from(repo.readText(joined), 'utf8'), origin: joined };
  } catch (err) {
    if (err instanceof InputError) throw new ValuesError(`${MERGE_ERROR}: could not read values from file '${p}': ${err.reason}`, joined);
    throw err;
  }
}

/** `yaml.Unmarshal` into a map (sigs.k8s.io/yaml: the first document). */
function unmarshal(file: ChartFile, p: string): Map<string, GoValue> {
  let doc: unknown;
  try {
    doc = parseYamlDocsGo(file.data.toString('utf8'))[0];
  } catch (err) {
    if (err instanceof GoYamlError) throw new ValuesError(`${MERGE_ERROR}: unmarshaling values from '${p}' failed: ${err.message}`, file.origin, err.line);
    throw err;
  }
  if (doc === null || doc === undefined) return new Map();
  if (!(doc instanceof Map)) throw new ValuesError(`${MERGE_ERROR}: unmarshaling values from '${p}' failed: error unmarshaling JSON: json: cannot unmarshal into Go value of type map[string]interface {}`, file.origin);
  return yamlToGo(doc) as Map<string, GoValue>;
}
