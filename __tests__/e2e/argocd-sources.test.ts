/**
 * Argo CD sources in this repository read as the repo-server reads them: a directory source's recurse, include,
 * exclude and skip marker; the destination namespace on objects that name none; `.argocd-source*.yaml` overrides
 * merged over the Application (findings located in them); the build environment in value-file paths and
 * parameters (the revision only when the commit is known); `fileParameters`; more than one source type refused.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { run, type RunResult } from '../../src/run.js';
import { commitAll, gitRepo, removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const folders: string[] = [];
afterAll(() => folders.forEach(removeDir));

const CONFIG = 'repositoryURLs: [https://github.com/acme/gitops.git]\n';

const pod = (name: string, extra = '') =>
  `${extra}apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n      securityContext: { privileged: true }\n`;

const application = (name: string, source: string[], namespace = 'argocd') =>
  ['apiVersion: argoproj.io/v1alpha1', 'kind: Application', 'metadata:', `  name: ${name}`, `  namespace: ${namespace}`, 'spec:', '  project: default', '  destination:', '    server: https://kubernetes.default.svc', '    namespace: prod', '  source:', '    repoURL: https://github.com/acme/gitops.git', '    targetRevision: HEAD', ...source.map((l) => `    ${l}`), ''].join('\n');

const CHART = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'charts/web/values.yaml': 'privileged: false\nconfig: ""\ntag: "1.27"\n',
  'charts/web/templates/pod.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\n    config: {{ .Values.config | quote }}\nspec:\n  containers:\n    - name: app\n      image: "nginx:{{ .Values.tag }}"\n      securityContext:\n        privileged: {{ .Values.privileged }}\n'
};

async function scan(files: Record<string, string>, git = false): Promise<RunResult> {
  const all = { '.gitops-gate.yaml': CONFIG, ...files };
  const root = git ? gitRepo(all) : tempDir('gg-argo-src-');
  if (!git) writeTree(root, all);
  folders.push(root);
  return run({ root });
}

const objectsOf = (result: RunResult, target: string, rule = 'pss-privileged') =>
  result.findings.filter((f) => f.target === target && f.ruleId === rule).map((f) => f.object?.name).sort();

describe('Argo CD directory sources', () => {
  test('top level only unless recurse; include and exclude relative to the folder; the skip marker; YAML that is no manifest ignored', async () => {
    const result = await scan({
      'deploy/a.yaml': pod('a'),
      'deploy/values.yaml': 'replicas: 3\nimage: nginx\n',
      'deploy/skipped.yaml': pod('skipped', '# +argocd:skip-file-rendering\n'),
      'deploy/notes.txt': pod('text'),
      'deploy/sub/b.yaml': pod('b'),
      'deploy/sub/c.yml': pod('c'),
      'apps/top.yaml': application('top', ['path: deploy']),
      'apps/deep.yaml': application('deep', ['path: deploy', 'directory:', '  recurse: true', '  exclude: "*c.yml"']),
      'apps/only.yaml': application('only', ['path: deploy', 'directory:', '  recurse: true', '  include: "{sub/*,a.yaml}"', '  exclude: sub/b.yaml'])
    });
    expect(objectsOf(result, 'argocd:argocd/top')).toEqual(['a']);
    expect(objectsOf(result, 'argocd:argocd/deep')).toEqual(['a', 'b']);
    expect(objectsOf(result, 'argocd:argocd/only')).toEqual(['a', 'c']);
    for (const id of ['top', 'deep', 'only']) expect(result.targets.find((t) => t.id === `argocd:argocd/${id}`)).toMatchObject({ kind: 'manifests', checked: true });
    // Objects without a namespace are created in the destination's.
    expect(result.findings.find((f) => f.target === 'argocd:argocd/top' && f.ruleId === 'pss-privileged')?.object).toMatchObject({ namespace: 'prod' });
  });

  test('a jsonnet file is evaluated by Argo CD and not by the gate: the Application is not checked, with the file named', async () => {
    const result = await scan({ 'jsonnet/a.yaml': pod('a'), 'jsonnet/app.jsonnet': '{ apiVersion: "v1" }\n', 'apps/j.yaml': application('j', ['path: jsonnet']) });
    const target = result.targets.find((t) => t.id === 'argocd:argocd/j');
    expect(target?.checked).toBe(false);
    const finding = result.findings.find((f) => f.target === 'argocd:argocd/j' && f.ruleId === 'declaration-not-rendered');
    expect(finding?.location.file).toBe('jsonnet/app.jsonnet');
    expect(finding?.message).toMatch(/does not evaluate jsonnet/);
  });

  test('kustomize, helm and directory settings together: Argo CD refuses it, and so does the gate', async () => {
    const result = await scan({ ...CHART, 'apps/two.yaml': application('two', ['path: charts/web', 'helm:', '  releaseName: x', 'directory:', '  recurse: true']) });
    expect(result.targets.find((t) => t.id === 'argocd:argocd/two')?.checked).toBe(false);
    expect(result.findings.find((f) => f.target === 'argocd:argocd/two')?.message).toMatch(/multiple application sources defined: helm,directory/);
  });
});

describe('app of apps', () => {
  test('Applications a chart makes: the folder and the chart values they deploy are checked under the Applications only', async () => {
    const templated = (name: string, source: string[]) => application(`{{ .Values.prefix }}${name}`, source);
    const result = await scan({
      ...CHART,
      'charts/web/values-staging.yaml': 'privileged: true\n',
      'charts/web/values-prod.yaml': 'tag: "1.28"\n',
      'deploy/a.yaml': pod('a'),
      'apps/Chart.yaml': 'apiVersion: v2\nname: apps\nversion: 0.1.0\n',
      'apps/values.yaml': 'prefix: ""\n',
      'apps/templates/deploy.yaml': templated('deploy', ['path: deploy']),
      'apps/templates/web.yaml': templated('web', ['path: charts/web', 'helm:', '  valueFiles: [values-staging.yaml]'])
    });
    // values-prod.yaml is read by no declaration: that guess stays.
    expect(result.targets.map((t) => t.id).sort()).toEqual(['argocd:argocd/deploy', 'argocd:argocd/web', 'helm:apps', 'helm:charts/web@prod']);
    expect(result.findings.filter((f) => f.ruleId === 'pss-privileged').map((f) => f.target).sort()).toEqual(['argocd:argocd/deploy', 'argocd:argocd/web']);
    expect(result.notes.join('\n')).toMatch(/helm:charts\/web@staging \(argocd:argocd\/web\)/);
    expect(result.notes.join('\n')).toMatch(/manifests:deploy \(argocd:argocd\/deploy\)/);
  });
});

describe('a checkout holding a link that leaves it', () => {
  test('Argo CD refuses every source of it (CheckOutOfBoundsSymlinks), whether or not the source reads the link', async () => {
    const root = tempDir('gg-argo-src-');
    folders.push(root);
    writeTree(root, { '.gitops-gate.yaml': CONFIG, 'deploy/a.yaml': pod('a'), 'apps/top.yaml': application('top', ['path: deploy']) });
    symlinkSync('../../../etc/passwd', path.join(root, 'docs-link.yaml'));
    const result = await run({ root });
    expect(result.targets.find((t) => t.id === 'argocd:argocd/top')).toMatchObject({ checked: false, unchecked: ['path-outside-repository'] });
    expect(result.findings.find((f) => f.target === 'argocd:argocd/top')?.message).toMatch(/repository contains out-of-bounds symlinks\. file: docs-link\.yaml/);
  });
});

describe('Argo CD source overrides', () => {
  test('.argocd-source.yaml then .argocd-source-<app>.yaml merged over the source; the finding on the override line', async () => {
    const result = await scan({
      ...CHART,
      'charts/web/.argocd-source.yaml': 'helm:\n  parameters:\n    - name: privileged\n      value: "true"\n',
      'charts/web/.argocd-source-web.yaml': 'helm:\n  releaseName: overridden\n',
      'apps/web.yaml': application('web', ['path: charts/web', 'helm:', '  releaseName: written'])
    });
    const finding = result.findings.find((f) => f.target === 'argocd:argocd/web' && f.ruleId === 'pss-privileged');
    expect(finding).toMatchObject({ object: { name: 'overridden' }, location: { file: 'charts/web/.argocd-source.yaml', line: 4 } });
  });
  test('a pull request that only adds an override file renders the Application again and reports what it introduces', async () => {
    const root = await (async () => {
      const r = gitRepo({ '.gitops-gate.yaml': CONFIG, ...CHART, 'apps/web.yaml': application('web', ['path: charts/web']) });
      folders.push(r);
      return r;
    })();
    const base = commitAll(root, 'base');
    writeTree(root, { 'charts/web/.argocd-source-web.yaml': 'helm:\n  parameters:\n    - name: privileged\n      value: "true"\n' });
    commitAll(root, 'override');
    const result = await run({ root, base });
    expect(result.blocking.find((f) => f.target === 'argocd:argocd/web' && f.ruleId === 'pss-privileged')).toMatchObject({ status: 'new', location: { file: 'charts/web/.argocd-source-web.yaml', line: 4 } });
  });
});

describe('Argo CD build environment', () => {
  test('a value file named with $ARGOCD_APP_NAMESPACE and a parameter with $ARGOCD_APP_NAME', async () => {
    const result = await scan({
      ...CHART,
      'charts/web/values-prod.yaml': 'privileged: true\n',
      'apps/web.yaml': application('web', ['path: charts/web', 'helm:', '  valueFiles: [values-$ARGOCD_APP_NAMESPACE.yaml]', '  parameters:', '    - name: config', '      value: app=$ARGOCD_APP_NAME'], 'team')
    });
    const finding = result.findings.find((f) => f.target === 'argocd:team/web' && f.ruleId === 'pss-privileged');
    expect(finding?.location).toMatchObject({ file: 'charts/web/values-prod.yaml', line: 1 });
    expect(result.targets.find((t) => t.id === 'argocd:team/web')?.checked).toBe(true);
  });

  test('$ARGOCD_APP_REVISION: not checked outside a git checkout, rendered with the commit inside one', async () => {
    const files = { ...CHART, 'apps/web.yaml': application('web', ['path: charts/web', 'helm:', '  parameters:', '    - name: tag', '      value: $ARGOCD_APP_REVISION_SHORT']) };
    const outside = await scan(files);
    expect(outside.targets.find((t) => t.id === 'argocd:argocd/web')?.checked).toBe(false);
    expect(outside.findings.find((f) => f.target === 'argocd:argocd/web' && /ARGOCD_APP_REVISION_SHORT/.test(f.message))).toBeDefined();
    const inside = await scan(files, true);
    expect(inside.targets.find((t) => t.id === 'argocd:argocd/web')?.checked).toBe(true);
  });

  test('fileParameters: the file read into the value, as helm --set-file does', async () => {
    const result = await scan({
      ...CHART,
      'charts/web/flag.txt': 'true',
      'apps/web.yaml': application('web', ['path: charts/web', 'helm:', '  fileParameters:', '    - name: privileged', '      path: flag.txt'])
    });
    expect(result.targets.find((t) => t.id === 'argocd:argocd/web')?.checked).toBe(true);
    expect(objectsOf(result, 'argocd:argocd/web')).toEqual(['web']);
  });
});
