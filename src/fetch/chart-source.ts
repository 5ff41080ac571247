/**
 * "Give me chart X at version Y from location Z": answered from the cache or the network, verified, once per run.
 * One ChartSource serves base and head, so the same request gets the same answer on both sides (a floating range
 * resolves once). Nothing is contacted that the base policy does not allow, nothing at all when offline.
 */
import { ContentCache, sha256Digest } from './content-cache.js';
import { highestMatch, isConstraint, isExactVersion, parseIndex, selectVersion, type ChartIndex } from './helm-index.js';
import { FetchError, type HttpClient } from './http-client.js';
import { formatLocation, parseLocation, type Location } from './locations.js';
import { OciRegistry, type OciRepository } from './oci-registry.js';
import type { RepositoryPolicy } from './policy.js';

/** Limits like Flux's source-controller. */
export const MAX_INDEX_BYTES = 50 * 1024 * 1024;
export const MAX_CHART_BYTES = 10 * 1024 * 1024;

export interface ChartRequest {
  /** The repository as the declaration names it: `https://…` or `oci://…`. */
  repository: string;
  name: string;
  /** An exact version, a constraint, or '' for the latest. */
  version: string;
}

export interface FetchedChart {
  repository: string;
  name: string;
  version: string;
  digest: string;
  /** Where the archive came from (after mirrors). */
  url: string;
  archive: Buffer;
  /** Answered from the cache, without a request. */
  cached: boolean;
}

/** What a report says of a chart it rendered: everything but the bytes. */
export type ChartUse = Omit<FetchedChart, 'archive'>;

export type ChartFailureKind = 'not-allowed' | 'offline' | 'not-found' | 'fetch-failed' | 'digest-mismatch';

export type ChartAnswer = { ok: true; chart: FetchedChart } | { ok: false; kind: ChartFailureKind; reason: string; location?: string };

export interface ChartSourceOptions {
  offline?: boolean;
  /** Largest index.yaml and chart archive read (defaults: Flux's 50 MiB and 10 MiB). */
  maxIndexBytes?: number;
  maxChartBytes?: number;
  now?: () => number;
}

export class ChartSource {
  private readonly answers = new Map<string, Promise<ChartAnswer>>();
  private readonly indexes = new Map<string, Promise<ChartIndex>>();
  private readonly tagLists = new Map<string, Promise<string[]>>();
  private readonly oci: OciRegistry;
  private readonly limits: { maxIndexBytes: number; maxChartBytes: number };

  constructor(
    private readonly policy: RepositoryPolicy,
    private readonly cache: ContentCache,
    private readonly http: HttpClient,
    private readonly options: ChartSourceOptions = {}
  ) {
    this.oci = new OciRegistry(http);
    this.limits = { maxIndexBytes: options.maxIndexBytes ?? MAX_INDEX_BYTES, maxChartBytes: options.maxChartBytes ?? MAX_CHART_BYTES };
  }

  /** Requests sent so far. */
  get requests(): number {
    return this.http.requests;
  }

  /** Every chart answered so far, in request order (for the report). */
  async used(): Promise<ChartAnswer[]> {
    return Promise.all(this.answers.values());
  }

