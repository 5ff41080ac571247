/** The command line end to end: the bundled example, pull-request mode on a real git history, bad input. */
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { runCli } from '../helpers/cli.js';
import { apiDeployment } from '../helpers/manifests.js';
import { commitAll, gitRepo, tempDir, writeTree } from '../helpers/temp-repo.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const sarifSchema = JSON.parse(readFileSync(path.resolve('..', 'shared', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));

function validateSarif(log: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  addFormats(ajv);
  const validate = ajv.compile(sarifSchema);
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('gitops-gate scan examples', () => {
  const out = tempDir();
  const sarifFile = path.join(out, 'example.sarif');
  const run = runCli(['scan', 'examples', '--sarif', sarifFile]);

  test('fails on the blocking findings the prod patch introduces', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
  });

  test('points at the prod patch line that made the container privileged', () => {
    expect(run.stdout).toMatch(/apps\/shop\/overlays\/prod\/patch-debug\.yaml:14:\d+\s+CRITICAL\s+pss-privileged\s+Deployment shop-prod\/shop/);
    expect(run.stdout).toMatch(/apps\/shop\/overlays\/prod\/patch-debug\.yaml:10:\d+\s+\S+\s+pss-host-namespaces/);
  });

  test('points a Helm finding at the environment values line, with the template line related', () => {
    expect(run.stdout).toMatch(/charts\/api\/values-prod\.yaml:11:\d+\s+CRITICAL\s+pss-privileged\s+Deployment api-api:.*\n\s+↳ template: charts\/api\/templates\/deployment\.yaml:29/);
    expect(run.stdout).toMatch(/charts\/api\/values-prod\.yaml:4:\d+\s+MEDIUM\s+image-tag-latest/);
    expect(run.stdout).not.toMatch(/values-staging\.yaml:\d+:\d+\s+\S+\s+pss-privileged/);
  });

  test('renders the Flux HelmRelease and points at the line of its values that adds a capability', () => {
    expect(run.stdout).toMatch(/clusters\/prod\/apps\/api\.yaml:26:\d+\s+HIGH\s+pss-capabilities-baseline\s+Deployment api-api: .*SYS_ADMIN.*in flux:api\/api/);
    // A value from its valuesFrom ConfigMap: on its line inside the `values.yaml: |` block.
    expect(run.stdout).toMatch(/clusters\/prod\/apps\/api-values\.yaml:11:7\s+LOW\s+image-not-pinned-by-digest\s+Deployment api-api: .*2\.5\.0.*in flux:api\/api/);
    expect(run.stdout).toContain('11 of 11 targets checked.');
    expect(run.stdout).toContain('6 Flux or Argo CD declarations: 6 checked.');
  });

  test('renders the Argo CD Application and the ApplicationSet the app-of-apps deploys, at the lines that set the values', () => {
    expect(run.stdout).toMatch(/argocd\/apps\/api-staging\.yaml:19:\d+\s+MEDIUM\s+pss-run-as-user\s+Deployment api-staging-api: .*in argocd:argocd\/api-staging/);
    expect(run.stdout).toMatch(/argocd\/apps\/canaries\.yaml:28:\d+\s+MEDIUM\s+image-tag-latest\s+Deployment api-canary-api: .*in argocd:argocd\/api-canary/);
  });

  test('builds the Flux Kustomization as Flux does and points at the line that sets the variable', () => {
    expect(run.stdout).toMatch(/clusters\/prod\/apps\/node-exporter\.yaml:20:\d+\s+HIGH\s+pss-host-namespaces\s+DaemonSet monitoring\/node-exporter: .*in flux-ks:flux-system\/node-exporter\n\s+↳ template: apps\/node-exporter\/daemonset\.yaml:17/);
    expect(run.stdout).not.toMatch(/in manifests:apps\/node-exporter/);
  });

  test('reports plain manifests at their own lines', () => {
    expect(run.stdout).toMatch(/platform\/log-agent\.yaml:\d+:\d+\s+\S+\s+pss-host-path-volumes/);
  });

  test('the dev overlay, which only changes replicas and the tag, has no PSS findings', () => {
    expect(run.stdout).not.toMatch(/overlays\/dev\/kustomization\.yaml:\d+:\d+\s+\S+\s+pss-/);
  });

  test('writes SARIF that validates against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(readFileSync(sarifFile, 'utf8'));
    expect(validateSarif(log)).toEqual([]);
    const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    expect(results.some((r) => r.ruleId === 'pss-privileged' && r.locations[0].physicalLocation.artifactLocation.uri === 'apps/shop/overlays/prod/patch-debug.yaml' && r.locations[0].physicalLocation.region.startLine === 14)).toBe(true);
  });
});

const base = apiDeployment();

