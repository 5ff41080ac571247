/** run() in pull-request mode: which objects each target adds, changes and removes between base and head. */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { commitAll, git, gitRepo, writeTree } from '../helpers/temp-repo.js';

const cm = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  key: "${value}"\n`;

describe('rendered object diff', () => {
  test('added, changed and removed objects per target', async () => {
    const root = gitRepo({
      'apps/base/kustomization.yaml': 'resources:\n  - a.yaml\n  - b.yaml\n',
      'apps/base/a.yaml': cm('a', '1'),
      'apps/base/b.yaml': cm('b', '1'),
      'apps/prod/kustomization.yaml': 'namespace: prod\nresources:\n  - ../base\n'
    });
    writeTree(root, { 'apps/base/kustomization.yaml': 'resources:\n  - a.yaml\n  - c.yaml\n', 'apps/base/a.yaml': cm('a', '2'), 'apps/base/c.yaml': cm('c', '1') });
    git(root, 'rm', '-q', 'apps/base/b.yaml');
    commitAll(root, 'change');
    const result = await run({ root, base: 'HEAD~1' });
    expect(result.targetDiffs).toEqual([
      {
        target: 'kustomize:apps/prod',
        added: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'prod' }],
        changed: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'prod' }],
        removed: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'b', namespace: 'prod' }]
      }
    ]);
  });
});

describe('Helm charts in pull-request mode', () => {
  const chart = (extraLine: string) => ({
    'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
    'charts/app/values.yaml': 'replicas: 2\n',
    'charts/app/templates/secret.yaml': `${extraLine}apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  password: {{ randAlphaNum 16 | quote }}\n  createdAt: {{ now | date "2006-01-02" | quote }}\n`,
    'charts/app/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  replicas: {{ .Values.replicas | quote }}\n'
  });

  test('random and clock values are volatile: moving their call site changes nothing; a values change does', async () => {
    const root = gitRepo(chart(''));
    writeTree(root, { ...chart('# the password is generated\n'), 'charts/app/values.yaml': 'replicas: 3\n' });
    commitAll(root, 'comment and replicas');
    const result = await run({ root, base: 'HEAD~1' });
    const diff = result.targetDiffs!.find((d) => d.target === 'helm:charts/app')!;
    expect(diff.changed.map((r) => r.kind)).toEqual(['ConfigMap']);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
  });
});

describe('fingerprints', () => {
  test('stay the same when unrelated lines move, and differ per object and field', async () => {
    const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      image: busybox:1.36\n`;
    const root = gitRepo({ 'apps/pods.yaml': `${pod('a')}---\n${pod('b')}` });
    const before = await run({ root });
    writeTree(root, { 'apps/pods.yaml': `# moved down by a comment\n# and another\n${pod('a')}---\n${pod('b')}` });
    const after = await run({ root });
    const key = (r: typeof before) => r.findings.filter((f) => f.ruleId === 'pss-host-namespaces').map((f) => [f.object?.name, f.location.line, f.fingerprint] as const);
    const [a1, b1] = key(before);
    const [a2, b2] = key(after);
    expect([a1[0], b1[0]]).toEqual(['a', 'b']);
    expect(a2[1]).toBe(a1[1] + 2);
    expect(a2[2]).toBe(a1[2]);
    expect(b2[2]).toBe(b1[2]);
    expect(a1[2]).not.toBe(b1[2]);
  });
});
