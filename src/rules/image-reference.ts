/**
 * Container image references as the container runtime reads them:
 * `[registry[:port]/]repository[:tag][@algorithm:digest]`.
 *
 * The registry is the first `/`-separated component when it looks like a host (it contains '.' or ':', or is
 * `localhost`); otherwise the image lives on Docker Hub (`docker.io`), where single-component names belong to
 * `library/`. `nginx:latest@sha256:...` carries both a tag and a digest; the runtime pulls by digest.
 */

export const DEFAULT_REGISTRY = 'docker.io';

export interface ImageReference {
  /** The reference as written. */
  raw: string;
  /** Registry host (with port), `docker.io` when none is written. */
  registry: string;
  /** Whether the reference names its registry itself. */
  registryExplicit: boolean;
  /** Repository path inside the registry: `library/nginx`, `org/app`. */
  repository: string;
  /** `registry/repository`: the fully qualified name without tag or digest. */
  name: string;
  tag?: string;
  /** `sha256:...` */
  digest?: string;
}

const TAG = /^[\w][\w.-]{0,127}$/;
/**
 * A digest the runtimes accept (go-digest's registered algorithms): lower-case hex of exactly the algorithm's length.
 * Anything else (a short or upper-case sha256, an unregistered algorithm) fails at pull time, so it pins nothing.
 */
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

/** Docker Hub's aliases, normalised to `docker.io`. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Parses an image reference; undefined when it is not a valid one (empty, upper case, stray characters). */
export function parseImageReference(raw: string): ImageReference | undefined {
  const text = raw.trim();
  if (text === '') return undefined;

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }

  const components = rest.split('/');
  let registry = DEFAULT_REGISTRY;
  let registryExplicit = false;
  if (components.length > 1 && looksLikeHost(components[0])) {
    const host = components.shift() as string;
    if (!HOST.test(host)) return undefined;
    registry = DOCKER_HUB_ALIASES.has(host.toLowerCase()) ? DEFAULT_REGISTRY : host.toLowerCase();
    registryExplicit = true;
  }
  if (components.length === 0 || !components.every((c) => PATH_COMPONENT.test(c))) return undefined;
  if (registry === DEFAULT_REGISTRY && components.length === 1) components.unshift('library');
  const repository = components.join('/');

  const ref: ImageReference = { raw, registry, registryExplicit, repository, name: `${registry}/${repository}` };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/**
 * Whether the image comes from one of the allowed registries. An entry is a registry host (`ghcr.io`,
 * `localhost:5000`) or a registry plus repository prefix (`ghcr.io/my-org`, `docker.io/library`), matched at
 * a `/` boundary. `docker.io` entries also match references without a registry.
 */
export function isFromRegistry(ref: ImageReference, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const normalized = normalizeRegistryEntry(entry);
    return ref.name === normalized || ref.name.startsWith(`${normalized}/`);
  });
}

function normalizeRegistryEntry(entry: string): string {
  const trimmed = entry.trim().replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const host = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const path = slash < 0 ? '' : trimmed.slice(slash);
  const normalizedHost = DOCKER_HUB_ALIASES.has(host.toLowerCase()) ? DEFAULT_REGISTRY : host.toLowerCase();
  return normalizedHost + path;
}
