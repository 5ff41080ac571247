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