describe('gitops-gate scan --base', () => {
  const root = gitRepo({
    'apps/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/base/deployment.yaml': base,
    'apps/dev/kustomization.yaml': 'namespace: dev\nresources:\n  - ../base\n',
    'apps/prod/kustomization.yaml': 'namespace: prod\nresources:\n  - ../base\n',
    'other/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: other\nspec:\n  hostPID: true\n  containers:\n    - name: c\n      image: busybox\n'
  });
  writeTree(root, { 'apps/base/deployment.yaml': apiDeployment({ security: ['privileged: true'] }) });
  commitAll(root, 'make it privileged');
  const run = runCli(['scan', root, '--base', 'HEAD~1', '--format', 'json']);
  const report = JSON.parse(run.stdout || '{}');

  test('scans the overlays that use the changed base, and only them', () => {
    expect(run.stderr).toBe('');
    const targets = (report.targets as { id: string }[]).map((t) => t.id);
    expect(targets).toEqual(['kustomize:apps/dev', 'kustomize:apps/prod']);
    expect(JSON.stringify(report)).not.toMatch(/other\/pod\.yaml/);
  });

  test('the privileged container is new and blocks; the debt that was already there is existing', () => {
    const findings = report.findings as { ruleId: string; status: string; location: { file: string; line: number } }[];
    const privileged = findings.filter((f) => f.ruleId === 'pss-privileged');
    expect(privileged).toHaveLength(2);
    expect(privileged.every((f) => f.status === 'new' && f.location.file === 'apps/base/deployment.yaml' && f.location.line === 17)).toBe(true);
    const runAsNonRoot = findings.filter((f) => f.ruleId === 'pss-run-as-non-root');
    expect(runAsNonRoot.length).toBeGreaterThan(0);
    expect(runAsNonRoot.every((f) => f.status === 'existing')).toBe(true);
    expect(run.status).toBe(1);
  });

  test('existing findings alone do not block', () => {
    const quiet = runCli(['scan', root, '--base', 'HEAD', '--format', 'json']);
    const r = JSON.parse(quiet.stdout);
    expect(r.findings.length).toBe(0);
    expect(quiet.status).toBe(0);
    const again = runCli(['scan', root, '--base', 'HEAD~1', '--fail-on', 'critical', '--format', 'json']);
    expect(again.status).toBe(1);
  });
});

describe('bad input does not stop the scan', () => {
  const outside = tempDir();
  writeTree(outside, { 'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n' });
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 10; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const root = tempDir();
  writeTree(root, {
    'good/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: good\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      image: busybox\n',
    'good/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n',
    'good/dup.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  name: again\n',
    'good/not-kube.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\njust: values\n',
    'good/bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  x: y\n---\n${bomb.join('\n')}\n`,
    'good/deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n---\na: ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
    'good/latin1.yaml': Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    'good/huge.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: "${'x'.repeat(5 * 1024 * 1024)}"\n`,
    'remote/kustomization.yaml': 'resources:\n  - https://github.com/example/repo//deploy?ref=main\n  - cm.yaml\n  - ../../escape.yaml\n',
    'remote/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n',
    'failing/kustomization.yaml': 'resources:\n  - cm.yaml\npatches:\n  - target: { kind: ConfigMap, name: cm }\n    patch: "not a patch"\n',
    'failing/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n'
  });
  symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, 'good', 'link.yaml'));
  const started = Date.now();
  const run = runCli(['scan', root, '--format', 'json']);
  const elapsed = Date.now() - started;
  const report = JSON.parse(run.stdout || '{}');
  const findings = (report.findings ?? []) as { ruleId: string; message: string; location: { file: string; line: number } }[];
  const at = (file: string) => findings.filter((f) => f.location.file === file).map((f) => f.ruleId);

  test('the scan completes, in bounded time, with a report', () => {
    expect(run.stderr).toBe('');
    expect(elapsed).toBeLessThan(60_000);
    expect(report.targets.length).toBeGreaterThanOrEqual(3);
  });

  test.each([
    ['good/broken.yaml', 'invalid-yaml'],
    ['good/dup.yaml', 'duplicate-key'],
    ['good/not-kube.yaml', 'not-a-kubernetes-object'],
    ['good/bomb.yaml', 'invalid-yaml'],
    ['good/deep.yaml', 'invalid-yaml'],
    ['good/latin1.yaml', 'invalid-encoding'],
    ['good/huge.yaml', 'file-too-large'],
    ['good/link.yaml', 'path-outside-repository'],
    ['remote/kustomization.yaml', 'remote-resource'],
    ['remote/kustomization.yaml', 'path-outside-repository'],
    ['failing/kustomization.yaml', 'kustomize-build-failed']
  ])('%s: %s', (file, ruleId) => {
    expect(at(file)).toContain(ruleId);
  });

  test('the good objects around the bad ones are still checked', () => {
    expect(findings.find((f) => f.ruleId === 'pss-host-namespaces')?.location).toMatchObject({ file: 'good/pod.yaml', line: 6 });
    expect(findings.find((f) => f.ruleId === 'remote-resource')?.location).toMatchObject({ file: 'remote/kustomization.yaml', line: 2 });
  });

  test('nothing outside the repository is read', () => {
    expect(run.stdout).not.toContain('stolen');
  });
});

describe('command line usage', () => {
  test('an unknown flag is a usage error with exit status 2', () => {
    const run = runCli(['scan', '--frobnicate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/frobnicate/);
  });

  test('a bad --fail-on value names the allowed ones', () => {
    const run = runCli(['scan', 'examples', '--fail-on', 'severe']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--fail-on must be one of none, low, medium, high, critical/);
  });

  test('rules lists every rule with its severity', () => {
    const run = runCli(['rules']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^pss-privileged\s+critical\s+/m);
  });

  test('--help documents every scan option', () => {
    const run = runCli(['--help']);
    for (const flag of ['--base', '--format', '--output', '--sarif', '--config', '--fail-on', '--pss-level', '--pss-version']) expect(run.stdout).toContain(flag);
  });
});
