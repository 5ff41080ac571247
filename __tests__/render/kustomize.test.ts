import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderTarget } from '../../src/render/index.js';
import { detectKustomize, KustomizeBinary } from '../../src/render/kustomize/binary.js';
import { renderKustomize } from '../../src/render/kustomize/render.js';
import { discoverTargets } from '../../src/targets/discover.js';
import type { Target } from '../../src/targets/types.js';
import type { KubeObject } from '../../src/objects/types.js';
import type { RenderOutput } from '../../src/render/types.js';
import {
  BASE_DEPLOY,
  BASE_KUSTOMIZATION,
  COMPONENT_SCRAPE,
  lineOf,
  lines,
  makeFixtureRepo,
  PROD_JSON_PATCH,
  PROD_KUSTOMIZATION,
  PROD_PRIVILEGED,
  PROD_RESOURCES,
  standardRepo,
  type FixtureRepo
} from '../helpers/kustomize-fixture.js';

const binary = detectKustomize();
const OPTIONS = { timeoutMs: 60_000 };
const CONTAINER = ['spec', 'template', 'spec', 'containers'] as const;
const sandboxes = (): string[] => readdirSync(os.tmpdir()).filter((n) => n.startsWith('gitops-gate-kustomize-'));

const find = (out: RenderOutput, kind: string, name: string): KubeObject => {
  const o = out.objects.find((x) => x.kind === kind && x.name === name);
  if (!o) throw new Error(`${kind} ${name} not rendered; have ${out.objects.map((x) => `${x.kind} ${x.name}`).join(', ')}`);
  return o;
};
const at = (o: KubeObject, p: (string | number)[]): string => {
  const l = o.sourceMap.locate(p).location;
  return `${l.file}:${l.line}`;
};

