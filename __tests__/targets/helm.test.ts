import { describe, expect, test } from '@jest/globals';
import { RepoFiles } from '../../src/repo/files.js';
import { discoverTargets } from '../../src/targets/discover.js';
import { TargetIndex } from '../../src/targets/index.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const chart = (name: string, deps = '') => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${deps}`;

function repoWith(files: Record<string, string>): RepoFiles {
  const root = tempDir();
  writeTree(root, files);
  return new RepoFiles(root);
}

describe('Helm targets', () => {
  const repo = repoWith({
    'charts/web/Chart.yaml': chart('web', 'dependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../common\n'),
    'charts/web/values.yaml': 'replicas: 1\n',
    'charts/web/values-prod.yaml': 'replicas: 3\n',
    'charts/web/values/staging.yaml': 'replicas: 2\n',
    'charts/web/templates/deploy.yaml': 'kind: Deployment\n',
    'charts/common/Chart.yaml': chart('common') + 'type: library\n',
    'charts/common/templates/_labels.tpl': '{{- define "common.labels" }}{{ end }}\n',
    'envs/dev/web.yaml': 'replicas: 1\n'
  });

  test('one target for the defaults and one for each environment beside the chart', () => {
    const { targets, errors } = discoverTargets(repo, { include: [], exclude: [], targets: [] });
    expect(errors).toEqual([]);
    const web = targets.filter((t) => t.path === 'charts/web');
    expect(web.map((t) => [t.id, t.helm?.valuesFiles])).toEqual([
      ['helm:charts/web', []],
      ['helm:charts/web@prod', ['charts/web/values-prod.yaml']],
      ['helm:charts/web@staging', ['charts/web/values/staging.yaml']]
    ]);
    expect(web[0].helm).toMatchObject({ releaseName: 'web', namespace: 'default' });
  });

  test('a file:// dependency is an input, so a change to the library chart reaches the chart that uses it', () => {
    const { targets } = discoverTargets(repo, { include: [], exclude: [], targets: [] });
    const index = new TargetIndex(targets);
    // The library chart itself is no target (it renders nothing).
    expect(index.affectedBy(['charts/common/templates/_labels.tpl']).map((t) => t.id)).toEqual([
      'helm:charts/web',
      'helm:charts/web@prod',
      'helm:charts/web@staging'
    ]);
    expect(index.affectedBy(['charts/web/values-prod.yaml']).map((t) => t.id)).toContain('helm:charts/web@prod');
  });

  test('releases declared in the config replace the conventions for that chart', () => {
    const { targets } = discoverTargets(repo, {
      include: [],
      exclude: [],
      targets: [],
      charts: [{ path: 'charts/web', releaseName: 'shop', namespace: 'shop', values: [['charts/web/values-prod.yaml', 'envs/dev/web.yaml']], set: { 'image.tag': 'v2' } }]
    });
    const web = targets.filter((t) => t.path === 'charts/web');
    expect(web).toHaveLength(1);
    expect(web[0].id).toBe('helm:charts/web@dev');
    expect(web[0].helm).toEqual({ releaseName: 'shop', namespace: 'shop', namespaceDeclared: true, valuesFiles: ['charts/web/values-prod.yaml', 'envs/dev/web.yaml'], set: ['image.tag=v2'], env: 'dev' });
    expect(web[0].inputs).toContain('envs/dev/web.yaml');
  });

  test('a values file path that leaves the repository is refused, naming the config', () => {
    const { targets, errors } = discoverTargets(repo, { include: [], exclude: [], targets: [], charts: [{ path: 'charts/web', values: [['../../etc/passwd']] }], configSource: '.gitops-gate.yaml' });
    expect(targets.some((t) => t.path === 'charts/web')).toBe(false);
    expect(errors[0]).toMatchObject({ file: '.gitops-gate.yaml', ruleId: 'path-outside-repository' });
  });

  test('a file:// dependency outside the repository is refused with the Chart.yaml line', () => {
    const bad = repoWith({ 'c/Chart.yaml': chart('c', 'dependencies:\n  - name: x\n    version: 1.0.0\n    repository: file://../../outside\n'), 'c/values.yaml': '' });
    const { targets } = discoverTargets(bad, { include: [], exclude: [], targets: [] });
    expect(targets[0].problems![0]).toMatchObject({ file: 'c/Chart.yaml', ruleId: 'path-outside-repository', line: 7 });
  });
});

