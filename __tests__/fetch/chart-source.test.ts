/**
 * Chart fetching against real servers: a loopback Helm repository and Debian's docker-registry. Asserts what is
 * fetched, what is refused without a request, what is verified, and how many requests each answer cost.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ChartSource, type ChartAnswer } from '../../src/fetch/chart-source.js';
import { ContentCache } from '../../src/fetch/content-cache.js';
import { HttpClient } from '../../src/fetch/http-client.js';
import { RepositoryPolicy, type RepositoriesConfig } from '../../src/fetch/policy.js';
import { chartArchive, helmIndex, pushChart, sha256, startHttpServer, startRegistry, startTokenRegistry, type LoopbackServer, type Registry } from '../helpers/chart-servers.js';
import { removeDir, tempDir } from '../helpers/temp-repo.js';

const cacheDirs: string[] = [];
afterAll(() => cacheDirs.forEach(removeDir));

/** A ChartSource over a fresh (or given) cache folder, with short timeouts. */
function source(
  config: RepositoriesConfig,
  options: { cacheDir?: string; env?: Record<string, string>; offline?: boolean; maxIndexBytes?: number; maxChartBytes?: number; timeoutMs?: number; now?: () => number } = {}
) {
  const dir = options.cacheDir ?? tempDir('gg-chart-cache-');
  cacheDirs.push(dir);
  const policy = new RepositoryPolicy(config, options.env ?? {});
  const http = new HttpClient({ mayReachPrivate: (h) => policy.mayReachPrivate(h), mayUsePlainHTTP: (h, p) => policy.mayUsePlainHTTP(h, p), timeoutMs: options.timeoutMs ?? 5000, backoffMs: 20 });
  return { charts: new ChartSource(policy, new ContentCache(dir), http, { offline: options.offline, maxIndexBytes: options.maxIndexBytes, maxChartBytes: options.maxChartBytes, now: options.now }), http, dir };
}

const ok = (answer: ChartAnswer) => {
  if (!answer.ok) throw new Error(`expected a chart, got ${answer.kind}: ${answer.reason}`);
  return answer.chart;
};

