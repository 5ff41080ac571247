/**
 * Argo CD Applications with a Helm source are rendered as Argo CD's repo-server renders them and checked, with
 * findings on the Application lines that set the values: a chart from a Helm repository (loopback) or an OCI
 * registry written without a scheme, a chart in this repository (its repoURL one of the checkout's URLs), inline
 * `values` blocks and `valuesObject`, parameters over both; what is not rendered yet is reported as not checked.
 */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { chartArchive, helmIndex, pushChart } from '../helpers/chart-servers.js';
import { commitAll, gitRepo, removeDir, writeTree } from '../helpers/temp-repo.js';
import { useChartServers } from '../helpers/use-chart-servers.js';

const TEMPLATE = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  hostNetwork: {{ .Values.hostNetwork }}\n  containers:\n    - name: app\n      image: "nginx:1.27"\n      securityContext:\n        privileged: {{ .Values.privileged }}\n';

const servers = useChartServers(async ({ repo, registry }) => {
  const web = chartArchive('web', '1.2.3', { 'templates/pod.yaml': TEMPLATE, 'values.yaml': 'privileged: false\nhostNetwork: false\n' });
  repo.routes.set('/charts/index.yaml', { body: helmIndex([{ name: 'web', version: '1.2.3', url: 'web-1.2.3.tgz', archive: web }]) });
  repo.routes.set('/charts/web-1.2.3.tgz', { body: web });
  await pushChart(registry.host, 'charts/web', '1.2.3', web);
});

const application = (source: string[], name = 'web') =>
  ['apiVersion: argoproj.io/v1alpha1', 'kind: Application', 'metadata:', `  name: ${name}`, '  namespace: argocd', 'spec:', '  project: default', '  destination:', '    server: https://kubernetes.default.svc', '    namespace: shop', '  source:', ...source.map((l) => `    ${l}`), ''].join('\n');

async function scan(files: Record<string, string>) {
  const root = servers.folder('gg-argo-');
  const config = `repositories:\n  allow:\n    - ${servers.repo.url}/charts\n    - {url: "oci://${servers.registry.host}/charts", plainHTTP: true}\nrepositoryURLs: [https://github.com/acme/gitops.git]\n`;
  writeTree(root, { '.gitops-gate.yaml': config, ...files });
  return run({ root });
}