(binary ? describe : describe.skip)('renderKustomize (real kustomize)', () => {
  let fx: FixtureRepo;
  let targets: Map<string, Target>;
  let prod: RenderOutput;
  let dev: RenderOutput;
  let before: string[];

  beforeAll(async () => {
    before = sandboxes();
    fx = makeFixtureRepo(standardRepo());
    targets = new Map(discoverTargets(fx.repo, { include: [], exclude: [], targets: [] }).targets.map((t) => [t.id, t]));
    prod = await renderKustomize(targets.get('kustomize:overlays/prod')!, fx.repo, OPTIONS);
    dev = await renderTarget(targets.get('kustomize:overlays/dev')!, fx.repo, OPTIONS);
  });
  afterAll(() => fx.remove());

  it('renders the overlays with name prefixes and namespaces', () => {
    expect(prod.errors).toEqual([]);
    expect(dev.errors).toEqual([]);
    expect(prod.objects.map((o) => `${o.kind} ${o.namespace}/${o.name}`).sort()).toEqual(['ConfigMap prod/prod-web-config-bctchb4t77', 'Deployment prod/prod-web', 'Service prod/prod-web'].sort());
    expect(dev.objects.map((o) => `${o.kind} ${o.name}`).sort()).toEqual(['ConfigMap dev-web-config-bctchb4t77', 'Deployment dev-web', 'Service dev-web']);
    expect(prod.objects.every((o) => o.target === 'kustomize:overlays/prod')).toBe(true);
  });

  it('removes the mapping annotations (and an annotations map they leave empty) from every body', () => {
    for (const o of [...prod.objects, ...dev.objects]) {
      const text = JSON.stringify(o.body);
      expect(text).not.toContain('config.kubernetes.io/origin');
      expect(text).not.toContain('alpha.config.kubernetes.io/transformations');
      expect((o.body.metadata as Record<string, unknown>).annotations).toBeUndefined();
    }
    // Annotations of the user's own stay.
    const deploy = find(prod, 'Deployment', 'prod-web');
    expect((deploy.body.spec as { template: { metadata: { annotations: unknown } } }).template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
  });

  it('maps a field set by a prod patch to the patch file line, with the base as related location', () => {
    const deploy = find(prod, 'Deployment', 'prod-web');
    const spec = deploy.body.spec as { template: { spec: { containers: { name: string; securityContext?: Record<string, unknown> }[] } } };
    // Strategic merge moves the patched container first: the mapping follows names, not indexes.
    const i = spec.template.spec.containers.findIndex((c) => c.name === 'app');
    expect(spec.template.spec.containers[i].securityContext?.privileged).toBe(true);
    const located = deploy.sourceMap.locate([...CONTAINER, i, 'securityContext', 'privileged']);
    expect(located.location).toMatchObject({ file: 'overlays/prod/privileged.yaml', line: lineOf(PROD_PRIVILEGED, 'privileged: true') });
    expect(located.related).toEqual([expect.objectContaining({ label: 'base', file: 'base/deploy.yaml', line: lineOf(BASE_DEPLOY, 'securityContext:') })]);
    expect(located.foundPath).toEqual([...CONTAINER, i, 'securityContext', 'privileged']);
    // A field of the same container that no patch touches stays in the base.
    expect(at(deploy, [...CONTAINER, i, 'securityContext', 'runAsNonRoot'])).toBe(`base/deploy.yaml:${lineOf(BASE_DEPLOY, 'runAsNonRoot')}`);
    expect(at(deploy, [...CONTAINER, i, 'ports', 0, 'containerPort'])).toBe(`base/deploy.yaml:${lineOf(BASE_DEPLOY, 'containerPort')}`);
    const sidecar = spec.template.spec.containers.findIndex((c) => c.name === 'sidecar');
    expect(at(deploy, [...CONTAINER, sidecar, 'image'])).toBe(`base/deploy.yaml:${lineOf(BASE_DEPLOY, 'busybox')}`);
  });

  it('maps each patch form to its own line: patchesStrategicMerge, patchesJson6902, inline patch, component', () => {
    const deploy = find(prod, 'Deployment', 'prod-web');
    const spec = deploy.body.spec as { replicas: number; template: { spec: { hostNetwork: boolean; containers: { name: string }[] } } };
    const i = spec.template.spec.containers.findIndex((c) => c.name === 'app');
    expect(at(deploy, [...CONTAINER, i, 'resources', 'limits', 'memory'])).toBe(`overlays/prod/resources.yaml:${lineOf(PROD_RESOURCES, 'memory')}`);
    expect(spec.replicas).toBe(5);
    expect(at(deploy, ['spec', 'replicas'])).toBe(`overlays/prod/json-patch.yaml:${lineOf(PROD_JSON_PATCH, 'value: 5')}`);
    expect(at(deploy, [...CONTAINER, i, 'securityContext', 'allowPrivilegeEscalation'])).toBe(`overlays/prod/json-patch.yaml:${lineOf(PROD_JSON_PATCH, 'value: true')}`);
    // Inline patch in the kustomization: the line inside the `patch: |-` block.
    expect(spec.template.spec.hostNetwork).toBe(true);
    expect(at(deploy, ['spec', 'template', 'spec', 'hostNetwork'])).toBe(`overlays/prod/kustomization.yaml:${lineOf(PROD_KUSTOMIZATION, 'value: true')}`);
    expect(at(deploy, ['spec', 'template', 'metadata', 'annotations', 'prometheus.io/scrape'])).toBe(`components/monitoring/scrape.yaml:${lineOf(COMPONENT_SCRAPE, 'prometheus.io/scrape')}`);
    // images: and namespace: entries are where the rendered values were written.
    expect((spec.template.spec.containers[i] as { image?: string }).image).toBe('nginx:latest');
    expect(at(deploy, [...CONTAINER, i, 'image'])).toBe(`overlays/prod/kustomization.yaml:${lineOf(PROD_KUSTOMIZATION, 'newTag: latest')}`);
    expect(at(deploy, ['metadata', 'namespace'])).toBe(`overlays/prod/kustomization.yaml:${lineOf(PROD_KUSTOMIZATION, 'namespace: prod')}`);
  });

  it('maps prefixed names back to the origin document and missing paths to their nearest parent', () => {
    const deploy = find(dev, 'Deployment', 'dev-web');
    expect(at(deploy, ['metadata', 'name'])).toBe(`base/deploy.yaml:${lineOf(BASE_DEPLOY, 'name: web')}`);
    const missing = deploy.sourceMap.locate(['spec', 'template', 'spec', 'securityContext', 'runAsNonRoot']);
    expect(missing.location).toMatchObject({ file: 'base/deploy.yaml', line: lineOf(BASE_DEPLOY, '    spec:') });
    expect(missing.foundPath).toEqual(['spec', 'template', 'spec']);
    const service = find(dev, 'Service', 'dev-web');
    expect(at(service, ['spec', 'ports', 0, 'port'])).toBe('base/service.yaml:9');
  });

  it('maps generated objects to the generator entry in the kustomization', () => {
    const cm = find(prod, 'ConfigMap', 'prod-web-config-bctchb4t77');
    expect(cm.body.data).toEqual({ 'app.properties': 'color=blue\n', extra: 'hello\n', MODE: 'base', LOG_LEVEL: 'debug', DEBUG: 'true' });
    expect(at(cm, [])).toBe(`base/kustomization.yaml:${lineOf(BASE_KUSTOMIZATION, '- name: web-config')}`);
    expect(at(cm, ['data', 'app.properties'])).toBe(`base/kustomization.yaml:${lineOf(BASE_KUSTOMIZATION, '- app.properties')}`);
    expect(at(cm, ['data', 'extra'])).toBe(`base/kustomization.yaml:${lineOf(BASE_KUSTOMIZATION, 'extra=extra.txt')}`);
    expect(at(cm, ['data', 'MODE'])).toBe(`base/kustomization.yaml:${lineOf(BASE_KUSTOMIZATION, 'MODE=base')}`);
    const env = cm.sourceMap.locate(['data', 'DEBUG']);
    expect(env.location).toMatchObject({ file: 'base/settings.env', line: 2 });
    expect(env.related).toEqual([expect.objectContaining({ label: 'generator', file: 'base/kustomization.yaml', line: lineOf(BASE_KUSTOMIZATION, 'settings.env') })]);
  });

  it('never edits the repository and removes its sandbox', () => {
    expect(readFileSync(path.join(fx.root, 'overlays/prod/kustomization.yaml'), 'utf8')).toBe(PROD_KUSTOMIZATION);
    expect(readFileSync(path.join(fx.root, 'base/kustomization.yaml'), 'utf8')).toBe(BASE_KUSTOMIZATION);
    expect(sandboxes().filter((s) => !before.includes(s))).toEqual([]);
  });

  it('keeps an existing buildMetadata entry and the user\'s other annotations', async () => {
    const f = makeFixtureRepo({
      'app/kustomization.yaml': lines('buildMetadata: [managedByLabel]', 'commonAnnotations:', '  team: payments', 'resources:', '- cm.yaml'),
      'app/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a', 'data:', '  k: v')
    });
    try {
      const [t] = discoverTargets(f.repo, { include: [], exclude: [], targets: [] }).targets;
      const out = await renderKustomize(t, f.repo, OPTIONS);
      expect(out.errors).toEqual([]);
      const cm = out.objects[0];
      expect((cm.body.metadata as Record<string, unknown>).annotations).toEqual({ team: 'payments' });
      expect((cm.body.metadata as Record<string, { [k: string]: string }>).labels['app.kubernetes.io/managed-by']).toMatch(/kustomize/);
      expect(at(cm, ['data', 'k'])).toBe('app/cm.yaml:6');
    } finally {
      f.remove();
    }
  });
});