describe('a Helm HTTP repository', () => {
  let repo: LoopbackServer;
  const archives = { '1.0.0': chartArchive('web', '1.0.0'), '1.2.0': chartArchive('web', '1.2.0'), '2.0.0': chartArchive('web', '2.0.0') };

  beforeAll(async () => {
    repo = await startHttpServer();
    repo.routes.set('/charts/index.yaml', { body: helmIndex(Object.entries(archives).map(([version, archive]) => ({ name: 'web', version, url: `web-${version}.tgz`, archive }))) });
    for (const [version, archive] of Object.entries(archives)) repo.routes.set(`/charts/web-${version}.tgz`, { body: archive });
  });
  afterAll(() => repo.close());

  test('an exact version: fetched, verified against the index digest, and a warm run makes no request', async () => {
    repo.seen.length = 0;
    const cold = source({ allow: [`${repo.url}/charts`] });
    const chart = ok(await cold.charts.get({ repository: `${repo.url}/charts`, name: 'web', version: '1.2.0' }));
    expect(chart).toMatchObject({ version: '1.2.0', digest: `sha256:${sha256(archives['1.2.0'])}`, cached: false, url: `${repo.url}/charts/web-1.2.0.tgz` });
    expect(chart.archive.equals(archives['1.2.0'])).toBe(true);
    expect(repo.seen.map((r) => r.path)).toEqual(['/charts/index.yaml', '/charts/web-1.2.0.tgz']);
    cold.http.close();

    const warm = source({ allow: [`${repo.url}/charts`] }, { cacheDir: cold.dir });
    expect(ok(await warm.charts.get({ repository: `${repo.url}/charts`, name: 'web', version: '1.2.0' }))).toMatchObject({ version: '1.2.0', cached: true });
    expect(warm.charts.requests).toBe(0);
    expect(repo.seen).toHaveLength(2);
    warm.http.close();
  });

  test('a range resolves to the highest match, once for base and head', async () => {
    repo.seen.length = 0;
    const { charts, http } = source({ allow: [`${repo.url}/charts`] });
    const [head, base] = await Promise.all([
      charts.get({ repository: `${repo.url}/charts`, name: 'web', version: '^1.0.0' }),
      charts.get({ repository: `${repo.url}/charts/`, name: 'web', version: '^1.0.0' })
    ]);
    expect(ok(head).version).toBe('1.2.0');
    expect(base).toBe(head);
    expect(repo.seen.map((r) => r.path)).toEqual(['/charts/index.yaml', '/charts/web-1.2.0.tgz']);
    expect(ok(await charts.get({ repository: `${repo.url}/charts`, name: 'web', version: '' })).version).toBe('2.0.0');
    expect(repo.seen.filter((r) => r.path === '/charts/index.yaml')).toHaveLength(1);
    http.close();
  });

  test('a location outside repositories.allow is refused and never contacted', async () => {
    repo.seen.length = 0;
    const { charts, http } = source({ allow: [`${repo.url}/charts-approved`] });
    const answer = await charts.get({ repository: `${repo.url}/charts`, name: 'web', version: '1.0.0' });
    expect(answer).toMatchObject({ ok: false, kind: 'not-allowed', reason: expect.stringContaining('is not in repositories.allow') });
    expect(repo.seen).toEqual([]);
    expect(http.requests).toBe(0);
    http.close();
  });

  test('offline: a cached chart is served, anything else is reported without a request', async () => {
    const { charts, http } = source({ allow: [`${repo.url}/charts`] }, { offline: true });
    expect(await charts.get({ repository: `${repo.url}/charts`, name: 'web', version: '1.0.0' })).toMatchObject({ ok: false, kind: 'offline' });
    expect(http.requests).toBe(0);
    http.close();
  });
});

