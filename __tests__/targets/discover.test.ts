import { afterEach, describe, expect, it } from '@jest/globals';
import { discoverTargets } from '../../src/targets/discover.js';
import { TargetIndex } from '../../src/targets/index.js';
import type { DiscoveryOptions } from '../../src/targets/types.js';
import { lines, makeFixtureRepo, standardRepo, type FixtureRepo } from '../helpers/kustomize-fixture.js';

let fx: FixtureRepo | undefined;
afterEach(() => {
  fx?.remove();
  fx = undefined;
});

const ALL: DiscoveryOptions = { include: [], exclude: [], targets: [] };
const ids = (r: { targets: { id: string }[] }): string[] => r.targets.map((t) => t.id);

describe('discoverTargets', () => {
  it('finds overlays (not the base they include), charts and plain manifest folders', () => {
    fx = makeFixtureRepo(standardRepo());
    const result = discoverTargets(fx.repo, ALL);
    expect(result.errors).toEqual([]);
    expect(ids(result)).toEqual(['helm:charts/app', 'kustomize:overlays/dev', 'kustomize:overlays/prod', 'manifests:base', 'manifests:manifests']);
    const byId = new Map(result.targets.map((t) => [t.id, t]));
    expect(byId.get('kustomize:overlays/dev')).toMatchObject({
      kind: 'kustomize',
      path: 'overlays/dev',
      renderable: true,
      inputs: ['base/app.properties', 'base/deploy.yaml', 'base/extra.txt', 'base/kustomization.yaml', 'base/service.yaml', 'base/settings.env', 'overlays/dev/kustomization.yaml']
    });
    expect(byId.get('kustomize:overlays/prod')!.inputs).toContain('components/monitoring/scrape.yaml');
    // A chart renders with its defaults; it reads every file under its folder, none is a plain manifest.
    expect(byId.get('helm:charts/app')).toEqual({
      id: 'helm:charts/app',
      kind: 'helm',
      path: 'charts/app',
      inputs: ['charts/app/Chart.yaml', 'charts/app/templates/deploy.yaml', 'charts/app/values.yaml'],
      renderable: true,
      helm: { releaseName: 'app', namespace: 'default', valuesFiles: [], set: [] }
    });
    // The base folder owns only what its kustomization loads: the stray manifest is a plain manifest.
    expect(byId.get('manifests:base')).toMatchObject({ files: ['base/unused.yaml'], inputs: ['base/unused.yaml'] });
    expect(byId.get('manifests:manifests')!.files).toEqual(['manifests/namespace.yaml', 'manifests/rbac.yaml']);
  });

  it('treats YAML loaded by another folder\'s kustomization as owned', () => {
    fx = makeFixtureRepo({
      'shared/policy.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: shared'),
      'shared/loose.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: loose'),
      'app/kustomization.yaml': lines('resources:', '- ../shared/policy.yaml')
    });
    const result = discoverTargets(fx.repo, ALL);
    expect(ids(result)).toEqual(['kustomize:app', 'manifests:shared']);
    expect(result.targets[1].files).toEqual(['shared/loose.yaml']);
  });

  it('names the repository root "."', () => {
    fx = makeFixtureRepo({ 'kustomization.yaml': lines('resources:', '- cm.yaml'), 'cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a') });
    expect(discoverTargets(fx.repo, ALL).targets).toEqual([
      { id: 'kustomize:.', kind: 'kustomize', path: '', inputs: ['cm.yaml', 'kustomization.yaml'], renderable: true }
    ]);
  });

  it('filters folders with include and exclude globs', () => {
    fx = makeFixtureRepo(standardRepo());
    expect(ids(discoverTargets(fx.repo, { ...ALL, include: ['overlays/**'] }))).toEqual(['kustomize:overlays/dev', 'kustomize:overlays/prod']);
    expect(ids(discoverTargets(fx.repo, { ...ALL, exclude: ['overlays/dev', 'charts/**', 'base/**'] }))).toEqual(['kustomize:overlays/prod', 'manifests:manifests']);
    expect(ids(discoverTargets(fx.repo, { ...ALL, include: ['manifests/namespace.yaml'] }))).toEqual(['manifests:manifests']);
    expect(discoverTargets(fx.repo, { ...ALL, include: ['manifests/namespace.yaml'] }).targets[0].files).toEqual(['manifests/namespace.yaml']);
  });

  it('renders exactly the configured targets when some are named', () => {
    fx = makeFixtureRepo(standardRepo());
    const result = discoverTargets(fx.repo, { ...ALL, targets: [{ path: 'base' }, { path: 'charts/app', kind: 'helm' }, { path: './manifests/' }, { path: 'nowhere' }] });
    expect(ids(result)).toEqual(['helm:charts/app', 'kustomize:base', 'manifests:manifests']);
    expect(result.errors.map((e) => [e.file, e.ruleId])).toEqual([['nowhere', 'target-not-found']]);
  });

  it('reports kustomization problems of the targets it finds', () => {
    fx = makeFixtureRepo({
      ...standardRepo(),
      'overlays/dev/kustomization.yaml': lines('resources:', '- ../../base', '- https://example.com/evil.yaml', '- ../../../etc/passwd')
    });
    const result = discoverTargets(fx.repo, ALL);
    expect(result.errors).toEqual([]);
    const dev = result.targets.find((t) => t.id === 'kustomize:overlays/dev')!;
    expect(dev.problems!.map((e) => [e.file, e.ruleId, e.line])).toEqual([
      ['overlays/dev/kustomization.yaml', 'remote-resource', 3],
      ['overlays/dev/kustomization.yaml', 'path-outside-repository', 4]
    ]);
    expect(result.targets.find((t) => t.id === 'kustomize:overlays/prod')!.problems).toBeUndefined();
  });

  it('still renders kustomizations that only include each other in a cycle', () => {
    fx = makeFixtureRepo({ 'a/kustomization.yaml': lines('resources:', '- ../b'), 'b/kustomization.yaml': lines('resources:', '- ../a') });
    const result = discoverTargets(fx.repo, ALL);
    expect(ids(result)).toEqual(['kustomize:a']);
    expect(result.targets[0].problems!.map((e) => e.ruleId)).toEqual(['kustomization-cycle']);
  });

  it('lets broken YAML join a manifest folder so rendering reports it, and counts the YAML it skips', () => {
    fx = makeFixtureRepo({
      'apps/good.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a'),
      'apps/broken.yml': 'apiVersion: v1\nkind: [\n',
      'apps/values.yaml': 'replicas: 3\n',
      'notes/broken.yaml': 'a: [\n'
    });
    const result = discoverTargets(fx.repo, ALL);
    expect(result.targets).toEqual([
      { id: 'manifests:apps', kind: 'manifests', path: 'apps', inputs: ['apps/broken.yml', 'apps/good.yaml'], files: ['apps/broken.yml', 'apps/good.yaml'], renderable: true },
      // A folder whose only YAML cannot be parsed is a target too: it could hold anything.
      { id: 'manifests:notes', kind: 'manifests', path: 'notes', inputs: ['notes/broken.yaml'], files: ['notes/broken.yaml'], renderable: true }
    ]);
    expect(result.skipped).toEqual([{ file: 'apps/values.yaml', reason: 'not Kubernetes YAML' }]);
  });

  it('reads .json manifests; JSON that no Kubernetes reader accepts is skipped and counted', () => {
    fx = makeFixtureRepo({
      'apps/pod.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } }),
      'apps/package.json': '{"name": "tooling"}',
      'editor/settings.json': '{ // editor settings\n "a": 1 }',
      'excluded/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a')
    });
    const result = discoverTargets(fx.repo, { ...ALL, exclude: ['excluded'] });
    expect(ids(result)).toEqual(['manifests:apps']);
    expect(result.targets[0].files).toEqual(['apps/pod.json']);
    expect(result.skipped).toEqual([
      { file: 'apps/package.json', reason: 'not Kubernetes YAML' },
      { file: 'editor/settings.json', reason: 'not valid JSON' },
      { file: 'excluded/cm.yaml', reason: 'excluded by config' }
    ]);
  });
});

