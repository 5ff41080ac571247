/** Hostile charts in a scan: each problem is a finding naming the file and template line; the rest is still checked. */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const chartYaml = (name: string) => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;

describe('bad Helm input', () => {
  const root = tempDir();
  writeTree(root, {
    'charts/loop/Chart.yaml': chartYaml('loop'),
    'charts/loop/templates/_helpers.tpl': '{{- define "loop.again" -}}{{ include "loop.again" . }}{{- end -}}\n',
    'charts/loop/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loop\ndata:\n  x: {{ include "loop.again" . }}\n',
    'charts/files/Chart.yaml': chartYaml('files'),
    'charts/files/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: files\ndata:\n  leaked: {{ .Files.Get "../../secret.txt" | quote }}\n',
    'charts/required/Chart.yaml': chartYaml('required'),
    'charts/required/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\ndata:\n  host: {{ required "host is required" .Values.host }}\n',
    'charts/good/Chart.yaml': chartYaml('good'),
    'charts/good/values.yaml': 'hostNetwork: true\n',
    'charts/good/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: good\nspec:\n  hostNetwork: {{ .Values.hostNetwork }}\n  containers:\n    - name: c\n      image: busybox:1.36\n',
    'secret.txt': 'TOP SECRET\n'
  });
  let result: Awaited<ReturnType<typeof run>>;
  const started = Date.now();

  test('the scan completes in bounded time', async () => {
    result = await run({ root });
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  test('infinite include recursion is stopped, naming the template and line', () => {
    const f = result.findings.find((x) => x.location.file.startsWith('charts/loop/'));
    expect(f?.ruleId).toBe('helm-render-failed');
    expect(f?.location.file).toMatch(/^charts\/loop\/templates\//);
    expect(f?.message).toMatch(/nested|depth|recursion/i);
  });

  test('.Files cannot read outside the chart', () => {
    expect(JSON.stringify(result.findings)).not.toContain('TOP SECRET');
  });

  test('a failed required names the template line', () => {
    const f = result.findings.find((x) => x.location.file.startsWith('charts/required/'));
    expect(f).toMatchObject({ ruleId: 'helm-render-failed', location: { file: 'charts/required/templates/cm.yaml', line: 6 } });
    expect(f?.message).toContain("host is required");
  });

  test('the good chart is still rendered and checked, at its values line', () => {
    const f = result.findings.find((x) => x.ruleId === 'pss-host-namespaces');
    expect(f?.location).toMatchObject({ file: 'charts/good/values.yaml', line: 1 });
    expect(f?.related).toEqual([{ file: 'charts/good/templates/pod.yaml', line: 6, label: 'template' }]);
  });
});

describe('a render that does not return in time', () => {
  test('is stopped at the hard limit; the other charts are still checked', async () => {
    const root = tempDir();
    const slow = Array.from({ length: 6 }, (_, i) => `  k${i}: {{ genPrivateKey "dsa" | quote }}`).join('\n');
    writeTree(root, {
      '.gitops-gate.yaml': 'limits:\n  renderTimeoutSeconds: 0.2\n',
      'charts/slow/Chart.yaml': chartYaml('slow'),
      'charts/slow/templates/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: keys\nstringData:\n${slow}\n`,
      'charts/good/Chart.yaml': chartYaml('good'),
      'charts/good/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: good\nspec:\n  hostPID: true\n  containers:\n    - name: c\n      image: busybox:1.36\n'
    });
    const started = Date.now();
    const result = await run({ root });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.findings.find((f) => f.location.file === 'charts/slow/Chart.yaml')).toMatchObject({ ruleId: 'render-timeout' });
    expect(result.findings.find((f) => f.ruleId === 'pss-host-namespaces')?.location.file).toBe('charts/good/templates/pod.yaml');
  });
});