describe('a hostile or broken repository', () => {
  let repo: LoopbackServer;
  let other: LoopbackServer;
  const good = chartArchive('app', '1.0.0');
  const tampered = chartArchive('app', '1.0.0', { 'templates/evil.yaml': 'kind: Pod\n' });

  beforeAll(async () => {
    repo = await startHttpServer({ username: 'ci', password: 's3cret' });
    other = await startHttpServer();
  });
  afterAll(async () => {
    await repo.close();
    await other.close();
  });

  const allow = (): RepositoriesConfig => ({
    allow: [`${repo.url}/r`, `${other.url}/mirror`],
    credentials: [{ url: `${repo.url}/r`, usernameEnv: 'CHARTS_USER', passwordEnv: 'CHARTS_TOKEN' }]
  });
  const env = { CHARTS_USER: 'ci', CHARTS_TOKEN: 's3cret' };

  test('a tampered archive (digest mismatch) is refused and not cached', async () => {
    repo.routes.set('/r/index.yaml', { body: helmIndex([{ name: 'app', version: '1.0.0', url: 'app-1.0.0.tgz', archive: good }]) });
    repo.routes.set('/r/app-1.0.0.tgz', { body: tampered });
    const first = source(allow(), { env });
    const answer = await first.charts.get({ repository: `${repo.url}/r`, name: 'app', version: '1.0.0' });
    expect(answer).toMatchObject({ ok: false, kind: 'digest-mismatch', reason: expect.stringContaining(`the repository index says ${sha256(good)}; discarded`) });
    first.http.close();
    repo.routes.set('/r/app-1.0.0.tgz', { body: good });
    const again = source(allow(), { env, cacheDir: first.dir });
    expect(ok(await again.charts.get({ repository: `${repo.url}/r`, name: 'app', version: '1.0.0' })).cached).toBe(false);
    again.http.close();
  });

  test('credentials go to their host only: not to an archive URL on another host, not across a redirect', async () => {
    repo.routes.set('/r/index.yaml', { body: helmIndex([{ name: 'app', version: '1.0.0', url: `${other.url}/mirror/app-1.0.0.tgz`, archive: good }, { name: 'app', version: '1.1.0', url: 'app-1.1.0.tgz', archive: good }]) });
    repo.routes.set('/r/app-1.1.0.tgz', { redirect: `${other.url}/mirror/app-1.0.0.tgz` });
    other.routes.set('/mirror/app-1.0.0.tgz', { body: good });
    repo.seen.length = 0;
    other.seen.length = 0;
    const { charts, http } = source(allow(), { env });
    ok(await charts.get({ repository: `${repo.url}/r`, name: 'app', version: '1.0.0' }));
    ok(await charts.get({ repository: `${repo.url}/r`, name: 'app', version: '1.1.0' }));
    expect(repo.seen.map((r) => [r.path, r.authorization !== undefined])).toEqual([
      ['/r/index.yaml', true],
      ['/r/app-1.1.0.tgz', true]
    ]);
    expect(other.seen.map((r) => [r.path, r.authorization])).toEqual([
      ['/mirror/app-1.0.0.tgz', undefined],
      ['/mirror/app-1.0.0.tgz', undefined]
    ]);
    http.close();
  });

  test('a credential whose environment variable is not set is reported, not sent empty', async () => {
    const { charts, http } = source(allow(), { env: {} });
    expect(await charts.get({ repository: `${repo.url}/r`, name: 'app', version: '1.0.0' })).toMatchObject({ ok: false, reason: expect.stringContaining('CHARTS_USER and CHARTS_TOKEN') });
    expect(http.requests).toBe(0);
    http.close();
  });

  test('an archive URL outside the allow list, and redirects to private or metadata addresses, are not followed', async () => {
    other.routes.set('/mirror/index.yaml', {
      body: helmIndex([
        { name: 'far', version: '1.0.0', url: 'https://charts.example.net/far-1.0.0.tgz', archive: good },
        { name: 'meta', version: '1.0.0', url: 'meta-1.0.0.tgz', archive: good },
        { name: 'local', version: '1.0.0', url: 'local-1.0.0.tgz', archive: good }
      ])
    });
    other.routes.set('/mirror/meta-1.0.0.tgz', { redirect: 'https://169.254.169.254/latest/meta-data/' });
    other.routes.set('/mirror/local-1.0.0.tgz', { redirect: `https://localhost:${repo.port}/r/app-1.0.0.tgz` });
    repo.seen.length = 0;
    const { charts, http } = source(allow());
    const get = (name: string) => charts.get({ repository: `${other.url}/mirror`, name, version: '1.0.0' });
    expect(await get('far')).toMatchObject({ ok: false, kind: 'not-allowed', reason: expect.stringContaining('lists its archive at https://charts.example.net/far-1.0.0.tgz'), location: 'https://charts.example.net' });
    expect(await get('meta')).toMatchObject({ ok: false, kind: 'fetch-failed', reason: expect.stringMatching(/169\.254\.169\.254 is a loopback, private, link-local, metadata or reserved address/) });
    expect(await get('local')).toMatchObject({ ok: false, kind: 'fetch-failed', reason: expect.stringMatching(/not contacted: localhost resolves to (127\.0\.0\.1|::1)/) });
    expect(repo.seen).toEqual([]);
    http.close();
  });

  test('an oversized index and an oversized archive are cut off at the limit', async () => {
    other.routes.set('/big/index.yaml', { body: `apiVersion: v1\nentries: {}\n#${'x'.repeat(200_000)}\n` });
    other.routes.set('/mirror/index.yaml', { body: helmIndex([{ name: 'fat', version: '1.0.0', url: 'fat-1.0.0.tgz', archive: good }]) });
    other.routes.set('/mirror/fat-1.0.0.tgz', { body: good });
    const { charts, http } = source({ allow: [`${other.url}/big`, `${other.url}/mirror`] }, { maxIndexBytes: 100_000, maxChartBytes: 100 });
    expect(await charts.get({ repository: `${other.url}/big`, name: 'x', version: '1.0.0' })).toMatchObject({ ok: false, reason: expect.stringContaining('over the limit of 100000') });
    expect(await charts.get({ repository: `${other.url}/mirror`, name: 'fat', version: '1.0.0' })).toMatchObject({ ok: false, reason: expect.stringContaining('over the limit of 100') });
    http.close();
  });

  test('a server that hangs: each attempt times out, retried with backoff, then reported', async () => {
    other.routes.set('/slow/index.yaml', { hang: true });
    other.seen.length = 0;
    const started = Date.now();
    const { charts, http } = source({ allow: [`${other.url}/slow`] }, { timeoutMs: 200 });
    expect(await charts.get({ repository: `${other.url}/slow`, name: 'x', version: '1.0.0' })).toMatchObject({ ok: false, kind: 'fetch-failed', reason: expect.stringContaining('no complete answer within 200 ms') });
    expect(other.seen.map((r) => r.path)).toEqual(['/slow/index.yaml', '/slow/index.yaml', '/slow/index.yaml']);
    expect(Date.now() - started).toBeLessThan(5000);
    http.close();
  });
});