(binary ? describe : describe.skip)('renderKustomize: more patch forms', () => {
  it('maps inline strategic-merge patches and targeted patch files', async () => {
    const kustomization = lines(
      'resources:',
      '- deploy.yaml',
      'patchesStrategicMerge:',
      '- |-',
      '  apiVersion: apps/v1',
      '  kind: Deployment',
      '  metadata:',
      '    name: web',
      '  spec:',
      '    template:',
      '      spec:',
      '        hostPID: true',
      'patches:',
      '- path: any-name.yaml',
      '  target:',
      '    kind: Deployment',
      '    labelSelector: app=web'
    );
    const f = makeFixtureRepo({
      'app/kustomization.yaml': kustomization,
      'app/deploy.yaml': BASE_DEPLOY,
      'app/any-name.yaml': lines('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: placeholder', 'spec:', '  template:', '    spec:', '      hostIPC: true'),
      'app/missing-ref/kustomization.yaml': lines('resources:', '- nothing.yaml')
    });
    try {
      const [t] = discoverTargets(f.repo, { include: [], exclude: [], targets: [{ path: 'app' }] }).targets;
      const out = await renderKustomize(t, f.repo, OPTIONS);
      expect(out.errors).toEqual([]);
      const deploy = find(out, 'Deployment', 'web');
      expect(at(deploy, ['spec', 'template', 'spec', 'hostPID'])).toBe(`app/kustomization.yaml:${lineOf(kustomization, 'hostPID')}`);
      expect(at(deploy, ['spec', 'template', 'spec', 'hostIPC'])).toBe('app/any-name.yaml:8');
      expect(at(deploy, ['spec', 'replicas'])).toBe(`app/deploy.yaml:${lineOf(BASE_DEPLOY, 'replicas')}`);
    } finally {
      f.remove();
    }
  });

  it('leaves a missing file out of the build (loading reports it) and renders the rest', async () => {
    const f = makeFixtureRepo({
      'app/kustomization.yaml': lines('resources:', '- cm.yaml', '- gone.yaml', 'patches:', '- path: gone-patch.yaml'),
      'app/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a')
    });
    try {
      const d = discoverTargets(f.repo, { include: [], exclude: [], targets: [] });
      expect((d.targets[0].problems ?? []).map((e) => [e.ruleId, e.line])).toEqual([
        ['file-not-found', 3],
        ['file-not-found', 5]
      ]);
      const out = await renderKustomize(d.targets[0], f.repo, OPTIONS);
      expect(out.errors).toEqual([]);
      expect(out.objects.map((o) => o.name)).toEqual(['a']);
    } finally {
      f.remove();
    }
  });

  it('runs kustomize without plugin, exec or Helm flags', () => {
    expect([['build'], ['kustomize']]).toContainEqual([...binary!.args]);
  });
});

