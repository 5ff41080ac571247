/**
 * Schema validation through a whole scan: the finding lands on the line a person edits (the manifest line, the
 * values line with the chart template line related), at the configured Kubernetes version.
 */
import { describe, expect, test } from '@jest/globals';
import { scanTree } from '../helpers/scan-tree.js';

const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'chart/values.yaml': 'port: 8080\nimage: nginx:1.27\n',
  'chart/templates/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ .Release.Name }}',
    'spec:',
    '  selector: { matchLabels: { app: web } }',
    '  template:',
    '    metadata: { labels: { app: web } }',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: {{ .Values.image }}',
    '          env:',
    '            - name: PORT',
    '              value: {{ .Values.port }}',
    ''
  ].join('\n')
};

async function schemaFindings(files: Record<string, string>) {
  const result = await scanTree(files, 'gg-schema-');
  return result.findings
    .filter((f) => f.ruleId === 'kubernetes-schema')
    .map((f) => ({ at: `${f.location.file}:${f.location.line}`, related: f.related.map((r) => `${r.file}:${r.line}`), message: f.message, severity: f.severity }));
}

describe('kubernetes-schema in a scan', () => {
  test('an unquoted number rendered into an env value: on the values line it came from, relating the template line', async () => {
    const found = await schemaFindings(CHART);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ at: 'chart/values.yaml:1', severity: 'high' });
    expect(found[0].related).toContain('chart/templates/deployment.yaml:15');
    expect(found[0].message).toContain('"value" must be a string, not an integer (8080): quote the value');
    expect(found[0].message).toContain('(Kubernetes v1.35 schema)');
  });

  test('quoting the value in the template fixes it', async () => {
    const fixed = { ...CHART, 'chart/templates/deployment.yaml': CHART['chart/templates/deployment.yaml'].replace('value: {{ .Values.port }}', 'value: {{ .Values.port | quote }}') };
    expect(await schemaFindings(fixed)).toEqual([]);
  });

  test('a field newer than the configured kubeVersion is refused by that version only', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  resources:\n    limits: { cpu: "1" }\n  containers: [{ name: c, image: "nginx:1.27" }]\n';
    expect(await schemaFindings({ '.gitops-gate.yaml': 'kubeVersion: v1.32.0\n', 'apps/pod.yaml': pod })).toEqual([]);
    const old = await schemaFindings({ '.gitops-gate.yaml': 'kubeVersion: v1.31.4\n', 'apps/pod.yaml': pod });
    expect(old.map((f) => f.at)).toEqual(['apps/pod.yaml:6']);
    expect(old[0].message).toContain('unknown field "resources" in core.v1.PodSpec');
  });

  test('a kind the configured version does not serve names the version to set', async () => {
    const mutating = 'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingAdmissionPolicy\nmetadata:\n  name: m\nspec: {}\n';
    const found = await schemaFindings({ 'policies/m.yaml': mutating });
    expect(found.map((f) => f.at)).toEqual(['policies/m.yaml:1']);
    expect(found[0].message).toContain('does not serve admissionregistration.k8s.io/v1 MutatingAdmissionPolicy (served in v1.36');
    expect(await schemaFindings({ '.gitops-gate.yaml': 'kubeVersion: v1.36.0\n', 'policies/m.yaml': mutating })).toEqual([]);
  });

  test('a beta version Kubernetes removed is api-version-removed, said once', async () => {
    const result = await scanTree({ 'apps/d.yaml': 'apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: d\nspec: {}\n' }, 'gg-schema-');
    expect(result.findings.filter((f) => f.ruleId === 'api-version-removed' || f.ruleId === 'kubernetes-schema').map((f) => f.ruleId)).toEqual(['api-version-removed']);
  });
});