describe('the releases people deploy', () => {
  test('the default release name is the chart name made DNS-safe, not the folder name', () => {
    const repo = repoWith({
      'charts/external_secrets/Chart.yaml': chart('External_Secrets'),
      'charts/x/Chart.yaml': chart('--My__Chart.v2--'),
      'charts/y/Chart.yaml': 'apiVersion: v2\nversion: 0.1.0\n'
    });
    const names = Object.fromEntries(discoverTargets(repo, { include: [], exclude: [], targets: [] }).targets.map((t) => [t.id, t.helm!.releaseName]));
    expect(names).toEqual({ 'helm:charts/external_secrets': 'external-secrets', 'helm:charts/x': 'my-chart.v2', 'helm:charts/y': 'y' });
  });

  test('a library chart is no target; it is an input of the charts that use it', () => {
    const repo = repoWith({
      'lib/Chart.yaml': chart('lib') + 'type: library\n',
      'lib/templates/_x.tpl': '{{- define "lib.x" }}x{{ end }}\n',
      'app/Chart.yaml': chart('app', 'dependencies:\n  - name: lib\n    version: 0.1.0\n    repository: file://../lib\n')
    });
    const { targets, errors } = discoverTargets(repo, { include: [], exclude: [], targets: [] });
    expect(errors).toEqual([]);
    expect(targets.map((t) => t.id)).toEqual(['helm:app']);
    expect(new TargetIndex(targets).affectedBy(['lib/templates/_x.tpl']).map((t) => t.id)).toEqual(['helm:app']);
  });

  test('ci/*-values.yaml files are releases when the config says so, globally or per chart', () => {
    const repo = repoWith({
      'a/Chart.yaml': chart('a'),
      'a/ci/default-values.yaml': 'x: 1\n',
      'a/ci/tls-values.yaml': 'x: 2\n',
      'a/ci/README.md': 'not values\n',
      'b/Chart.yaml': chart('b'),
      'b/ci/only-values.yaml': 'x: 3\n'
    });
    const ids = (opts: object) => discoverTargets(repo, { include: [], exclude: [], targets: [], ...opts }).targets.map((t) => t.id);
    expect(ids({})).toEqual(['helm:a', 'helm:b']);
    expect(ids({ ciValues: true })).toEqual(['helm:a', 'helm:a@ci-default', 'helm:a@ci-tls', 'helm:b', 'helm:b@ci-only']);
    expect(ids({ ciValues: true, charts: [{ path: 'b', ciValues: false }] })).toEqual(['helm:a', 'helm:a@ci-default', 'helm:a@ci-tls', 'helm:b']);
    const tls = discoverTargets(repo, { include: [], exclude: [], targets: [], ciValues: true }).targets.find((t) => t.id === 'helm:a@ci-tls')!;
    expect(tls.helm!.valuesFiles).toEqual(['a/ci/tls-values.yaml']);
  });

  test("Helm's environment: the chart's own settings over the global ones", () => {
    const repo = repoWith({ 'a/Chart.yaml': chart('a'), 'b/Chart.yaml': chart('b') });
    const env = (id: string) =>
      discoverTargets(repo, {
        include: [],
        exclude: [],
        targets: [],
        helm: { kubeVersion: 'v1.31.0', apiVersions: ['x.io/v1'] },
        charts: [{ path: 'b', kubeVersion: '1.29', apiVersions: ['y.io/v1'], skipSchemaValidation: true }]
      }).targets.find((t) => t.id === id)!.helm!.environment;
    expect(env('helm:a')).toEqual({ kubeVersion: 'v1.31.0', apiVersions: ['x.io/v1'] });
    expect(env('helm:b')).toEqual({ kubeVersion: '1.29', apiVersions: ['x.io/v1', 'y.io/v1'], skipSchemaValidation: true });
  });
});
