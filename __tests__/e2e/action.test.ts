/** The action as GitHub runs it: `node dist/index.js` with INPUT_* variables, an event payload and file commands. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { aliasBombPod, apiDeployment } from '../helpers/manifests.js';
import { runnerCommands, type RunnerCommand } from '../helpers/runner-commands.js';
import { commitAll, git, gitRepo, tempDir, writeTree } from '../helpers/temp-repo.js';

const projectRoot = path.resolve('.');

interface ActionRun {
  status: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  sarif?: { runs: { results: { ruleId: string; level: string; baselineState?: string; suppressions?: unknown[] }[] }[] };
}

function runAction(workspace: string, eventName: string, event: unknown, inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): ActionRun {
  const dir = tempDir('gg-action-');
  const files = { event: path.join(dir, 'event.json'), output: path.join(dir, 'output'), summary: path.join(dir, 'summary.md') };
  writeFileSync(files.event, JSON.stringify(event));
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'example/gitops',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: git(workspace, 'rev-parse', 'HEAD'),
    'INPUT_SARIF-FILE': path.join(dir, 'out.sarif'),
    INPUT_PATH: '.',
    INPUT_ANNOTATIONS: 'true'
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  Object.assign(env, extraEnv);
  const result = spawnSync(process.execPath, [path.join(projectRoot, 'dist/index.js')], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000 });
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(files.output, 'utf8').matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]] = m[3];
  return {
    status: result.status ?? -1,
    stdout: result.stdout,
    outputs,
    summary: readFileSync(files.summary, 'utf8'),
    ...(existsSync(path.join(dir, 'out.sarif')) ? { sarif: JSON.parse(readFileSync(path.join(dir, 'out.sarif'), 'utf8')) } : {})
  };
}

describe('the action on a pull request', () => {
  const repo = gitRepo({
    'apps/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/base/deployment.yaml': apiDeployment(),
    'apps/prod/kustomization.yaml': 'namespace: prod\nresources:\n  - ../base\n'
  });
  const baseSha = git(repo, 'rev-parse', 'HEAD');
  writeTree(repo, { 'apps/base/deployment.yaml': apiDeployment({ security: ['privileged: true'] }) });
  const headSha = commitAll(repo, 'privileged');
  const event = { pull_request: { number: 7, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha, ref: 'feature' } } };
  const run = runAction(repo, 'pull_request', event, {});

  test('fails the step because of the new privileged container', () => {
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/::error::1 new finding at or above high severity blocks this change\./);
  });

  test('sets the outputs', () => {
    expect(Number(run.outputs.blocking)).toBe(1);
    expect(Number(run.outputs['new-findings'])).toBeGreaterThanOrEqual(1);
    expect(Number(run.outputs.findings)).toBeGreaterThan(Number(run.outputs['new-findings']));
    expect(run.outputs['sarif-file']).toMatch(/out\.sarif$/);
  });

  test('annotates the new finding at its file and line', () => {
    expect(run.stdout).toMatch(/::error title=CRITICAL pss-privileged,file=apps\/base\/deployment\.yaml,line=17,col=\d+::Deployment prod\/api: privileged/);
  });

  test('writes a job summary with the new finding linked at the head commit', () => {
    expect(run.summary).toContain('pss-privileged');
    expect(run.summary).toContain(`https://github.com/example/gitops/blob/${headSha}/apps/base/deployment.yaml#L17`);
  });

  test('writes SARIF with baseline states', () => {
    const results = run.sarif!.runs[0].results;
    expect(results.find((r) => r.ruleId === 'pss-privileged')?.baselineState).toBe('new');
    expect(results.some((r) => r.baselineState === 'unchanged')).toBe(true);
  });
});

describe('the action on a pull request that hides a Pod where the gate cannot look', () => {
  const hidden = aliasBombPod('p');
  /** A pull request adding the hidden Pod on top of `base` files; the action's run on it. */
  const pullRequest = (base: Record<string, string>) => {
    const repo = gitRepo({ 'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', ...base });
    const baseSha = git(repo, 'rev-parse', 'HEAD');
    writeTree(repo, { 'hidden/pod.yaml': hidden });
    const headSha = commitAll(repo, 'hide a pod');
    return runAction(repo, 'pull_request', { pull_request: { number: 8, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha, ref: 'feature' } } }, {});
  };

  test('fails the step, counts the target in the `unchecked` output and states the coverage', () => {
    const run = pullRequest({});
    expect(run.status).toBe(1);
    expect(run.outputs.unchecked).toBe('1');
    expect(run.stdout).toMatch(/::error title=HIGH invalid-yaml[^,]*,file=hidden\/pod\.yaml,line=1::/);
    expect(run.summary).toContain('**Coverage:** 0 of 1 target checked, 1 could not be checked (see findings).');
  });

  test('with the coverage rule lowered below the gate, the step passes but warns that the change was not all checked', () => {
    const run = pullRequest({ '.gitops-gate.yaml': 'rules:\n  severity:\n    invalid-yaml: medium\n' });
    expect(run.status).toBe(0);
    expect(run.outputs.unchecked).toBe('1');
    expect(run.stdout).toMatch(/::warning::Nothing blocks, but not everything this change brings could be checked: 0 of 1 target checked, 1 could not be checked \(see findings\)\./);
    expect(run.summary).toContain('## ⚠ gitops-gate: no blocking findings, but not everything was checked');
  });
});

