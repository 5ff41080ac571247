/**
 * An umbrella chart whose three dependencies are remote (two in a Helm HTTP repository, one in an OCI registry),
 * scanned end to end against real servers: fetched once, verified, cached, rendered with the repository's values,
 * findings on the lines a person edits; refused locations never contacted; Chart.lock honoured (its digest checked
 * against real Helm's); base and head resolving a floating range once.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { run } from '../../src/run.js';
import { hashRequirements } from '../../src/sources/chart-lock.js';
import { chartArchive, helmIndex, pushChart } from '../helpers/chart-servers.js';
import { useChartServers } from '../helpers/use-chart-servers.js';
import { realHelm } from '../helpers/real-helm.js';
import { commitAll, gitRepo, removeDir, writeTree } from '../helpers/temp-repo.js';

const POD = (name: string, security: string) =>
  [`apiVersion: v1`, `kind: Pod`, `metadata:`, `  name: ${name}`, `spec:`, `  containers:`, `    - name: c`, `      image: busybox:1.36`, `      securityContext:`, `        ${security}`, ''].join('\n');

const servers = useChartServers(async ({ repo, registry }) => {
  const web = (version: string) => chartArchive('web', version, { 'templates/pod.yaml': POD('web', 'privileged: {{ .Values.privileged }}'), 'values.yaml': 'privileged: false\n' });
  const cache = chartArchive('cache', '2.1.0', { 'templates/pod.yaml': POD('cache', 'runAsNonRoot: true').replace('spec:\n', 'spec:\n  hostNetwork: true\n') });
  const broken = chartArchive('broken', '1.0.0', { 'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  token: {{ required "broken needs .Values.token" .Values.token }}\n' });
  const archives = { 'web-1.0.0.tgz': web('1.0.0'), 'web-1.4.0.tgz': web('1.4.0'), 'cache-2.1.0.tgz': cache, 'broken-1.0.0.tgz': broken };
  repo.routes.set(
    '/charts/index.yaml',
    {
      body: helmIndex([
        { name: 'web', version: '1.0.0', url: 'web-1.0.0.tgz', archive: archives['web-1.0.0.tgz'] },
        { name: 'web', version: '1.4.0', url: 'web-1.4.0.tgz', archive: archives['web-1.4.0.tgz'] },
        { name: 'cache', version: '2.1.0', url: 'cache-2.1.0.tgz', archive: cache },
        { name: 'broken', version: '1.0.0', url: 'broken-1.0.0.tgz', archive: broken }
      ])
    }
  );
  for (const [file, body] of Object.entries(archives)) repo.routes.set(`/charts/${file}`, { body });
  await pushChart(registry.host, 'helm/podinfo', '6.5.0', chartArchive('podinfo', '6.5.0', { 'templates/pod.yaml': POD('podinfo', 'runAsNonRoot: true') }));
});

const chartYaml = (webVersion = '^1.0.0') =>
  [
    'apiVersion: v2',
    'name: shop',
    'version: 0.1.0',
    'dependencies:',
    '  - name: web',
    `    version: "${webVersion}"`,
    `    repository: ${servers.repo.url}/charts`,
    '  - name: cache',
    '    version: 2.1.0',
    `    repository: ${servers.repo.url}/charts`,
    '  - name: podinfo',
    '    version: 6.5.0',
    `    repository: oci://${servers.registry.host}/helm`,
    ''
  ].join('\n');

const config = (allow: string[]) => `repositories:\n  allow:\n${allow.map((a) => `    - ${a}\n`).join('')}`;
const allowBoth = () => config([`${servers.repo.url}/charts`, `{url: "oci://${servers.registry.host}/helm", plainHTTP: true}`]);

function folder(files: Record<string, string>): string {
  const root = servers.folder('gg-remote-');
  writeTree(root, files);
  return root;
}

describe('an umbrella chart with three remote dependencies', () => {
  test('cold: fetched and checked, findings on the values line and on the dependency line; warm: no request', async () => {
    const cacheDir = servers.folder('gg-remote-cache-');
    const root = folder({ '.gitops-gate.yaml': allowBoth(), 'shop/Chart.yaml': chartYaml(), 'shop/values.yaml': 'web:\n  privileged: true\n' });
    servers.repo.seen.length = 0;
    const cold = await run({ root, cacheDir });
    expect(cold.targets.map((t) => [t.id, t.checked, t.objects])).toEqual([['helm:shop', true, 3]]);
    expect(cold.remoteCharts.map((c) => [c.name, c.version, c.cached])).toEqual([
      ['cache', '2.1.0', false],
      ['podinfo', '6.5.0', false],
      ['web', '1.4.0', false]
    ]);
    expect(cold.remoteCharts.every((c) => /^sha256:[0-9a-f]{64}$/.test(c.digest))).toBe(true);
    // three from the Helm repository (one index, two archives), two from the registry (manifest, blob)
    expect(servers.repo.seen.map((r) => r.path).sort()).toEqual(['/charts/cache-2.1.0.tgz', '/charts/index.yaml', '/charts/web-1.4.0.tgz']);

    // The value came from the repository's values.yaml: the finding is there.
    expect(cold.findings.find((f) => f.ruleId === 'pss-privileged')).toMatchObject({ location: { file: 'shop/values.yaml', line: 2 } });
    // Written inside the fetched chart: on the Chart.yaml line that declares it, the chart and template named.
    const host = cold.findings.find((f) => f.ruleId === 'pss-host-namespaces');
    expect(host?.location).toMatchObject({ file: 'shop/Chart.yaml', line: 10 });
    expect(host?.related).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'shop/Chart.yaml', label: expect.stringContaining(`in cache 2.1.0 from ${servers.repo.url}/charts: cache/templates/pod.yaml:`) })]));
    expect(host?.message).toContain(`Pod cache (written by cache 2.1.0 from ${servers.repo.url}/charts: cache/templates/pod.yaml): `);
    expect(cold.notes.find((n) => n.startsWith('Remote charts rendered:'))).toMatch(/cache 2\.1\.0 from .* \(sha256:[0-9a-f]{12}….*\. 5 requests made\.$/);

    servers.repo.seen.length = 0;
    const warm = await run({ root, cacheDir });
    expect(warm.remoteCharts.map((c) => [c.name, c.cached])).toEqual([
      ['cache', true],
      ['podinfo', true],
      // a range is answered from the cached index while it is younger than an hour
      ['web', true]
    ]);
    expect(servers.repo.seen).toEqual([]);
    expect(warm.findings.map((f) => [f.ruleId, f.location?.file, f.location?.line])).toEqual(cold.findings.map((f) => [f.ruleId, f.location?.file, f.location?.line]));
  });

  test('locations the base policy does not allow: not contacted, the chart not checked, the snippet to allow them', async () => {
    const root = folder({ '.gitops-gate.yaml': config([`${servers.repo.url}/other`]), 'shop/Chart.yaml': chartYaml(), 'shop/values.yaml': 'web:\n  privileged: true\n' });
    servers.repo.seen.length = 0;
    const result = await run({ root });
    expect(result.targets.map((t) => [t.id, t.checked])).toEqual([['helm:shop', false]]);
    const refused = result.findings.filter((f) => f.ruleId === 'remote-chart-not-allowed');
    expect(refused.map((f) => [f.location?.file, f.location?.line, f.severity])).toEqual([
      ['shop/Chart.yaml', 7, 'high'],
      ['shop/Chart.yaml', 10, 'high'],
      ['shop/Chart.yaml', 13, 'high']
    ]);
    expect(refused[2].message).toContain(`repositories:\n  allow:\n    - oci://${servers.registry.host}/helm`);
    // One note gathers every location needed, as one snippet to copy.
    expect(result.notes).toContain(
      `Charts from 2 locations are not allowed, so what needs them was not checked. If you trust them, add to the config on the default branch:\nrepositories:\n  allow:\n    - ${servers.repo.url}/charts\n    - oci://${servers.registry.host}/helm`
    );
    expect(result.blocking.length).toBeGreaterThan(0);
    expect(servers.repo.seen).toEqual([]);
  });

  test('offline with an empty cache: reported as unavailable, nothing contacted', async () => {
    const root = folder({ '.gitops-gate.yaml': allowBoth(), 'shop/Chart.yaml': chartYaml(), 'shop/values.yaml': '' });
    servers.repo.seen.length = 0;
    const result = await run({ root, offline: true });
    expect(result.targets.map((t) => t.checked)).toEqual([false]);
    expect(result.findings.filter((f) => f.ruleId === 'remote-chart-unavailable').map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('is not in the cache and the scan is offline')])
    );
    expect(servers.repo.seen).toEqual([]);
  });

  test('a pull request: base and head resolve the floating range once, and the PR policy cannot widen the allow list', async () => {
    const git = gitRepo({ '.gitops-gate.yaml': allowBoth(), 'shop/Chart.yaml': chartYaml(), 'shop/values.yaml': 'web:\n  privileged: false\n' });
    try {
      writeTree(git, { 'shop/values.yaml': 'web:\n  privileged: true\n', '.gitops-gate.yaml': config([`${servers.repo.url}/charts`, 'https://evil.example/charts']) });
      commitAll(git, 'privileged');
      servers.repo.seen.length = 0;
      const result = await run({ root: git, base: 'HEAD~1' });
      expect(servers.repo.seen.filter((r) => r.path === '/charts/index.yaml')).toHaveLength(1);
      expect(result.targets.map((t) => [t.id, t.checked])).toEqual([['helm:shop', true]]);
      expect(result.findings.filter((f) => f.ruleId === 'pss-privileged').map((f) => [f.status, f.location?.file])).toEqual([['new', 'shop/values.yaml']]);
      expect(result.findings.find((f) => f.ruleId === 'pss-host-namespaces')?.status).toBe('existing');
    } finally {
      removeDir(git);
    }
  });
});

describe('fetched dependencies are charts like any other', () => {
  test('alias and condition apply as Helm applies them', async () => {
    const root = folder({
      '.gitops-gate.yaml': allowBoth(),
      'app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: web\n    alias: site\n    version: 1.0.0\n    repository: ${servers.repo.url}/charts\n  - name: cache\n    version: 2.1.0\n    repository: ${servers.repo.url}/charts\n    condition: cache.enabled\n`,
      'app/values.yaml': 'site:\n  privileged: true\ncache:\n  enabled: false\n'
    });
    const result = await run({ root });
    expect(result.targets.map((t) => [t.checked, t.objects])).toEqual([[true, 1]]);
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'app/values.yaml', line: 2 });
    expect(result.findings.some((f) => f.ruleId === 'pss-host-namespaces')).toBe(false);
  });

  test('a dependency already in charts/ (what helm dependency build leaves) is used as it is: no request', async () => {
    const vendored = chartArchive('web', '1.0.0', { 'templates/pod.yaml': POD('vendored', 'privileged: true') });
    const root = folder({
      '.gitops-gate.yaml': allowBoth(),
      'app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: web\n    version: 1.0.0\n    repository: ${servers.repo.url}/charts\n`
    });
    writeTree(root, { 'app/charts/web-1.0.0.tgz': vendored });
    servers.repo.seen.length = 0;
    const result = await run({ root });
    expect(result.targets.map((t) => [t.checked, t.objects])).toEqual([[true, 1]]);
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')?.object?.name).toBe('vendored');
    expect(result.remoteCharts).toEqual([]);
    expect(servers.repo.seen).toEqual([]);
  });

  test('an error inside a fetched chart is reported on the line that declares it, naming the chart and template', async () => {
    const root = folder({
      '.gitops-gate.yaml': allowBoth(),
      'app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: broken\n    version: 1.0.0\n    repository: ${servers.repo.url}/charts\n`
    });
    const result = await run({ root });
    expect(result.targets.map((t) => t.checked)).toEqual([false]);
    expect(result.findings.find((f) => f.ruleId === 'helm-render-failed')).toMatchObject({
      location: { file: 'app/Chart.yaml', line: 7 },
      message: expect.stringMatching(new RegExp(`^broken 1\\.0\\.0 from ${servers.repo.url}/charts: broken/templates/cm\\.yaml: .*broken needs \\.Values\\.token`))
    });
  });
});

describe('Chart.lock', () => {
  test('in sync: the locked version is used, not the highest match', async () => {
    const requested = [
      { name: 'web', version: '^1.0.0', repository: `${servers.repo.url}/charts` },
      { name: 'cache', version: '2.1.0', repository: `${servers.repo.url}/charts` },
      { name: 'podinfo', version: '6.5.0', repository: `oci://${servers.registry.host}/helm` }
    ];
    const locked = [
      { name: 'web', version: '1.0.0', repository: `${servers.repo.url}/charts` },
      { name: 'cache', version: '2.1.0', repository: `${servers.repo.url}/charts` },
      { name: 'podinfo', version: '6.5.0', repository: `oci://${servers.registry.host}/helm` }
    ];
    const lock = `dependencies:\n${locked.map((d) => `- name: ${d.name}\n  repository: ${d.repository}\n  version: ${d.version}\n`).join('')}digest: ${hashRequirements(requested, locked)}\ngenerated: "2026-01-01T00:00:00Z"\n`;
    const root = folder({ '.gitops-gate.yaml': allowBoth(), 'shop/Chart.yaml': chartYaml(), 'shop/Chart.lock': lock, 'shop/values.yaml': '' });
    const result = await run({ root });
    expect(result.remoteCharts.find((c) => c.name === 'web')?.version).toBe('1.0.0');
    // Out of sync (another constraint): the range is resolved again, like `helm dependency update`.
    writeTree(root, { 'shop/Chart.yaml': chartYaml('~1.4.0') });
    expect((await run({ root })).remoteCharts.find((c) => c.name === 'web')?.version).toBe('1.4.0');
  });

  const helm = realHelm();
  const withHelm = 'path' in helm ? test : test.skip;
  // Asynchronous: the loopback repository answers from this process.
  withHelm("the lock digest is real Helm's: `helm dependency update` writes the digest we compute", async () => {
    const helmPath = (helm as { path: string }).path;
    const root = folder({
      'c/Chart.yaml': [
        'apiVersion: v2',
        'name: c',
        'version: 0.1.0',
        'dependencies:',
        '  - name: web',
        '    version: ">=1.0.0 <2.0.0"',
        `    repository: ${servers.repo.url}/charts`,
        '    condition: web.enabled',
        '    tags: [front, "a&b"]',
        '    alias: site',
        '    import-values:',
        '      - child: exports.data',
        '        parent: myimports',
        '      - defaults',
        '  - name: cache',
        '    version: 2.1.0',
        `    repository: ${servers.repo.url}/charts`,
        ''
      ].join('\n')
    });
    const home = path.join(root, 'home');
    await promisify(execFile)(helmPath, ['dependency', 'update', path.join(root, 'c')], {
      env: { PATH: process.env.PATH, HOME: home, HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data') },
      timeout: 60_000
    });
    const lockText = readFileSync(path.join(root, 'c', 'Chart.lock'), 'utf8');
    const digest = /^digest: (sha256:[0-9a-f]{64})$/m.exec(lockText)?.[1];
    const requested = parse(readFileSync(path.join(root, 'c', 'Chart.yaml'), 'utf8')).dependencies;
    const locked = parse(lockText).dependencies;
    expect(digest).toBe(hashRequirements(requested, locked));
  });
});
