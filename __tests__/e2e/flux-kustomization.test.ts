/**
 * Flux Kustomizations are built as kustomize-controller builds them and checked under their own names: the spec's
 * targetNamespace, namePrefix, patches and images merged into the path's kustomization (generated when the path
 * has none), no load restrictions, then `postBuild` variables substituted object by object, with findings on the
 * line that set the variable or the patch. A folder a Kustomization builds is not checked a second time as a guess;
 * Kustomizations emitting Kustomizations (and HelmReleases) are followed; in a pull request only what the change
 * reaches is reported.
 */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { scanTree } from '../helpers/scan-tree.js';
import { commitAll, git, gitRepo, removeDir, writeTree } from '../helpers/temp-repo.js';

const ks = (name: string, path: string, extra: string[] = [], namespace = 'flux-system') =>
  [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  interval: 10m',
    `  path: ${path}`,
    '  prune: true',
    '  sourceRef:',
    '    kind: GitRepository',
    '    name: flux-system',
    '    namespace: flux-system',
    ...extra,
    ''
  ].join('\n');

const deployment = (name: string, privileged: string) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  selector: { matchLabels: { app: x } }',
    '  template:',
    '    metadata: { labels: { app: x } }',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: ghcr.io/acme/app:1.0.0',
    '          securityContext:',
    `            privileged: ${privileged}`,
    ''
  ].join('\n');

/** A home-ops layout: the cluster Kustomization builds kubernetes/apps, whose namespaces list each app's Kustomization. */
const homeOps = (appExtra: string[] = [], privileged = '${PRIVILEGED}') => ({
  'kubernetes/flux/cluster/ks.yaml': ks('cluster-apps', './kubernetes/apps'),
  'kubernetes/apps/default/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: default\nresources:\n  - ./echo/ks.yaml\n  - ./quiet/ks.yaml\n',
  'kubernetes/apps/default/echo/ks.yaml': ks('echo', './kubernetes/apps/default/echo/app', ['  targetNamespace: web', '  postBuild:', '    substitute:', '      APP: echo', '      PRIVILEGED: "true"', ...appExtra], 'default'),
  'kubernetes/apps/default/echo/app/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./deployment.yaml\n',
  'kubernetes/apps/default/echo/app/deployment.yaml': deployment('${APP}', privileged),
  'kubernetes/apps/default/quiet/ks.yaml': ks('quiet', './kubernetes/apps/default/quiet/app', ['  targetNamespace: web'], 'default'),
  'kubernetes/apps/default/quiet/app/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./deployment.yaml\n',
  'kubernetes/apps/default/quiet/app/deployment.yaml': deployment('quiet', 'false')
});

