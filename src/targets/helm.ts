/**
 * Helm targets: one per way a chart is deployed. By convention a chart renders with its defaults and with each
 * environment's values beside it (`values-<env>.yaml`, `values/<env>.yaml`); the config may declare releases
 * instead (values-file lists, release name, namespace, `set`). Inputs cover the chart, its values files and the
 * charts it depends on through `file://` (a change to a library chart reaches every chart that uses it).
 */
import path from 'node:path';
import { InputError, type RepoFiles } from '../repo/files.js';
import { isRecord } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import type { ChartConfig, HelmRelease, Target } from './types.js';

const ENV_VALUES = /^values[-_.]([A-Za-z0-9][\w.-]*)\.ya?ml$/;

export function helmTargetId(chartDir: string, env?: string): string {
  return `helm:${chartDir === '' ? '.' : chartDir}${env ? `@${env}` : ''}`;
}

/** Environment values files beside a chart: values-prod.yaml, values/prod.yaml. */
export function conventionalReleases(repo: RepoFiles, chartDir: string): HelmRelease[] {
  const releaseName = path.posix.basename(chartDir) || 'release';
  const base: HelmRelease = { releaseName, namespace: 'default', valuesFiles: [], set: [] };
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
  return releases;
}

/** Releases declared in the config for one chart; each values list becomes a target named by its last file. */
export function configuredReleases(config: ChartConfig, chartDir: string, repo: RepoFiles, source: string): HelmRelease[] {
  const base: HelmRelease = {
    releaseName: config.releaseName ?? (path.posix.basename(chartDir) || 'release'),
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
export function chartInputs(repo: RepoFiles, chartDir: string): { inputs: string[]; errors: InputError[] } {
  const seen = new Set<string>();
  const files = new Set<string>();
  const errors: InputError[] = [];
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    for (const f of repo.walk(dir)) files.add(f);
    const chartFile = dir ? `${dir}/Chart.yaml` : 'Chart.yaml';
    for (const dep of fileDependencies(repo, chartFile, errors)) {
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
  return { inputs: [...files].sort(), errors };
}

function fileDependencies(repo: RepoFiles, chartFile: string, errors: InputError[]): { name: string; repository: string; path: string; line: number }[] {
  let text: string;
  try {
    text = repo.readText(chartFile);
  } catch (err) {
    if (err instanceof InputError) errors.push(err);
    return [];
  }
  const parsed = parseYaml(text, chartFile);
  const doc = parsed.documents[0];
  if (!doc || !isRecord(doc.value) || !Array.isArray(doc.value.dependencies)) return [];
  const out: { name: string; repository: string; path: string; line: number }[] = [];
  doc.value.dependencies.forEach((dep: unknown, i: number) => {
    if (!isRecord(dep) || typeof dep.repository !== 'string' || !dep.repository.startsWith('file://')) return;
    out.push({
      name: typeof dep.name === 'string' ? dep.name : `#${i}`,
      repository: dep.repository,
      path: dep.repository.slice('file://'.length),
      line: doc.sourceMap.locate(['dependencies', i, 'repository']).location.line
    });
  });
  return out;
}

/** The targets of one chart: conventional or configured releases, each with the chart's inputs plus its values files. */
export function helmTargets(repo: RepoFiles, chartDir: string, config: ChartConfig | undefined, configSource: string): { targets: Target[]; errors: InputError[] } {
  const { inputs, errors } = chartInputs(repo, chartDir);
  let releases: HelmRelease[];
  try {
    releases = config ? configuredReleases(config, chartDir, repo, configSource) : conventionalReleases(repo, chartDir);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { targets: [], errors: [...errors, err] };
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
  return { targets, errors };
}
