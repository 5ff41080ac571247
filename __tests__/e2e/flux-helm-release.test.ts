/**
 * Flux HelmReleases are rendered as helm-controller renders them and checked, with findings on the lines of the
 * HelmRelease that set the values: a chart from a HelmRepository (fetched from a loopback repository), from an
 * OCIRepository (docker-registry), and from this repository through the bootstrap GitRepository; the same
 * HelmRelease patched per overlay by kustomize; and what the gate does not apply yet reported as not checked.
 */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { shortenReleaseName } from '../../src/targets/flux-helm-release.js';
import { chartArchive, helmIndex, pushChart } from '../helpers/chart-servers.js';
import { useChartServers } from '../helpers/use-chart-servers.js';
import { commitAll, git, gitRepo, removeDir, writeTree } from '../helpers/temp-repo.js';

const TEMPLATE = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: {{ .Release.Name }}',
  'spec:',
  '  containers:',
  '    - name: app',
  '      image: "nginx:1.27"',
  '      securityContext:',
  '        privileged: {{ .Values.privileged }}',
  ''
].join('\n');

const servers = useChartServers(async ({ repo, registry }) => {
  const testHook = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    helm.sh/hook: test\nspec:\n  containers:\n    - name: t\n      image: busybox:1.36\n';
  const podinfo = chartArchive('podinfo', '6.7.1', { 'templates/pod.yaml': TEMPLATE, 'templates/tests/test.yaml': testHook, 'values.yaml': 'privileged: false\n', 'values-prod.yaml': 'privileged: true\n' });
  repo.routes.set('/charts/index.yaml', { body: helmIndex([{ name: 'podinfo', version: '6.7.1', url: 'podinfo-6.7.1.tgz', archive: podinfo }]) });
  repo.routes.set('/charts/podinfo-6.7.1.tgz', { body: podinfo });
  await pushChart(registry.host, 'charts/podinfo', '6.7.1', podinfo);
});
const config = () => `repositories:\n  allow:\n    - ${servers.repo.url}/charts\n    - {url: "oci://${servers.registry.host}/charts", plainHTTP: true}\n`;
const helmRepository = () => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: ${servers.repo.url}/charts\n`;
const helmRelease = (extra: string[] = []) =>
  [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    '  name: podinfo',
    '  namespace: apps',
    'spec:',
    '  interval: 10m',
    '  chart:',
    '    spec:',
    '      chart: podinfo',
    '      version: 6.7.1',
    '      sourceRef: { kind: HelmRepository, name: podinfo, namespace: flux-system }',
    ...extra,
    ''
  ].join('\n');

async function scan(files: Record<string, string>, options: { base?: string } = {}) {
  const root = servers.folder('gg-flux-');
  writeTree(root, { '.gitops-gate.yaml': config(), ...files });
  return { root, result: await run({ root, ...options }) };
}

describe('Flux HelmReleases', () => {
  test("a HelmRepository chart: rendered with the release's values, the finding on the HelmRelease's values line", async () => {
    const { result } = await scan({ 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(['  values:', '    privileged: true']) });
    const target = result.targets.find((t) => t.id === 'flux:apps/podinfo');
    expect(target).toMatchObject({ kind: 'helm', checked: true, objects: 1 });
    const finding = result.findings.find((f) => f.ruleId === 'pss-privileged');
    expect(finding).toMatchObject({ target: 'flux:apps/podinfo', location: { file: 'apps/podinfo.yaml', line: 14 }, object: { kind: 'Pod', name: 'podinfo' } });
  });

  test('with `renderer: helm` a release is still rendered as helm-controller renders it (the binary renders chart folders only)', async () => {
    const root = servers.folder('gg-flux-');
    writeTree(root, { '.gitops-gate.yaml': `${config()}renderer: helm\n`, 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(['  values:', '    privileged: true']) });
    const result = await run({ root });
    expect(result.targets.find((t) => t.id === 'flux:apps/podinfo')).toMatchObject({ checked: true, objects: 1 });
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'apps/podinfo.yaml', line: 14 });
  });

  test('test hooks are rendered only when the release runs its tests (spec.test.enable)', async () => {
    const { result } = await scan({ 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(['  test:', '    enable: true']) });
    expect(result.targets.find((t) => t.id === 'flux:apps/podinfo')).toMatchObject({ checked: true, objects: 2 });
  });

  test('targetNamespace and releaseName as helm-controller derives them', async () => {
    const { result } = await scan({ 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(['  targetNamespace: web']) });
    expect(result.findings.find((f) => f.target === 'flux:apps/podinfo')?.object).toMatchObject({ name: 'web-podinfo' });
    expect(shortenReleaseName('a'.repeat(53))).toBe('a'.repeat(53));
    expect(shortenReleaseName('a'.repeat(60))).toMatch(/^a{40}-[0-9a-f]{12}$/);
  });

  test('an OCIRepository chartRef, pulled from the registry', async () => {
    const oci = `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  interval: 1h\n  url: oci://${servers.registry.host}/charts/podinfo\n  ref:\n    tag: 6.7.1\n`;
    const release = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  interval: 10m\n  chartRef:\n    kind: OCIRepository\n    name: podinfo\n  values:\n    privileged: true\n';
    const { result } = await scan({ 'apps/oci.yaml': oci, 'apps/release.yaml': release });
    expect(result.targets.find((t) => t.id === 'flux:apps/podinfo')).toMatchObject({ checked: true, objects: 1 });
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'apps/release.yaml', line: 12 });
  });

  test('postRenderers: kustomize patches and images applied after Helm, a patched field on the patch line', async () => {
    const release = [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata:',
      '  name: local',
      '  namespace: apps',
      'spec:',
      '  chart:',
      '    spec:',
      '      chart: ./charts/local',
      '      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }',
      '  postRenderers:',
      '    - kustomize:',
      '        patches:',
      '          - target: { kind: Pod }',
      '            patch: |',
      '              - op: add',
      '                path: /spec/hostNetwork',
      '                value: true',
      '        images:',
      '          - name: nginx',
      '            newTag: "1.28"',
      ''
    ].join('\n');
    const { result } = await scan({
      'charts/local/Chart.yaml': 'apiVersion: v2\nname: local\nversion: 0.1.0\n',
      'charts/local/values.yaml': 'privileged: false\n',
      'charts/local/templates/pod.yaml': TEMPLATE,
      'apps/local.yaml': release
    });
    expect(result.targets.find((t) => t.id === 'flux:apps/local')).toMatchObject({ checked: true, objects: 1 });
    const host = result.findings.find((f) => f.target === 'flux:apps/local' && f.ruleId === 'pss-host-namespaces');
    expect(host).toMatchObject({ location: { file: 'apps/local.yaml', line: 15 } });
    expect(host!.related).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'rendered by the chart' })]));
    const image = result.findings.find((f) => f.target === 'flux:apps/local' && f.message.includes('nginx:1.28'));
    expect(image?.location).toMatchObject({ file: 'apps/local.yaml', line: 20 });
    // A patch that does not apply fails the release as helm-controller fails it.
    const broken = await scan({
      'charts/local/Chart.yaml': 'apiVersion: v2\nname: local\nversion: 0.1.0\n',
      'charts/local/values.yaml': 'privileged: false\n',
      'charts/local/templates/pod.yaml': TEMPLATE,
      'apps/local.yaml': release.replace('op: add', 'op: replace').replace('/spec/hostNetwork', '/spec/nope/deeper')
    });
    expect(broken.result.targets.find((t) => t.id === 'flux:apps/local')).toMatchObject({ checked: false, unchecked: ['helm-render-failed'] });
  });

  test('a chart in this repository through the bootstrap GitRepository', async () => {
    const { result } = await scan({
      'clusters/flux-system/gotk-sync.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: ssh://git@github.com/acme/gitops\n',
      'charts/local/Chart.yaml': 'apiVersion: v2\nname: local\nversion: 0.1.0\n',
      'charts/local/values.yaml': 'privileged: false\n',
      'charts/local/templates/pod.yaml': TEMPLATE,
      'apps/local.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: local\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ./charts/local\n      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n  values:\n    privileged: true\n'
    });
    expect(result.targets.find((t) => t.id === 'flux:apps/local')).toMatchObject({ checked: true, objects: 1 });
    expect(result.findings.find((f) => f.target === 'flux:apps/local' && f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'apps/local.yaml', line: 13 });
  });

  describe('chart valuesFiles: the merge replaces the chart values.yaml, as source-controller packages the chart', () => {
    const local = (valuesFiles: string, extra = '') => ({
      'charts/local/Chart.yaml': 'apiVersion: v2\nname: local\nversion: 0.1.0\n',
      'charts/local/values.yaml': 'privileged: false\n',
      'charts/local/templates/pod.yaml': TEMPLATE,
      'envs/prod.yaml': '# prod\nprivileged: true\n',
      'apps/local.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: local\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ./charts/local\n      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n      valuesFiles: ${valuesFiles}\n${extra}`
    });

    test('a Git chart: paths from the source root (.. stops there); the finding on the values file line', async () => {
      const { result } = await scan(local('[charts/local/values.yaml, ../../envs/prod.yaml]'));
      expect(result.targets.find((t) => t.id === 'flux:apps/local')).toMatchObject({ checked: true, objects: 1 });
      // The chart's own guesses give way to the release that reads their values files.
      expect(result.targets.filter((t) => t.id.startsWith('helm:charts/local')).map((t) => t.id)).toEqual([]);
      const staging = await scan({ ...local('[charts/local/values.yaml, charts/local/values-staging.yaml]'), 'charts/local/values-staging.yaml': 'privileged: false\n', 'charts/local/values-qa.yaml': 'privileged: false\n' });
      expect(staging.result.targets.filter((t) => t.id.startsWith('helm:charts/local')).map((t) => t.id)).toEqual(['helm:charts/local@qa']);
      expect(result.findings.find((f) => f.target === 'flux:apps/local' && f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'envs/prod.yaml', line: 2 });
    });

    test('a missing file fails the chart unless ignoreMissingValuesFiles', async () => {
      const { result } = await scan(local('[charts/local/values.yaml, envs/missing.yaml]'));
      expect(result.targets.find((t) => t.id === 'flux:apps/local')?.checked).toBe(false);
      expect(result.findings.find((f) => f.target === 'flux:apps/local' && /no values file found at path '\/envs\/missing.yaml'/.test(f.message))).toBeDefined();
      const ignored = await scan(local('[charts/local/values.yaml, envs/missing.yaml]', '      ignoreMissingValuesFiles: true\n'));
      expect(ignored.result.targets.find((t) => t.id === 'flux:apps/local')).toMatchObject({ checked: true, objects: 1 });
    });

    test("a HelmRepository chart: files inside the chart; values.yaml left out is the chart's defaults left out", async () => {
      const { result } = await scan({ 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(['      valuesFiles: [values-prod.yaml]']) });
      expect(result.targets.find((t) => t.id === 'flux:apps/podinfo')).toMatchObject({ checked: true, objects: 1 });
      expect(result.findings.filter((f) => f.target === 'flux:apps/podinfo' && f.ruleId === 'pss-privileged')).toHaveLength(1);
      const defaults = await scan({ 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(['      valuesFiles: [values-prod.yaml, values.yaml]']) });
      expect(defaults.result.findings.filter((f) => f.target === 'flux:apps/podinfo' && f.ruleId === 'pss-privileged')).toHaveLength(0);
    });

    test('a file missing from a fetched chart fails it, unless ignoreMissingValuesFiles', async () => {
      const missing = await scan({ 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(['      valuesFiles: [values.yaml, values-none.yaml]']) });
      expect(missing.result.targets.find((t) => t.id === 'flux:apps/podinfo')?.checked).toBe(false);
      expect(missing.result.findings.find((f) => f.target === 'flux:apps/podinfo' && /no values file found at path 'values-none.yaml'/.test(f.message))).toBeDefined();
      const ignored = await scan({ 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(['      valuesFiles: [values.yaml, values-none.yaml]', '      ignoreMissingValuesFiles: true']) });
      expect(ignored.result.targets.find((t) => t.id === 'flux:apps/podinfo')).toMatchObject({ checked: true, objects: 1 });
    });
  });

  test('a chartRef to a HelmChart written in the repository: its spec is the chart template (its source in its own namespace)', async () => {
    const helmChart = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  chart: podinfo\n  version: 6.7.1\n  sourceRef: { kind: HelmRepository, name: podinfo }\n  valuesFiles: [values-prod.yaml]\n';
    const release = (name: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  interval: 10m\n  chartRef: { kind: HelmChart, name: ${name}, namespace: flux-system }\n`;
    const { result } = await scan({ 'flux/repositories.yaml': `${helmRepository()}---\n${helmChart}`, 'apps/podinfo.yaml': release('podinfo'), 'apps/missing.yaml': release('missing') });
    expect(result.targets.filter((t) => t.id.startsWith('flux:')).map((t) => [t.id, t.checked, t.unchecked])).toEqual([
      ['flux:apps/missing', false, ['declaration-source-not-found']],
      ['flux:apps/podinfo', true, undefined]
    ]);
    expect(result.findings.filter((f) => f.target === 'flux:apps/podinfo' && f.ruleId === 'pss-privileged')).toHaveLength(1);
    expect(result.findings.find((f) => f.target === 'flux:apps/missing')?.message).toMatch(/HelmChart flux-system\/missing it names is not in the repository/);
  });

  test("a chartRef to an ExternalArtifact an ArtifactGenerator copies from this repository: the chart at the artifact's root", async () => {
    const generator = [
      'apiVersion: source.extensions.fluxcd.io/v1beta1',
      'kind: ArtifactGenerator',
      'metadata:',
      '  name: charts',
      '  namespace: flux-system',
      'spec:',
      '  sources:',
      '    - { alias: repo, kind: GitRepository, name: flux-system }',
      '  artifacts:',
      '    - name: local-chart',
      '      copy:',
      '        - { from: "@repo/charts/local/**", to: "@artifact/" }',
      ''
    ].join('\n');
    const release = (name: string, artifact: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  interval: 10m\n  chartRef: { kind: ExternalArtifact, name: ${artifact}, namespace: flux-system }\n  values:\n    privileged: true\n`;
    const { result } = await scan({
      'flux/charts.yaml': generator,
      'charts/local/Chart.yaml': 'apiVersion: v2\nname: local\nversion: 0.1.0\n',
      'charts/local/values.yaml': 'privileged: false\n',
      'charts/local/templates/pod.yaml': TEMPLATE,
      'apps/local.yaml': release('local', 'local-chart'),
      'apps/nowhere.yaml': release('nowhere', 'no-such-artifact')
    });
    expect(result.targets.filter((t) => t.id.startsWith('flux:')).map((t) => [t.id, t.checked, t.unchecked])).toEqual([
      ['flux:apps/local', true, undefined],
      ['flux:apps/nowhere', false, ['declaration-source-not-found']]
    ]);
    expect(result.findings.find((f) => f.target === 'flux:apps/local' && f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'apps/local.yaml', line: 10 });
  });

  test("a GitRepository whose URL is the checkout's remote is this repository; another one is not fetched", async () => {
    const gitRepository = (name: string, url: string) => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  interval: 1m\n  url: ${url}\n`;
    const release = (name: string, source: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: charts/local\n      sourceRef: { kind: GitRepository, name: ${source} }\n  values:\n    privileged: true\n`;
    const root = gitRepo({
      'charts/local/Chart.yaml': 'apiVersion: v2\nname: local\nversion: 0.1.0\n',
      'charts/local/templates/pod.yaml': TEMPLATE,
      'apps/sources.yaml': `${gitRepository('self', 'ssh://git@github.com/acme/gitops.git')}---\n${gitRepository('other', 'https://github.com/acme/other')}`,
      'apps/releases.yaml': `${release('mine', 'self')}---\n${release('theirs', 'other')}`
    });
    try {
      git(root, 'remote', 'add', 'origin', 'https://github.com/acme/gitops');
      const result = await run({ root });
      expect(result.targets.filter((t) => t.id.startsWith('flux:')).map((t) => [t.id, t.checked, t.unchecked])).toEqual([
        ['flux:apps/mine', true, undefined],
        ['flux:apps/theirs', false, ['declaration-source-not-found']]
      ]);
      expect(result.findings.find((f) => f.target === 'flux:apps/mine' && f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'apps/releases.yaml', line: 13 });
    } finally {
      removeDir(root);
    }
  });

  test('one HelmRelease patched per overlay: each overlay is its own release, findings on the patch line', async () => {
    const { result } = await scan({
      'flux/repositories.yaml': helmRepository(),
      'apps/base/release.yaml': helmRelease(['  values:', '    privileged: false']),
      'apps/base/kustomization.yaml': 'resources: [release.yaml]\n',
      'apps/staging/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: values.yaml\n',
      'apps/staging/values.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  values:\n    privileged: true\n',
      'apps/production/kustomization.yaml': 'resources: [../base]\n'
    });
    const ids = result.targets.filter((t) => t.id.startsWith('flux:')).map((t) => [t.id, t.checked]);
    expect(ids).toEqual([
      ['flux:apps/podinfo', true],
      ['flux:apps/podinfo@kustomize:apps/staging', true]
    ]);
    const privileged = result.findings.filter((f) => f.ruleId === 'pss-privileged');
    expect(privileged.map((f) => [f.target, f.location.file, f.location.line])).toEqual([['flux:apps/podinfo@kustomize:apps/staging', 'apps/staging/values.yaml', 8]]);
    // One declaration, rendered per overlay; the overlay's patch is not a declaration of its own.
    expect(result.declarations.map((d) => [d.location.file, d.status, d.targets])).toEqual([['apps/base/release.yaml', 'checked', ['flux:apps/podinfo', 'flux:apps/podinfo@kustomize:apps/staging']]]);
  });

  test('what the gate does not apply yet, and a source it cannot find: not checked, on the lines that say so', async () => {
    const { result } = await scan({
      'flux/repositories.yaml': helmRepository(),
      'apps/podinfo.yaml': helmRelease(['  postRenderers:', '    - {}']),
      'apps/other.yaml': helmRelease().replace('name: podinfo\n  namespace: apps', 'name: other\n  namespace: apps').replace('name: podinfo, namespace: flux-system', 'name: missing, namespace: flux-system')
    });
    expect(result.targets.filter((t) => t.id.startsWith('flux:')).map((t) => [t.id, t.checked, t.unchecked])).toEqual([
      ['flux:apps/other', false, ['declaration-source-not-found']],
      ['flux:apps/podinfo', false, ['declaration-not-rendered']]
    ]);
    expect(result.findings.find((f) => f.ruleId === 'declaration-not-rendered')).toMatchObject({ severity: 'high', location: { file: 'apps/podinfo.yaml', line: 14 }, message: expect.stringContaining('post-renderer other than kustomize') });
    expect(result.findings.find((f) => f.ruleId === 'declaration-source-not-found')).toMatchObject({ location: { file: 'apps/other.yaml', line: 12 }, message: expect.stringContaining('HelmRepository flux-system/missing') });
    expect(result.blocking.length).toBeGreaterThan(0);
  });

  const release = (name: string, values: string[]) =>
    helmRelease(['  valuesFrom:', '    - kind: Secret', '      name: podinfo-secret', '      valuesKey: privileged', '      targetPath: privileged', '  values:', ...values]).replace(
      'name: podinfo\n  namespace: apps',
      `name: ${name}\n  namespace: apps`
    );

  test('valuesFrom: a ConfigMap merged, a Secret at a target path, spec.values last, as helm-controller merges them; findings on their lines', async () => {
    const { result } = await scan({
      'flux/repositories.yaml': helmRepository(),
      'apps/values.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: podinfo-values',
        '  namespace: apps',
        'data:',
        '  values.yaml: |',
        '    privileged: true',
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: podinfo-secret',
        '  namespace: apps',
        'stringData:',
        '  privileged: "true"',
        ''
      ].join('\n'),
      'apps/podinfo.yaml': helmRelease(['  valuesFrom:', '    - kind: ConfigMap', '      name: podinfo-values', '    - kind: ConfigMap', '      name: not-there', '      optional: true']),
      'apps/other.yaml': release('other', ['    replicas: 2']),
      'apps/third.yaml': release('third', ['    privileged: false'])
    });
    expect(result.targets.filter((t) => t.id.startsWith('flux:')).map((t) => [t.id, t.checked, t.objects]).sort()).toEqual([
      ['flux:apps/other', true, 1],
      ['flux:apps/podinfo', true, 1],
      ['flux:apps/third', true, 1]
    ]);
    const at = (target: string) => result.findings.find((f) => f.target === target && f.ruleId === 'pss-privileged')?.location;
    // On its own line inside the ConfigMap's `values.yaml: |` block.
    expect(at('flux:apps/podinfo')).toMatchObject({ file: 'apps/values.yaml', line: 8, column: 5 });
    expect(at('flux:apps/other')).toMatchObject({ file: 'apps/values.yaml', line: 16 });
    // spec.values is merged last: a scalar it sets wins over a target path (upstream's final MergeMaps).
    expect(at('flux:apps/third')).toBeUndefined();
  });

  test('valuesFrom failures as helm-controller fails: a missing ConfigMap, a SOPS-encrypted Secret', async () => {
    const { result } = await scan({
      'flux/repositories.yaml': helmRepository(),
      'apps/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: enc\n  namespace: apps\nstringData:\n  values.yaml: ENC[AES256_GCM,data:abc]\nsops:\n  version: 3.9.0\n',
      'apps/podinfo.yaml': helmRelease(['  valuesFrom:', '    - kind: ConfigMap', '      name: missing']),
      'apps/other.yaml': helmRelease(['  valuesFrom:', '    - kind: Secret', '      name: enc']).replace('name: podinfo\n  namespace: apps', 'name: other\n  namespace: apps')
    });
    expect(result.targets.filter((t) => t.id.startsWith('flux:')).map((t) => [t.id, t.checked, t.unchecked]).sort()).toEqual([
      ['flux:apps/other', false, ['declaration-not-rendered']],
      ['flux:apps/podinfo', false, ['invalid-input']]
    ]);
    expect(result.findings.find((f) => f.ruleId === 'invalid-input')).toMatchObject({ location: { file: 'apps/podinfo.yaml', line: 14 }, message: expect.stringContaining('could not find ConfigMap missing') });
    expect(result.findings.find((f) => f.ruleId === 'declaration-not-rendered')?.message).toContain('encrypted with SOPS');
  });

  test('a pull request that only changes the HelmRepository renders the release that uses it: the new URL is checked', async () => {
    const root = gitRepo({ '.gitops-gate.yaml': config(), 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(), 'other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' });
    try {
      writeTree(root, { 'flux/repositories.yaml': helmRepository().replace(`${servers.repo.url}/charts`, 'https://charts.example.net/evil') });
      commitAll(root, 'move the repository');
      const result = await run({ root, base: 'HEAD~1' });
      // The folder holding the HelmRelease is rendered only to reach it: its own objects did not change.
      expect(result.targets.map((t) => t.id)).toEqual(['manifests:flux', 'flux:apps/podinfo']);
      expect(result.blocking.map((f) => [f.ruleId, f.location.file, f.status])).toEqual([['remote-chart-not-allowed', 'apps/podinfo.yaml', 'new']]);
    } finally {
      removeDir(root);
    }
  });

  test('a chart source the base policy does not allow: not contacted, the release not checked', async () => {
    const root = servers.folder('gg-flux-');
    writeTree(root, { 'flux/repositories.yaml': helmRepository(), 'apps/podinfo.yaml': helmRelease(['  values:', '    privileged: true']) });
    servers.repo.seen.length = 0;
    const result = await run({ root });
    expect(result.targets.find((t) => t.id === 'flux:apps/podinfo')).toMatchObject({ checked: false, unchecked: ['remote-chart-not-allowed'] });
    expect(result.findings.find((f) => f.ruleId === 'remote-chart-not-allowed')?.location).toMatchObject({ file: 'apps/podinfo.yaml', line: 10 });
    expect(servers.repo.seen).toEqual([]);
  });
});

