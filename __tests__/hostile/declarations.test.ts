/**
 * Hostile declarations: a HelmRelease or an Application naming paths that leave the repository never stops the
 * scan and never reads outside it; the declaration is not checked, the reason on its file, and the gate blocks.
 */
import { describe, expect, test } from '@jest/globals';
import { canaryFolder } from '../helpers/canary.js';
import { scanTree } from '../helpers/scan-tree.js';
import { removeDir } from '../helpers/temp-repo.js';

describe('declarations that point outside the repository', () => {
  test('chart paths and value files leaving the repository: not checked, reported, blocking', async () => {
    const outside = canaryFolder();
    try {
      const result = await scanTree({
        '.gitops-gate.yaml': 'repositoryURLs: [https://github.com/acme/gitops]\n',
        'clusters/flux-system/gotk-sync.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: ssh://git@github.com/acme/gitops\n',
        'charts/ok/Chart.yaml': 'apiVersion: v2\nname: ok\nversion: 0.1.0\n',
        'apps/release.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: escape\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: ../../../../../etc\n      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n',
        'apps/app.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: values\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://github.com/acme/gitops\n    path: charts/ok\n    helm:\n      valueFiles: [/../../../../../..' + outside.dir + '/secret.yaml]\n'
      });
      const declared = result.targets.filter((t) => /^(flux|argocd):/.test(t.id)).map((t) => [t.id, t.checked, t.unchecked]);
      expect(declared.sort()).toEqual([
        ['argocd:argocd/values', false, ['path-outside-repository']],
        ['flux:apps/escape', false, ['path-outside-repository']]
      ]);
      expect(result.blocking.filter((f) => f.ruleId === 'path-outside-repository').map((f) => f.location.file).sort()).toEqual(['apps/app.yaml', 'apps/release.yaml']);
      expect(JSON.stringify(result.findings)).not.toContain(outside.marker);
    } finally {
      removeDir(outside.dir);
    }
  });
});

describe('a hostile ApplicationSet', () => {
  test('a matrix that multiplies into millions of Applications stops at the limit: not checked, the reason on its line', async () => {
    const elements = Array.from({ length: 3000 }, (_, i) => `{ n: "${i}" }`).join(', ');
    const set = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'metadata: { name: bomb, namespace: argocd }',
      'spec:',
      '  generators:',
      '    - matrix:',
      '        generators:',
      `          - list: { elements: [${elements}] }`,
      `          - list: { elements: [${elements.replaceAll('n:', 'm:')}] }`,
      '  template:',
      "    metadata: { name: 'app-{{n}}-{{m}}' }",
      '    spec: { project: default, source: { repoURL: https://charts.example.com, chart: web, targetRevision: 1.0.0 }, destination: { server: https://kubernetes.default.svc, namespace: x } }',
      ''
    ].join('\n');
    const result = await scanTree({ 'argocd/set.yaml': set });
    expect(result.targets.find((t) => t.id === 'argocd-set:argocd/bomb')).toMatchObject({ checked: false, unchecked: ['declaration-not-rendered'] });
    expect(result.findings.find((f) => f.target === 'argocd-set:argocd/bomb')?.message).toMatch(/over the gate's limit/);
    expect(result.blocking.length).toBeGreaterThan(0);
  });
});