(binary ? describe : describe.skip)('renderKustomize: hostile and broken input', () => {
  it('refuses a remote resource and renders the rest without network', async () => {
    const f = makeFixtureRepo({
      'app/kustomization.yaml': lines('resources:', '- cm.yaml', '- https://raw.githubusercontent.com/example/repo/main/evil.yaml', '- github.com/example/repo//base?ref=v1'),
      'app/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a')
    });
    try {
      const d = discoverTargets(f.repo, { include: [], exclude: [], targets: [] });
      expect((d.targets[0].problems ?? []).map((e) => [e.file, e.ruleId, e.line])).toEqual([
        ['app/kustomization.yaml', 'remote-resource', 3],
        ['app/kustomization.yaml', 'remote-resource', 4]
      ]);
      const out = await renderKustomize(d.targets[0], f.repo, OPTIONS);
      expect(out.errors).toEqual([]);
      expect(out.objects.map((o) => o.name)).toEqual(['a']);
    } finally {
      f.remove();
    }
  });

  it('refuses `../` outside the repository; kustomize never sees the outside file', async () => {
    const f = makeFixtureRepo({
      'app/kustomization.yaml': lines('resources:', '- cm.yaml', '- ../../../../../etc/hosts'),
      'app/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a')
    });
    try {
      const d = discoverTargets(f.repo, { include: [], exclude: [], targets: [] });
      expect((d.targets[0].problems ?? []).map((e) => [e.file, e.ruleId, e.line])).toEqual([['app/kustomization.yaml', 'path-outside-repository', 3]]);
      const out = await renderKustomize(d.targets[0], f.repo, OPTIONS);
      expect(out.errors).toEqual([]);
      expect(out.objects.map((o) => o.name)).toEqual(['a']);
    } finally {
      f.remove();
    }
  });

  it('turns a kustomize error into an InputError on the kustomization line; other targets still render', async () => {
    const broken = lines('resources:', '- deploy.yaml', 'patches:', '- path: patch.yaml');
    const f = makeFixtureRepo({
      'broken/kustomization.yaml': broken,
      'broken/deploy.yaml': BASE_DEPLOY,
      'broken/patch.yaml': lines('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: nope', 'spec:', '  replicas: 2'),
      'unknown/kustomization.yaml': lines('resources:', '- cm.yaml', 'notAField: 1'),
      'unknown/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a'),
      'good/kustomization.yaml': lines('resources:', '- cm.yaml'),
      'good/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: fine')
    });
    try {
      const d = discoverTargets(f.repo, { include: [], exclude: [], targets: [] });
      expect(d.targets.map((t) => t.id)).toEqual(['kustomize:broken', 'kustomize:good', 'kustomize:unknown']);
      const outs = await Promise.all(d.targets.map((t) => renderTarget(t, f.repo, OPTIONS)));
      expect(outs[0].objects).toEqual([]);
      expect(outs[0].errors).toHaveLength(1);
      expect(outs[0].errors[0]).toMatchObject({ file: 'broken/kustomization.yaml', ruleId: 'kustomize-build-failed', line: 4 });
      expect(outs[0].errors[0].reason).toContain('nope');
      expect(outs[0].errors[0].reason).not.toContain(os.tmpdir());
      expect(outs[0].errors[0].reason).not.toContain('gitops-gate-kustomize-');
      expect(outs[1].errors).toEqual([]);
      expect(outs[1].objects.map((o) => o.name)).toEqual(['fine']);
      expect(outs[2].errors[0]).toMatchObject({ file: 'unknown/kustomization.yaml', ruleId: 'kustomize-build-failed', line: 3 });
    } finally {
      f.remove();
    }
  });

  it('stops a build that runs past the timeout with a render-timeout error', async () => {
    const f = makeFixtureRepo(standardRepo());
    try {
      const t = discoverTargets(f.repo, { include: [], exclude: [], targets: [] }).targets.find((x) => x.id === 'kustomize:overlays/dev')!;
      const slow = new KustomizeBinary(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], 'slow kustomize');
      const started = Date.now();
      const out = await renderKustomize(t, f.repo, { timeoutMs: 300, binary: slow });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(out.objects).toEqual([]);
      expect(out.errors).toEqual([expect.objectContaining({ file: 'overlays/dev/kustomization.yaml', ruleId: 'render-timeout' })]);
    } finally {
      f.remove();
    }
  });

  it('bounds the output size', async () => {
    const f = makeFixtureRepo(standardRepo());
    try {
      const t = discoverTargets(f.repo, { include: [], exclude: [], targets: [] }).targets.find((x) => x.id === 'kustomize:overlays/dev')!;
      const out = await renderKustomize(t, f.repo, { ...OPTIONS, maxOutputBytes: 100 });
      expect(out.errors.map((e) => e.ruleId)).toEqual(['render-output-too-large']);
    } finally {
      f.remove();
    }
  });

  it('builds without Helm inflation, reporting the helmCharts entry', async () => {
    const f = makeFixtureRepo({
      'app/kustomization.yaml': lines('resources:', '- cm.yaml', 'helmCharts:', '- name: redis', '  repo: https://charts.example.com', '  version: 1.0.0'),
      'app/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a')
    });
    try {
      const d = discoverTargets(f.repo, { include: [], exclude: [], targets: [] });
      expect((d.targets[0].problems ?? []).map((e) => [e.ruleId, e.line])).toEqual([['helm-inflation-disabled', 3]]);
      const out = await renderKustomize(d.targets[0], f.repo, OPTIONS);
      expect(out.errors).toEqual([]);
      expect(out.objects.map((o) => o.name)).toEqual(['a']);
    } finally {
      f.remove();
    }
  });
});

describe('renderKustomize through symbolic links inside the repository', () => {
  it('follows folders by their real path, as kustomize does, and maps findings to the real files', async () => {
    const f = makeFixtureRepo({
      'real/base/kustomization.yaml': lines('resources:', '- cm.yaml'),
      'real/base/cm.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: from-base'),
      'app/kustomization.yaml': lines('resources:', '- ../linked-base')
    });
    try {
      symlinkSync('real/base', path.join(f.root, 'linked-base'));
      symlinkSync('app', path.join(f.root, 'app-link'));
      const d = discoverTargets(f.repo, { include: [], exclude: [], targets: [{ path: 'app-link', kind: 'kustomize' }] });
      expect(d.targets[0].inputs).toEqual(['app/kustomization.yaml', 'real/base/cm.yaml', 'real/base/kustomization.yaml']);
      const out = await renderKustomize(d.targets[0], f.repo, OPTIONS);
      expect(out.errors).toEqual([]);
      expect(out.objects.map((o) => o.name)).toEqual(['from-base']);
      expect(out.objects[0].sourceMap.locate(['metadata', 'name']).location).toMatchObject({ file: 'real/base/cm.yaml', line: 4 });
    } finally {
      f.remove();
    }
  });
});
