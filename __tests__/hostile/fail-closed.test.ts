/**
 * Hostile corpus, fail-open paths: a privileged Pod hidden in an input the gate cannot check. Each must make the
 * run block (exit 1 from the command line) with a finding that names the file and the reason, and the coverage
 * must say that the target was not checked. In pull-request mode a failure counts as existing only when the base
 * had it over the same content.
 */
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { run, type RunResult } from '../../src/run.js';
import { reportsFor } from '../../src/report/outputs.js';
import { canaryFolder } from '../helpers/canary.js';
import { aliasBombPod } from '../helpers/manifests.js';
import { runCli } from '../helpers/cli.js';
import { commitAll, gitRepo, removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: hidden\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n';
const ALIAS_HEAVY = aliasBombPod('hidden');
const chartYaml = (name: string, extra = '') => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;
const POD_TEMPLATE = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: {{ .Values.privileged }}\n';

describe('what the gate cannot check blocks, naming the file and the reason', () => {
  let root: string;
  let outside: ReturnType<typeof canaryFolder>;
  let result: RunResult;

  beforeAll(async () => {
    root = tempDir('gg-fail-closed-');
    outside = canaryFolder();
    writeTree(root, {
      'aliases/pod.yaml': ALIAS_HEAVY,
      'large/pod.yaml': `${POD}# ${'x'.repeat(5 * 1024 * 1024)}\n`,
      'latin1/pod.yaml': Buffer.from(POD.replace('hidden', 'hidd\xe9n'), 'latin1'),
      'charts/web/Chart.yaml': chartYaml('web'),
      'charts/web/values.yaml': 'privileged: false\n',
      'charts/web/templates/pod.yaml': POD_TEMPLATE,
      'charts/deps/Chart.yaml': chartYaml('deps', 'dependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n'),
      'charts/deps/templates/pod.yaml': POD_TEMPLATE,
      'charts/badvalues/Chart.yaml': chartYaml('badvalues'),
      'charts/badvalues/values.yaml': 'privileged: [\n',
      'charts/badvalues/templates/pod.yaml': POD_TEMPLATE,
      'kust/kustomization.yaml': 'resources:\n  - pod.yaml\npatches:\n  - path: patch.yaml\n',
      'kust/pod.yaml': POD,
      'kust/patch.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: not-there\nspec:\n  hostNetwork: true\n'
    });
    symlinkSync(path.join(outside.dir, 'secret.yaml'), path.join(root, 'linked-pod.yaml'));
    symlinkSync(path.join(outside.dir, 'secret.yaml'), path.join(root, 'charts/web/values-prod.yaml'));
    result = await run({ root });
  }, 120_000);

  afterAll(() => {
    removeDir(root);
    removeDir(outside.dir);
  });

  const blockingOn = (file: string) => result.blocking.filter((f) => f.location.file === file).map((f) => f.ruleId);

  test.each([
    ['aliases/pod.yaml', 'invalid-yaml', /expands to more than 500000 values .*billion laughs/],
    ['large/pod.yaml', 'file-too-large', /over the 4194304-byte limit/],
    ['latin1/pod.yaml', 'invalid-encoding', /not valid UTF-8/],
    ['linked-pod.yaml', 'path-outside-repository', /symbolic link points outside the repository/],
    ['charts/web/values-prod.yaml', 'path-outside-repository', /outside the repository/],
    ['charts/deps/Chart.yaml', 'remote-chart-not-allowed', /dependency "redis" 1\.0\.0 from https:\/\/charts\.example\.com is not fetched: .* is not in repositories\.allow: not contacted/],
    ['charts/badvalues/values.yaml', 'helm-render-failed', /./],
    ['kust/kustomization.yaml', 'kustomize-build-failed', /not-there|no matches/]
  ])('%s: %s blocks', (file, ruleId, reason) => {
    expect(blockingOn(file)).toContain(ruleId);
    const finding = result.findings.find((f) => f.location.file === file && f.ruleId === ruleId)!;
    expect(finding.severity).toBe('high');
    expect(finding.message).toMatch(reason);
  });

  test('the prod release of a chart whose values file is a link out of the repository is not dropped: it is not checked', () => {
    // Helm would follow the link out of the repository when it loads the chart folder; the gate does not, so neither
    // release of the chart can be rendered as Helm renders it.
    for (const id of ['helm:charts/web@prod', 'helm:charts/web']) {
      expect(result.targets.find((t) => t.id === id)).toMatchObject({ checked: false, unchecked: ['helm-render-failed'] });
    }
    expect(result.findings.find((f) => f.target?.startsWith('helm:charts/web') && f.ruleId === 'helm-render-failed')).toMatchObject({
      location: { file: 'charts/web/values-prod.yaml' },
      message: expect.stringMatching(/^symlink points outside the repository/)
    });
  });

  test('coverage counts what was not checked, and every report says so next to the verdict', () => {
    const unchecked = result.targets.filter((t) => !t.checked).map((t) => t.id);
    expect(unchecked).toEqual(['helm:charts/badvalues', 'helm:charts/deps', 'helm:charts/web', 'helm:charts/web@prod', 'kustomize:kust', 'manifests:aliases', 'manifests:large', 'manifests:latin1']);
    expect(result.coverage).toMatchObject({ targets: 8, checked: 0, unchecked: 8, uncheckedFiles: 2 });
    const reports = reportsFor(result, { toolVersion: 'test' });
    expect(reports.text()).toContain('0 of 8 targets checked, 8 could not be checked (see findings).\n2 files outside any target could not be checked (see findings).\n✖');
    expect(reports.summary()).toContain('**Coverage:** 0 of 8 targets checked, 8 could not be checked (see findings). 2 files outside any target could not be checked (see findings).');
    expect(JSON.parse(reports.json()).summary).toMatchObject({ checked: 0, unchecked: 8, verdict: 'fail' });
  });

  test('the content behind the link never shows up', () => {
    expect(JSON.stringify(result.findings)).not.toContain(outside.marker);
  });
});

describe('the command line exits 1 when a Pod hides where the gate cannot look', () => {
  test('a folder whose only file cannot be parsed is a blocking finding, not a silent skip', () => {
    const root = tempDir('gg-fail-closed-cli-');
    try {
      writeTree(root, { 'apps/pod.yaml': ALIAS_HEAVY });
      const cli = runCli(['scan', root, '--no-color']);
      expect(cli.status).toBe(1);
      expect(cli.stdout).toContain('apps/pod.yaml:1  HIGH      invalid-yaml');
      expect(cli.stdout).toContain('0 of 1 target checked, 1 could not be checked (see findings).');
    } finally {
      removeDir(root);
    }
  });

  test('a chart repository whose charts all fail to render does not pass', () => {
    const root = tempDir('gg-fail-closed-deps-');
    try {
      const files: Record<string, string> = {};
      for (let i = 0; i < 3; i++) {
        files[`charts/c${i}/Chart.yaml`] = chartYaml(`c${i}`, 'dependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://registry.example.com/charts\n');
        files[`charts/c${i}/templates/cm.yaml`] = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';
      }
      writeTree(root, files);
      const cli = runCli(['scan', root, '--no-color']);
      expect(cli.status).toBe(1);
      expect(cli.stdout).toContain('Scanned 3 targets, 0 objects.\n0 of 3 targets checked, 3 could not be checked (see findings).\n✖ 3 blocking findings');
    } finally {
      removeDir(root);
    }
  });
});

describe('the scan has a time budget', () => {
  test('targets not reached when it runs out are reported as not checked, and the run blocks', async () => {
    const root = tempDir('gg-budget-');
    try {
      const slow = Array.from({ length: 8 }, (_, i) => `  k${i}: {{ genPrivateKey "dsa" | quote }}`).join('\n');
      writeTree(root, {
        '.gitops-gate.yaml': 'limits:\n  renderTimeoutSeconds: 30\n  scanTimeoutSeconds: 2\n',
        'charts/a/Chart.yaml': chartYaml('a'),
        'charts/a/templates/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: keys\nstringData:\n${slow}\n`,
        'charts/b/Chart.yaml': chartYaml('b'),
        'charts/b/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n'
      });
      const started = Date.now();
      const result = await run({ root });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(result.findings.find((f) => f.location.file === 'charts/a/Chart.yaml')?.ruleId).toBe('render-timeout');
      expect(result.findings.find((f) => f.location.file === 'charts/b/Chart.yaml')).toMatchObject({ ruleId: 'scan-time-budget', severity: 'high' });
      expect(result.coverage).toMatchObject({ targets: 2, checked: 0, budgetExhausted: true });
      expect(result.blocking.length).toBe(2);
    } finally {
      removeDir(root);
    }
  });
});

describe('pull-request mode: what could not be checked is existing only over the same content', () => {
  test('an unparsable file the change does not touch is existing; one it edits is new and blocks', async () => {
    const root = gitRepo({
      'apps/pod.yaml': ALIAS_HEAVY,
      'other/pod.yaml': ALIAS_HEAVY,
      'charts/deps/Chart.yaml': chartYaml('deps', 'dependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n'),
      'charts/deps/values.yaml': 'privileged: false\n',
      'charts/deps/templates/pod.yaml': POD_TEMPLATE
    });
    try {
      writeTree(root, { 'apps/pod.yaml': ALIAS_HEAVY.replace('name: hidden', 'name: hidden-too'), 'other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', 'charts/deps/values.yaml': 'privileged: true\n' });
      commitAll(root, 'change');
      const result = await run({ root, base: 'HEAD~1' });
      const status = (file: string) => result.findings.filter((f) => f.location.file === file && f.severity === 'high').map((f) => [f.ruleId, f.status]);
      expect(status('apps/pod.yaml')).toEqual([['invalid-yaml', 'new']]);
      expect(status('other/pod.yaml')).toEqual([['invalid-yaml', 'existing']]);
      // The chart failed to render at the base too, but the change edits its values: that edit was not checked.
      expect(status('charts/deps/Chart.yaml')).toEqual([['remote-chart-not-allowed', 'new']]);
      expect(result.blocking.map((f) => f.location.file).sort()).toEqual(['apps/pod.yaml', 'charts/deps/Chart.yaml']);
    } finally {
      removeDir(root);
    }
  });

  test('files outside any target count in the coverage when the change brings them', async () => {
    const outside = canaryFolder();
    const root = gitRepo({ 'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', 'notes/values.yaml': 'a: 1\n' });
    try {
      symlinkSync(path.join(outside.dir, 'secret.yaml'), path.join(root, 'old-link.yaml'));
      commitAll(root, 'an old link out of the repository');
      symlinkSync(path.join(outside.dir, 'secret.yaml'), path.join(root, 'new-link.yaml'));
      writeTree(root, { 'notes/more.yaml': 'b: 2\n' });
      commitAll(root, 'a new one');
      const result = await run({ root, base: 'HEAD~1' });
      expect(result.coverage).toMatchObject({ uncheckedFiles: 1, skipped: [{ reason: 'not Kubernetes YAML', files: 1 }] });
      const links = result.findings.filter((f) => f.ruleId === 'path-outside-repository').map((f) => [f.location.file, f.status]);
      expect(links.sort()).toEqual([
        ['new-link.yaml', 'new'],
        ['old-link.yaml', 'existing']
      ]);
      expect(result.blocking.map((f) => f.location.file)).toEqual(['new-link.yaml']);
    } finally {
      removeDir(root);
      removeDir(outside.dir);
    }
  });
});
