/** The action as GitHub runs it: `node dist/index.js` with INPUT_* variables, an event payload and file commands. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { apiDeployment } from '../helpers/manifests.js';
import { commitAll, git, gitRepo, tempDir, writeTree } from '../helpers/temp-repo.js';

const projectRoot = path.resolve('.');

interface ActionRun {
  status: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  sarif?: { runs: { results: { ruleId: string; baselineState?: string }[] }[] };
}

function runAction(workspace: string, eventName: string, event: unknown, inputs: Record<string, string>): ActionRun {
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
