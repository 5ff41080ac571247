import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderTarget } from '../../src/render/index.js';
import { renderManifests } from '../../src/render/manifests.js';
import { RepoFiles } from '../../src/repo/files.js';
import { discoverTargets } from '../../src/targets/discover.js';
import type { Target } from '../../src/targets/types.js';
import { lines, makeFixtureRepo, standardRepo, type FixtureRepo } from '../helpers/kustomize-fixture.js';

let fx: FixtureRepo | undefined;
const extra: string[] = [];
afterEach(() => {
  fx?.remove();
  fx = undefined;
  for (const d of extra.splice(0)) rmSync(d, { recursive: true, force: true });
});

const GOOD = lines(
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: debug',
  'spec:',
  '  containers:',
  '  - name: shell',
  '    image: busybox',
  '    securityContext:',
  '      privileged: true',
  '---',
  'apiVersion: v1',
  'kind: ServiceAccount',
  'metadata:',
  '  name: bot'
);

const target = (files: string[]): Target => ({ id: 'manifests:apps', kind: 'manifests', path: 'apps', inputs: files, files, renderable: true });

describe('renderManifests', () => {
  it('loads the good file and reports the bad one', () => {
    fx = makeFixtureRepo({ 'apps/good.yaml': GOOD, 'apps/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [\n' });
    const d = discoverTargets(fx.repo, { include: [], exclude: [], targets: [] });
    expect(d.targets.map((t) => [t.id, t.files])).toEqual([['manifests:apps', ['apps/bad.yaml', 'apps/good.yaml']]]);
    const out = renderManifests(d.targets[0], fx.repo);
    expect(out.objects.map((o) => `${o.kind} ${o.name}`)).toEqual(['Pod debug', 'ServiceAccount bot']);
    expect(out.objects.every((o) => o.target === 'manifests:apps')).toBe(true);
    const located = out.objects[0].sourceMap.locate(['spec', 'containers', 0, 'securityContext', 'privileged']);
    expect(located.location).toMatchObject({ file: 'apps/good.yaml', line: 10 });
    expect(out.objects[1].sourceMap.locate(['metadata', 'name']).location).toMatchObject({ file: 'apps/good.yaml', line: 15 });
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ file: 'apps/bad.yaml', ruleId: 'invalid-yaml' });
  });

  it('reports documents that are not Kubernetes objects, files too large, bad UTF-8 and symlinks outside', () => {
    fx = makeFixtureRepo({
      'apps/good.yaml': GOOD,
      'apps/mixed.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: ok', '---', 'just: data'),
      'apps/big.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: "${'a'.repeat(4000)}"\n`,
      'apps/latin1.yaml': Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n', 'latin1')
    });
    const outside = mkdtempSync(path.join(os.tmpdir(), 'gitops-gate-outside-'));
    extra.push(outside);
    writeFileSync(path.join(outside, 'secret.yaml'), lines('apiVersion: v1', 'kind: Secret', 'metadata:', '  name: stolen'));
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(fx.root, 'apps/link.yaml'));
    const repo = new RepoFiles(fx.root, { maxFileBytes: 2048 });
    const files = ['apps/big.yaml', 'apps/good.yaml', 'apps/latin1.yaml', 'apps/link.yaml', 'apps/mixed.yaml', 'apps/missing.yaml'];
    const out = renderManifests(target(files), repo);
    expect(out.objects.map((o) => o.name)).toEqual(['debug', 'bot', 'ok']);
    expect(out.errors.map((e) => [e.file, e.ruleId, e.line])).toEqual([
      ['apps/big.yaml', 'file-too-large', undefined],
      ['apps/latin1.yaml', 'invalid-encoding', undefined],
      ['apps/link.yaml', 'path-outside-repository', undefined],
      ['apps/mixed.yaml', 'not-a-kubernetes-object', 6],
      ['apps/missing.yaml', 'file-not-found', undefined]
    ]);
    // Discovery lists the unreadable files with the folder so that rendering reports them; a link that leaves the
    // repository is reported by discovery itself and never read.
    const d = discoverTargets(repo, { include: [], exclude: [], targets: [] });
    expect(d.targets.map((t) => t.files)).toEqual([['apps/big.yaml', 'apps/good.yaml', 'apps/latin1.yaml', 'apps/mixed.yaml']]);
    expect(d.errors.map((e) => [e.file, e.ruleId])).toEqual([['apps/link.yaml', 'path-outside-repository']]);
  });
});

describe('renderTarget', () => {
  it('dispatches by kind, Helm charts to the built-in renderer', async () => {
    fx = makeFixtureRepo(standardRepo());
    const { targets } = discoverTargets(fx.repo, { include: [], exclude: ['overlays/**'], targets: [] });
    const outputs = await Promise.all(targets.map(async (t) => [t.id, (await renderTarget(t, fx!.repo, { timeoutMs: 60_000 })).objects.map((o) => o.name)] as const));
    expect(outputs).toEqual([
      ['helm:charts/app', ['app']],
      ['manifests:base', ['stray']],
      ['manifests:manifests', ['tools', 'bot']]
    ]);
  });
});
