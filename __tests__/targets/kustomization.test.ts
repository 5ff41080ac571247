import { afterEach, describe, expect, it } from '@jest/globals';
import { isRemoteReference, loadKustomizationGraph, parseKustomization, remotePin } from '../../src/targets/kustomization.js';
import { lineOf, lines, makeFixtureRepo, PROD_KUSTOMIZATION, standardRepo, type FixtureRepo } from '../helpers/kustomize-fixture.js';

let fx: FixtureRepo | undefined;
afterEach(() => {
  fx?.remove();
  fx = undefined;
});

describe('kustomization loading graph', () => {
  it('lists every file an overlay loads, transitively, with the kustomization files themselves', () => {
    fx = makeFixtureRepo(standardRepo());
    const graph = loadKustomizationGraph(fx.repo, 'overlays/prod');
    expect(graph.errors).toEqual([]);
    expect(graph.rootFile).toBe('overlays/prod/kustomization.yaml');
    expect(graph.inputs).toEqual([
      'base/app.properties',
      'base/deploy.yaml',
      'base/extra.txt',
      'base/kustomization.yaml',
      'base/service.yaml',
      'base/settings.env',
      'components/monitoring/kustomization.yaml',
      'components/monitoring/scrape.yaml',
      'overlays/prod/json-patch.yaml',
      'overlays/prod/kustomization.yaml',
      'overlays/prod/privileged.yaml',
      'overlays/prod/resources.yaml'
    ]);
    expect([...graph.nodes.keys()].sort()).toEqual(['base', 'components/monitoring', 'overlays/prod']);
    expect(graph.nodes.get('overlays/prod')!.includes).toEqual(['base', 'components/monitoring']);
    // base/unused.yaml is in the base folder but nothing loads it.
    expect(graph.inputs).not.toContain('base/unused.yaml');
  });

  it('follows every field that loads a file and ignores inline patches', () => {
    fx = makeFixtureRepo({
      'app/kustomization.yml': lines(
        'resources:',
        '- deploy.yaml',
        '- more',
        'bases:',
        '- ../legacy',
        'crds:',
        '- crds/widget.yaml',
        'configurations:',
        '- config/name-ref.yaml',
        'generators:',
        '- gen/generator.yaml',
        'transformers:',
        '- gen/labels.yaml',
        'validators:',
        '- gen/validator.yaml',
        'patches:',
        '- path: patches/p1.yaml',
        '- patch: |-',
        '    apiVersion: v1',
        '    kind: Service',
        '    metadata: {name: x}',
        'patchesStrategicMerge:',
        '- patches/smp.yaml',
        '- |-',
        '  apiVersion: apps/v1',
        '  kind: Deployment',
        '  metadata: {name: web}',
        'patchesJson6902:',
        '- target: {kind: Deployment, name: web}',
        '  path: patches/ops.json',
        'replacements:',
        '- path: repl/r.yaml',
        '- source: {kind: Service, name: x}',
        '  targets: []',
        'configMapGenerator:',
        '- name: c',
        '  files: [k=files/a.txt, files/b.txt]',
        '  envs: [files/one.env]',
        'secretGenerator:',
        '- name: s',
        '  env: files/two.env',
        'openapi:',
        '  path: schema/openapi.json'
      ),
      'app/deploy.yaml': 'kind: x\n',
      'app/more/Kustomization': lines('resources:', '- cm.yaml'),
      'app/more/cm.yaml': 'kind: y\n',
      'legacy/kustomization.yaml': lines('resources: []'),
      ...Object.fromEntries(
        [
          'crds/widget.yaml',
          'config/name-ref.yaml',
          'gen/generator.yaml',
          'gen/labels.yaml',
          'gen/validator.yaml',
          'patches/p1.yaml',
          'patches/smp.yaml',
          'patches/ops.json',
          'repl/r.yaml',
          'files/a.txt',
          'files/b.txt',
          'files/one.env',
          'files/two.env',
          'schema/openapi.json'
        ].map((f) => [`app/${f}`, 'x: 1\n'])
      )
    });
    const graph = loadKustomizationGraph(fx.repo, 'app');
    expect(graph.errors).toEqual([]);
    expect(graph.inputs).toEqual(
      [
        'app/kustomization.yml',
        'app/deploy.yaml',
        'app/more/Kustomization',
        'app/more/cm.yaml',
        'legacy/kustomization.yaml',
        'app/crds/widget.yaml',
        'app/config/name-ref.yaml',
        'app/gen/generator.yaml',
        'app/gen/labels.yaml',
        'app/gen/validator.yaml',
        'app/patches/p1.yaml',
        'app/patches/smp.yaml',
        'app/patches/ops.json',
        'app/repl/r.yaml',
        'app/files/a.txt',
        'app/files/b.txt',
        'app/files/one.env',
        'app/files/two.env',
        'app/schema/openapi.json'
      ].sort()
    );
  });

  it('refuses remote resources with the kustomization file and line, and never fetches them', () => {
    const text = lines(
      'resources:',
      '- deploy.yaml',
      '- https://github.com/example/repo/deploy.yaml',
      '- git@github.com:example/repo.git',
      '- github.com/example/repo/base?ref=v1',
      '- ../shared?ref=main',
      'components:',
      '- http://example.com/component'
    );
    fx = makeFixtureRepo({ 'app/kustomization.yaml': text, 'app/deploy.yaml': 'kind: x\n' });
    const graph = loadKustomizationGraph(fx.repo, 'app');
    const remote = graph.errors.filter((e) => e.ruleId === 'remote-resource');
    expect(remote.map((e) => [e.file, e.line])).toEqual([
      ['app/kustomization.yaml', 3],
      ['app/kustomization.yaml', 4],
      ['app/kustomization.yaml', 5],
      ['app/kustomization.yaml', 6],
      ['app/kustomization.yaml', 8]
    ]);
    expect(remote[0].reason).toMatch(/not fetched/);
    expect(graph.inputs).toEqual(['app/deploy.yaml', 'app/kustomization.yaml']);
    expect(graph.nodes.get('app')!.refused).toEqual([
      ['resources', 1],
      ['resources', 2],
      ['resources', 3],
      ['resources', 4],
      ['components', 0]
    ]);
  });

  it('recognises remote references', () => {
    for (const r of ['https://x.io/a.yaml', 'http://x', 'git@github.com:o/r', 'github.com/o/r//base', 'ssh://git@host/r', 'base?ref=v1', 'git::https://x', 'https://github.com/o/r.git']) {
      expect(isRemoteReference(r)).toBe(true);
    }
    for (const l of ['deploy.yaml', '../base', 'github/base', 'refs/x.yaml']) expect(isRemoteReference(l)).toBe(false);
  });

  it('refuses paths that leave the repository, naming the kustomization file', () => {
    fx = makeFixtureRepo({ 'app/kustomization.yaml': lines('resources:', '- ok.yaml', '- ../../outside.yaml', 'patches:', '- path: /etc/passwd'), 'app/ok.yaml': 'a: 1\n' });
    const graph = loadKustomizationGraph(fx.repo, 'app');
    expect(graph.errors.map((e) => [e.file, e.ruleId, e.line])).toEqual([
      ['app/kustomization.yaml', 'path-outside-repository', 3],
      ['app/kustomization.yaml', 'path-outside-repository', 5]
    ]);
    expect(graph.inputs).toEqual(['app/kustomization.yaml', 'app/ok.yaml']);
  });

  it('reports a missing file with the line of its entry', () => {
    fx = makeFixtureRepo(standardRepo());
    fx.write('overlays/prod/kustomization.yaml', PROD_KUSTOMIZATION.replace('- path: privileged.yaml', '- path: missing-patch.yaml'));
    const graph = loadKustomizationGraph(fx.repo, 'overlays/prod');
    expect(graph.errors).toHaveLength(1);
    expect(graph.errors[0]).toMatchObject({ file: 'overlays/prod/kustomization.yaml', ruleId: 'file-not-found', line: lineOf(PROD_KUSTOMIZATION, 'privileged.yaml') });
    expect(graph.errors[0].reason).toContain('missing-patch.yaml');
    expect(graph.nodes.get('overlays/prod')!.refused).toEqual([['patches', 0]]);
  });

  it('reports a folder resource without a kustomization', () => {
    fx = makeFixtureRepo({ 'app/kustomization.yaml': lines('resources:', '- plain'), 'app/plain/a.yaml': 'a: 1\n' });
    const graph = loadKustomizationGraph(fx.repo, 'app');
    expect(graph.errors.map((e) => [e.ruleId, e.line])).toEqual([['file-not-found', 2]]);
  });

  it('detects cycles', () => {
    fx = makeFixtureRepo({
      'a/kustomization.yaml': lines('resources:', '- ../b'),
      'b/kustomization.yaml': lines('resources:', '- x.yaml', '- ../a'),
      'b/x.yaml': 'a: 1\n'
    });
    const graph = loadKustomizationGraph(fx.repo, 'a');
    expect(graph.errors.map((e) => [e.file, e.ruleId, e.line])).toEqual([['b/kustomization.yaml', 'kustomization-cycle', 3]]);
    expect(graph.errors[0].reason).toContain('a -> b -> a');
    expect(graph.inputs).toEqual(['a/kustomization.yaml', 'b/kustomization.yaml', 'b/x.yaml']);
  });

  it('records helmCharts with a finding that Helm inflation is off', () => {
    fx = makeFixtureRepo({ 'app/kustomization.yaml': lines('resources:', '- a.yaml', 'helmCharts:', '- name: redis', '  repo: https://charts.example.com', '  version: 1.0.0'), 'app/a.yaml': 'a: 1\n' });
    const node = parseKustomization(fx.repo, 'app');
    expect(node.helmCharts).toBe(true);
    expect(node.errors.map((e) => [e.ruleId, e.line])).toEqual([['helm-inflation-disabled', 3]]);
    expect(node.errors[0].reason).toContain('redis');
    expect(node.refused).toEqual([['helmCharts']]);
  });

  it('reports unreadable and malformed kustomizations', () => {
    fx = makeFixtureRepo({
      'bad/kustomization.yaml': 'resources: [a.yaml\n',
      'list/kustomization.yaml': '- a\n',
      'field/kustomization.yaml': lines('resources: deploy.yaml'),
      'two/kustomization.yaml': 'resources: []\n',
      'two/kustomization.yml': 'resources: []\n'
    });
    expect(parseKustomization(fx.repo, 'bad').errors[0].ruleId).toBe('invalid-yaml');
    expect(parseKustomization(fx.repo, 'list').errors[0]).toMatchObject({ ruleId: 'invalid-kustomization', line: 1 });
    expect(parseKustomization(fx.repo, 'field').errors[0]).toMatchObject({ ruleId: 'invalid-kustomization', line: 1 });
    expect(parseKustomization(fx.repo, 'two').errors[0].reason).toMatch(/more than one kustomization file/);
    expect(parseKustomization(fx.repo, 'none').errors[0].ruleId).toBe('file-not-found');
  });

  it('reads the text as kustomize rewrites it first: legacy string patches and imageTags', () => {
    fx = makeFixtureRepo({
      'app/kustomization.yaml': lines('resources:', '- cm.yaml', 'patches:', '- smp.yaml', 'imageTags:', '- name: nginx', '  newTag: "1.27"'),
      'app/cm.yaml': 'kind: x\n',
      'app/smp.yaml': 'kind: y\n'
    });
    const node = parseKustomization(fx.repo, 'app');
    expect(node.errors).toEqual([]);
    expect(node.value).toEqual({ resources: ['cm.yaml'], patchesStrategicMerge: ['smp.yaml'], images: [{ name: 'nginx', newTag: '1.27' }] });
    expect(node.entries.map((e) => [e.field, e.resolved, e.line])).toEqual([
      ['resources', 'app/cm.yaml', 2],
      ['patchesStrategicMerge', 'app/smp.yaml', 4]
    ]);
  });

  it('tells a remote entry pinned to a commit or release tag from one that follows a branch', () => {
    expect(remotePin('https://github.com/o/r//base?ref=v1.2.3')).toBe('tag v1.2.3');
    expect(remotePin('github.com/o/r/base?ref=0123456789abcdef0123456789abcdef01234567')).toBe('commit 0123456789ab');
    expect(remotePin('https://raw.githubusercontent.com/o/r/v2.0.1/deploy.yaml')).toBe('tag v2.0.1');
    expect(remotePin('https://github.com/o/r/releases/download/v0.9.0/install.yaml')).toBe('tag v0.9.0');
    for (const unpinned of ['https://github.com/o/r//base?ref=main', 'github.com/o/r/base?ref=v1', 'https://raw.githubusercontent.com/o/r/master/a.yaml', 'https://example.com/a.yaml']) {
      expect(remotePin(unpinned)).toBeUndefined();
    }
    fx = makeFixtureRepo({ 'app/kustomization.yaml': lines('resources:', '- https://github.com/o/r/releases/download/v0.9.0/install.yaml', '- https://example.com/latest.yaml') });
    const graph = loadKustomizationGraph(fx.repo, 'app');
    expect(graph.errors.map((e) => [e.ruleId, e.line])).toEqual([
      ['remote-resource-pinned', 2],
      ['remote-resource', 3]
    ]);
    expect(graph.errors[0].reason).toContain('(pinned to tag v0.9.0)');
  });
});
