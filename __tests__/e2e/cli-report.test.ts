/**
 * The command line on repositories with several targets: the text report's display flags, progress on standard
 * error, a reader that closes the pipe early, `template` with a chart given anywhere, and the YAML library's
 * warnings reported on their file instead of printed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { cliCommand, cliEnv, runCli } from '../helpers/cli.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const pod = (name: string, spec: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n${spec}  containers:\n    - name: c\n      image: ghcr.io/acme/app:1.0.0\n`;

/** A chart with two environments (three releases that render the same Deployment) and two manifest folders. */
const REPO = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'charts/web/values.yaml': 'replicas: 1\n',
  'charts/web/values-prod.yaml': 'replicas: 3\n',
  'charts/web/values-staging.yaml': 'replicas: 2\n',
  'charts/web/templates/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n  replicas: {{ .Values.replicas }}\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      hostPID: true\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n',
  'apps/a/pod.yaml': pod('a', '  hostNetwork: true\n'),
  'apps/b/pod.yaml': pod('b', '')
};

function repo(): string {
  const root = tempDir();
  writeTree(root, REPO);
  return root;
}

describe('the text report of a repository with several targets', () => {
  const root = repo();
  const full = runCli(['scan', root]);

  test('one line for the finding the three releases share, naming them', () => {
    expect(full.status).toBe(1);
    expect(full.stderr).toBe('');
    const hostPid = full.stdout.split('\n').filter((l) => l.includes('hostPID'));
    expect(hostPid).toHaveLength(1);
    expect(hostPid[0]).toMatch(/^ {2}charts\/web\/templates\/deployment\.yaml:14 {2}HIGH {6}pss-host-namespaces {2}Deployment web\/web: .* {2}in helm:charts\/web, helm:charts\/web@prod, helm:charts\/web@staging$/);
    expect(full.stdout).toMatch(/^ {2}apps\/a\/pod\.yaml:\d+:\d+ {2}HIGH {6}pss-host-namespaces {2}Pod shop\/a: .* {2}in manifests:apps\/a$/m);
    expect(full.stdout).toMatch(/\nFindings by rule:\n {2}HIGH {4}pss-host-namespaces +4\n/);
  });

  test('--min-severity shows the findings at or above it, says how many it hides, and keeps the verdict and exit status', () => {
    const high = runCli(['scan', root, '--min-severity', 'high']);
    expect(high.status).toBe(full.status);
    expect(high.stderr).toBe('');
    const findingLines = (out: string) => out.split('\n').filter((l) => /^ {2}\S+:\d+/.test(l));
    expect(findingLines(high.stdout).length).toBeGreaterThan(0);
    expect(findingLines(high.stdout).every((l) => /^ {2}\S+ {2}(CRITICAL|HIGH) /.test(l))).toBe(true);
    expect(findingLines(full.stdout).some((l) => / {2}(MEDIUM|LOW) /.test(l))).toBe(true);
    const total = Number(/\n(\d+) findings: /.exec(full.stdout)?.[1]);
    const hidden = Number(/\n(\d+) findings? below high not shown \(--min-severity high\)\.\n/.exec(high.stdout)?.[1]);
    expect(hidden).toBeGreaterThan(0);
    expect(high.stdout).toContain(`\n${total} findings: `);
    // The verdict block is the same.
    expect(high.stdout.slice(high.stdout.indexOf('\nScanned '))).toBe(full.stdout.slice(full.stdout.indexOf('\nScanned ')));
  });

  test('--quiet prints the counts, the coverage and the verdict only', () => {
    const quiet = runCli(['scan', root, '--quiet'], undefined, { GITOPS_GATE_PROGRESS_INTERVAL_MS: '0' });
    expect(quiet.status).toBe(1);
    expect(quiet.stderr).toBe('');
    const lines = quiet.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\d+ findings: .*\(no base scanned: all treated as new\)$/);
    expect(lines.slice(1)).toEqual(['Findings not shown (--quiet).', 'Scanned 5 targets, 5 objects.', '5 of 5 targets checked.', expect.stringMatching(/^✖ \d+ blocking findings \(new, at or above high\)$/)]);
  });

  test('a bad --min-severity is a usage error', () => {
    const bad = runCli(['scan', root, '--min-severity', 'loud']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('gitops-gate: --min-severity must be one of low, medium, high, critical (got "loud")\nRun `gitops-gate --help` for usage.\n');
  });

  test('progress on a standard error that is not a terminal: a line per target with interval 0, none with --no-progress', () => {
    const withProgress = runCli(['scan', root, '--format', 'json'], undefined, { GITOPS_GATE_PROGRESS_INTERVAL_MS: '0' });
    const targets = (JSON.parse(withProgress.stdout) as { targets: { id: string }[] }).targets.map((t) => t.id);
    expect(targets).toHaveLength(5);
    expect(withProgress.stderr).toBe(targets.map((id, i) => `rendering ${i + 1}/5 ${id}\n`).join(''));
    const without = runCli(['scan', root, '--format', 'json', '--no-progress'], undefined, { GITOPS_GATE_PROGRESS_INTERVAL_MS: '0' });
    expect(without.stderr).toBe('');
    expect(without.stdout).toBe(withProgress.stdout);
  });
});

