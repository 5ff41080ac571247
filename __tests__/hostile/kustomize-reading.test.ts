/**
 * Hostile corpus, parser mismatch: kustomizations spelled so that a naive reader sees one thing and kustomize (Go,
 * case-insensitive field names, YAML 1.1, merge keys) another. Every spelling must be read as kustomize reads it:
 * remote entries refused, never fetched (a canary server counts connections), nothing from outside the repository
 * in any report, and the run blocking with a finding that names the kustomization file.
 */
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { run, type RunResult } from '../../src/run.js';
import { reportsFor } from '../../src/report/outputs.js';
import { loadKustomizationGraph } from '../../src/targets/kustomization.js';
import { createSandbox } from '../../src/render/kustomize/sandbox.js';
import { RepoFiles } from '../../src/repo/files.js';
import { goFoldName } from '../../src/targets/kustomization-schema.js';
import { canaryFolder, startCanaryServer, type CanaryServer } from '../helpers/canary.js';
import { removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\ndata:\n  a: "1"\n';

let canary: CanaryServer;
let outside: ReturnType<typeof canaryFolder>;
let root: string;
let result: RunResult;
let everyReport: string;

/** app folder -> kustomization text (with `URL` replaced by the canary's address). */
const CASES: Record<string, string> = {
  'long-s': 'reſources:\n  - cm.yaml\n  - URL/long-s.yaml\n',
  'upper-case': 'RESOURCES:\n  - cm.yaml\n  - URL/upper.yaml\n',
  'two-spellings': 'resources:\n  - cm.yaml\nResources:\n  - URL/two.yaml\n',
  'merge-key': '<<:\n  resources:\n    - URL/merged.yaml\n',
  'merge-over-explicit': 'resources:\n  - cm.yaml\n<<: {resources: [URL/override.yaml]}\n',
  'alias-into-components': 'resources: &r\n  - cm.yaml\ncomponents: *r\npatches:\n  - path: URL/patch.yaml\n',
  'nested-fold': 'resources:\n  - cm.yaml\npatches:\n  - PATH: URL/nested.yaml\n    target: {kind: ConfigMap}\n',
  binary: 'resources:\n  - cm.yaml\n  - !!binary BINARY\n',
  'inline-transformer': 'resources:\n  - cm.yaml\ntransformers:\n  - |\n    apiVersion: builtin\n    kind: PatchTransformer\n    metadata: {name: p}\n    path: URL/inline-transformer.yaml\n',
  'transformer-file': 'resources:\n  - cm.yaml\ntransformers:\n  - t.yaml\n',
  'go-getter': 'resources:\n  - cm.yaml\n  - git::URL/repo.git//base?ref=main\n',
  'yaml11-bool': 'resources:\n  - cm.yaml\n  - yes\n',
  'duplicate-key': 'resources:\n  - cm.yaml\nresources:\n  - URL/dup.yaml\n',
  'folded-helm': 'resources:\n  - cm.yaml\nHELMCHARTS:\n  - name: evil\n    repo: URL\n',
  'dot-dot-out': 'resources:\n  - cm.yaml\n  - ../../../OUTSIDE\n',
  'link-out': 'resources:\n  - cm.yaml\n  - linked\n',
  'link-loop': 'resources:\n  - cm.yaml\n  - loop\n'
};

beforeAll(async () => {
  canary = await startCanaryServer();
  outside = canaryFolder();
  root = tempDir('gg-hostile-kust-');
  const files: Record<string, string> = {};
  for (const [app, text] of Object.entries(CASES)) {
    files[`apps/${app}/kustomization.yaml`] = text
      .replaceAll('URL', canary.url)
      .replace('BINARY', Buffer.from(`${canary.url}/binary.yaml`).toString('base64'))
      .replace('OUTSIDE', path.relative(path.join(root, 'apps', app), outside.dir));
    files[`apps/${app}/cm.yaml`] = CM;
  }
  files['apps/transformer-file/t.yaml'] = `apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: p}\nPath: ${canary.url}/transformer-file.yaml\n`;
  writeTree(root, files);
  symlinkSync(outside.dir, path.join(root, 'apps/link-out/linked'));
  symlinkSync('.', path.join(root, 'apps/link-loop/loop'));
  result = await run({ root });
  const reports = reportsFor(result, { toolVersion: 'test' });
  everyReport = [reports.text(), reports.json(), JSON.stringify(reports.sarif()), reports.summary()].join('\n');
}, 120_000);

afterAll(async () => {
  await canary?.close();
  removeDir(root);
  removeDir(outside.dir);
});

const findingsOf = (app: string) => result.findings.filter((f) => f.location.file === `apps/${app}/kustomization.yaml`);
const targetOf = (app: string) => result.targets.find((t) => t.id === `kustomize:apps/${app}`)!;

describe('kustomizations read as kustomize reads them', () => {
  test('no spelling makes kustomize fetch anything: the canary server saw no connection', () => {
    expect(canary.connections()).toBe(0);
    expect(canary.requests()).toEqual([]);
  });

  test('nothing from outside the repository shows up in any report', () => {
    expect(everyReport).not.toContain(outside.marker);
    expect(everyReport).not.toContain(outside.marker.toLowerCase());
    expect(result.findings.some((f) => f.object?.name === 'outside')).toBe(false);
  });

  test('every hostile kustomization blocks, with a finding on its own file, and its target counts as not checked', () => {
    for (const app of Object.keys(CASES)) {
      const blocking = result.blocking.filter((f) => f.location.file === `apps/${app}/kustomization.yaml`);
      expect([app, blocking.length > 0]).toEqual([app, true]);
      expect([app, targetOf(app).checked]).toEqual([app, false]);
    }
    // The local ConfigMaps of kustomizations that were refused whole are plain manifests, checked as such.
    expect(result.coverage).toMatchObject({ unchecked: Object.keys(CASES).length });
    expect(result.targets.filter((t) => t.checked).every((t) => t.kind === 'manifests')).toBe(true);
  });

  test.each([
    ['long-s', 'remote-resource', 3],
    ['upper-case', 'remote-resource', 3],
    ['merge-key', 'remote-resource', 3],
    ['alias-into-components', 'remote-resource', 5],
    ['nested-fold', 'remote-resource', 4],
    ['binary', 'remote-resource', 3],
    ['go-getter', 'remote-resource', 3],
    ['inline-transformer', 'remote-resource', 4],
    ['transformer-file', 'remote-resource', 4],
    ['folded-helm', 'helm-inflation-disabled', 3],
    ['dot-dot-out', 'path-outside-repository', 3],
    ['link-out', 'path-outside-repository', 3]
  ])('%s: the entry is refused (%s on line %d) and the local resources are still rendered and checked', (app, ruleId, line) => {
    expect(findingsOf(app).map((f) => [f.ruleId, f.location.line])).toContainEqual([ruleId, line]);
    // (merge-key has no local resource; alias-into-components names a file as a component, which kustomize refuses)
    if (app !== 'merge-key' && app !== 'alias-into-components') expect(targetOf(app).objects).toBeGreaterThan(0);
  });

  test.each([
    ['two-spellings', 'invalid-kustomization', /"Resources" and "resources" are the same Kustomization field "resources"/],
    ['merge-over-explicit', 'ambiguous-yaml', /key "resources" is given both explicitly and by a merge key/],
    ['duplicate-key', 'duplicate-key', /unique/i],
    ['yaml11-bool', 'invalid-kustomization', /Kustomization\.resources must be a list of strings \(entry 2 is a boolean\)/]
  ])('%s: a kustomization that cannot be read unambiguously is refused whole and never rendered', (app, ruleId, reason) => {
    const own = findingsOf(app);
    expect(own.find((f) => f.ruleId === ruleId)?.message).toMatch(reason);
    expect(own.map((f) => f.ruleId)).toContain('kustomization-not-rendered');
    expect(targetOf(app).objects).toBe(0);
  });

  test('a symbolic-link loop is a cycle, found by real path, in bounded time', () => {
    expect(findingsOf('link-loop').map((f) => f.ruleId)).toContain('kustomization-cycle');
    expect(targetOf('link-loop').objects).toBe(0);
  });
});

describe('the sandbox holds what the gate checked', () => {
  test('kustomizations are re-serialised: canonical keys, merge keys expanded, refused entries gone', () => {
    const dir = tempDir('gg-sandbox-');
    try {
      writeTree(dir, {
        'base/kustomization.yaml': 'reſources: [cm.yaml]\n',
        'base/cm.yaml': CM,
        'app/kustomization.yaml': `anchors: &a\n  - ../base\n<<: {RESOURCES: *a}\nPATCHES:\n  - Path: p.yaml\n    target: {kind: ConfigMap}\n  - path: https://example.com/x.yaml\nnamePrefix: on\n`,
        'app/p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\ndata:\n  b: "2"\n'
      });
      const repo = new RepoFiles(dir);
      const graph = loadKustomizationGraph(repo, 'app');
      const sandbox = createSandbox(repo, 'app', graph.inputs, graph);
      try {
        const app = JSON.parse(readFileSync(path.join(sandbox.root, 'app/kustomization.yaml'), 'utf8'));
        expect(app).toEqual({
          anchors: ['../base'],
          resources: ['../base'],
          patches: [{ path: 'p.yaml', target: { kind: 'ConfigMap' } }],
          namePrefix: true,
          buildMetadata: ['originAnnotations', 'transformerAnnotations']
        });
        expect(JSON.parse(readFileSync(path.join(sandbox.root, 'base/kustomization.yaml'), 'utf8'))).toEqual({ resources: ['cm.yaml'] });
      } finally {
        sandbox.remove();
      }
    } finally {
      removeDir(dir);
    }
  });

  test('Go folds field names with Unicode simple folding: ſ is s, the Kelvin sign is k', () => {
    expect(goFoldName('reſources')).toBe(goFoldName('RESOURCES'));
    expect(goFoldName('\u212Aind')).toBe(goFoldName('kind'));
    expect(goFoldName('resourceſ')).toBe('RESOURCES');
    expect(goFoldName('résources')).not.toBe(goFoldName('resources'));
  });
});
