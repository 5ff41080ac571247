/**
 * What may be fetched, from the base revision's config (`repositories`): locations allowed, mirrors fetched from
 * instead, and the environment variables holding credentials. Pure: the caller passes the environment and the
 * Docker config it read.
 */
import { authority, covers, formatLocation, LocationError, parseLocation, rebase, type Location } from './locations.js';

export interface RepositoriesConfig {
  allow?: (string | { url: string; plainHTTP?: boolean })[];
  mirrors?: { from: string; to: string; plainHTTP?: boolean }[];
  credentials?: { url: string; usernameEnv?: string; passwordEnv: string }[];
  /** How long a cached Helm repository index may answer version ranges (default one hour). */
  indexMaxAgeSeconds?: number;
}

export interface Credentials {
  username: string;
  password: string;
}

/** Where a location is fetched from, when the policy allows it. */
export type Decision =
  | { allowed: true; location: Location; fetchFrom: Location; plainHTTP: boolean }
  | { allowed: false; location?: Location; reason: string };

interface Entry {
  location: Location;
  plainHTTP: boolean;
}

/** The Docker config file's `auths` (`docker login` / docker/login-action), by registry host. */
export type DockerAuths = Record<string, Credentials>;

export const DEFAULT_INDEX_MAX_AGE_SECONDS = 3600;

export class RepositoryPolicy {
  private readonly allow: Entry[];
  private readonly mirrors: { from: Location; to: Entry }[];
  private readonly credentials: { location: Location; credentials?: Credentials; missing?: string }[];
  readonly indexMaxAgeMs: number;

  constructor(
    config: RepositoriesConfig = {},
    env: Record<string, string | undefined> = {},
    private readonly dockerAuths: DockerAuths = {},
    /** Where the config came from, for messages. */
    readonly source = '.gitops-gate.yaml'
  ) {
    const entry = (url: string, plainHTTP = false, what: string): Entry => {
      let location: Location;
      try {
        location = parseLocation(url);
      } catch (err) {
        throw new LocationError(`${source}: repositories.${what}: ${(err as Error).message}`);
      }
      return { location, plainHTTP: plainHTTP || location.scheme === 'http' };
    };
    this.allow = (config.allow ?? []).map((a) => (typeof a === 'string' ? entry(a, false, 'allow') : entry(a.url, a.plainHTTP, 'allow')));
    this.mirrors = (config.mirrors ?? []).map((m) => ({ from: entry(m.from, false, 'mirrors').location, to: entry(m.to, m.plainHTTP, 'mirrors') }));
    this.credentials = (config.credentials ?? []).map((c) => {
      const location = entry(c.url, false, 'credentials').location;
      const password = env[c.passwordEnv];
      const username = c.usernameEnv ? env[c.usernameEnv] : '';
      if (password === undefined || username === undefined) {
        const names = [c.usernameEnv, c.passwordEnv].filter((n): n is string => n !== undefined && env[n] === undefined);
        return { location, missing: `the environment variable${names.length > 1 ? 's' : ''} ${names.join(' and ')} named for ${c.url} ${names.length > 1 ? 'are' : 'is'} not set` };
      }
      return { location, credentials: { username, password } };
    });
    this.indexMaxAgeMs = (config.indexMaxAgeSeconds ?? DEFAULT_INDEX_MAX_AGE_SECONDS) * 1000;
  }

  /** Whether anything at all may be fetched. */
  get fetchesAnything(): boolean {
    return this.allow.length > 0;
  }

  /** Whether `text` may be fetched, and from where (its mirror when one covers it). */
  decide(text: string): Decision {
    let location: Location;
    try {
      location = parseLocation(text);
    } catch (err) {
      return { allowed: false, reason: (err as Error).message };
    }
    return this.decideLocation(location);
  }

  decideLocation(location: Location): Decision {
    const allowed = this.allow.find((a) => covers(a.location, location));
    if (!allowed) return { allowed: false, location, reason: `${formatLocation(location)} is not in repositories.allow` };
    const mirror = this.mirrors.find((m) => covers(m.from, location));
    if (mirror) return { allowed: true, location, fetchFrom: rebase(location, mirror.from, mirror.to.location), plainHTTP: mirror.to.plainHTTP };
    if (location.scheme === 'http' && !allowed.plainHTTP) return { allowed: false, location, reason: `${formatLocation(location)} is plain HTTP` };
    return { allowed: true, location, fetchFrom: location, plainHTTP: allowed.plainHTTP };
  }

  /**
   * Whether a connection to `host` may go to a private, loopback, link-local or metadata address: only when an
   * allow or mirror entry names that exact host (any port of it: a registry's token service often has its own).
   */
  mayReachPrivate(host: string): boolean {
    const named = [...this.allow.map((a) => a.location), ...this.mirrors.map((m) => m.to.location)];
    return named.some((l) => l.host === host.toLowerCase());
  }

  /** Whether plain http:// may be used with `host[:port]`: an allow or mirror entry for it says so. */
  mayUsePlainHTTP(host: string, port: number | undefined): boolean {
    const entries = [...this.allow, ...this.mirrors.map((m) => m.to)];
    return entries.some((e) => e.plainHTTP && e.location.host === host.toLowerCase() && e.location.port === port);
  }

  /**
   * Credentials for a request to `url` (scheme, host, port, path): a credentials entry covering it, else for a
   * registry the Docker config's entry for its host. Never for another host: the caller asks per request.
   */
  credentialsFor(url: Location): { credentials?: Credentials; problem?: string } {
    const entry = this.credentials
      .filter((c) => c.location.host === url.host && c.location.port === url.port && (url.path === c.location.path || url.path.startsWith(`${c.location.path}/`) || c.location.path === ''))
      .sort((a, b) => b.location.path.length - a.location.path.length)[0];
    if (entry) return entry.credentials ? { credentials: entry.credentials } : { problem: entry.missing };
    if (url.scheme === 'oci') {
      const docker = this.dockerAuths[authority(url)] ?? (url.host === 'docker.io' ? this.dockerAuths['https://index.docker.io/v1/'] : undefined);
      if (docker) return { credentials: docker };
    }
    return {};
  }

  /** The YAML a user adds to the base branch's config to allow `locations`. */
  static allowSnippet(locations: readonly string[]): string {
    return ['repositories:', '  allow:', ...[...new Set(locations)].sort().map((l) => `    - ${l}`)].join('\n');
  }
}

/** Reads the `auths` of a Docker config file's JSON text (`auth` is base64 of `user:password`). */
export function parseDockerAuths(text: string): DockerAuths {
  const out: DockerAuths = {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return out;
  }
  const auths = (json as { auths?: Record<string, { auth?: string; username?: string; password?: string }> })?.auths;
  if (!auths || typeof auths !== 'object') return out;
  for (const [key, value] of Object.entries(auths)) {
    if (!value || typeof value !== 'object') continue;
    let username = value.username;
    let password = value.password;
    if (typeof value.auth === 'string') {
      const decoded = Buffer.from(value.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    if (typeof username !== 'string' || typeof password !== 'string') continue;
    const host = key === 'https://index.docker.io/v1/' ? key : key.replace(/^https?:\/\//, '').replace(/\/.*$/, '').toLowerCase();
    out[host] = { username, password };
  }
  return out;
}
