/**
 * URLs as the Kubernetes CEL `url` library reads them (Go's net/url.ParseRequestURI, then its accessors): an
 * absolute URL with a scheme, or an absolute path. Parts are kept as written (no lower-casing, no default port).
 */

export interface ParsedUrl {
  scheme: string;
  /** Host and port as written, IPv6 literals in brackets. */
  host: string;
  /** The host without port and brackets. */
  hostname: string;
  port: string;
  escapedPath: string;
  query: Map<string, string[]>;
}

const URL_PATTERN = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/;

/** Parses a URL; throws as the library does when it is neither absolute nor an absolute path. */
export function parseUrl(text: string): ParsedUrl {
  const m = URL_PATTERN.exec(text);
  if (!m || [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) throw new Error(`URL parse error during conversion from string: parse "${text}": invalid URI for request`);
  const [, scheme = '', authority, path = '', rawQuery] = m;
  if (scheme === '' && !path.startsWith('/')) throw new Error(`URL parse error during conversion from string: parse "${text}": invalid URI for request`);
  const host = authority === undefined ? '' : authority.slice(authority.lastIndexOf('@') + 1);
  let hostname = host;
  let port = '';
  const bracketed = /^\[([^\]]*)\](?::([0-9]*))?$/.exec(host);
  if (bracketed) {
    hostname = bracketed[1];
    port = bracketed[2] ?? '';
  } else if (host.includes(':')) {
    hostname = host.slice(0, host.lastIndexOf(':'));
    port = host.slice(host.lastIndexOf(':') + 1);
    if (!/^[0-9]*$/.test(port)) throw new Error(`URL parse error during conversion from string: parse "${text}": invalid port ":${port}" after host`);
  }
  return { scheme, host, hostname, port, escapedPath: path.replace(/ /g, '%20'), query: parseQuery(rawQuery ?? '') };
}

/** Go's url.ParseQuery: `&`-separated pairs, `+` as space, percent-decoding; malformed pairs are left out. */
function parseQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return undefined;
      }
    };
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}
