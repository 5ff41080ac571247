/**
 * A key repeated in one mapping, as real charts print it (kubeflow's katib prints its Prometheus annotations
 * twice under its OpenShift profile, and Helm installs that): with the same value the object is still checked and
 * the repeat is a low finding on the template line; with different values the object is not checked.
 */
import { describe, expect, test } from '@jest/globals';
import { scanTree } from '../helpers/scan-tree.js';

const chart = (annotations: string) => ({
  'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'chart/values.yaml': 'port: 8080\n',
  'chart/templates/_helpers.tpl': `{{- define "web.annotations" -}}\nprometheus.io/port: "{{ .Values.port }}"\n{{- end }}\n`,
  'chart/templates/pod.yaml': [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: web',
    '  annotations:',
    '    {{- include "web.annotations" . | nindent 4 }}',
    `    ${annotations}`,
    'spec:',
    '  containers:',
    '    - name: web',
    '      image: nginx:1.27',
    '      securityContext:',
    '        privileged: true',
    ''
  ].join('\n')
});

const scan = (files: Record<string, string>) => scanTree(files, 'gg-repeated-');

describe('keys repeated in rendered output', () => {
  test('the same value twice: checked, and the repeat is a low finding on the template line', async () => {
    const result = await scan(chart('prometheus.io/port: "{{ .Values.port }}"'));
    expect(result.targets.map((t) => [t.id, t.checked])).toEqual([['helm:chart', true]]);
    expect(result.findings.find((f) => f.ruleId === 'repeated-key')).toMatchObject({
      severity: 'low',
      location: { file: 'chart/templates/pod.yaml', line: 7 },
      message: expect.stringContaining('"prometheus.io/port" with the same value')
    });
    expect(result.findings.some((f) => f.ruleId === 'pss-privileged')).toBe(true);
  });

  test('different values: the object is not checked, and the gate says so', async () => {
    const result = await scan(chart('prometheus.io/port: "9090"'));
    expect(result.targets.map((t) => [t.id, t.checked])).toEqual([['helm:chart', false]]);
    expect(result.findings.find((f) => f.ruleId === 'duplicate-key')).toMatchObject({
      severity: 'high',
      location: { file: 'chart/templates/pod.yaml', line: 7 },
      message: expect.stringContaining('different values')
    });
    expect(result.findings.some((f) => f.ruleId === 'pss-privileged')).toBe(false);
  });
});
