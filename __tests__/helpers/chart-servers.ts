/**
 * Real servers for the chart-fetching tests, on 127.0.0.1 only: a loopback Helm HTTP repository (index.yaml and
 * archives, with basic auth, redirects, wrong digests and a hanging route) that records every request it sees,
 * and Debian's docker-registry (the CNCF distribution registry) started on a free port with a config file
 * written here, charts pushed to it through the distribution API with Helm's media types.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { removeDir, tempDir } from './temp-repo.js';

export interface SeenRequest {
  path: string;
  authorization?: string;
}

export type Route =
  | { body: Buffer | string; contentType?: string }
  | { redirect: string }
  | { status: number }
  | { hang: true };

export interface LoopbackServer {
  url: string;
  port: number;
  seen: SeenRequest[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 answering from `routes` (path -> route); with `basicAuth`, other requests get 401. */
export async function startHttpServer(basicAuth?: { username: string; password: string }): Promise<LoopbackServer> {
  const routes = new Map<string, Route>();
  const seen: SeenRequest[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({ path: url.pathname, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (basicAuth && req.headers.authorization !== `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
      return;
    }
    const route = routes.get(url.pathname);
    if (!route) return void res.writeHead(404).end();
    if ('hang' in route) return void hanging.push(res);
    if ('redirect' in route) return void res.writeHead(302, { location: route.redirect }).end();
    if ('status' in route) return void res.writeHead(route.status).end();
    res.writeHead(200, { 'content-type': route.contentType ?? 'application/octet-stream' }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}

/** A chart archive built with the system's tar: `name-version.tgz` holding `name/Chart.yaml` and `files`. */
export function chartArchive(name: string, version: string, files: Record<string, string> = {}, chartYamlExtra = ''): Buffer {
  const dir = tempDir('gg-chart-tgz-');
  try {
    const all: Record<string, string> = { 'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n${chartYamlExtra}`, ...files };
    for (const [rel, content] of Object.entries(all)) {
      const file = path.join(dir, name, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    return execFileSync('tar', ['-czf', '-', '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=2024-01-01', '-C', dir, name]);
  } finally {
    removeDir(dir);
  }
}

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** index.yaml for `charts` (name -> versions with their archive and the URL the index lists). */
export function helmIndex(entries: { name: string; version: string; url: string; archive: Buffer; digest?: string }[]): string {
  const byName = new Map<string, string[]>();
  for (const e of entries) {
    const lines = [`  - name: ${e.name}`, `    version: "${e.version}"`, `    apiVersion: v2`, `    digest: ${e.digest ?? sha256(e.archive)}`, `    urls:`, `      - ${e.url}`];
    byName.set(e.name, [...(byName.get(e.name) ?? []), lines.join('\n')]);
  }
  return `apiVersion: v1\nentries:\n${[...byName].map(([name, list]) => `  ${name}:\n${list.join('\n').replace(/^/gm, '  ')}`).join('\n')}\ngenerated: "2026-01-01T00:00:00Z"\n`;
}

export interface Registry {
  /** host:port */
  host: string;
  close(): Promise<void>;
}

export function registryBinary(): string | undefined {
  for (const candidate of ['/usr/bin/docker-registry', '/usr/sbin/docker-registry']) if (existsSync(candidate)) return candidate;
  return undefined;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts docker-registry on 127.0.0.1 with its storage in a temp folder; resolves once /v2/ answers. */
export async function startRegistry(): Promise<Registry> {
  const binary = registryBinary();
  if (!binary) throw new Error('docker-registry is not installed (apt-get install docker-registry; .ci/run installs it)');
  const dir = tempDir('gg-registry-');
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child: ChildProcess = spawn(binary, ['serve', config], { stdio: 'ignore' });
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`http://${host}/v2/`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not start on ${host}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      removeDir(dir);
    }
  };
}

/** Pushes a chart archive as Helm does (config and chart layer with Helm's media types); returns the manifest digest. */
export async function pushChart(host: string, repository: string, tag: string, archive: Buffer, options: { config?: string; layerMediaType?: string } = {}): Promise<string> {
  const upload = async (data: Buffer): Promise<{ digest: string; size: number }> => {
    const digest = `sha256:${sha256(data)}`;
    const start = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`upload start: HTTP ${start.status}`);
    const location = new URL(start.headers.get('location')!, `http://${host}`);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`upload: HTTP ${put.status}`);
    return { digest, size: data.length };
  };
  const config = await upload(Buffer.from(options.config ?? JSON.stringify({ name: repository.split('/').pop(), version: tag.replace(/_/g, '+'), apiVersion: 'v2' })));
  const layer = await upload(archive);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', ...config },
      layers: [{ mediaType: options.layerMediaType ?? 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', ...layer }]
    })
  );
  const res = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  if (res.status !== 201) throw new Error(`manifest: HTTP ${res.status} ${await res.text()}`);
  return `sha256:${sha256(manifest)}`;
}

export interface TokenRegistry {
  /** host:port of the proxy clients talk to. */
  host: string;
  /** host:port of the token realm. */
  realmHost: string;
  /** Requests the token endpoint saw (path and Authorization header). */
  tokenRequests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A registry that asks for Bearer tokens, as ghcr.io and Docker Hub do: a proxy in front of a real registry
 * answers 401 with a challenge naming a token realm, and passes on only requests carrying the token that the
 * realm issues for valid Basic credentials. The realm is the proxy itself, or, with `realmElsewhere`, a server
 * on another port (another host for credentials).
 */
export async function startTokenRegistry(upstream: string, credentials: { username: string; password: string }, realmElsewhere = false): Promise<TokenRegistry> {
  const tokenRequests: SeenRequest[] = [];
  const valid = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const issue = (req: http.IncomingMessage, res: http.ServerResponse) => {
    tokenRequests.push({ path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: req.headers.authorization === valid ? 'granted' : 'anonymous' }));
  };
  const realmServer = realmElsewhere ? http.createServer(issue) : undefined;
  if (realmServer) await new Promise<void>((resolve) => realmServer.listen(0, '127.0.0.1', resolve));
  let realm = '';
  const proxy = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/token') return issue(req, res);
    if (req.headers.authorization !== 'Bearer granted') {
      const name = /^\/v2\/(.+)\/(manifests|blobs|tags)\//.exec(url.pathname)?.[1] ?? '';
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="test-registry",scope="repository:${name}:pull"` }).end();
      return;
    }
    fetch(`http://${upstream}${req.url}`, { headers: { accept: req.headers.accept ?? '*/*' } }).then(
      async (up) => {
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'docker-content-digest', 'link']) if (up.headers.get(h)) headers[h] = up.headers.get(h)!;
        res.writeHead(up.status, headers).end(Buffer.from(await up.arrayBuffer()));
      },
      () => res.writeHead(502).end()
    );
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as net.AddressInfo).port;
  realm = realmServer ? `http://127.0.0.1:${(realmServer.address() as net.AddressInfo).port}/token` : `http://127.0.0.1:${port}/token`;
  const close = (server: http.Server | undefined) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  return {
    host: `127.0.0.1:${port}`,
    realmHost: new URL(realm).host,
    tokenRequests,
    close: async () => {
      proxy.closeAllConnections();
      realmServer?.closeAllConnections();
      await Promise.all([close(proxy), close(realmServer)]);
    }
  };
}
