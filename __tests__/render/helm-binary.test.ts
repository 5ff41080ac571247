/**
 * `renderer: helm`: the helm binary's output is parsed and mapped to template files. Rendering runs the real
 * released Helm (helpers/real-helm.ts); what only the gate's walls decide (the environment helm sees, a helm that
 * hangs) uses a stand-in `helm` that records its argv and environment and calls other programs by absolute path,
 * since its PATH holds only itself.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { helmTemplateArgs, renderWithHelmBinary } from '../../src/render/helm-binary.js';
import { RepoFiles } from '../../src/repo/files.js';
import type { Target } from '../../src/targets/types.js';
import { realHelm } from '../helpers/real-helm.js';
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

function fakeHelm(dir: string, behaviour: 'ok' | 'hang'): string {
  const file = path.join(dir, 'helm');
  const body =
    behaviour === 'ok'
      ? `printf '%s\\n' "$@" > "${dir}/argv"\nprintf '%s\\n' "$PATH" "$HOME" "\${GITHUB_TOKEN-unset}" "$(command -v git)" > "${dir}/env"\n/bin/cat <<'OUT'\n${rendered}OUT\n`
      : '/bin/sleep 10\n';
  writeFileSync(file, `#!/bin/sh\n${body}`);
  chmodSync(file, 0o755);
  return file;
}

describe('rendering with the helm binary', () => {
  const root = tempDir();
  writeTree(root, {
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
    'charts/api/values.yaml': 'privileged: false\nimage:\n  tag: latest\n',
    'charts/api/values-prod.yaml': 'privileged: true\n',
    'charts/api/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: nginx:{{ .Values.image.tag }}\n          securityContext:\n            privileged: {{ .Values.privileged }}\n'
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

  const helm = realHelm();
  const withHelm = 'path' in helm ? test : test.skip;
  if ('skip' in helm) console.log(helm.skip);
  const real = (): string => ('path' in helm ? helm.path : '');

  withHelm('real Helm renders the release with its namespace, values files and set entries, and objects map to template lines', async () => {
    const out = await renderWithHelmBinary(target, repo, { timeoutMs: 60_000 }, real());
    expect(out.errors).toEqual([]);
    expect(out.objects.map((o) => [o.kind, o.name, o.namespace])).toEqual([['Deployment', 'web-api', undefined]]);
    const container = (out.objects[0].body as { spec: { template: { spec: { containers: { image: string; securityContext: { privileged: boolean } }[] } } } }).spec.template.spec.containers[0];
    // values-prod.yaml (privileged: true) and --set image.tag=v1 reached Helm; the release name too
    expect(container).toEqual({ name: 'api', image: 'nginx:v1', securityContext: { privileged: true } });
    const located = out.objects[0].sourceMap.locate(['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged']);
    expect(located.location).toEqual({ file: 'charts/api/templates/deployment.yaml', line: 12 });
  });

  withHelm("Helm's environment flags reach real Helm: --kube-version, --api-versions, --skip-schema-validation", async () => {
    const root = tempDir();
    writeTree(root, {
      'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\nkubeVersion: ">= 1.30.0-0"\n',
      'c/values.schema.json': '{"type":"object","properties":{"port":{"type":"integer"}}}',
      'c/values.yaml': 'port: not-a-number\n',
      'c/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caps\ndata:\n  kube: {{ .Capabilities.KubeVersion.Version }}\n  x: "{{ .Capabilities.APIVersions.Has "x.example/v1" }}"\n'
    });
    const t: Target = { ...target, id: 'helm:c', path: 'c', inputs: ['c/Chart.yaml', 'c/templates/cm.yaml', 'c/values.schema.json', 'c/values.yaml'], helm: { ...target.helm!, valuesFiles: [], set: [] } };
    const bare = await renderWithHelmBinary(t, new RepoFiles(root), { timeoutMs: 60_000 }, real());
    expect(bare.errors[0].reason).toMatch(/^helm template failed: Error: values don't meet the specifications of the schema\(s\)/);
    const out = await renderWithHelmBinary(t, new RepoFiles(root), { timeoutMs: 60_000 }, real(), { kubeVersion: '1.31.2', apiVersions: ['x.example/v1'], skipSchemaValidation: true });
    expect(out.errors).toEqual([]);
    expect((out.objects[0].body as { data: unknown }).data).toEqual({ kube: 'v1.31.2', x: 'true' });
    const old = await renderWithHelmBinary(t, new RepoFiles(root), { timeoutMs: 60_000 }, real(), { kubeVersion: '1.29', skipSchemaValidation: true });
    expect(old.errors[0].reason).toBe('helm template failed: Error: chart requires kubeVersion: >= 1.30.0-0 which is incompatible with Kubernetes v1.29\n\nUse --debug flag to render out invalid YAML');
  });

  test('passes the release, namespace, values files and set entries, inside a private copy', async () => {
    const bin = tempDir();
    const fake = fakeHelm(bin, 'ok');
    const out = await renderWithHelmBinary(target, repo, { timeoutMs: 10_000 }, fake);
    const argv = readFileSync(path.join(bin, 'argv'), 'utf8').trim().split('\n');
    expect(argv[0]).toBe('template');
    expect(argv[1]).toBe('web');
    expect(argv[2]).toMatch(/gitops-gate-helm-.*\/charts\/api$/);
    expect(argv.slice(3)).toEqual(['--namespace', 'shop', '--values', expect.stringMatching(/\/charts\/api\/values-prod\.yaml$/), '--set', 'image.tag=v1']);
    expect(argv[2].startsWith(root)).toBe(false);
    expect(out.errors).toEqual([]);
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

  withHelm('real Helm errors become a finding on the chart, with the sandbox path removed', async () => {
    const root = tempDir();
    writeTree(root, { 'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n', 'charts/api/templates/deployment.yaml': 'x: {{ .Values.a.b }}\n' });
    const t: Target = { ...target, inputs: ['charts/api/Chart.yaml', 'charts/api/templates/deployment.yaml'], helm: { ...target.helm!, valuesFiles: [], set: [] } };
    const out = await renderWithHelmBinary(t, new RepoFiles(root), { timeoutMs: 60_000 }, real());
    expect(out.objects).toEqual([]);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ file: 'charts/api/Chart.yaml', ruleId: 'helm-render-failed' });
    expect(out.errors[0].reason).toBe('helm template failed: Error: api/templates/deployment.yaml:1:13\n  executing "api/templates/deployment.yaml" at <.Values.a.b>:\n    nil pointer evaluating interface {}.b\n\nUse --debug flag to render out invalid YAML');
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