describe('an OCI registry (docker-registry)', () => {
  let registry: Registry;
  const v1 = chartArchive('podinfo', '6.5.0');
  const v2 = chartArchive('podinfo', '6.7.1');
  let manifest: string;

  beforeAll(async () => {
    registry = await startRegistry();
    await pushChart(registry.host, 'charts/podinfo', '6.5.0', v1);
    manifest = await pushChart(registry.host, 'charts/podinfo', '6.7.1', v2);
    await pushChart(registry.host, 'charts/podinfo', 'latest', v2);
  }, 30_000);
  afterAll(() => registry.close());

  const config = (): RepositoriesConfig => ({ allow: [{ url: `oci://${registry.host}/charts`, plainHTTP: true }] });

  test('a tag pulled through the distribution API, the layer verified; a warm run makes no request', async () => {
    const cold = source(config());
    const chart = ok(await cold.charts.get({ repository: `oci://${registry.host}/charts`, name: 'podinfo', version: '6.5.0' }));
    expect(chart).toMatchObject({ version: '6.5.0', digest: `sha256:${sha256(v1)}`, cached: false });
    expect(chart.archive.equals(v1)).toBe(true);
    expect(cold.charts.requests).toBe(2);
    cold.http.close();
    const warm = source(config(), { cacheDir: cold.dir });
    expect(ok(await warm.charts.get({ repository: `oci://${registry.host}/charts`, name: 'podinfo', version: '6.5.0' })).cached).toBe(true);
    expect(warm.charts.requests).toBe(0);
    warm.http.close();
  });

  test('a range resolves over the tag list, semver tags only; the list is cached for the index age', async () => {
    const request = { repository: `oci://${registry.host}/charts`, name: 'podinfo', version: '>=6.0.0 <7.0.0' };
    const first = source(config());
    expect(ok(await first.charts.get(request))).toMatchObject({ version: '6.7.1', url: `oci://${registry.host}/charts/podinfo@${manifest}` });
    expect(first.charts.requests).toBe(3);
    first.http.close();
    const warm = source(config(), { cacheDir: first.dir });
    expect(ok(await warm.charts.get(request)).cached).toBe(true);
    expect(warm.charts.requests).toBe(0);
    warm.http.close();
    const later = source(config(), { cacheDir: first.dir, now: () => Date.now() + 2 * 3600_000 });
    expect(ok(await later.charts.get(request)).version).toBe('6.7.1');
    expect(later.charts.requests).toBe(1);
    later.http.close();
  });

  test('a chart pinned to a manifest digest: pulled by it, its version read from the config, never re-resolved', async () => {
    const request = { repository: `oci://${registry.host}/charts`, name: 'podinfo', version: manifest };
    const cold = source(config());
    expect(ok(await cold.charts.get(request))).toMatchObject({ version: '6.7.1', digest: `sha256:${sha256(v2)}`, url: `oci://${registry.host}/charts/podinfo@${manifest}` });
    expect(cold.charts.requests).toBe(3);
    cold.http.close();
    const warm = source(config(), { cacheDir: cold.dir });
    expect(ok(await warm.charts.get(request)).cached).toBe(true);
    expect(warm.charts.requests).toBe(0);
    expect(await warm.charts.get({ ...request, version: `sha256:${'0'.repeat(64)}` })).toMatchObject({ ok: false, kind: 'not-found' });
    warm.http.close();
  });

  test('a mirror is contacted instead of the original, which must itself be allowed', async () => {
    const mirrored: RepositoriesConfig = { allow: ['oci://ghcr.io/acme/charts'], mirrors: [{ from: 'oci://ghcr.io/acme', to: `oci://${registry.host}`, plainHTTP: true }] };
    const { charts, http } = source(mirrored);
    expect(ok(await charts.get({ repository: 'oci://ghcr.io/acme/charts', name: 'podinfo', version: '6.7.1' })).digest).toBe(`sha256:${sha256(v2)}`);
    expect(await charts.get({ repository: 'oci://ghcr.io/other', name: 'podinfo', version: '6.7.1' })).toMatchObject({ ok: false, kind: 'not-allowed' });
    http.close();
  });

  test('a registry asking for a Bearer token: the realm on its own host gets the credentials, and the pull succeeds', async () => {
    const proxy = await startTokenRegistry(registry.host, { username: 'ci', password: 'pw' });
    try {
      const url = `oci://${proxy.host}/charts`;
      const { charts, http } = source({ allow: [{ url, plainHTTP: true }], credentials: [{ url, usernameEnv: 'U', passwordEnv: 'P' }] }, { env: { U: 'ci', P: 'pw' } });
      expect(ok(await charts.get({ repository: url, name: 'podinfo', version: '6.5.0' })).digest).toBe(`sha256:${sha256(v1)}`);
      expect(proxy.tokenRequests.map((r) => [r.path, r.authorization])).toEqual([
        ['/token?service=test-registry&scope=repository%3Acharts%2Fpodinfo%3Apull', `Basic ${Buffer.from('ci:pw').toString('base64')}`]
      ]);
      http.close();
    } finally {
      await proxy.close();
    }
  });

  test('a token realm on another host never receives the credentials', async () => {
    const proxy = await startTokenRegistry(registry.host, { username: 'ci', password: 'pw' }, true);
    try {
      const url = `oci://${proxy.host}/charts`;
      // The realm's port speaks plain HTTP too (allowed for the test); it is still another host for credentials.
      const allow = [{ url, plainHTTP: true }, { url: `oci://${proxy.realmHost}`, plainHTTP: true }];
      const { charts, http } = source({ allow, credentials: [{ url, usernameEnv: 'U', passwordEnv: 'P' }] }, { env: { U: 'ci', P: 'pw' } });
      expect(await charts.get({ repository: url, name: 'podinfo', version: '6.5.0' })).toMatchObject({ ok: false, kind: 'fetch-failed', reason: expect.stringContaining('HTTP 401') });
      expect(proxy.tokenRequests).toHaveLength(1);
      expect(proxy.tokenRequests[0].authorization).toBeUndefined();
      http.close();
    } finally {
      await proxy.close();
    }
  });

  test('an entry without plainHTTP does not fall back to http, and a missing tag is not-found', async () => {
    const strict = source({ allow: [`oci://${registry.host}/charts`] }, { timeoutMs: 1000 });
    expect(await strict.charts.get({ repository: `oci://${registry.host}/charts`, name: 'podinfo', version: '6.5.0' })).toMatchObject({ ok: false, kind: 'fetch-failed' });
    strict.http.close();
    const { charts, http } = source(config());
    expect(await charts.get({ repository: `oci://${registry.host}/charts`, name: 'podinfo', version: '9.9.9' })).toMatchObject({ ok: false, kind: 'not-found' });
    http.close();
  });
});
