/**
 * What a file of declarations reaches without rendering: a pull request renders a target that is not itself affected
 * only when a declaration in its files leads to a changed file; what cannot be known statically reaches everything.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { RepoFiles } from '../../src/repo/files.js';
import { DeclarationReach } from '../../src/targets/declaration-reach.js';
import { declarationFiles } from '../../src/targets/declared.js';
import { YamlTexts } from '../../src/targets/repo-yaml.js';
import { removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const ks = (name: string, path: string, extra = '') =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  path: ${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) removeDir(r);
  roots = [];
});

function reachOf(files: Record<string, string>) {
  const root = tempDir('gg-reach-');
  roots.push(root);
  writeTree(root, files);
  const repo = new RepoFiles(root);
  const all = repo.walk('');
  const texts = new YamlTexts(repo, all);
  const declarations = declarationFiles(texts);
  return new DeclarationReach(texts, declarations.files, declarations.artifactRoots);
}

const layout = {
  'clusters/prod/apps.yaml': ks('apps', './apps'),
  'apps/kustomization.yaml': 'resources:\n  - web/ks.yaml\n  - db/ks.yaml\n',
  'apps/web/ks.yaml': ks('web', './apps/web/app', '  components:\n    - ../../../components/backup\n'),
  'apps/web/app/kustomization.yaml': 'resources:\n  - release.yaml\n',
  'apps/web/app/release.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n',
  'apps/db/ks.yaml': ks('db', './apps/db/app'),
  'apps/db/app/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\n',
  'components/backup/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - job.yaml\n',
  'components/backup/job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: backup\n',
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'charts/web/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n',
  'docs/unrelated.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: docs\n'
};

describe('DeclarationReach', () => {
  test('follows Kustomizations, their components and a HelmRelease to its chart; an unrelated file is not reached', () => {
    const reach = reachOf(layout);
    const leads = (file: string) => reach.leadsTo('clusters/prod/apps.yaml', new Set([file]));
    expect(leads('apps/web/app/release.yaml')).toBe(true);
    expect(leads('components/backup/job.yaml')).toBe(true);
    expect(leads('charts/web/templates/pod.yaml')).toBe(true);
    expect(leads('apps/db/app/pod.yaml')).toBe(true);
    expect(leads('docs/unrelated.yaml')).toBe(false);
    expect(reach.leadsTo('apps/db/ks.yaml', new Set(['apps/web/app/release.yaml']))).toBe(false);
  });

  test("an Application reaches its value files, also through a $ref source", () => {
    const app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  sources:\n    - repoURL: https://charts.example\n      chart: web\n      helm:\n        valueFiles: [$values/envs/prod/*.yaml]\n    - repoURL: https://github.com/acme/gitops\n      ref: values\n";
    const reach = reachOf({ ...layout, 'argocd/web.yaml': app, 'envs/prod/web.yaml': 'privileged: true\n' });
    expect(reach.leadsTo('argocd/web.yaml', new Set(['envs/prod/web.yaml']))).toBe(true);
    expect(reach.leadsTo('argocd/web.yaml', new Set(['docs/unrelated.yaml']))).toBe(false);
  });

  test('a value file named with a build-environment variable reaches every file its pattern could name; chart valuesFiles from the root', () => {
    const app = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  source:\n    repoURL: https://github.com/acme/gitops\n    path: charts/web\n    helm:\n      valueFiles: [/envs/$ARGOCD_APP_NAME/values.yaml]\n';
    const release = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  chart:\n    spec:\n      chart: ./charts/web\n      valuesFiles: [../envs/flux.yaml]\n      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n';
    const reach = reachOf({ ...layout, 'argocd/web.yaml': app, 'flux/web.yaml': release, 'envs/web/values.yaml': 'a: 1\n', 'envs/flux.yaml': 'a: 1\n' });
    expect(reach.leadsTo('argocd/web.yaml', new Set(['envs/web/values.yaml']))).toBe(true);
    expect(reach.leadsTo('argocd/web.yaml', new Set(['envs/flux.yaml']))).toBe(false);
    expect(reach.leadsTo('flux/web.yaml', new Set(['envs/flux.yaml']))).toBe(true);
    expect(reach.leadsTo('flux/web.yaml', new Set(['envs/web/values.yaml']))).toBe(false);
  });

  test("a HelmRelease's chart from an ExternalArtifact reaches the folder the ArtifactGenerator copies", () => {
    const generator = 'apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  sources:\n    - { alias: repo, kind: GitRepository, name: flux-system }\n  artifacts:\n    - name: web-chart\n      copy:\n        - { from: "@repo/charts/web/**", to: "@artifact/" }\n';
    const release = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  chartRef: { kind: ExternalArtifact, name: web-chart, namespace: flux-system }\n';
    const reach = reachOf({ ...layout, 'flux/charts.yaml': generator, 'flux/web.yaml': release });
    expect(reach.leadsTo('flux/web.yaml', new Set(['charts/web/templates/pod.yaml']))).toBe(true);
    expect(reach.leadsTo('flux/web.yaml', new Set(['docs/unrelated.yaml']))).toBe(false);
  });

  test('an ApplicationSet reaches everything (its generators are not read statically)', () => {
    const reach = reachOf({ ...layout, 'argocd/set.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: all\nspec:\n  generators: []\n' });
    expect(reach.leadsTo('argocd/set.yaml', new Set(['docs/unrelated.yaml']))).toBe(true);
  });

  test('a patch that can move a Kustomization path makes every declaration reach everything', () => {
    for (const patch of [
      '  patches:\n    - target: { kind: Kustomization }\n      patch: |\n        - op: replace\n          path: /spec/path\n          value: ./elsewhere\n',
      '  patches:\n    - patch: |\n        apiVersion: kustomize.toolkit.fluxcd.io/v1\n        kind: Kustomization\n        metadata:\n          name: web\n        spec:\n          path: ./elsewhere\n'
    ]) {
      const reach = reachOf({ ...layout, 'clusters/prod/apps.yaml': ks('apps', './apps', patch) });
      expect(reach.leadsTo('apps/db/ks.yaml', new Set(['docs/unrelated.yaml']))).toBe(true);
    }
  });
});
