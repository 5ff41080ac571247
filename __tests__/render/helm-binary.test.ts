/**
 * `renderer: helm`: the helm binary's output is parsed and mapped to template files. A stand-in `helm` records
 * its argv and environment; it calls other programs by absolute path, since its PATH holds only itself.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { helmTemplateArgs, renderWithHelmBinary } from '../../src/render/helm-binary.js';
import { RepoFiles } from '../../src/repo/files.js';
import type { Target } from '../../src/targets/types.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const rendered = `---
# Source: api/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-api
spec:
  template:
    spec:
      containers:
        - name: api
          image: nginx
          securityContext:
            privileged: true
`;

function fakeHelm(dir: string, behaviour: 'ok' | 'fail' | 'hang'): string {
  const file = path.join(dir, 'helm');
  const body =
    behaviour === 'ok'
      ? `printf '%s\\n' "$@" > "${dir}/argv"\nprintf '%s\\n' "$PATH" "$HOME" "\${GITHUB_TOKEN-unset}" "$(command -v git)" > "${dir}/env"\n/bin/cat <<'OUT'\n${rendered}OUT\n`
      : behaviour === 'fail'
        ? `echo "Error: template: api/templates/deployment.yaml:3:7: executing \\"x\\" at <.Values.x>: nil pointer" >&2\nexit 1\n`
        : '/bin/sleep 10\n';
  writeFileSync(file, `#!/bin/sh\n${body}`);
  chmodSync(file, 0o755);
  return file;
}

describe('rendering with the helm binary', () => {
  const root = tempDir();
  writeTree(root, {
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
    'charts/api/values.yaml': 'x: 1\n',
    'charts/api/values-prod.yaml': 'x: 2\n',
    'charts/api/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          securityContext:\n            privileged: {{ .Values.privileged }}\n'
  });
  const repo = new RepoFiles(root);
  const target: Target = {
    id: 'helm:charts/api@prod',
    kind: 'helm',
    path: 'charts/api',
    inputs: ['charts/api/Chart.yaml', 'charts/api/templates/deployment.yaml', 'charts/api/values-prod.yaml', 'charts/api/values.yaml'],
    renderable: true,
    helm: { releaseName: 'web', namespace: 'shop', valuesFiles: ['charts/api/values-prod.yaml'], set: ['image.tag=v1'], env: 'prod' }
  };

  test('passes the release, namespace, values files and set entries, inside a private copy', async () => {
    const bin = tempDir();
    const helm = fakeHelm(bin, 'ok');
    const out = await renderWithHelmBinary(target, repo, { timeoutMs: 10_000 }, helm);
    const argv = readFileSync(path.join(bin, 'argv'), 'utf8').trim().split('\n');
    expect(argv[0]).toBe('template');
    expect(argv[1]).toBe('web');
    expect(argv[2]).toMatch(/gitops-gate-helm-.*\/charts\/api$/);
    expect(argv.slice(3)).toEqual(['--namespace', 'shop', '--values', expect.stringMatching(/\/charts\/api\/values-prod\.yaml$/), '--set', 'image.tag=v1']);
    expect(argv[2].startsWith(root)).toBe(false);
    expect(out.errors).toEqual([]);
    expect(out.objects).toHaveLength(1);
    const located = out.objects[0].sourceMap.locate(['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged']);
    expect(located.location).toEqual({ file: 'charts/api/templates/deployment.yaml', line: 9 });
  });

  test('helm runs inside the renderer walls: a PATH of its own, a fresh HOME, no token from the gate', async () => {
    const bin = tempDir();
    const saved = process.env.GITHUB_TOKEN;
    process.env.GITHUB_TOKEN = 'ghs_secret';
    try {
      const out = await renderWithHelmBinary(target, repo, { timeoutMs: 10_000 }, fakeHelm(bin, 'ok'));
      expect(out.errors).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_TOKEN;
      else process.env.GITHUB_TOKEN = saved;
    }
    const [envPath, home, token, git] = readFileSync(path.join(bin, 'env'), 'utf8').split('\n');
    expect(envPath).toMatch(/^[^:]*\/gitops-gate-run-[^/:]+\/bin$/);
    expect(home).toBe(path.join(path.dirname(envPath), 'home'));
    expect(token).toBe('unset');
    expect(git).toBe('');
  });

  test('helm errors become a finding on the chart, with the sandbox path removed', async () => {
    const out = await renderWithHelmBinary(target, repo, { timeoutMs: 10_000 }, fakeHelm(tempDir(), 'fail'));
    expect(out.objects).toEqual([]);
    expect(out.errors[0]).toMatchObject({ file: 'charts/api/Chart.yaml', ruleId: 'helm-render-failed' });
    expect(out.errors[0].reason).toMatch(/nil pointer/);
  });

  test('a hanging helm is stopped at the time limit', async () => {
    const out = await renderWithHelmBinary(target, repo, { timeoutMs: 300 }, fakeHelm(tempDir(), 'hang'));
    expect(out.errors[0]).toMatchObject({ ruleId: 'render-timeout' });
  });

  test('no helm on the PATH is a clear finding', async () => {
    const out = await renderWithHelmBinary(target, repo, { timeoutMs: 1000 }, undefined);
    expect(out.errors[0]).toMatchObject({ file: 'charts/api/Chart.yaml', ruleId: 'helm-not-found' });
  });

  test('the argv for a chart at the repository root', () => {
    expect(helmTemplateArgs({ ...target, path: '', helm: { ...target.helm!, valuesFiles: [], set: [] } }, '/sb')).toEqual(['template', 'web', '/sb', '--namespace', 'shop']);
  });
});
