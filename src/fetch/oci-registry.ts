/**
 * Helm charts in OCI registries through the distribution API (opencontainers/distribution-spec): tags listed with
 * pagination, the manifest by tag or digest, the chart layer by Helm's media types, blobs verified against their
 * descriptor digests. Auth as registries challenge for it: an anonymous try, then a Bearer token from the realm
 * the 401 names (itself fetched through the guarded client), or Basic credentials; credentials go only to the
 * registry's own host.
 */
import { sha256Digest } from './content-cache.js';
import { FetchError, type HttpClient, type HttpResponse } from './http-client.js';
import { authority, type Location } from './locations.js';
import type { Credentials } from './policy.js';

export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const LEGACY_CHART_MEDIA_TYPE = 'application/tar+gzip';
const MANIFEST_ACCEPT = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TAGS_BYTES = 8 * 1024 * 1024;

/** One repository in a registry: `oci://host/path/chart`, contacted at `fetchFrom` (a mirror, or itself). */
export interface OciRepository {
  fetchFrom: Location;
  plainHTTP: boolean;
  credentials?: Credentials;
}

export interface PulledChart {
  manifestDigest: string;
  digest: string;
  archive: Buffer;
  /** The chart's version from its config blob (read when asked for). */
  version?: string;
}

export class OciRegistry {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly http: HttpClient) {}

  /** Every tag of the repository (following `Link` pagination, at most 100 pages). */
  async tags(repo: OciRepository): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `${this.base(repo)}/tags/list?n=1000`;
    for (let page = 0; next && page < 100; page++) {
      const res = await this.get(repo, next, { accept: 'application/json' }, MAX_TAGS_BYTES);
      const body = parseJson(res.body, 'tag list') as { tags?: unknown };
      if (Array.isArray(body.tags)) tags.push(...body.tags.filter((t): t is string => typeof t === 'string'));
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(String(res.headers.link ?? ''))?.[1];
      next = link ? new URL(link, res.url).toString() : undefined;
    }
    return tags;
  }

  /** The chart at `reference` (a tag or a digest), with the manifest and chart layer verified. */
  async pull(repo: OciRepository, reference: string, maxChartBytes: number, options: { withConfig?: boolean } = {}): Promise<PulledChart> {
    const res = await this.get(repo, `${this.base(repo)}/manifests/${reference}`, { accept: MANIFEST_ACCEPT }, MAX_MANIFEST_BYTES);
    const manifestDigest = sha256Digest(res.body);
    const header = res.headers['docker-content-digest'];
    if (reference.startsWith('sha256:') && reference !== manifestDigest) {
      throw new FetchError(`the manifest of ${reference} has the digest ${manifestDigest}: not what was asked for; discarded`);
    }
    if (typeof header === 'string' && header.startsWith('sha256:') && header !== manifestDigest) {
      throw new FetchError(`the manifest's Docker-Content-Digest ${header} does not match its content (${manifestDigest}); discarded`);
    }
    const manifest = parseJson(res.body, 'manifest') as { config?: { mediaType?: string; digest?: string }; layers?: { mediaType?: string; digest?: string; size?: number }[] };
    if (manifest.config?.mediaType !== HELM_CONFIG_MEDIA_TYPE) {
      throw new FetchError(`the manifest's config is ${manifest.config?.mediaType ?? 'missing'}, not ${HELM_CONFIG_MEDIA_TYPE}: not a Helm chart`);
    }
    const layer = (manifest.layers ?? []).find((l) => l.mediaType === HELM_CHART_MEDIA_TYPE) ?? (manifest.layers ?? []).find((l) => l.mediaType === LEGACY_CHART_MEDIA_TYPE);
    if (!layer || typeof layer.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(layer.digest)) throw new FetchError('the manifest has no Helm chart layer with a sha256 digest');
    if (typeof layer.size === 'number' && layer.size > maxChartBytes) throw new FetchError(`the chart layer is ${layer.size} bytes, over the limit of ${maxChartBytes}`);
    const blob = await this.get(repo, `${this.base(repo)}/blobs/${layer.digest}`, {}, maxChartBytes);
    const digest = sha256Digest(blob.body);
    if (digest !== layer.digest) throw new FetchError(`the chart layer's content has the digest ${digest}, not ${layer.digest} as its manifest says; discarded`);
    let version: string | undefined;
    if (options.withConfig && typeof manifest.config.digest === 'string') {
      const config = await this.get(repo, `${this.base(repo)}/blobs/${manifest.config.digest}`, {}, MAX_MANIFEST_BYTES);
      if (sha256Digest(config.body) !== manifest.config.digest) throw new FetchError(`the chart's config does not match its digest ${manifest.config.digest}; discarded`);
      const v = parseJson(config.body, 'chart config').version;
      if (typeof v === 'string') version = v;
    }
    return { manifestDigest, digest, archive: blob.body, ...(version ? { version } : {}) };
  }

  private base(repo: OciRepository): string {
    return `${repo.plainHTTP ? 'http' : 'https'}://${authority(repo.fetchFrom)}/v2${repo.fetchFrom.path}`;
  }

  /** A GET, answering an auth challenge once. */
  private async get(repo: OciRepository, url: string, headers: Record<string, string>, maxBytes: number): Promise<HttpResponse> {
    const host = authority(repo.fetchFrom);
    const scope = `repository:${repo.fetchFrom.path.slice(1)}:pull`;
    const key = `${host}\0${scope}`;
    const cached = this.tokens.get(key);
    const request = { url, headers, maxBytes, accept: [401] };
    let res = await this.http.get({ ...request, ...(cached ? { authorization: cached } : {}) });
    if (res.status !== 401) return res;
    const challenge = parseChallenge(String(res.headers['www-authenticate'] ?? ''));
    let authorization: string | undefined;
    if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      authorization = `Bearer ${await this.token(repo, challenge.params, scope)}`;
    } else if (challenge?.scheme === 'basic' && repo.credentials) {
      authorization = basic(repo.credentials);
    }
    if (!authorization) throw new FetchError(`${url}: the registry asks for credentials${repo.credentials ? '' : ' and none are configured for it'}`, false, 401);
    this.tokens.set(key, authorization);
    res = await this.http.get({ ...request, accept: [], authorization });
    return res;
  }

  /** A token from the realm; credentials are sent only when the realm is on the registry's own host. */
  private async token(repo: OciRepository, params: Record<string, string>, scope: string): Promise<string> {
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? scope);
    const sameHost = realm.host === authority(repo.fetchFrom);
    const res = await this.http.get({
      url: realm.toString(),
      maxBytes: 1024 * 1024,
      ...(repo.credentials && sameHost ? { authorization: basic(repo.credentials) } : {})
    });
    const body = parseJson(res.body, 'token response') as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new FetchError(`${realm.origin}${realm.pathname}: the token response has no token`);
    return token;
  }
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

function parseJson(body: Buffer, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new FetchError(`the registry's ${what} is not a JSON object`);
}

/** `Bearer realm="https://…",service="…",scope="…"` -> scheme and parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) params[p[1].toLowerCase()] = p[2] ?? p[3] ?? '';
  return { scheme: m[1].toLowerCase(), params };
}
