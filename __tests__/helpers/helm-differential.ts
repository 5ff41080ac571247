/**
 * Differential rendering: one `helm template` command line run by the real Helm binary and by `gitops-gate
 * template` (in process), and the two outputs compared object by object (each document's `# Source:` and its parsed
 * YAML, in order), and byte for byte as a further figure. Both failing is agreement; the error texts are compared
 * as a figure too (Helm's --debug log lines and absolute paths aside).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runTemplate } from '../../src/cli/template.js';

export interface DiffCase {
  id: string;
  /** Folder both commands run in. */
  cwd: string;
  /** `helm template` arguments (without `template`). */
  args: string[];
  /**
   * Real Helm needs `helm dependency build` first (charts with `file://` dependencies, which the gate loads from the
   * repository itself): the paths listed (relative to cwd) are copied to a scratch folder where the build and the
   * render run, so the shared folders stay untouched.
   */
  dependencyBuild?: { copy: string[]; chart: string };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CaseResult {
  id: string;
  ok: boolean;
  detail: string;
  /** Both rendered (not both failed). */
  rendered: boolean;
  objects: number;
  objectsEqual: number;
  bytesEqual: boolean;
  errorTextEqual?: boolean;
}

function helmEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data')
  };
}

function run(bin: string, args: string[], cwd: string, home: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, env: helmEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.on('error', (err) => resolve({ code: 1, stdout, stderr: String(err) }));
  });
}

/** The real Helm's result for a case. */
export async function runReal(helm: string, c: DiffCase, home: string): Promise<RunResult> {
  if (!c.dependencyBuild) return run(helm, ['template', ...c.args], c.cwd, home);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'helm-diff-build-'));
  try {
    for (const p of c.dependencyBuild.copy) cpSync(path.join(c.cwd, p), path.join(scratch, p), { recursive: true });
    const built = await run(helm, ['dependency', 'build', c.dependencyBuild.chart], scratch, home);
    if (built.code !== 0) return { code: built.code, stdout: '', stderr: `helm dependency build: ${built.stderr}` };
    return await run(helm, ['template', ...c.args], scratch, home);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The gate's result for a case. */
export function runOurs(c: DiffCase): RunResult {
  let stdout = '';
  let stderr = '';
  const code = runTemplate(c.args, { cwd: c.cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

interface Doc {
  source: string;
  value: string;
}

/** The documents of `helm template` output: `# Source:` and the parsed YAML (as JSON). */
export function documents(out: string): Doc[] {
  return out
    .split(/^---$/m)
    .filter((d) => d.trim() !== '')
    .map((d) => {
      const source = /^# Source: (.*)$/m.exec(d)?.[1] ?? '';
      let value: string;
      try {
        value = JSON.stringify(parseAllDocuments(d).map((x) => (x.errors.length ? `unparsable: ${x.errors[0].message}` : x.toJS())));
      } catch (err) {
        value = `unparsable: ${(err as Error).message}`;
      }
      return { source, value };
    });
}

function errorText(r: RunResult, cwd: string): string {
  return r.stderr
    .split('\n')
    .filter((l) => !l.startsWith('level='))
    .join('\n')
    .split(cwd + path.sep)
    .join('')
    .replace(/gitops-gate template/g, 'helm template')
    .trim();
}

function firstDiff(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `ours ${JSON.stringify(a.slice(Math.max(0, i - 60), i + 100))}, real ${JSON.stringify(b.slice(Math.max(0, i - 60), i + 100))}`;
}

export function compare(c: DiffCase, ours: RunResult, real: RunResult): CaseResult {
  const base = { id: c.id, rendered: false, objects: 0, objectsEqual: 0, bytesEqual: false };
  if (ours.code !== 0 || real.code !== 0) {
    if (ours.code !== 0 && real.code !== 0) {
      const a = errorText(ours, c.cwd);
      const b = errorText(real, c.cwd);
      return { ...base, ok: true, detail: a === b ? '' : `error texts differ: ${firstDiff(a, b)}`, errorTextEqual: a === b };
    }
    const failed = ours.code !== 0 ? `ours failed: ${ours.stderr.trim().slice(0, 400)}` : `real Helm failed: ${errorText(real, c.cwd).slice(0, 400)}`;
    return { ...base, ok: false, detail: failed };
  }
  const a = documents(ours.stdout);
  const b = documents(real.stdout);
  let equal = 0;
  let detail = '';
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] && b[i] && a[i].source === b[i].source && a[i].value === b[i].value) equal++;
    else if (!detail) detail = `document ${i + 1} (${a[i]?.source ?? 'none'} / ${b[i]?.source ?? 'none'}): ${firstDiff(a[i]?.value ?? '', b[i]?.value ?? '')}`;
  }
  const bytesEqual = ours.stdout === real.stdout;
  if (!detail && a.length !== b.length) detail = `${a.length} documents, real Helm ${b.length}`;
  if (!detail && !bytesEqual) detail = `same objects, different bytes: ${firstDiff(ours.stdout, real.stdout)}`;
  return { id: c.id, ok: equal === a.length && a.length === b.length, detail, rendered: true, objects: b.length, objectsEqual: equal, bytesEqual };
}
