/**
 * Helm targets: one per way a chart is deployed. By convention a chart renders with its defaults and with each
 * environment's values beside it (`values-<env>.yaml`, `values/<env>.yaml`; with `ciValues`, each
 * `ci/*-values.yaml` too); the config may declare releases instead (values-file lists, release name, namespace,
 * `set`, Helm's environment). The default release name is the chart's name made DNS-safe. Library charts
 * (`type: library`) render nothing and are not targets: they are inputs of the charts that depend on them. Inputs
 * cover the chart, its values files and the charts it depends on through `file://` (a change to a library chart
 * reaches every chart that uses it).
 */
import path from 'node:path';
import { InputError, type RepoFiles } from '../repo/files.js';
import { isRecord } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import type { ChartConfig, HelmEnvironment, HelmRelease, Target } from './types.js';

const ENV_VALUES = /^values[-_.]([A-Za-z0-9][\w.-]*)\.ya?ml$/;

export function helmTargetId(chartDir: string, env?: string): string {
  return `helm:${chartDir === '' ? '.' : chartDir}${env ? `@${env}` : ''}`;
}

/**
 * A release name Helm accepts, from the chart's name (else the folder's): lower case, every run of other characters
 * a dash, at most 53 characters, starting and ending with a letter or digit (`external_secrets` -> `external-secrets`).
 */
export function defaultReleaseName(chartName: string | undefined, chartDir: string): string {
  const name = (chartName || path.posix.basename(chartDir))
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 53)
    .replace(/[^a-z0-9]+$/, '');
  return name || 'release';
}

/**
 * Environment values files beside a chart: values-prod.yaml, values/prod.yaml; with `ciValues`, each
 * ci/<name>-values.yaml as the release `ci-<name>`.
 */
export function conventionalReleases(repo: RepoFiles, chartDir: string, base: HelmRelease, ciValues = false): HelmRelease[] {
  const releases: HelmRelease[] = [base];
  const join = (name: string) => (chartDir ? `${chartDir}/${name}` : name);
  for (const entry of repo.list(chartDir)) {
    const m = !entry.isDir && ENV_VALUES.exec(entry.name);
    if (m && m[1] !== 'schema') releases.push({ ...base, valuesFiles: [join(entry.name)], env: m[1] });
  }
  if (repo.isDirectory(join('values'))) {
    for (const entry of repo.list(join('values'))) {
      const m = !entry.isDir && /^([A-Za-z0-9][\w.-]*)\.ya?ml$/.exec(entry.name);
      if (m && !releases.some((r) => r.env === m[1])) releases.push({ ...base, valuesFiles: [join(`values/${entry.name}`)], env: m[1] });
    }
  }
  if (ciValues && repo.isDirectory(join('ci'))) {
    for (const entry of repo.list(join('ci'))) {
      const m = !entry.isDir && /^([A-Za-z0-9][\w.-]*)-values\.ya?ml$/.exec(entry.name);
      if (m) releases.push({ ...base, valuesFiles: [join(`ci/${entry.name}`)], env: `ci-${m[1]}` });
    }
  }
  return releases;
}

/** Releases declared in the config for one chart; each values list becomes a target named by its last file. */
export function configuredReleases(config: ChartConfig, chartDir: string, repo: RepoFiles, source: string, chartName?: string): HelmRelease[] {
  const base: HelmRelease = {
    releaseName: config.releaseName ?? defaultReleaseName(chartName, chartDir),
    namespace: config.namespace ?? 'default',
    ...(config.namespace !== undefined ? { namespaceDeclared: true } : {}),
    valuesFiles: [],
    set: Object.entries(config.set ?? {}).map(([k, v]) => `${k}=${String(v)}`)
  };
  const lists = config.values && config.values.length > 0 ? config.values : [[]];
  const used = new Set<string>();
  return lists.map((files) => {
    const valuesFiles = files.map((f) => repo.normalize(f, source));
    const last = valuesFiles[valuesFiles.length - 1];
    let env = last ? envName(last, chartDir) : undefined;
    if (env && used.has(env)) env = `${env}-${used.size}`;
    if (env) used.add(env);
    return { ...base, valuesFiles, ...(env ? { env } : {}) };
  });
}

/** values-prod.yaml -> prod; envs/prod/values.yaml and envs/prod/<chart>.yaml -> prod; prod.yaml -> prod. */
function envName(file: string, chartDir: string): string {
  const base = path.posix.basename(file).replace(/\.ya?ml$/, '');
  const m = /^values[-_.](.+)$/.exec(base);
  if (m) return m[1];
  if (base === 'values' || base === path.posix.basename(chartDir)) return path.posix.basename(path.posix.dirname(file)) || base;
  return base;
}