describe('YAML that is not deployed as written', () => {
  const POD = lines('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  containers:', '  - name: c', '    image: x');
  const files = {
    '.archive/old/pod.yaml': POD,
    '.taskfiles/k8s.yaml': 'version: "3"\n',
    'ansible/deployment.yaml': lines('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: {{ app_name }}', 'spec:', '  replicas: {{ replicas }}'),
    'flux/app.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: ${APP}-config', '  namespace: ${NS}'),
    'apps/pod.template.yaml': POD,
    'apps/mixed.yaml': `${POD}---\n${lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: ${X}')}`,
    'apps/comment.yaml': `# rendered with {{ helm }}\n${POD}`
  };

  it('hidden folders and templates for other tools are skipped and counted; what Kubernetes could apply is checked', () => {
    fx = makeFixtureRepo(files);
    const result = discoverTargets(fx.repo, ALL);
    expect(ids(result)).toEqual(['manifests:apps']);
    // A template-named file, a file mixing a template with a real object, a placeholder in a comment: all applicable.
    expect(result.targets[0].files).toEqual(['apps/comment.yaml', 'apps/mixed.yaml', 'apps/pod.template.yaml']);
    expect(result.skipped).toEqual([
      { file: '.archive/old/pod.yaml', reason: 'in a hidden folder' },
      { file: '.taskfiles/k8s.yaml', reason: 'in a hidden folder' },
      { file: 'ansible/deployment.yaml', reason: 'template for another tool' },
      { file: 'flux/app.yaml', reason: 'template for another tool' }
    ]);
  });

  it('the config brings them back', () => {
    fx = makeFixtureRepo(files);
    const result = discoverTargets(fx.repo, { ...ALL, hiddenFolders: true, toolTemplates: true });
    expect(ids(result)).toEqual(['manifests:.archive/old', 'manifests:ansible', 'manifests:apps', 'manifests:flux']);
    expect(result.skipped).toEqual([{ file: '.taskfiles/k8s.yaml', reason: 'not Kubernetes YAML' }]);
  });

  it('a Pod the gate refuses to parse (too many aliases) is never skipped as a template, placeholders or not', () => {
    const aliases = Array.from({ length: 150 }, (_, i) => `    l${i}: *a`).join('\n');
    fx = makeFixtureRepo({ 'apps/pod.yaml': `# {{ not a template }}\n${lines('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  annotations:', '    a: &a "x"', '  labels:')}\n${aliases}\n` });
    const result = discoverTargets(fx.repo, ALL);
    expect(ids(result)).toEqual(['manifests:apps']);
    expect(result.skipped).toEqual([]);
  });
});