describe('Flux Kustomizations', () => {
  test('followed from the cluster Kustomization: targetNamespace and substituted variables, the finding on the line that sets the variable', async () => {
    const result = await scanTree(homeOps());
    const ids = result.targets.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['flux-ks:flux-system/cluster-apps', 'flux-ks:default/echo', 'flux-ks:default/quiet']));
    // The folders the Kustomizations build are checked under the Kustomizations' names only.
    expect(ids.filter((id) => id.startsWith('kustomize:kubernetes/apps'))).toEqual([]);
    expect(result.notes.join('\n')).toMatch(/Checked under the declarations that deploy them.*kustomize:kubernetes\/apps\/default\/echo\/app \(flux-ks:default\/echo\)/);
    expect(result.targets.find((t) => t.id === 'flux-ks:default/echo')).toMatchObject({ kind: 'kustomize', checked: true, objects: 1 });
    const privileged = result.findings.filter((f) => f.ruleId === 'pss-privileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0]).toMatchObject({
      target: 'flux-ks:default/echo',
      object: { kind: 'Deployment', name: 'echo', namespace: 'web' },
      location: { file: 'kubernetes/apps/default/echo/ks.yaml', line: 18 }
    });
    expect(privileged[0].related).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'kubernetes/apps/default/echo/app/deployment.yaml', line: 14, label: 'template' })]));
  });

  test('a path without a kustomization: Flux generates one (YAML files, folders with their own kustomization, default exclusions)', async () => {
    const result = await scanTree({
      'clusters/prod/apps.yaml': ks('apps', './apps/prod', ['  targetNamespace: shop', '  namePrefix: prod-']),
      'apps/prod/web.yaml': deployment('web', 'true'),
      'apps/prod/nested/more.yml': deployment('more', 'false'),
      'apps/prod/sub/kustomization.yaml': 'resources:\n  - api.yaml\n',
      'apps/prod/sub/api.yaml': deployment('api', 'false'),
      'apps/prod/sub/ignored-by-kustomization.yaml': deployment('not-listed', 'true'),
      'apps/prod/.sops.yaml': 'creation_rules:\n  - path_regex: .*\n',
      'apps/prod/.sourceignore': '# not deployed\nskip-*.yaml\n',
      'apps/prod/skip-me.yaml': deployment('skipped', 'true'),
      'apps/prod/notes.txt': 'not yaml\n'
    });
    const target = result.targets.find((t) => t.id === 'flux-ks:flux-system/apps');
    expect(target).toMatchObject({ checked: true, objects: 3 });
    const names = result.findings.filter((f) => f.target === 'flux-ks:flux-system/apps' && f.object).map((f) => `${f.object!.namespace}/${f.object!.name}`);
    expect(new Set(names)).toEqual(new Set(['shop/prod-web', 'shop/prod-more', 'shop/prod-api']));
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged' && f.target === 'flux-ks:flux-system/apps')).toMatchObject({ object: { name: 'prod-web' }, location: { file: 'apps/prod/web.yaml', line: 14 } });
    // A file its folder's kustomization does not list is not built by Flux: it stays a folder of plain manifests.
    expect(result.targets.map((t) => t.id).filter((id) => id.includes('apps/prod'))).toEqual(['manifests:apps/prod', 'manifests:apps/prod/sub']);
    // The file the source ignores is not deployed by Flux: it stays a plain manifest of its folder, checked alone.
    expect(result.targets.find((t) => t.id === 'manifests:apps/prod')).toMatchObject({ objects: 1 });
    expect(result.findings.filter((f) => f.target === 'manifests:apps/prod').every((f) => f.object?.name === 'skipped')).toBe(true);
  });

  test('spec.patches and spec.images merge into the same kustomization; a patch finding is on the patch line in the Kustomization', async () => {
    const result = await scanTree({
      'clusters/prod/apps.yaml': ks('apps', './apps/web', [
        '  images:',
        '    - name: ghcr.io/acme/app',
        '      newTag: 2.0.0',
        '  patches:',
        '    - target: { kind: Deployment }',
        '      patch: |',
        '        - op: replace',
        '          path: /spec/template/spec/containers/0/securityContext/privileged',
        '          value: true'
      ]),
      'apps/web/kustomization.yaml': 'resources:\n  - deployment.yaml\nimages:\n  - name: ghcr.io/acme/app\n    newTag: 1.5.0\n',
      'apps/web/deployment.yaml': deployment('web', 'false')
    });
    const finding = result.findings.find((f) => f.ruleId === 'pss-privileged');
    expect(finding).toMatchObject({ target: 'flux-ks:flux-system/apps', location: { file: 'clusters/prod/apps.yaml' } });
    expect(finding!.location.line).toBeGreaterThanOrEqual(19);
    expect(finding!.location.line).toBeLessThanOrEqual(22);
    const image = result.findings.find((f) => f.target === 'flux-ks:flux-system/apps' && f.message.includes('ghcr.io/acme/app:'));
    if (image) expect(image.message).toContain('ghcr.io/acme/app:2.0.0');
  });

  test('substituteFrom a ConfigMap in the repository, substitute over it, undefined variables empty, the opt-out label kept as written', async () => {
    const result = await scanTree({
      'clusters/prod/apps.yaml': ks('apps', './apps/web', ['  postBuild:', '    substitute:', '      TAG: "2.0"', '    substituteFrom:', '      - kind: ConfigMap', '        name: cluster-settings'], 'flux-system'),
      'clusters/prod/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-settings\n  namespace: flux-system\ndata:\n  TAG: "1.0"\n  HOST_NETWORK: "true"\n',
      'apps/web/kustomization.yaml': 'resources:\n  - pod.yaml\n  - kept.yaml\n',
      'apps/web/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    tag: "${TAG}"\n    empty: "x${UNDEFINED}x"\nspec:\n  hostNetwork: ${HOST_NETWORK}\n  containers:\n    - name: app\n      image: nginx:1.27\n',
      'apps/web/kept.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  labels:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  script: echo ${HOME}\n'
    });
    expect(result.targets.find((t) => t.id === 'flux-ks:flux-system/apps')).toMatchObject({ checked: true, objects: 2 });
    const hostNetwork = result.findings.find((f) => f.ruleId === 'pss-host-namespaces');
    expect(hostNetwork).toMatchObject({ object: { name: 'web' }, location: { file: 'clusters/prod/settings.yaml', line: 8 } });
  });

  test('a SOPS-encrypted substituteFrom Secret: its variables stay as written, reported low; the rest is checked', async () => {
    const result = await scanTree({
      'clusters/prod/apps.yaml': ks('apps', './apps/web', ['  postBuild:', '    substituteFrom:', '      - kind: Secret', '        name: cluster-secrets']),
      'clusters/prod/secrets.sops.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n  DOMAIN: ENC[AES256_GCM,data:abc,type:str]\nsops:\n  version: 3.9.0\n',
      'apps/web/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/web/deployment.yaml': deployment('web-${DOMAIN}', 'true').replace('name: web-${DOMAIN}', 'name: web\n  annotations:\n    host: "${DOMAIN}"')
    });
    const target = result.targets.find((t) => t.id === 'flux-ks:flux-system/apps');
    expect(target).toMatchObject({ checked: true, objects: 1 });
    expect(result.findings.find((f) => f.ruleId === 'substitution-unreadable')).toMatchObject({ severity: 'low', location: { file: 'clusters/prod/apps.yaml', line: 16 } });
    expect(result.findings.some((f) => f.ruleId === 'pss-privileged' && f.target === 'flux-ks:flux-system/apps')).toBe(true);
  });

  test('an invalid variable name fails the build as kustomize-controller does; an envsubst error is reported on the declaration', async () => {
    const bad = await scanTree({
      'clusters/prod/apps.yaml': ks('apps', './apps/web', ['  postBuild:', '    substitute:', '      bad-name: x']),
      'apps/web/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/web/deployment.yaml': deployment('web', 'false')
    });
    expect(bad.targets.find((t) => t.id === 'flux-ks:flux-system/apps')).toMatchObject({ checked: false, unchecked: ['kustomize-build-failed'] });
    const broken = await scanTree({
      'clusters/prod/apps.yaml': ks('apps', './apps/web', ['  postBuild:', '    substitute:', '      NAME: x']),
      'apps/web/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/web/deployment.yaml': deployment('web', 'false').replace('ghcr.io/acme/app:1.0.0', '"${NAME+x}"')
    });
    const target = broken.targets.find((t) => t.id === 'flux-ks:flux-system/apps');
    expect(target).toMatchObject({ checked: false, objects: 0 });
    expect(broken.findings.find((f) => f.ruleId === 'kustomize-build-failed')).toMatchObject({ location: { file: 'clusters/prod/apps.yaml', line: 1 } });
  });

  test('a HelmRelease in a Kustomization path takes its targetNamespace; sources that are not this repository are not checked', async () => {
    const result = await scanTree({
      'clusters/prod/apps.yaml': `${ks('apps', './apps/web', ['  targetNamespace: shop'])}---\n${ks('other', './apps/web').replace('name: flux-system\n    namespace: flux-system', 'name: elsewhere\n    namespace: flux-system')}---\n${ks('missing', './apps/nope').replace('name: missing', 'name: missing')}`,
      'clusters/prod/elsewhere.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: elsewhere\n  namespace: flux-system\nspec:\n  url: https://github.com/acme/elsewhere\n',
      'apps/web/kustomization.yaml': 'resources:\n  - release.yaml\n',
      'apps/web/release.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n',
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'charts/web/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  hostPID: true\n  containers:\n    - name: a\n      image: nginx:1.27\n'
    });
    const byId = new Map(result.targets.map((t) => [t.id, t]));
    expect(byId.get('flux:shop/web')).toMatchObject({ checked: true, objects: 1 });
    expect(result.findings.find((f) => f.ruleId === 'pss-host-namespaces' && f.target === 'flux:shop/web')?.object).toMatchObject({ name: 'web' });
    expect(byId.get('flux-ks:flux-system/other')).toMatchObject({ checked: false, unchecked: ['declaration-source-not-found'] });
    expect(byId.get('flux-ks:flux-system/missing')).toMatchObject({ checked: false, unchecked: ['declaration-source-not-found'] });
  });

  test('a bootstrap Kustomization building its own folder is one target; cycles end', async () => {
    const result = await scanTree({
      'clusters/prod/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: ssh://git@github.com/acme/gitops\n---\n${ks('flux-system', './clusters/prod')}`,
      'clusters/prod/flux-system/kustomization.yaml': 'resources:\n  - gotk-sync.yaml\n',
      'clusters/prod/apps.yaml': ks('apps', './apps'),
      'apps/web.yaml': deployment('web', 'true')
    });
    const ids = result.targets.map((t) => t.id).sort();
    expect(ids).toEqual(['flux-ks:flux-system/apps', 'flux-ks:flux-system/flux-system']);
    expect(result.findings.filter((f) => f.ruleId === 'pss-privileged')).toHaveLength(1);
  });

  test('the bootstrap folder is built first even when a sibling folder holding a Kustomization sorts before it: nothing is built twice', async () => {
    const result = await scanTree({
      'clusters/prod/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: ssh://git@github.com/acme/gitops\n---\n${ks('flux-system', './clusters/prod')}`,
      'clusters/prod/apps/apps.yaml': ks('apps', './apps'),
      'apps/web.yaml': deployment('web', 'true')
    });
    expect(result.targets.map((t) => t.id).sort()).toEqual(['flux-ks:flux-system/apps', 'flux-ks:flux-system/flux-system']);
    expect(result.findings.filter((f) => f.ruleId === 'pss-privileged')).toHaveLength(1);
    expect(result.declarations.map((d) => [d.name, d.status, d.targets])).toEqual([
      ['apps', 'checked', ['flux-ks:flux-system/apps']],
      ['flux-system', 'checked', ['flux-ks:flux-system/flux-system']]
    ]);
  });

  test('the same Kustomization copied into two files is two declarations, each checked and listed', async () => {
    const result = await scanTree({ 'clusters/a/apps.yaml': ks('apps', './apps'), 'clusters/b/apps.yaml': ks('apps', './apps'), 'apps/web.yaml': deployment('web', 'true') });
    expect(result.targets.filter((t) => t.id.startsWith('flux-ks:')).map((t) => t.id).sort()).toEqual(['flux-ks:flux-system/apps', 'flux-ks:flux-system/apps@manifests:clusters/b']);
    expect(result.declarations.map((d) => [d.location.file, d.status])).toEqual([
      ['clusters/a/apps.yaml', 'checked'],
      ['clusters/b/apps.yaml', 'checked']
    ]);
  });

  test('a Flux Operator ResourceSet a Kustomization applies is built and what it generates checked under its name, and listed', async () => {
    const rset = [
      'apiVersion: fluxcd.controlplane.io/v1',
      'kind: ResourceSet',
      'metadata:',
      '  name: scalers',
      '  namespace: kube-system',
      'spec:',
      '  inputs:',
      '    - app: radarr',
      '  resources:',
      '    - apiVersion: v1',
      '      kind: Pod',
      '      metadata: { name: << inputs.app >>, namespace: media }',
      '      spec: { hostIPC: true, containers: [ { name: app, image: nginx:1.27 } ] }',
      ''
    ].join('\n');
    const result = await scanTree({ 'clusters/prod/apps.yaml': ks('apps', './apps'), 'apps/rset.yaml': rset });
    expect(result.targets.find((t) => t.id === 'flux-rset:kube-system/scalers')).toMatchObject({ checked: true, objects: 1 });
    expect(result.findings.find((f) => f.target === 'flux-rset:kube-system/scalers' && f.ruleId === 'pss-host-namespaces')).toMatchObject({ object: { kind: 'Pod', name: 'radarr', namespace: 'media' }, location: { file: 'apps/rset.yaml', line: 13 } });
    expect(result.declarations.find((d) => d.kind === 'ResourceSet')).toMatchObject({ name: 'scalers', status: 'checked' });
  });

  test("an ExternalArtifact from an ArtifactGenerator that moves this repository's folders as a whole is built from them", async () => {
    const generator = [
      'apiVersion: source.extensions.fluxcd.io/v1beta1',
      'kind: ArtifactGenerator',
      'metadata:',
      '  name: flux-system',
      '  namespace: flux-system',
      'spec:',
      '  sources:',
      '    - alias: monorepo',
      '      kind: GitRepository',
      '      name: flux-system',
      '  artifacts:',
      '    - name: apps',
      '      copy:',
      '        - from: "@monorepo/apps/base/**"',
      '          to: "@artifact/base/"',
      '        - from: "@monorepo/apps/prod/**"',
      '          to: "@artifact/prod/"',
      '    - name: rearranged',
      '      copy:',
      '        - from: "@monorepo/apps/base/**"',
      '          to: "@artifact/"',
      '        - from: "@monorepo/apps/prod/**"',
      '          to: "@artifact/prod/"',
      ''
    ].join('\n');
    const fromArtifact = (name: string, artifact: string, path: string) => ks(name, path).replace('kind: GitRepository\n    name: flux-system', `kind: ExternalArtifact\n    name: ${artifact}`);
    const result = await scanTree({
      'clusters/prod/artifacts.yaml': generator,
      'clusters/prod/apps.yaml': `${fromArtifact('apps', 'apps', './prod')}---\n${fromArtifact('moved', 'rearranged', './prod')}---\n${fromArtifact('leaky', 'apps', './prod-leaky')}`,
      'apps/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/base/deployment.yaml': deployment('web', 'true'),
      'apps/prod/kustomization.yaml': 'resources:\n  - ../base\n',
      'apps/prod-leaky/kustomization.yaml': 'resources:\n  - ../base\n'
    });
    const byId = new Map(result.targets.map((t) => [t.id, t]));
    expect(byId.get('flux-ks:flux-system/apps')).toMatchObject({ checked: true, objects: 1 });
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged' && f.target === 'flux-ks:flux-system/apps')?.location).toMatchObject({ file: 'apps/base/deployment.yaml', line: 14 });
    expect(byId.get('flux-ks:flux-system/moved')).toMatchObject({ checked: false, unchecked: ['declaration-not-rendered'] });
    // prod-leaky is not copied into the artifact: Flux finds no such path.
    expect(byId.get('flux-ks:flux-system/leaky')).toMatchObject({ checked: false, unchecked: ['declaration-source-not-found'] });
  });

  test('in a pull request, editing one app renders that app Kustomization (base and head) and reports nothing else', async () => {
    const root = gitRepo(homeOps());
    try {
      writeTree(root, { 'kubernetes/apps/default/quiet/app/deployment.yaml': deployment('quiet', 'true') });
      commitAll(root, 'privileged quiet');
      git(root, 'branch', '-f', 'base', 'HEAD~1');
      const result = await run({ root, base: 'base' });
      expect(result.targets.map((t) => t.id)).toEqual(['flux-ks:default/quiet']);
      // Every declaration is listed: the one the change reached checked, the others not affected.
      expect(result.declarations.map((d) => [d.name, d.status])).toEqual([
        ['echo', 'not-affected'],
        ['quiet', 'checked'],
        ['cluster-apps', 'not-affected']
      ]);
      expect(result.coverage.declarations).toEqual({ checked: 1, 'not-checked': 0, 'not-affected': 2, 'not-rendered': 0 });
      expect(result.findings.filter((f) => f.ruleId === 'pss-privileged').map((f) => [f.object?.name, f.status])).toEqual([['quiet', 'new']]);
      // prune: true: what it stops rendering would be deleted (the summary says so).
      expect(result.targetDiffs).toEqual([expect.objectContaining({ target: 'flux-ks:default/quiet', changed: [expect.objectContaining({ kind: 'Deployment', name: 'quiet' })], prunes: true })]);
    } finally {
      removeDir(root);
    }
  });
});
