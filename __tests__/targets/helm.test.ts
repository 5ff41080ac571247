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
    expect(index.affectedBy(['charts/common/templates/_labels.tpl']).map((t) => t.id)).toEqual([
      'helm:charts/common',
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