  get(request: ChartRequest): Promise<ChartAnswer> {
    let location: Location;
    try {
      location = parseLocation(request.repository);
    } catch (err) {
      return Promise.resolve({ ok: false, kind: 'not-allowed', reason: (err as Error).message });
    }
    const key = `${formatLocation(location)}\0${request.name}\0${request.version.trim()}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.answer(location, request).catch((err: unknown) => ({
        ok: false as const,
        kind: (err instanceof ChartFailure ? err.kind : 'fetch-failed') as ChartFailureKind,
        reason: (err as Error).message,
        location: (err instanceof ChartFailure && err.location) || formatLocation(location)
      }));
      this.answers.set(key, answer);
    }
    return answer;
  }

  private async answer(repo: Location, request: ChartRequest): Promise<ChartAnswer> {
    const chartLocation = repo.scheme === 'oci' ? { ...repo, path: `${repo.path}/${request.name}` } : repo;
    const decision = this.policy.decideLocation(chartLocation);
    if (!decision.allowed) throw new ChartFailure('not-allowed', `${decision.reason}: not contacted`);
    const location = formatLocation(repo);
    const version = request.version.trim();
    if (isExactVersion(version) || (repo.scheme === 'oci' && isDigest(version))) {
      const cached = this.fromCache(location, request.name, version.replace(/^v/, ''));
      if (cached) return { ok: true, chart: { ...cached, repository: request.repository } };
    }
    if (this.options.offline) throw new ChartFailure('offline', `${location}: ${request.name} ${version || '(latest)'} is not in the cache and the scan is offline`);
    return repo.scheme === 'oci'
      ? this.fromRegistry({ fetchFrom: decision.fetchFrom, plainHTTP: decision.plainHTTP, ...this.credentials(decision.fetchFrom) }, location, request)
      : this.fromHelmRepository(decision.fetchFrom, location, request);
  }

  private fromCache(location: string, name: string, version: string): Omit<FetchedChart, 'repository'> | undefined {
    const ref = this.cache.readRef(location, name, version);
    const archive = ref && this.cache.readBlob(ref.digest);
    return ref && archive ? { name, version: ref.version, digest: ref.digest, url: ref.url, archive, cached: true } : undefined;
  }

  private credentials(loc: Location): { credentials?: OciRepository['credentials'] } {
    const { credentials, problem } = this.policy.credentialsFor(loc);
    if (problem) throw new ChartFailure('fetch-failed', problem);
    return credentials ? { credentials } : {};
  }

  private async fromHelmRepository(fetchFrom: Location, location: string, request: ChartRequest): Promise<ChartAnswer> {
    const auth = this.credentials(fetchFrom).credentials;
    const authorization = auth && `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    const base = `${formatLocation(fetchFrom)}/`;
    const index = await this.index(base, authorization, request);
    const entry = selectVersion(index, request.name, request.version.trim());
    if (!entry) throw new ChartFailure('not-found', `${location}: no version of ${request.name} matches ${JSON.stringify(request.version || '*')}`);
    const version = entry.version.replace(/^v/, '');
    const cached = this.fromCache(location, request.name, version);
    if (cached) return { ok: true, chart: { ...cached, repository: request.repository } };
    if (entry.urls.length === 0) throw new ChartFailure('not-found', `${location}: ${request.name} ${entry.version} lists no archive URL`);
    const url = this.archiveUrl(entry.urls[0], base, location);
    const sameHost = new URL(url.fetch).host === new URL(base).host;
    const res = await this.http.get({ url: url.fetch, maxBytes: this.limits.maxChartBytes, ...(authorization && sameHost ? { authorization } : {}) });
    const digest = sha256Digest(res.body);
    if (entry.digest && `sha256:${entry.digest.replace(/^sha256:/, '')}` !== digest) {
      throw new ChartFailure('digest-mismatch', `${url.fetch}: the archive's sha256 is ${digest.slice(7)}, the repository index says ${entry.digest}; discarded`);
    }
    this.cache.writeBlob(res.body);
    this.cache.writeRef(location, request.name, version, { digest, version, url: url.fetch });
    return { ok: true, chart: { repository: request.repository, name: request.name, version, digest, url: url.fetch, archive: res.body, cached: false } };
  }

  /**
   * The index, fetched at most once per run. A cached copy answers ranges while it is younger than the policy's
   * maximum age; an exact version only needs a copy that lists it, whatever its age.
   */
  private index(base: string, authorization: string | undefined, request: ChartRequest): Promise<ChartIndex> {
    const url = `${base}index.yaml`;
    const memo = this.indexes.get(url);
    if (memo) return memo;
    const cached = this.cache.readIndex(url);
    const now = (this.options.now ?? Date.now)();
    if (cached) {
      const fresh = now - cached.fetchedAt < this.policy.indexMaxAgeMs;
      const version = request.version.trim();
      if (fresh || isExactVersion(version)) {
        const parsed = parseIndex(cached.body.toString('utf8'));
        if (fresh) {
          this.indexes.set(url, Promise.resolve(parsed));
          return Promise.resolve(parsed);
        }
        if (selectVersion(parsed, request.name, version)) return Promise.resolve(parsed);
      }
    }
    const index = this.http.get({ url, maxBytes: this.limits.maxIndexBytes, ...(authorization ? { authorization } : {}) }).then((res) => {
      const parsed = parseIndex(res.body.toString('utf8'));
      this.cache.writeIndex(url, res.body, now);
      return parsed;
    });
    this.indexes.set(url, index);
    return index;
  }