describe('a reader that closes the pipe early (`gitops-gate scan | head -1`)', () => {
  test('the command ends without a stack trace, with the verdict as its exit status', async () => {
    const root = tempDir();
    // Far more report than a pipe holds: the write is still going when the reader leaves.
    writeTree(root, { 'apps/many.yaml': Array.from({ length: 400 }, (_, i) => pod(`p${i}`, '  hostNetwork: true\n')).join('---\n') });
    const [command, args] = cliCommand(['scan', root]);
    const child = spawn(command, args, { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString().split('\n')[0];
      child.stdout.destroy();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(first).toMatch(/^ {2}apps\/many\.yaml:\d+:\d+ {2}HIGH /);
    expect(stderr).toBe('');
    expect(status).toBe(1);
  }, 120_000);
});

describe('template with a chart anywhere', () => {
  const root = repo();
  const inside = runCli(['template', 'charts/web'], root);

  test('an absolute path, from another working directory, renders what the relative path renders', () => {
    expect(inside.status).toBe(0);
    expect(inside.stdout).toContain('# Source: web/templates/deployment.yaml\n');
    const elsewhere = tempDir();
    const absolute = runCli(['template', path.join(root, 'charts/web')], elsewhere);
    expect(absolute).toEqual(inside);
    const relative = runCli(['template', path.relative(elsewhere, path.join(root, 'charts/web'))], elsewhere);
    expect(relative).toEqual(inside);
  });

  test('values files given relative to the working directory are read from there when the chart is elsewhere', () => {
    const elsewhere = tempDir();
    writeTree(elsewhere, { 'mine.yaml': 'replicas: 7\n' });
    const out = runCli(['template', path.join(root, 'charts/web'), '-f', 'mine.yaml'], elsewhere);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('\n  replicas: 7\n');
  });
});

describe('input paths as the repository writes them', () => {
  test('a chart at the root of the scanned folder is reported at Chart.yaml, not ./Chart.yaml', () => {
    const root = tempDir();
    writeTree(root, { 'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 2.x.x\n    repository: "@bitnami"\n', 'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' });
    const out = runCli(['scan', root, '--format', 'json']);
    const findings = (JSON.parse(out.stdout) as { findings: { ruleId: string; message: string; location: { file: string } }[] }).findings;
    expect(findings.map((f) => [f.ruleId, f.location.file])).toEqual([['helm-render-failed', 'Chart.yaml']]);
    expect(findings[0].message).toMatch(/^an error occurred while checking for chart dependencies/);
    expect(out.stdout).not.toContain('./Chart.yaml');
  });

  test("a key the YAML library can only stringify is a finding on its file and line, and nothing is printed on standard error", () => {
    const root = tempDir();
    writeTree(root, { 'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  ? [a, b]\n  : c\n' });
    const out = runCli(['scan', root, '--format', 'json']);
    expect(out.stderr).toBe('');
    const findings = (JSON.parse(out.stdout) as { findings: { ruleId: string; target?: string; location: { file: string; line: number } }[] }).findings;
    expect(findings.map((f) => [f.ruleId, f.target, f.location.file, f.location.line])).toEqual([['ambiguous-yaml', 'manifests:apps', 'apps/cm.yaml', 6]]);
  });
});
