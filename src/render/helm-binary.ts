/**
 * The optional `renderer: helm` path: renders a chart with a `helm` binary from PATH, on a private copy of the
 * target's files, for users who want Helm itself. Findings then point at the `# Source:` template file, at the
 * line that writes the field's key when that line can be told, else at line 1.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeObject, isKubeObject } from '../objects/manifests.js';
import type { JsonPath, Located, SourceMap } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import type { Target } from '../targets/types.js';
import { runBounded } from './process.js';
import type { RenderOptions, RenderOutput } from './types.js';
import type { HelmEnvironment } from '../targets/types.js';

export type { HelmEnvironment } from '../targets/types.js';

/** `helm template` arguments for a release, with paths inside the sandbox folder. */
export function helmTemplateArgs(target: Target, sandbox: string, env: HelmEnvironment = {}): string[] {
  const release = target.helm!;
  const at = (rel: string) => path.join(sandbox, ...rel.split('/').filter(Boolean));
  return [
    'template',
    release.releaseName,
    at(target.path),
    '--namespace',
    release.namespace,
    ...release.valuesFiles.flatMap((f) => ['--values', at(f)]),
    ...release.set.flatMap((s) => ['--set', s]),
    ...(release.setString ?? []).flatMap((s) => ['--set-string', s]),
    ...(release.setFile ?? []).flatMap((s) => ['--set-file', `${s.slice(0, s.indexOf('='))}=${at(s.slice(s.indexOf('=') + 1))}`]),
    ...(env.kubeVersion ? ['--kube-version', env.kubeVersion] : []),
    ...(env.apiVersions ?? []).flatMap((a) => ['--api-versions', a]),
    ...(env.skipSchemaValidation ? ['--skip-schema-validation'] : [])
  ];
}

export async function renderWithHelmBinary(target: Target, repo: RepoFiles, options: RenderOptions, helm: string | undefined, env: HelmEnvironment = {}): Promise<RenderOutput> {
  const chartFile = target.path ? `${target.path}/Chart.yaml` : 'Chart.yaml';
  if (!helm) return { objects: [], errors: [new InputError(chartFile, '`renderer: helm` is set but no helm binary is on the PATH', 'helm-not-found')] };
  const sandbox = mkdtempSync(path.join(os.tmpdir(), 'gitops-gate-helm-'));
  const errors: InputError[] = [];
  try {
    for (const rel of target.inputs) {
      try {
        const dest = path.join(sandbox, ...rel.split('/'));
        mkdirSync(path.dirname(dest), { recursive: true });
        writeFileSync(dest, repo.readBytes(rel));
      } catch (err) {
        if (err instanceof InputError) errors.push(err);
        else throw err;
      }
    }
    const result = await runBounded(helm, helmTemplateArgs(target, sandbox, env), { cwd: sandbox, timeoutMs: options.timeoutMs });
    if (!result.ok) {
      const reason = result.reason === 'timeout' ? `helm template did not finish within ${options.timeoutMs} ms` : `helm template failed: ${result.stderr.split(sandbox + path.sep).join('').trim()}`;
      return { objects: [], errors: [...errors, new InputError(chartFile, reason, result.reason === 'timeout' ? 'render-timeout' : 'helm-render-failed')] };
    }
    const parsed = parseHelmOutput(result.stdout, target, repo);
    return { objects: parsed.objects, errors: [...errors, ...parsed.errors] };
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
}

/** Splits `helm template` output at its `# Source:` comments and maps each object to its template file. */
export function parseHelmOutput(stdout: string, target: Target, repo: RepoFiles): RenderOutput {
  const objects: RenderOutput['objects'] = [];
  const errors: InputError[] = [];
  for (const chunk of stdout.split(/^---\s*$/m)) {
    const source = /^# Source: (\S+)/m.exec(chunk)?.[1];
    if (!source) continue;
    const file = templateRepoPath(source, target.path);
    const { documents, errors: parseErrors } = parseYaml(chunk, file);
    errors.push(...parseErrors);
    const lines = readLines(repo, file);
    for (const doc of documents) if (isKubeObject(doc.value)) objects.push(makeObject(doc.value, target.id, templateFileMap(file, lines)));
  }
  return { objects, errors };
}

/** `web/templates/a.yaml` -> `<chart>/templates/a.yaml`; `web/charts/db/templates/b.yaml` -> `<chart>/charts/db/templates/b.yaml`. */
function templateRepoPath(source: string, chartDir: string): string {
  const rest = source.split('/').slice(1).join('/');
  return chartDir ? `${chartDir}/${rest}` : rest;
}

function readLines(repo: RepoFiles, file: string): string[] {
  try {
    return repo.readText(file).split('\n');
  } catch {
    return [];
  }
}

/** The template line that writes the path's last key, when exactly one line does; else line 1. */
function templateFileMap(file: string, lines: string[]): SourceMap {
  return {
    locate(p: JsonPath): Located {
      const key = [...p].reverse().find((seg): seg is string => typeof seg === 'string');
      const hits = key ? lines.flatMap((l, i) => (new RegExp(`^\\s*-?\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).test(l) ? [i + 1] : [])) : [];
      return { location: { file, line: hits.length === 1 ? hits[0] : 1 }, related: [], foundPath: p };
    }
  };
}