  /**
   * An archive URL from the index: relative ones resolve against the repository (its mirror when mirrored);
   * absolute ones must themselves be allowed, and are rewritten to a mirror that covers them.
   */
  private archiveUrl(listed: string, base: string, location: string): { fetch: string } {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(listed)) return { fetch: new URL(listed, base).toString() };
    const decision = this.policy.decide(listed);
    if (!decision.allowed) {
      // What to allow: the archive's host and first two path segments (a GitHub project's releases, say).
      const where = decision.location && formatLocation({ ...decision.location, path: decision.location.path.split('/').slice(0, -1).slice(0, 3).join('/') });
      throw new ChartFailure('not-allowed', `${location} lists its archive at ${listed}, and ${decision.reason}: not contacted`, where);
    }
    const query = new URL(listed).search;
    return { fetch: `${formatLocation(decision.fetchFrom)}${query}` };
  }

  /** A repository's tags, listed at most once per run; a cached list serves while younger than the index age. */
  private tags(repo: OciRepository): Promise<string[]> {
    const key = `${formatLocation(repo.fetchFrom)}/tags/list`;
    const memo = this.tagLists.get(key);
    if (memo) return memo;
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.readIndex(key);
    let list: Promise<string[]> | undefined;
    if (cached && now - cached.fetchedAt < this.policy.indexMaxAgeMs) {
      try {
        const tags = JSON.parse(cached.body.toString('utf8')) as unknown;
        if (Array.isArray(tags) && tags.every((t) => typeof t === 'string')) list = Promise.resolve(tags as string[]);
      } catch {
        // a damaged entry: list again
      }
    }
    list ??= this.oci.tags(repo).then((tags) => {
      this.cache.writeIndex(key, Buffer.from(JSON.stringify(tags)), now);
      return tags;
    });
    this.tagLists.set(key, list);
    return list;
  }

  /** A chart pinned to a manifest digest: its version is read from the chart's config; the pin never changes. */
  private async pinnedByDigest(repo: OciRepository, location: string, request: ChartRequest, digest: string): Promise<ChartAnswer> {
    const pulled = await this.oci.pull(repo, digest, this.limits.maxChartBytes, { withConfig: true }).catch((err: unknown) => this.pullFailure(err, location, request, digest));
    const version = pulled.version ?? digest;
    this.cache.writeBlob(pulled.archive);
    this.cache.writeRef(location, request.name, digest, { digest: pulled.digest, version, url: ociUrl(repo, digest) });
    return { ok: true, chart: { repository: request.repository, name: request.name, version, digest: pulled.digest, url: ociUrl(repo, digest), archive: pulled.archive, cached: false } };
  }

  private async byMutableTag(repo: OciRepository, location: string, request: ChartRequest, tag: string): Promise<ChartAnswer> {
    const pulled = await this.oci.pull(repo, tag, this.limits.maxChartBytes, { withConfig: true }).catch((err: unknown) => this.pullFailure(err, location, request, tag));
    this.cache.writeBlob(pulled.archive);
    const url = ociUrl(repo, pulled.manifestDigest);
    return { ok: true, chart: { repository: request.repository, name: request.name, version: pulled.version ?? tag, digest: pulled.digest, url, archive: pulled.archive, cached: false } };
  }

  private pullFailure(err: unknown, location: string, request: ChartRequest, reference: string): never {
    if (err instanceof FetchError && /discarded$/.test(err.message)) throw new ChartFailure('digest-mismatch', err.message);
    if (err instanceof FetchError && err.status === 404) throw new ChartFailure('not-found', `${location}/${request.name}${reference.startsWith('sha256:') ? '@' : ':'}${reference} is not in the registry`);
    throw err;
  }

  private async fromRegistry(repo: OciRepository, location: string, request: ChartRequest): Promise<ChartAnswer> {
    let version = request.version.trim();
    if (isDigest(version)) return this.pinnedByDigest(repo, location, request, version);
    // A tag that is neither a version nor a range (`latest`, `main`): pulled as it is, never trusted from a cache.
    if (!isExactVersion(version) && !isConstraint(version)) return this.byMutableTag(repo, location, request, version);
    if (!isExactVersion(version)) {
      const tags = (await this.tags(repo)).map((t) => t.replace(/_/g, '+')).filter(isExactVersion);
      const best = highestMatch(tags, version, (t) => t);
      if (!best) throw new ChartFailure('not-found', `${location}/${request.name}: no tag matches ${JSON.stringify(version || '*')}`);
      version = best;
      const cached = this.fromCache(location, request.name, version.replace(/^v/, ''));
      if (cached) return { ok: true, chart: { ...cached, repository: request.repository } };
    }
    const pulled = await this.oci.pull(repo, version.replace(/\+/g, '_'), this.limits.maxChartBytes).catch((err: unknown) => this.pullFailure(err, location, request, version));
    const url = ociUrl(repo, pulled.manifestDigest);
    const exact = version.replace(/^v/, '');
    this.cache.writeBlob(pulled.archive);
    this.cache.writeRef(location, request.name, exact, { digest: pulled.digest, version: exact, url });
    return { ok: true, chart: { repository: request.repository, name: request.name, version: exact, digest: pulled.digest, url, archive: pulled.archive, cached: false } };
  }
}

/** `sha256:<64 hex>`: a manifest digest (an OCIRepository's `ref.digest`, an Application's `targetRevision`). */
export function isDigest(version: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(version);
}

class ChartFailure extends Error {
  constructor(
    readonly kind: ChartFailureKind,
    message: string,
    /** The location to allow, when it is not the repository asked for (an archive listed elsewhere). */
    readonly location?: string
  ) {
    super(message);
  }
}

/** `oci://host/path@sha256:…`: where a registry chart came from, by its manifest digest. */
function ociUrl(repo: OciRepository, manifestDigest: string): string {
  return `${formatLocation(repo.fetchFrom)}@${manifestDigest}`;
}