describe('the action on a push', () => {
  const repo = gitRepo({ 'manifests/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n' });
  const run = runAction(repo, 'push', { ref: 'refs/heads/main' }, { 'fail-on': 'critical' });

  test('scans everything and passes when nothing reaches fail-on', () => {
    expect(run.status).toBe(0);
    expect(Number(run.outputs.findings)).toBe(Number(run.outputs['new-findings']));
    expect(Number(run.outputs.blocking)).toBe(0);
  });

  test('a bad input value fails with a clear message', () => {
    const bad = runAction(repo, 'push', {}, { 'fail-on': 'severe' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/::error::gitops-gate: input "fail-on" must be one of none, low, medium, high, critical/);
  });
});

/** Every file of a repository (not .git): relative path -> content. */
function repositoryText(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const abs = path.join(entry.parentPath, entry.name);
    const rel = path.relative(root, abs);
    if (entry.isFile() && !rel.startsWith(`.git${path.sep}`)) out.set(rel, readFileSync(abs, 'utf8'));
  }
  return out;
}

const pod = (name: string, containers: string[], extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${JSON.stringify(name)}
spec:
  containers:
${containers.map((c) => `    - name: ${JSON.stringify(c)}\n      image: "nginx:latest"\n      securityContext:\n        privileged: true\n${extra}`).join('')}`;

/**
 * Repository text that speaks to the runner when printed as is: file and folder names, object and container names
 * and config values with `::command::` at a line start, `##[command]` inside a line, and line breaks.
 */
const HOSTILE_FILES: Record<string, string> = {
  '::add-mask::secret.yaml': pod('##[error]FORGED-name', ['x\n::error::FORGED-newline', 'y\r::add-mask::FORGED-cr']),
  '::warning::x/pod.yaml': pod('plain', ['::stop-commands::abc', '::set-output name=x::y']),
  '##[error]FORGED-file.yaml': pod('legacy', ['c']),
  '::stop-commands::pwn.yaml': pod('stopper', ['\n::add-mask::FORGED-mask\n##[warning]FORGED-legacy'])
};

/**
 * Our own commands: the annotations (title `SEVERITY rule`, a file of the repository, its `##[` defused), our notes
 * and the verdict.
 */
function isOurs(c: RunnerCommand, files: Set<string>, notes: RegExp[]): boolean {
  if (!['error', 'warning', 'notice'].includes(c.name)) return false;
  const keys = Object.keys(c.properties).sort().join(',');
  if (keys === 'col,file,line,title' || keys === 'file,line,title') {
    const file = [...files].find((f) => f.split('##[').join('##[\\') === c.properties.file);
    return /^(CRITICAL|HIGH|MEDIUM|LOW) [a-z0-9-]+$/.test(c.properties.title) && file !== undefined && /^\d+$/.test(c.properties.line);
  }
  return keys === '' && notes.some((n) => n.test(c.data));
}

describe('the action on a repository whose names and values are workflow commands', () => {
  const repo = gitRepo({
    '.gitops-gate.yaml': 'exceptions:\n  - rule: image-tag-latest\n    reason: "old\\n::add-mask::FORGED-note ##[error]FORGED-note-legacy"\n    expires: "2020-01-01"\n',
    'apps/ok.yaml': pod('ok', ['ok'])
  });
  const baseSha = git(repo, 'rev-parse', 'HEAD');
  writeTree(repo, HOSTILE_FILES);
  const headSha = commitAll(repo, 'hostile names');
  const event = { pull_request: { number: 3, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha, ref: 'feature' } } };
  // A progress line per target: target ids made of hostile folder names go to the log too.
  const run = runAction(repo, 'pull_request', event, {}, { GITOPS_GATE_PROGRESS_INTERVAL_MS: '0' });
  const text = repositoryText(repo);
  const files = new Set(text.keys());
  const ourNotes = [
    /^\d+ new findings? at or above high severity blocks? this change\.$/,
    /^The exception for image-tag-latest in \.gitops-gate\.yaml \("old\n\\::add-mask::FORGED-note ##\[\\error\]FORGED-note-legacy"\) expired on 2020-01-01; the findings it covered count again\.$/
  ];

  test('the scan ran over the hostile files and printed their names and values', () => {
    expect(run.status).toBe(1);
    expect(Number(run.outputs['new-findings'])).toBeGreaterThan(10);
    for (const word of ['FORGED-name', 'FORGED-newline', 'FORGED-file', 'FORGED-mask', 'FORGED-note', 'add-mask::secret.yaml', 'stop-commands::pwn']) expect(run.stdout).toContain(word);
  });

  test.each([false, true])('the runner obeys only the gate\'s own commands (ignorable characters skipped: %s)', (ignorable) => {
    const reading = runnerCommands(run.stdout, { ignorable });
    const names = new Set(reading.commands.map((c) => c.name));
    expect([...names].sort()).toEqual(['error', 'notice', 'warning']);
    expect(reading.commands.filter((c) => !isOurs(c, files, ourNotes))).toEqual([]);
    expect(reading.stoppedAtEnd).toBe(false);
    // Annotations: one per new finding, at most 10 per level, as the runner shows them.
    const results = run.sarif!.runs[0].results.filter((r) => r.baselineState === 'new' && !r.suppressions);
    const levels = { error: 'error', warning: 'warning', note: 'notice' } as Record<string, string>;
    for (const [sarifLevel, command] of Object.entries(levels)) {
      const expected = Math.min(10, results.filter((r) => r.level === sarifLevel).length);
      expect(reading.commands.filter((c) => c.name === command && c.properties.file !== undefined)).toHaveLength(expected);
    }
    expect(reading.commands.filter((c) => c.properties.file === undefined).map((c) => c.name)).toEqual(['notice', 'error']);
    // Annotations land on the hostile files themselves.
    expect(reading.commands.some((c) => c.properties.file === '::add-mask::secret.yaml')).toBe(true);
    expect(reading.commands.some((c) => c.properties.file === '##[\\error]FORGED-file.yaml')).toBe(true);
    expect(reading.commands.some((c) => c.properties.file === '##[error]FORGED-file.yaml')).toBe(false);
  });

  test('the text report and the reporting lines are inside stop-commands frames whose tokens the repository does not hold', () => {
    const reading = runnerCommands(run.stdout);
    expect(reading.stopTokens.length).toBeGreaterThanOrEqual(2);
    for (const token of reading.stopTokens) {
      expect(token).toMatch(/^[0-9a-f]{32}$/);
      for (const [file, content] of text) {
        expect(file.toLowerCase()).not.toContain(token);
        expect(content.toLowerCase()).not.toContain(token);
      }
    }
    expect(new Set(reading.stopTokens).size).toBe(reading.stopTokens.length);
    expect(reading.framedLines.some((l) => l.startsWith('  \\::add-mask::secret.yaml:10:9  CRITICAL'))).toBe(true);
    expect(reading.framedLines.some((l) => l.startsWith('No `token`'))).toBe(true);
    expect(reading.framedLines.some((l) => /^✖ \d+ blocking findings/.test(l))).toBe(true);
  });

  test('progress lines, hostile target ids included, are printed inside stop-commands frames', () => {
    const reading = runnerCommands(run.stdout);
    expect(reading.framedLines.filter((l) => l.startsWith('rendering '))).toEqual(['rendering 1/2 manifests:.', 'rendering 2/2 manifests:::warning::x']);
    // Every progress line is framed: none stands between frames.
    expect(run.stdout.split('\n').filter((l) => l.startsWith('rendering '))).toHaveLength(2);
  });

  test('a config error naming hostile values fails the step with one escaped error', () => {
    const broken = gitRepo({ '.gitops-gate.yaml': '"x\\n::add-mask::FORGED-config ##[error]FORGED-config-legacy": 1\n' });
    const failed = runAction(broken, 'push', { ref: 'refs/heads/main' }, {});
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('FORGED-config');
    for (const ignorable of [false, true]) {
      const { commands, stopTokens } = runnerCommands(failed.stdout, { ignorable });
      expect(stopTokens).toEqual([]);
      expect(commands.map((c) => c.name)).toEqual(['error']);
      expect(commands[0].data).toBe('gitops-gate: .gitops-gate.yaml:1: unknown key "x\n\\::add-mask::FORGED-config ##[\\error]FORGED-config-legacy" at (top level)');
    }
  });
});