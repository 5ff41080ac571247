/**
 * Chart dependencies built in the workflow. Users run `helm dependency build` before the gate, which leaves the
 * packaged dependencies as untracked (usually git-ignored) `charts/*.tgz` files in the working tree; the base
 * revision, exported from git, lacks them, and its render would fail where the head's succeeds. Where a chart's
 * dependency list (Chart.yaml `dependencies`, or requirements.yaml) and lock file are the same at base and head,
 * the built dependencies stand for the base too and are copied into the base tree; where they differ, the base
 * keeps what git holds and the base render shows what it shows.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isRecord } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import type { RepoFiles } from '../repo/files.js';

export interface BuiltDependencies {
  /** Charts whose built dependencies the base tree got. */
  reused: string[];
  /** Charts with built dependencies whose dependency list or lock changed: the base kept what git holds. */
  changed: string[];
}

/** The chart a file under `<chart>/charts/` belongs to: the folder before the first `charts/` that holds a Chart.yaml. */
function chartOf(file: string, head: RepoFiles): string | undefined {
  const parts = file.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'charts') continue;
    const dir = parts.slice(0, i).join('/');
    if (head.isFile(dir ? `${dir}/Chart.yaml` : 'Chart.yaml')) return dir;
  }
  return undefined;
}

/** What decides a chart's dependencies: the dependency lists and the lock files, as text that compares. */
function dependencySpec(repo: RepoFiles, chart: string): string | undefined {
  const at = (name: string) => (chart ? `${chart}/${name}` : name);
  if (!repo.isFile(at('Chart.yaml'))) return undefined;
  const read = (name: string): unknown => {
    if (!repo.isFile(at(name))) return null;
    try {
      const doc = parseYaml(repo.readText(at(name)), at(name)).documents[0];
      return doc?.value ?? null;
    } catch {
      return `unreadable ${name}`;
    }
  };
  const chartYaml = read('Chart.yaml');
  const requirements = read('requirements.yaml');
  return JSON.stringify({
    dependencies: isRecord(chartYaml) ? (chartYaml.dependencies ?? null) : null,
    requirements: isRecord(requirements) ? (requirements.dependencies ?? null) : null,
    lock: read('Chart.lock'),
    requirementsLock: read('requirements.lock')
  });
}

/**
 * Copies the untracked files under charts' `charts/` folders (`untracked`, from git) into the base tree when the
 * chart's dependency spec is unchanged; never over a file the base already has.
 */
export function reuseBuiltDependencies(head: RepoFiles, base: RepoFiles, untracked: readonly string[]): BuiltDependencies {
  const byChart = new Map<string, string[]>();
  for (const file of untracked) {
    const chart = chartOf(file, head);
    if (chart === undefined) continue;
    byChart.set(chart, [...(byChart.get(chart) ?? []), file]);
  }
  const result: BuiltDependencies = { reused: [], changed: [] };
  for (const [chart, files] of [...byChart].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const atBase = dependencySpec(base, chart);
    if (atBase === undefined) continue;
    if (atBase !== dependencySpec(head, chart)) {
      result.changed.push(chart || '.');
      continue;
    }
    for (const file of files) {
      const dest = path.join(base.root, ...file.split('/'));
      if (existsSync(dest)) continue;
      mkdirSync(path.dirname(dest), { recursive: true });
      writeFileSync(dest, head.readBytes(file));
    }
    result.reused.push(chart || '.');
  }
  return result;
}
