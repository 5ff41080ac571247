/**
 * The GitOps declarations themselves are checked: Argo CD projects and Applications, Flux HelmReleases and
 * OCIRepositories, wherever they sit in the repository, with findings on the lines a person edits.
 */
import { describe, expect, test } from '@jest/globals';
import { scanTree } from '../helpers/scan-tree.js';

describe('rules on the declarations', () => {
  test('Argo CD and Flux declarations with floating versions, wildcards and remote values are flagged on their lines', async () => {
    const result = await scanTree(
      {
        'clusters/prod/argocd.yaml': [
          'apiVersion: argoproj.io/v1alpha1',
          'kind: AppProject',
          'metadata: { name: shop, namespace: argocd }',
          'spec:',
          '  sourceRepos:',
          "    - '*'",
          '  destinations:',
          '    - { server: https://kubernetes.default.svc, namespace: shop }',
          '---',
          'apiVersion: argoproj.io/v1alpha1',
          'kind: Application',
          'metadata: { name: web, namespace: argocd }',
          'spec:',
          '  project: shop',
          '  source:',
          '    repoURL: https://charts.example.com',
          '    chart: web',
          '    targetRevision: 1.2.3',
          '    helm:',
          '      passCredentials: true',
          '      valueFiles:',
          '        - https://example.com/values.yaml',
          '  destination: { server: https://kubernetes.default.svc, namespace: shop }',
          ''
        ].join('\n'),
        'clusters/prod/flux.yaml': [
          'apiVersion: helm.toolkit.fluxcd.io/v2',
          'kind: HelmRelease',
          'metadata: { name: podinfo, namespace: apps }',
          'spec:',
          '  interval: 10m',
          '  chart:',
          '    spec:',
          '      chart: podinfo',
          "      version: '6.x'",
          '      sourceRef: { kind: HelmRepository, name: podinfo }',
          '---',
          'apiVersion: source.toolkit.fluxcd.io/v1',
          'kind: OCIRepository',
          'metadata: { name: podinfo, namespace: apps }',
          'spec:',
          '  interval: 10m',
          '  url: oci://ghcr.io/stefanprodan/charts/podinfo',
          '  ref:',
          "    semver: '>=6.0.0'",
          ''
        ].join('\n')
      },
      'gg-declarations-'
    );
    const declared = result.findings.filter((f) => /^(argocd|flux)-/.test(f.ruleId)).map((f) => [f.ruleId, f.location.file, f.location.line]);
    expect(declared).toEqual(
      expect.arrayContaining([
        ['argocd-project-wildcard-source', 'clusters/prod/argocd.yaml', 5],
        ['argocd-helm-pass-credentials', 'clusters/prod/argocd.yaml', 20],
        ['argocd-remote-value-files', 'clusters/prod/argocd.yaml', 21],
        ['flux-helmrelease-floating-chart-version', 'clusters/prod/flux.yaml', 9],
        ['flux-ocirepository-floating-ref', 'clusters/prod/flux.yaml', 18],
        // Outside flux-system without a service account of its own (low by default).
        ['flux-tenant-without-service-account', 'clusters/prod/flux.yaml', 4]
      ])
    );
    expect(declared).toHaveLength(6);
  });

  test('a CRD of another group with the same kind is not an Argo CD or Flux declaration', async () => {
    const result = await scanTree({
      'apps/app.yaml': 'apiVersion: app.k8s.io/v1beta1\nkind: Application\nmetadata: { name: web }\nspec:\n  source:\n    plugin: { name: x }\n'
    });
    expect(result.findings.filter((f) => f.ruleId.startsWith('argocd-'))).toEqual([]);
  });
});
