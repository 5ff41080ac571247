/**
 * Helm's environment in a scan: the Kubernetes version and API versions Helm is told (config, per chart, the command
 * line), schema validation switched off per chart, and what a render could not check as Helm would (a note).
 */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { runCli } from '../helpers/cli.js';
import { removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const chartYaml = (name: string, extra = '') => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;

function repo(files: Record<string, string>): string {
  const root = tempDir('gg-helm-env-');
  writeTree(root, files);
  return root;
}

const NEW_CLUSTER = {
  'charts/new/Chart.yaml': chartYaml('new', 'kubeVersion: ">= 1.36.0-0"\n'),
  'charts/new/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\ndata:\n  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n',
  'charts/monitored/Chart.yaml': chartYaml('monitored'),
  'charts/monitored/templates/sm.yaml':
    '{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: sm\n{{- end }}\n'
};

describe("Helm's environment", () => {
  test('by default Helm is told v1.35.0: a chart that needs a newer cluster is not checked, and says why', async () => {
    const root = repo(NEW_CLUSTER);
    try {
      const result = await run({ root });
      expect(result.findings.find((f) => f.target === 'helm:charts/new')).toMatchObject({
        ruleId: 'helm-render-failed',
        message: expect.stringContaining('chart requires kubeVersion: >= 1.36.0-0 which is incompatible with Kubernetes v1.35.0')
      });
      expect(result.targets.find((t) => t.id === 'helm:charts/monitored')!.objects).toBe(0);
    } finally {
      removeDir(root);
    }
  });

  test('the config tells Helm the cluster: kubeVersion and apiVersions, globally and per chart', async () => {
    const root = repo({
      ...NEW_CLUSTER,
      '.gitops-gate.yaml': 'kubeVersion: v1.36.2\ncharts:\n  - path: charts/monitored\n    apiVersions: [monitoring.coreos.com/v1]\n'
    });
    try {
      const result = await run({ root });
      expect(result.targets.map((t) => [t.id, t.checked, t.objects])).toEqual([
        ['helm:charts/monitored', true, 1],
        ['helm:charts/new', true, 1]
      ]);
    } finally {
      removeDir(root);
    }
  });

  test('the command line tells Helm the cluster too (--kube-version, --api-versions), and refuses a bad version', () => {
    const root = repo(NEW_CLUSTER);
    try {
      const ok = runCli(['scan', root, '--format', 'json', '--kube-version', '1.36.0', '-a', 'monitoring.coreos.com/v1,x.io/v1']);
      expect(JSON.parse(ok.stdout).targets.map((t: { id: string; objects: number }) => [t.id, t.objects])).toEqual([
        ['helm:charts/monitored', 1],
        ['helm:charts/new', 1]
      ]);
      const bad = runCli(['scan', root, '--kube-version', 'banana']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain(`--kube-version: invalid kube version 'banana'`);
    } finally {
      removeDir(root);
    }
  });

  test('schema validation can be switched off per chart; a schema $ref Helm would fetch checks nothing and adds a note', async () => {
    const schema = (ref: string) => JSON.stringify({ type: 'object', properties: { replicas: { type: 'integer' }, image: { $ref: ref } } });
    const files = {
      'charts/strict/Chart.yaml': chartYaml('strict'),
      'charts/strict/values.yaml': 'replicas: many\n',
      'charts/strict/values.schema.json': schema('#/definitions/none'),
      'charts/strict/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\n',
      'charts/remote/Chart.yaml': chartYaml('remote'),
      'charts/remote/values.yaml': 'replicas: 2\nimage: {}\n',
      'charts/remote/values.schema.json': schema('https://schemas.example.com/image.json'),
      'charts/remote/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: remote\n'
    };
    const root = repo(files);
    const skipped = repo({ ...files, '.gitops-gate.yaml': 'charts:\n  - path: charts/strict\n    skipSchemaValidation: true\n' });
    try {
      const strict = await run({ root });
      expect(strict.targets.map((t) => [t.id, t.checked])).toEqual([
        ['helm:charts/remote', true],
        ['helm:charts/strict', false]
      ]);
      expect(strict.notes).toContain(
        'charts/remote/values.schema.json: $ref "https://schemas.example.com/image.json" points outside the chart, which Helm would fetch and a render does not (no network): the values it describes were not checked against it'
      );
      const lenient = await run({ root: skipped });
      expect(lenient.targets.map((t) => [t.id, t.checked])).toEqual([
        ['helm:charts/remote', true],
        ['helm:charts/strict', true]
      ]);
    } finally {
      removeDir(root);
      removeDir(skipped);
    }
  });
});