describe('Argo CD Applications', () => {
  test('a Helm repository chart with a values block: each finding on its line in the block; parameters win', async () => {
    const result = await scan({
      'apps/web.yaml': application([`repoURL: ${servers.repo.url}/charts`, 'chart: web', 'targetRevision: 1.2.3', 'helm:', '  values: |', '    privileged: true', '    hostNetwork: false', '  parameters:', '    - name: hostNetwork', '      value: "true"'])
    });
    expect(result.targets.find((t) => t.id === 'argocd:argocd/web')).toMatchObject({ kind: 'helm', checked: true, objects: 1 });
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')).toMatchObject({ target: 'argocd:argocd/web', location: { file: 'apps/web.yaml', line: 17 }, object: { name: 'web' } });
    // A parameter's finding is on the parameter's value line.
    expect(result.findings.find((f) => f.ruleId === 'pss-host-namespaces' && f.target === 'argocd:argocd/web')?.location).toMatchObject({ file: 'apps/web.yaml', line: 21 });
  });

  test('an OCI registry written without a scheme, valuesObject located on its lines, helm.releaseName', async () => {
    const result = await scan({
      'apps/web.yaml': application([`repoURL: ${servers.registry.host}/charts`, 'chart: web', 'targetRevision: 1.2.3', 'helm:', '  releaseName: frontend', '  valuesObject:', '    privileged: true'])
    });
    expect(result.targets.find((t) => t.id === 'argocd:argocd/web')).toMatchObject({ checked: true });
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')).toMatchObject({ location: { file: 'apps/web.yaml', line: 18 }, object: { name: 'frontend' } });
  });

  test("a chart in this repository, with value files relative to the chart's path", async () => {
    const result = await scan({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'charts/web/values.yaml': 'privileged: false\nhostNetwork: false\n',
      'charts/web/values-prod.yaml': 'privileged: true\n',
      'charts/web/templates/pod.yaml': TEMPLATE,
      'apps/web.yaml': application(['repoURL: git@github.com:acme/gitops.git', 'path: charts/web', 'targetRevision: HEAD', 'helm:', '  valueFiles: [values-prod.yaml]'])
    });
    expect(result.targets.find((t) => t.id === 'argocd:argocd/web')).toMatchObject({ checked: true, path: 'charts/web' });
    expect(result.findings.find((f) => f.target === 'argocd:argocd/web' && f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'charts/web/values-prod.yaml', line: 1 });
  });

  test('what is not rendered yet is not checked, with the reason on its line', async () => {
    const result = await scan({
      'apps/multi.yaml': application([`repoURL: ${servers.repo.url}/charts`, 'chart: web', 'targetRevision: 1.2.3']).replace('  source:\n', '  sources:\n    - repoURL: x\n  source:\n').replace('name: web', 'name: multi'),
      'apps/other.yaml': application(['repoURL: https://github.com/someone/else', 'path: charts/web', 'targetRevision: HEAD'], 'other'),
      'apps/branch.yaml': application(['repoURL: https://github.com/acme/gitops', 'path: charts/web', 'targetRevision: feature-x'], 'branch'),
      'apps/set.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: many\n  namespace: argocd\nspec:\n  generators:\n    - pullRequest: { github: { owner: acme, repo: gitops } }\n  template: {}\n'
    });
    const argo = result.targets.filter((t) => t.id.startsWith('argocd')).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(result.findings.find((f) => f.target === 'argocd:argocd/branch')?.message).toMatch(/this repository at revision feature-x, not this side of the pull request/);
    expect(argo.map((t) => [t.id, t.checked, t.unchecked])).toEqual([
      ['argocd-set:argocd/many', false, ['declaration-not-rendered']],
      ['argocd:argocd/branch', false, ['declaration-source-not-found']],
      ['argocd:argocd/multi', false, ['declaration-source-not-found']],
      ['argocd:argocd/other', false, ['declaration-source-not-found']]
    ]);
  });

  test('a path source without settings is a directory source, checked under the Application with its destination namespace, the folder not twice', async () => {
    const result = await scan({
      'deploy/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n      securityContext: { privileged: true }\n',
      'apps/plain.yaml': application(['repoURL: https://github.com/acme/gitops', 'path: deploy', 'targetRevision: main'], 'plain')
    });
    expect(result.targets.find((t) => t.id === 'argocd:argocd/plain')).toMatchObject({ kind: 'manifests', checked: true, objects: 1, path: 'deploy' });
    expect(result.targets.filter((t) => t.path === 'deploy').map((t) => t.id)).toEqual(['argocd:argocd/plain']);
    const privileged = result.findings.filter((f) => f.ruleId === 'pss-privileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0]).toMatchObject({ target: 'argocd:argocd/plain', object: { kind: 'Pod', name: 'p', namespace: 'shop' }, location: { file: 'deploy/pod.yaml', line: 9 } });
    expect(result.notes.join('\n')).toMatch(/Checked under the declarations that deploy them.*manifests:deploy \(argocd:argocd\/plain\)/);
  });

  describe('ApplicationSets', () => {
    const chart = (name: string, privileged: string) => ({
      [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
      [`charts/${name}/values.yaml`]: `privileged: ${privileged}\nhostNetwork: false\n`,
      [`charts/${name}/templates/pod.yaml`]: TEMPLATE
    });
    const set = (spec: string[]) => ['apiVersion: argoproj.io/v1alpha1', 'kind: ApplicationSet', 'metadata:', '  name: charts', '  namespace: argocd', 'spec:', ...spec.map((l) => `  ${l}`), ''].join('\n');

    test('a git directories generator (fasttemplate) makes one Application per folder, excluded folders left out', async () => {
      const result = await scan({
        ...chart('web', 'true'),
        ...chart('api', 'false'),
        ...chart('legacy', 'true'),
        'argocd/set.yaml': set([
          'generators:',
          '  - git:',
          '      repoURL: https://github.com/acme/gitops.git',
          '      revision: HEAD',
          '      directories:',
          '        - path: charts/*',
          '        - path: charts/legacy',
          '          exclude: true',
          'template:',
          '  metadata:',
          "    name: '{{path.basename}}'",
          '  spec:',
          '    project: default',
          '    source:',
          '      repoURL: https://github.com/acme/gitops.git',
          '      targetRevision: HEAD',
          "      path: '{{path}}'",
          '    destination:',
          '      server: https://kubernetes.default.svc',
          "      namespace: '{{path[1]}}-ns'"
        ])
      });
      const ids = result.targets.filter((t) => t.id.startsWith('argocd:')).map((t) => [t.id, t.checked, t.path]);
      expect(ids).toEqual([
        ['argocd:argocd/api', true, 'charts/api'],
        ['argocd:argocd/web', true, 'charts/web']
      ]);
      const finding = result.findings.find((f) => f.target === 'argocd:argocd/web' && f.ruleId === 'pss-privileged');
      expect(finding).toMatchObject({ object: { name: 'web' }, location: { file: 'charts/web/values.yaml', line: 1 } });
    });

    test('a matrix of git directories and a list (goTemplate), a post-selector, templatePatch; the parameter line in the template', async () => {
      const result = await scan({
        ...chart('web', 'false'),
        'argocd/set.yaml': set([
          'goTemplate: true',
          'goTemplateOptions: ["missingkey=error"]',
          'generators:',
          '  - matrix:',
          '      generators:',
          '        - git:',
          '            repoURL: https://github.com/acme/gitops.git',
          '            revision: main',
          '            directories:',
          '              - path: charts/*',
          '        - list:',
          '            elements:',
          '              - env: staging',
          '                privileged: "false"',
          '              - env: prod',
          '                privileged: "true"',
          '              - env: scratch',
          '                privileged: "true"',
          '    selector:',
          '      matchExpressions:',
          '        - { key: env, operator: NotIn, values: [scratch] }',
          'template:',
          '  metadata:',
          "    name: '{{ .path.basename }}-{{ .env }}'",
          '  spec:',
          '    project: default',
          '    source:',
          '      repoURL: https://github.com/acme/gitops.git',
          '      targetRevision: main',
          "      path: '{{ .path.path }}'",
          '      helm:',
          '        parameters:',
          '          - name: privileged',
          "            value: '{{ .privileged }}'",
          '    destination:',
          '      server: https://kubernetes.default.svc',
          "      namespace: '{{ .env | upper | lower }}'",
          'templatePatch: |',
          '  spec:',
          '    project: ignored',
          '    source:',
          '      helm:',
          "        releaseName: '{{ .env }}-web'"
        ])
      });
      const argo = result.targets.filter((t) => t.id.startsWith('argocd:'));
      expect(argo.map((t) => [t.id, t.checked])).toEqual([
        ['argocd:argocd/web-staging', true],
        ['argocd:argocd/web-prod', true]
      ]);
      const findings = result.findings.filter((f) => f.ruleId === 'pss-privileged' && f.target?.startsWith('argocd:'));
      expect(findings.map((f) => [f.target, f.object?.name, f.location.file, f.location.line])).toEqual([['argocd:argocd/web-prod', 'prod-web', 'argocd/set.yaml', 40]]);
    });

    test('a git files generator reads each file; flat parameters from its keys', async () => {
      const result = await scan({
        ...chart('web', 'false'),
        'clusters/a/config.json': '{"cluster": {"name": "alpha"}, "chart": "charts/web", "privileged": "true"}',
        'clusters/b/config.json': '{"cluster": {"name": "beta"}, "chart": "charts/web", "privileged": "false"}',
        'argocd/set.yaml': set([
          'generators:',
          '  - git:',
          '      repoURL: https://github.com/acme/gitops.git',
          '      revision: HEAD',
          '      files:',
          "        - path: 'clusters/**/config.json'",
          'template:',
          '  metadata:',
          "    name: 'web-{{cluster.name}}'",
          '  spec:',
          '    project: default',
          '    source:',
          '      repoURL: https://github.com/acme/gitops.git',
          '      targetRevision: HEAD',
          "      path: '{{chart}}'",
          '      helm:',
          '        parameters:',
          '          - name: privileged',
          "            value: '{{privileged}}'",
          '    destination:',
          '      server: https://kubernetes.default.svc',
          "      namespace: '{{path.basename}}'"
        ])
      });
      expect(result.targets.filter((t) => t.id.startsWith('argocd:')).map((t) => t.id)).toEqual(['argocd:argocd/web-alpha', 'argocd:argocd/web-beta']);
      expect(result.findings.filter((f) => f.ruleId === 'pss-privileged' && f.target?.startsWith('argocd:')).map((f) => f.target)).toEqual(['argocd:argocd/web-alpha']);
    });

    test('a git generator on another repository or revision, or a template error, is not checked, with the reason', async () => {
      const result = await scan({
        'argocd/set.yaml': set(['generators:', '  - git:', '      repoURL: https://github.com/acme/gitops.git', '      revision: release-1.0', '      directories: [{path: "*"}]', 'template: {}']),
        'argocd/broken.yaml': set(['goTemplate: true', 'generators:', '  - list:', '      elements: [{a: b}]', 'template:', '  metadata:', "    name: '{{ .a | nosuchfunc }}'"]).replace('name: charts', 'name: broken')
      });
      const sets = result.targets.filter((t) => t.id.startsWith('argocd-set:'));
      expect(sets.map((t) => [t.id, t.checked, t.unchecked])).toEqual([
        ['argocd-set:argocd/broken', false, ['declaration-not-rendered']],
        ['argocd-set:argocd/charts', false, ['declaration-not-rendered']]
      ]);
      expect(result.findings.find((f) => f.target === 'argocd-set:argocd/charts')?.message).toMatch(/release-1\.0, which is not this repository at this revision/);
    });
  });
});

describe('Argo CD multi-source Applications', () => {
  const chart = {
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'charts/web/values.yaml': 'privileged: false\nhostNetwork: false\n',
    'charts/web/templates/pod.yaml': TEMPLATE
  };
  const multi = (sources: string[]) =>
    ['apiVersion: argoproj.io/v1alpha1', 'kind: Application', 'metadata:', '  name: web', '  namespace: argocd', 'spec:', '  project: default', '  destination:', '    server: https://kubernetes.default.svc', '    namespace: shop', '  sources:', ...sources.map((l) => `    ${l}`), ''].join('\n');

  test('a chart with value files from a $ref source in this repository, globs expanded in order', async () => {
    const result = await scan({
      ...chart,
      'environments/prod/values-1-base.yaml': 'hostNetwork: true\n',
      'environments/prod/values-2-web.yaml': 'privileged: true\n',
      'apps/web.yaml': multi([
        `- repoURL: ${servers.repo.url}/charts`,
        '  chart: web',
        '  targetRevision: 1.2.3',
        '  helm:',
        '    valueFiles:',
        '      - $values/environments/prod/values-*.yaml',
        '- repoURL: https://github.com/acme/gitops.git',
        '  targetRevision: HEAD',
        '  ref: values'
      ])
    });
    expect(result.targets.find((t) => t.id === 'argocd:argocd/web')).toMatchObject({ checked: true, objects: 1 });
    expect(result.findings.find((f) => f.target === 'argocd:argocd/web' && f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'environments/prod/values-2-web.yaml', line: 1 });
    expect(result.findings.find((f) => f.target === 'argocd:argocd/web' && f.ruleId === 'pss-host-namespaces')?.location).toMatchObject({ file: 'environments/prod/values-1-base.yaml', line: 1 });
  });

  test('two rendering sources are two targets; a $ref to another repository is not checked, with the reason', async () => {
    const result = await scan({
      ...chart,
      'apps/web.yaml': multi([
        '- repoURL: https://github.com/acme/gitops.git',
        '  targetRevision: HEAD',
        '  path: charts/web',
        '  helm:',
        '    valuesObject: { privileged: true }',
        `- repoURL: ${servers.repo.url}/charts`,
        '  chart: web',
        '  targetRevision: 1.2.3',
        '  helm:',
        '    valueFiles: [$other/values.yaml]',
        '- repoURL: https://github.com/someone/config',
        '  targetRevision: main',
        '  ref: other'
      ])
    });
    const argo = result.targets.filter((t) => t.id.startsWith('argocd:')).map((t) => [t.id, t.checked, t.unchecked]);
    expect(argo).toEqual([
      ['argocd:argocd/web[0]', true, undefined],
      ['argocd:argocd/web[1]', false, ['declaration-source-not-found']]
    ]);
    expect(result.findings.find((f) => f.target === 'argocd:argocd/web[1]')?.message).toMatch(/ref source \$other \(https:\/\/github\.com\/someone\/config\), which is not this repository/);
    expect(result.findings.find((f) => f.target === 'argocd:argocd/web[0]' && f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'apps/web.yaml', line: 16 });
  });
});

describe('clusters from the config', () => {
  const capabilities = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  {{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}\n  hostNetwork: true\n  {{- end }}\n  containers:\n    - name: app\n      image: "nginx:1.27"\n';
  const files = {
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\nkubeVersion: ">=1.32.0-0"\n',
    'charts/web/templates/pod.yaml': capabilities,
    'argocd/set.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'metadata:',
      '  name: web',
      '  namespace: argocd',
      'spec:',
      '  generators:',
      '    - clusters:',
      '        selector:',
      '          matchExpressions:',
      '            - { key: env, operator: In, values: [prod, dev] }',
      '  template:',
      '    metadata:',
      "      name: 'web-{{name}}'",
      '    spec:',
      '      project: default',
      '      source:',
      '        repoURL: https://github.com/acme/gitops.git',
      '        targetRevision: HEAD',
      '        path: charts/web',
      '      destination:',
      "        server: '{{server}}'",
      "        namespace: 'web-{{metadata.labels.env}}'",
      ''
    ].join('\n'),
    'flux/release.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: local\n  namespace: web\nspec:\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n'
  };
  const clusters = [
    'clusters:',
    '  - { name: prod, server: https://prod.example.com, kubeVersion: v1.33.1, apiVersions: [monitoring.coreos.com/v1], labels: { env: prod } }',
    '  - { name: dev, server: https://dev.example.com, kubeVersion: v1.31.0, labels: { env: dev } }',
    '  - { name: in-cluster, server: https://kubernetes.default.svc, kubeVersion: v1.34.2, apiVersions: [monitoring.coreos.com/v1] }',
    ''
  ].join('\n');

  test("the clusters generator makes one Application per selected cluster; each destination's cluster sets what Helm is told", async () => {
    const root = servers.folder('gg-argo-clusters-');
    writeTree(root, { '.gitops-gate.yaml': `repositoryURLs: [https://github.com/acme/gitops]\n${clusters}`, ...files });
    const result = await run({ root });
    const byId = new Map(result.targets.map((t) => [t.id, t]));
    expect(byId.get('argocd:argocd/web-prod')).toMatchObject({ checked: true, objects: 1 });
    // dev runs Kubernetes 1.31: the chart's kubeVersion constraint fails there, as Helm fails it.
    expect(byId.get('argocd:argocd/web-dev')).toMatchObject({ checked: false, unchecked: ['helm-render-failed'] });
    expect(result.findings.find((f) => f.target === 'argocd:argocd/web-dev')?.message).toMatch(/kubeVersion/);
    expect(result.findings.some((f) => f.target === 'argocd:argocd/web-prod' && f.ruleId === 'pss-host-namespaces')).toBe(true);
    // Flux deploys into its own cluster: the in-cluster entry.
    expect(byId.get('flux:web/local')).toMatchObject({ checked: true, objects: 1 });
    expect(result.findings.some((f) => f.target === 'flux:web/local' && f.ruleId === 'pss-host-namespaces')).toBe(true);
  });

  test('without a cluster list the clusters generator is not checked, with the reason', async () => {
    const root = servers.folder('gg-argo-clusters-');
    writeTree(root, { '.gitops-gate.yaml': 'repositoryURLs: [https://github.com/acme/gitops]\n', ...files });
    const result = await run({ root });
    expect(result.targets.find((t) => t.id === 'argocd-set:argocd/web')).toMatchObject({ checked: false, unchecked: ['declaration-not-rendered'] });
    expect(result.findings.find((f) => f.target === 'argocd-set:argocd/web')?.message).toMatch(/config names none/);
  });
});

describe('the manifest-generate-paths annotation', () => {
  test('a pull request changing a path the annotation names renders the Application (it only widens what is read)', async () => {
    const app = (annotation: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\n${annotation}spec:\n  project: default\n  source:\n    repoURL: https://github.com/acme/gitops\n    targetRevision: HEAD\n    path: charts/web\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;
    for (const [annotation, expected] of [
      ['  annotations:\n    argocd.argoproj.io/manifest-generate-paths: .;/shared/config\n', ['argocd:argocd/web']],
      ['', []]
    ] as const) {
      const root = gitRepo({
        '.gitops-gate.yaml': 'repositoryURLs: [https://github.com/acme/gitops]\n',
        'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
        'charts/web/templates/pod.yaml': TEMPLATE,
        'charts/web/values.yaml': 'privileged: false\nhostNetwork: false\n',
        'argocd/web.yaml': app(annotation),
        'shared/config/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n'
      });
      try {
        writeTree(root, { 'shared/config/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "2"\n' });
        commitAll(root, 'settings');
        const result = await run({ root, base: 'HEAD~1' });
        expect(result.targets.map((t) => t.id).filter((id) => id.startsWith('argocd:'))).toEqual(expected);
      } finally {
        removeDir(root);
      }
    }
  });
});

describe('Argo CD kustomize sources with settings', () => {
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n';
  const app = (kustomize: string[]) =>
    ['apiVersion: argoproj.io/v1alpha1', 'kind: Application', 'metadata:', '  name: web', '  namespace: argocd', 'spec:', '  project: default', '  source:', '    repoURL: https://github.com/acme/gitops', '    targetRevision: HEAD', '    path: apps/web', '    kustomize:', ...kustomize.map((l) => `      ${l}`), '  destination:', '    server: https://kubernetes.default.svc', '    namespace: web', ''].join('\n');

  test('edits applied to the same kustomization as Argo CD applies them; edited fields on their Application lines; the folder checked once', async () => {
    const result = await scan({
      'apps/web/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/web/deployment.yaml': deployment,
      'argocd/web.yaml': app([
        'namePrefix: prod-',
        'namespace: shop',
        'images:',
        '  - nginx=ghcr.io/acme/nginx:latest',
        'replicas:',
        '  - { name: web, count: 3 }',
        'commonLabels:',
        '  team: payments',
        'patches:',
        '  - target: { kind: Deployment }',
        '    patch: |',
        '      - op: add',
        '        path: /spec/template/spec/hostNetwork',
        '        value: true'
      ])
    });
    const target = result.targets.find((t) => t.id === 'argocd:argocd/web');
    expect(target).toMatchObject({ kind: 'kustomize', checked: true, objects: 1 });
    expect(result.targets.some((t) => t.id === 'kustomize:apps/web')).toBe(false);
    const byRule = (rule: string) => result.findings.find((f) => f.target === 'argocd:argocd/web' && f.ruleId === rule);
    expect(byRule('pss-host-namespaces')).toMatchObject({ object: { kind: 'Deployment', name: 'prod-web', namespace: 'shop' }, location: { file: 'argocd/web.yaml', line: 26 } });
    expect(byRule('image-tag-latest')).toMatchObject({ location: { file: 'argocd/web.yaml', line: 16 } });
    expect(byRule('deployment-min-replicas')).toBeUndefined();
  });

  test('settings Argo CD applies but the gate does not yet are reported, not guessed', async () => {
    const result = await scan({
      'apps/web/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/web/deployment.yaml': deployment,
      'argocd/web.yaml': app(['images:', '  - nginx=ghcr.io/acme/nginx:$ARGOCD_APP_REVISION'])
    });
    expect(result.targets.find((t) => t.id === 'argocd:argocd/web')).toMatchObject({ checked: false, unchecked: ['declaration-not-rendered'] });
  });
});
