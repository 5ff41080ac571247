/**
 * Argo CD Applications with a Helm source are rendered as Argo CD's repo-server renders them and checked, with
 * findings on the Application lines that set the values: a chart from a Helm repository (loopback) or an OCI
 * registry written without a scheme, a chart in this repository (its repoURL one of the checkout's URLs), inline
 * `values` blocks and `valuesObject`, parameters over both; what is not rendered yet is reported as not checked.
 */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { chartArchive, helmIndex, pushChart } from '../helpers/chart-servers.js';
import { writeTree } from '../helpers/temp-repo.js';
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
    expect(result.findings.some((f) => f.ruleId === 'pss-host-namespaces' && f.target === 'argocd:argocd/web')).toBe(true);
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
      'apps/set.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: many\n  namespace: argocd\nspec:\n  generators:\n    - list: { elements: [] }\n  template: {}\n'
    });
    const argo = result.targets.filter((t) => t.id.startsWith('argocd:')).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(argo.map((t) => [t.id, t.checked, t.unchecked])).toEqual([
      ['argocd:argocd/many', false, ['declaration-not-rendered']],
      ['argocd:argocd/multi', false, ['declaration-not-rendered']],
      ['argocd:argocd/other', false, ['declaration-source-not-found']]
    ]);
  });

  test('a path source without Argo CD settings is the folder target itself: no second target', async () => {
    const result = await scan({
      'deploy/pod.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
      'apps/plain.yaml': application(['repoURL: https://github.com/acme/gitops', 'path: deploy', 'targetRevision: main'], 'plain')
    });
    expect(result.targets.filter((t) => t.id.startsWith('argocd:'))).toEqual([]);
    expect(result.targets.every((t) => t.checked)).toBe(true);
  });
});