describe('a chart of this repository changed without a version bump', () => {
  const chart = (version: string, hostPID: string) => ({
    'charts/local/Chart.yaml': `apiVersion: v2\nname: local\nversion: ${version}\n`,
    'charts/local/templates/pod.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  hostPID: ${hostPID}\n  containers:\n    - name: app\n      image: nginx:1.27\n`
  });
  const release = (strategy?: string) =>
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: local\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: ./charts/local\n${strategy ? `      reconcileStrategy: ${strategy}\n` : ''}      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n`;

  test.each([
    ['the same version, the default strategy: Flux will not release it', '0.1.0', undefined, 1],
    ['a bumped version', '0.2.0', undefined, 0],
    ['reconcileStrategy Revision releases every commit', '0.1.0', 'Revision', 0]
  ])('%s', async (_name, headVersion, strategy, expected) => {
    const root = gitRepo({ ...chart('0.1.0', 'false'), 'apps/local.yaml': release(strategy) });
    try {
      writeTree(root, chart(headVersion, 'true'));
      commitAll(root, 'change the chart');
      const result = await run({ root, base: 'HEAD~1' });
      const found = result.findings.filter((f) => f.ruleId === 'flux-chart-version-not-bumped');
      expect(found).toHaveLength(expected);
      if (expected) expect(found[0]).toMatchObject({ severity: 'medium', status: 'new', location: { file: 'charts/local/Chart.yaml', line: 3 }, target: 'flux:apps/local' });
    } finally {
      removeDir(root);
    }
  });
});
