/**
 * A chart's dependencies from Helm repositories and OCI registries, fetched as `helm dependency build` would leave
 * them in `charts/`: the locked versions when Chart.lock is in sync with Chart.yaml, else each constraint resolved
 * to its highest match (`helm dependency update`). A dependency already in `charts/` (a folder or an archive, what
 * an earlier build left) is used as it is. What cannot be fetched is an InputError on the Chart.yaml line that
 * declares it, and the chart is not rendered: Helm refuses a chart with a missing dependency.
 */
import type { ChartAnswer, ChartSource, FetchedChart } from '../fetch/chart-source.js';
import { RepositoryPolicy } from '../fetch/policy.js';
import { isRecord } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import { lockedDependencies } from './chart-lock.js';

/** A fetched dependency, as the renderer takes it: the archive at the path `helm dependency build` would write. */
export interface DependencyArchive {
  name: string;
  /** `<chart>/charts/<name>-<version>.tgz`: where the build would leave it (not a file in the repository). */
  origin: string;
  data: Buffer;
  /** The Chart.yaml line that declares it. */
  line: number;
  chart: FetchedChart;
}

export interface RemoteDependencies {
  archives: DependencyArchive[];
  errors: InputError[];
}

const REMOTE = /^(https?|oci):\/\//i;

/** Whether `charts/` already holds `name` (a folder with a Chart.yaml, or an archive named as the build names them). */
function present(repo: RepoFiles, chartsDir: string, name: string): boolean {
  if (!repo.isDirectory(chartsDir)) return false;
  if (repo.isFile(`${chartsDir}/${name}/Chart.yaml`)) return true;
  return repo.list(chartsDir).some((e) => !e.isDir && e.name.startsWith(`${name}-`) && /\.tgz$/.test(e.name) && /^\d/.test(e.name.slice(name.length + 1)));
}

/** Reads Chart.yaml and Chart.lock and fetches the remote dependencies that `charts/` lacks. */
export async function fetchRemoteDependencies(repo: RepoFiles, chartDir: string, source: ChartSource | undefined): Promise<RemoteDependencies> {
  const at = (name: string) => (chartDir ? `${chartDir}/${name}` : name);
  const chartFile = at('Chart.yaml');
  let chartYaml;
  try {
    chartYaml = parseYaml(repo.readText(chartFile), chartFile).documents[0];
  } catch {
    return { archives: [], errors: [] }; // the renderer reports an unreadable Chart.yaml
  }
  const requested = isRecord(chartYaml?.value) ? chartYaml.value.dependencies : undefined;
  if (!chartYaml || !Array.isArray(requested)) return { archives: [], errors: [] };
  let locked: ReturnType<typeof lockedDependencies>;
  if (repo.isFile(at('Chart.lock'))) {
    try {
      locked = lockedDependencies(requested, parseYaml(repo.readText(at('Chart.lock')), at('Chart.lock')).documents[0]?.value);
    } catch {
      locked = undefined;
    }
  }
  const wanted: { name: string; repository: string; version: string; line: number }[] = [];
  requested.forEach((d, i) => {
    if (!isRecord(d) || typeof d.repository !== 'string' || !REMOTE.test(d.repository) || typeof d.name !== 'string') return;
    if (present(repo, at('charts'), d.name)) return;
    const lock = locked?.find((l) => l.name === d.name && l.repository === d.repository);
    const version = lock?.version ?? (d.version === undefined || d.version === null ? '' : String(d.version));
    wanted.push({ name: d.name, repository: d.repository, version, line: chartYaml.sourceMap.locate(['dependencies', i, 'repository']).location.line });
  });
  if (wanted.length === 0) return { archives: [], errors: [] };
  if (!source) {
    return { archives: [], errors: wanted.map((w) => new InputError(chartFile, `dependency "${w.name}" comes from ${w.repository}, and fetching remote charts is not set up here`, 'remote-chart-not-allowed', w.line)) };
  }
  const answers = await Promise.all(wanted.map((w) => source.get({ repository: w.repository, name: w.name, version: w.version })));
  const out: RemoteDependencies = { archives: [], errors: [] };
  answers.forEach((answer: ChartAnswer, i) => {
    const w = wanted[i];
    if (answer.ok) {
      out.archives.push({ name: w.name, origin: `${at('charts')}/${w.name}-${answer.chart.version}.tgz`, data: answer.chart.archive, line: w.line, chart: answer.chart });
      return;
    }
    out.errors.push(chartFetchError(`dependency "${w.name}" ${w.version || '(latest)'} from ${w.repository}`, answer, chartFile, w.line));
  });
  return out;
}

/** The finding for a chart that was not fetched (`what` names it), on the line that asks for it. */
export function chartFetchError(what: string, answer: Extract<ChartAnswer, { ok: false }>, file: string, line: number | undefined): InputError {
  if (answer.kind === 'not-allowed') {
    const allow = answer.location ? `; to allow it, add to the base branch's config:\n${RepositoryPolicy.allowSnippet([answer.location])}` : '';
    return new InputError(file, `${what} is not fetched: ${answer.reason}${allow}`, 'remote-chart-not-allowed', line);
  }
  return new InputError(file, `${what} could not be fetched: ${answer.reason}`, 'remote-chart-unavailable', line);
}
