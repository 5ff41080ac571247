/**
 * Chart locations as the policy compares them: `https://host[:port]/path` (a Helm repository) and
 * `oci://host[:port]/path` (a registry namespace). Scheme and host are lower-cased, default ports and trailing
 * slashes dropped, so one location has one spelling; a prefix matches only on a path-segment boundary
 * (`oci://ghcr.io/org/charts` covers `oci://ghcr.io/org/charts/app`, never `oci://ghcr.io/org/charts-evil`).
 */

export type LocationScheme = 'https' | 'http' | 'oci';

export interface Location {
  scheme: LocationScheme;
  /** Host name or address as written, lower-cased; IPv6 without brackets. */
  host: string;
  /** Port when one is written and it is not the scheme's default. */
  port?: number;
  /** Path without a trailing slash: '' or '/a/b'. */
  path: string;
}

export class LocationError extends Error {}

const DEFAULT_PORTS: Record<string, number> = { https: 443, http: 80, oci: 443 };

/** Parses a location; throws LocationError for anything that is not an absolute https, http or oci URL. */
export function parseLocation(text: string): Location {
  const trimmed = text.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'oci') {
    throw new LocationError(`"${text}" is not an https://, http:// or oci:// location`);
  }
  let url: URL;
  try {
    // URL parses oci:// as an opaque scheme; read it as https to get the host and path parsed the same way.
    url = new URL(scheme === 'oci' ? `https://${trimmed.slice('oci://'.length)}` : trimmed);
  } catch {
    throw new LocationError(`"${text}" is not a valid URL`);
  }
  if (url.username || url.password) throw new LocationError(`"${text}" carries credentials in the URL; name them in repositories.credentials instead`);
  if (!url.hostname) throw new LocationError(`"${text}" has no host`);
  if (scheme === 'oci' && (url.search || url.hash)) throw new LocationError(`"${text}": an oci:// location has no query or fragment`);
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : undefined;
  const path = decodeURIComponent(url.pathname).replace(/\/+$/, '');
  return { scheme, host, ...(port !== undefined && port !== DEFAULT_PORTS[scheme] ? { port } : {}), path };
}

/** host[:port] as written in a URL authority (IPv6 in brackets). */
export function authority(loc: Pick<Location, 'host' | 'port'>): string {
  const host = loc.host.includes(':') ? `[${loc.host}]` : loc.host;
  return loc.port !== undefined ? `${host}:${loc.port}` : host;
}

export function formatLocation(loc: Location): string {
  return `${loc.scheme}://${authority(loc)}${loc.path}`;
}

/** Whether `prefix` covers `loc`: same scheme, host and port, and a path equal to it or below it. */
export function covers(prefix: Location, loc: Location): boolean {
  if (prefix.scheme !== loc.scheme || prefix.host !== loc.host || prefix.port !== loc.port) return false;
  return loc.path === prefix.path || loc.path.startsWith(`${prefix.path}/`);
}

/** `loc` moved from under `from` to under `to` (the caller checked `covers(from, loc)`). */
export function rebase(loc: Location, from: Location, to: Location): Location {
  return { ...to, path: `${to.path}${loc.path.slice(from.path.length)}` };
}