describe('kustomize Components', () => {
  it('are never roots: they are built only through the kustomizations that list them', () => {
    fx = makeFixtureRepo({
      'components/tls/kustomization.yaml': lines('apiVersion: kustomize.config.k8s.io/v1alpha1', 'kind: Component', 'patches:', '- path: tls.yaml'),
      'components/tls/tls.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a'),
      'components/unused/kustomization.yaml': lines('kind: Component'),
      'app/kustomization.yaml': lines('resources:', '- cm.yaml', 'components:', '- ../components/tls'),
      'app/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a')
    });
    const result = discoverTargets(fx.repo, ALL);
    expect(ids(result)).toEqual(['kustomize:app']);
    expect(result.targets[0].inputs).toContain('components/tls/tls.yaml');
  });
});

describe('TargetIndex', () => {
  it('maps changed files to the targets they affect', () => {
    fx = makeFixtureRepo(standardRepo());
    const index = new TargetIndex(discoverTargets(fx.repo, ALL).targets);
    const forFile = (f: string): string[] => index.targetsForFile(f).map((t) => t.id);
    // A shared base reaches every overlay that loads it.
    expect(forFile('base/deploy.yaml')).toEqual(['kustomize:overlays/dev', 'kustomize:overlays/prod']);
    expect(forFile('base/settings.env')).toEqual(['kustomize:overlays/dev', 'kustomize:overlays/prod']);
    expect(forFile('overlays/prod/privileged.yaml')).toEqual(['kustomize:overlays/prod']);
    expect(forFile('components/monitoring/scrape.yaml')).toEqual(['kustomize:overlays/prod']);
    // Anything under a chart folder reaches the chart, also files the chart did not have before.
    expect(forFile('charts/app/values.yaml')).toEqual(['helm:charts/app']);
    expect(forFile('charts/app/templates/new.yaml')).toEqual(['helm:charts/app']);
    expect(forFile('charts/application/x.yaml')).toEqual([]);
    expect(forFile('manifests/rbac.yaml')).toEqual(['manifests:manifests']);
    expect(forFile('./manifests/rbac.yaml')).toEqual(['manifests:manifests']);
    expect(forFile('docs/config.yaml')).toEqual([]);
    expect(index.affectedBy(['base/service.yaml', 'overlays/prod/kustomization.yaml', 'manifests/namespace.yaml', 'README.md']).map((t) => t.id)).toEqual([
      'kustomize:overlays/dev',
      'kustomize:overlays/prod',
      'manifests:manifests'
    ]);
  });
});
