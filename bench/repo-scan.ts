/**
 * The whole command line on a generated repository of many Helm charts, as a user runs it: wall time and the peak
 * resident memory of the scan's process tree (the scan and its Helm render process), sampled from /proc.
 * The repository: `charts` charts of `templates` workload templates each, every one with a values file per
 * environment, and one chart whose templates print the whole context (with its files) as dictionary keys, the way
 * bitnami's `dict "value" .Values.x .Values.y "context" $` does — the case that took gigabytes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function write(root: string, rel: string, text: string | Buffer): void {
  const abs = path.join(root, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

function deployment(i: number): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: {{ .Release.Name }}-w${i}`,
    '  labels: {{- toYaml .Values.labels | nindent 4 }}',
    'spec:',
    '  replicas: {{ .Values.replicas }}',
    '  selector: { matchLabels: { app: w' + i + ' } }',
    '  template:',
    '    metadata: { labels: { app: w' + i + ' } }',
    '    spec:',
    '      containers:',
    '        - name: c',
    '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
    '          securityContext: {{- toYaml .Values.securityContext | nindent 12 }}',
    '          env:',
    '            {{- range $k, $v := .Values.env }}',
    '            - name: {{ $k }}',
    '              value: {{ $v | quote }}',
    '            {{- end }}',
    ''
  ].join('\n');
}

function generate(root: string, charts: number, templates: number): void {
  for (let c = 0; c < charts; c++) {
    const dir = `charts/c${c}`;
    write(root, `${dir}/Chart.yaml`, `apiVersion: v2\nname: c${c}\nversion: 1.0.0\n`);
    const env = Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`VAR_${k}`, `value-${k}`]));
    write(root, `${dir}/values.yaml`, JSON.stringify({ replicas: 2, labels: { team: 'a' }, image: { repository: 'nginx', tag: '1.27' }, securityContext: { runAsNonRoot: true }, env }));
    write(root, `${dir}/values-prod.yaml`, 'replicas: 3\nsecurityContext: { privileged: true }\n');
    for (let t = 0; t < templates; t++) write(root, `${dir}/templates/w${t}.yaml`, deployment(t));
  }
  const files = 'charts/files';
  write(root, `${files}/Chart.yaml`, 'apiVersion: v2\nname: files\nversion: 1.0.0\n');
  write(root, `${files}/files/bundle.yaml`, Buffer.alloc(3 * 1024 * 1024, 'a'));
  for (let t = 0; t < 8; t++) {
    write(root, `${files}/templates/cm${t}.yaml`, `{{- $d := dict "value" .Values.a .Values.b "context" $ }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm${t}\ndata:\n  keys: {{ len $d | quote }}\n`);
  }
  write(root, `${files}/values.yaml`, 'a: {}\nb: {}\n');
}

/** Resident size (MB) of a process and its descendants, from /proc (Linux); 0 elsewhere. */
function treeRssMb(pid: number): number {
  if (process.platform !== 'linux') return 0;
  let total = 0;
  const visit = (p: number): void => {
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      total += kb ? Number(kb) / 1024 : 0;
      for (const child of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) visit(Number(child));
    } catch {
      // gone
    }
  };
  visit(pid);
  return total;
}

export async function benchRepoScan(charts = Number(process.env.BENCH_CHARTS ?? 60), templates = 12): Promise<Record<string, number>> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gitops-gate-bench-repo-'));
  try {
    generate(root, charts, templates);
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist/cli.js'), 'scan', root, '--format', 'json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRssMb(child.pid!))), 50);
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    clearInterval(timer);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const report = JSON.parse(out) as { summary: { targets: number; objects: number; total: number } };
    return {
      charts: charts + 1,
      targets: report.summary.targets,
      objects: report.summary.objects,
      findings: report.summary.total,
      wallMs: Math.round(ms),
      msPerTarget: Number((ms / report.summary.targets).toFixed(1)),
      peakRssMb: Math.round(peak)
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