/** Every file a chart reads: its folder, and the folders of `file://` dependencies, transitively. */
export function chartInputs(repo: RepoFiles, chartDir: string): { inputs: string[]; errors: InputError[]; metadata: ChartMetadata } {
  const seen = new Set<string>();
  const files = new Set<string>();
  const errors: InputError[] = [];
  let metadata: ChartMetadata = { fileDependencies: [] };
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    for (const f of repo.walk(dir)) files.add(f);
    const chartFile = dir ? `${dir}/Chart.yaml` : 'Chart.yaml';
    const meta = chartMetadata(repo, chartFile, errors);
    if (dir === chartDir) metadata = meta;
    for (const dep of meta.fileDependencies) {
      try {
        const target = repo.resolveFrom(dir, dep.path, chartFile);
        if (repo.isDirectory(target)) visit(target);
        else errors.push(new InputError(chartFile, `dependency "${dep.name}" points at ${dep.repository}, which is not a folder in the repository`, 'file-not-found', dep.line));
      } catch (err) {
        if (err instanceof InputError) errors.push(new InputError(chartFile, err.reason, err.ruleId, dep.line));
        else throw err;
      }
    }
  };
  visit(chartDir);
  return { inputs: [...files].sort(), errors, metadata };
}

/** What target discovery needs from a Chart.yaml. */
interface ChartMetadata {
  name?: string;
  type?: string;
  fileDependencies: { name: string; repository: string; path: string; line: number }[];
}

function chartMetadata(repo: RepoFiles, chartFile: string, errors: InputError[]): ChartMetadata {
  let text: string;
  try {
    text = repo.readText(chartFile);
  } catch (err) {
    if (err instanceof InputError) errors.push(err);
    return { fileDependencies: [] };
  }
  const parsed = parseYaml(text, chartFile);
  const doc = parsed.documents[0];
  if (!doc || !isRecord(doc.value)) return { fileDependencies: [] };
  const value = doc.value;
  const metadata: ChartMetadata = {
    ...(typeof value.name === 'string' ? { name: value.name } : {}),
    ...(typeof value.type === 'string' ? { type: value.type } : {}),
    fileDependencies: []
  };
  if (!Array.isArray(value.dependencies)) return metadata;
  const out = metadata.fileDependencies;
  value.dependencies.forEach((dep: unknown, i: number) => {
    if (!isRecord(dep) || typeof dep.repository !== 'string' || !dep.repository.startsWith('file://')) return;
    out.push({
      name: typeof dep.name === 'string' ? dep.name : `#${i}`,
      repository: dep.repository,
      path: dep.repository.slice('file://'.length),
      line: doc.sourceMap.locate(['dependencies', i, 'repository']).location.line
    });
  });
  return metadata;
}

/** Helm's environment for a chart: the chart's own settings over the global ones. */
function environmentOf(global: HelmEnvironment | undefined, chart: ChartConfig | undefined): HelmEnvironment | undefined {
  const kubeVersion = chart?.kubeVersion ?? global?.kubeVersion;
  const apiVersions = [...(global?.apiVersions ?? []), ...(chart?.apiVersions ?? [])];
  const skipSchemaValidation = chart?.skipSchemaValidation ?? global?.skipSchemaValidation;
  const env: HelmEnvironment = {
    ...(kubeVersion ? { kubeVersion } : {}),
    ...(apiVersions.length > 0 ? { apiVersions } : {}),
    ...(skipSchemaValidation ? { skipSchemaValidation } : {})
  };
  return Object.keys(env).length > 0 ? env : undefined;
}

export interface HelmTargetOptions {
  config?: ChartConfig;
  configSource: string;
  /** Helm's environment for every chart. */
  helm?: HelmEnvironment;
  /** `ci/*-values.yaml` files are releases too (a chart's config may say otherwise). */
  ciValues?: boolean;
}

/**
 * The targets of one chart: conventional or configured releases, each with the chart's inputs plus its values
 * files; none for a library chart (`library: true`).
 */
export function helmTargets(repo: RepoFiles, chartDir: string, options: HelmTargetOptions): { targets: Target[]; errors: InputError[]; library: boolean } {
  const { inputs, errors, metadata } = chartInputs(repo, chartDir);
  if (metadata.type === 'library') return { targets: [], errors, library: true };
  const { config } = options;
  const environment = environmentOf(options.helm, config);
  let releases: HelmRelease[];
  try {
    const base: HelmRelease = { releaseName: defaultReleaseName(metadata.name, chartDir), namespace: 'default', valuesFiles: [], set: [], ...(environment ? { environment } : {}) };
    releases = config?.values || config?.releaseName || config?.namespace || config?.set
      ? configuredReleases(config, chartDir, repo, options.configSource, metadata.name).map((r) => ({ ...r, ...(environment ? { environment } : {}) }))
      : conventionalReleases(repo, chartDir, base, config?.ciValues ?? options.ciValues);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { targets: [], errors: [...errors, err], library: false };
  }
  const targets = releases.map(
    (release): Target => ({
      id: helmTargetId(chartDir, release.env),
      kind: 'helm',
      path: chartDir,
      inputs: [...new Set([...inputs, ...release.valuesFiles])].sort(),
      renderable: true,
      helm: release
    })
  );
  return { targets, errors, library: false };
}
