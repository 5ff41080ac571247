/**
 * Pull-request mode when the workflow ran `helm dependency build` first: the built `charts/*.tgz` are untracked
 * (git-ignored) files of the working tree. The base revision uses them too while the chart's dependency list and
 * lock are unchanged, so a one-line values change reports what the line changed and nothing else; when the
 * dependencies change, the base renders without them and the report says why every finding counts as new.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from '@jest/globals';
import { writeTar } from '../../src/render/helm/archive.js';
import { run } from '../../src/run.js';
import { commitAll, gitRepo, removeDir, writeTree } from '../helpers/temp-repo.js';

const library = gzipSync(
  writeTar([
    { name: 'common/Chart.yaml', data: 'apiVersion: v2\nname: common\nversion: 1.0.0\ntype: library\n' },
    { name: 'common/templates/_pod.tpl', data: '{{- define "common.securityContext" -}}\nprivileged: {{ .Values.privileged }}\n{{- end -}}\n' }
  ])
);

const chart = (commonVersion: string) => ({
  '.gitignore': 'charts/app/charts/*.tgz\n',
  'charts/app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: ${commonVersion}\n    repository: https://charts.example.com\n`,
  'charts/app/Chart.lock': `dependencies:\n- name: common\n  repository: https://charts.example.com\n  version: ${commonVersion}\n`,
  'charts/app/values.yaml': 'privileged: true\nreplicas: 1\n',
  'charts/app/templates/pod.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  annotations:\n    replicas: {{ .Values.replicas | quote }}\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        {{- include "common.securityContext" . | nindent 8 }}\n'
});

function built(root: string): void {
  mkdirSync(path.join(root, 'charts/app/charts'), { recursive: true });
  writeFileSync(path.join(root, 'charts/app/charts/common-1.0.0.tgz'), library);
}

describe('chart dependencies built in the workflow', () => {
  test('a one-line values change: the base renders with the built dependencies, the existing debt stays existing', async () => {
    const root = gitRepo(chart('1.0.0'));
    try {
      writeTree(root, { 'charts/app/values.yaml': 'privileged: true\nreplicas: 2\n' });
      commitAll(root, 'two replicas');
      built(root);
      const result = await run({ root, base: 'HEAD~1' });
      expect(result.targets.map((t) => [t.id, t.checked])).toEqual([['helm:charts/app', true]]);
      expect(result.findings.find((f) => f.ruleId === 'pss-privileged')?.status).toBe('existing');
      expect(result.findings.filter((f) => f.status === 'new')).toEqual([]);
      expect(result.blocking).toEqual([]);
      expect(result.notes).toContain('The base revision was rendered with the chart dependencies built in the working tree for charts/app: their dependency lists and lock files did not change.');
    } finally {
      removeDir(root);
    }
  });

  test('a change to the dependencies: the base keeps what git holds, and the report says why all findings are new', async () => {
    const root = gitRepo(chart('0.9.0'));
    try {
      writeTree(root, chart('1.0.0'));
      commitAll(root, 'common 1.0.0');
      built(root);
      const result = await run({ root, base: 'HEAD~1' });
      expect(result.findings.find((f) => f.ruleId === 'pss-privileged')?.status).toBe('new');
      expect(result.notes).toContain(
        'helm:charts/app could not be rendered at the base revision (its chart dependencies changed, so those built in the working tree were not used for the base): every finding of it counts as new.'
      );
    } finally {
      removeDir(root);
    }
  });
});
