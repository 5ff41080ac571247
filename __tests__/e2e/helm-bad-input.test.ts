/** Hostile charts in a scan: each problem is a finding naming the file and template line; the rest is still checked. */
import { describe, expect, test } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { writeTar } from '../../src/render/helm/archive.js';
import { run } from '../../src/run.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const chartYaml = (name: string) => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;

/** An archive of archives: 4 levels of 4 copies around 4 MiB of zeros, 1 GiB if each archive had a limit of its own. */
const bomb = [1, 2, 3, 4].reduce(
  (inner, k) => gzipSync(writeTar([{ name: `l${k}/Chart.yaml`, data: chartYaml(`l${k}`) }, ...[0, 1, 2, 3].map((i) => ({ name: `l${k}/charts/l${k - 1}-${i}.tgz`, data: inner }))])),
  gzipSync(writeTar([{ name: 'l0/Chart.yaml', data: chartYaml('l0') }, { name: 'l0/zeros', data: Buffer.alloc(4 * 1024 * 1024) }]))
);

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
    'charts/bomb/Chart.yaml': chartYaml('bomb'),
    'charts/bomb/charts/l4.tgz': bomb,
    'charts/packaged/Chart.yaml': chartYaml('packaged'),
    'charts/packaged/charts/sub-0.1.0.tgz': gzipSync(
      writeTar([
        { name: 'sub/Chart.yaml', data: chartYaml('sub') },
        { name: 'sub/templates/cm.yaml', data: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\ndata:\n  x: {{ required "sub needs x" .Values.x }}\n' }
      ])
    ),
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

  test('an archive bomb nested in subchart archives is refused at the one decompression limit of its chart', () => {
    const f = result.findings.find((x) => x.location.file.startsWith('charts/bomb/'));
    expect(f?.ruleId).toBe('helm-render-failed');
    expect(f?.message).toContain('error unpacking subchart l4.tgz in bomb: error unpacking subchart l3-0.tgz in l4: ');
    expect(f?.message).toContain(`decompressed chart is larger than the maximum size ${64 * 1024 * 1024} (reading charts/bomb/charts/l4.tgz!/l4/charts/l3-0.tgz!/`);
  });

  test('a failure inside a packaged subchart is reported on the archive in the repository, naming the entry', () => {
    const f = result.findings.find((x) => x.target === 'helm:charts/packaged');
    expect(f).toMatchObject({ ruleId: 'helm-render-failed', location: { file: 'charts/packaged/charts/sub-0.1.0.tgz', line: 1 } });
    expect(f?.message).toContain('charts/packaged/charts/sub-0.1.0.tgz!/sub/templates/cm.yaml: ');
    expect(f?.message).toContain('sub needs x');
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
