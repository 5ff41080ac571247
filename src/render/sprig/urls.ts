/** Sprig url.go (urlParse, urlJoin) over a port of the parts of Go's net/url they use; network.go stub. */
import { CallContext, GoValue, defineFunc, typeOf } from '../gotemplate/index.js';

type Fn = ReturnType<typeof defineFunc>;

type Mode = 'path' | 'pathSegment' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

function shouldEscape(c: string, mode: Mode): boolean {
  if (/[A-Za-z0-9]/.test(c)) return false;
  if (mode === 'host' || mode === 'zone') {
    if ("!$&'()*+,;=:[]<>\"".includes(c)) return false;
  }
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case 'path': return c === '?';
      case 'pathSegment': return c === '/' || c === ';' || c === ',' || c === '?';
      case 'userPassword': return c === '@' || c === '/' || c === '?' || c === ':';
      case 'queryComponent': return true;
      case 'fragment': return false;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

export function urlEscape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (b < 0x80 && !shouldEscape(c, mode)) out += c;
    else if (c === ' ' && mode === 'queryComponent') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function unescape(s: string, mode: Mode): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        const bad = s.slice(i, Math.min(i + 3, s.length));
        throw new Error(`invalid URL escape ${JSON.stringify(bad)}`);
      }
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c === '+' && mode === 'queryComponent') bytes.push(0x20);
    else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface GoURL {
  scheme: string;
  opaque: string;
  user: { username: string; password?: string } | null;
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

function userString(u: { username: string; password?: string }): string {
  let s = urlEscape(u.username, 'userPassword');
  if (u.password !== undefined) s += ':' + urlEscape(u.password, 'userPassword');
  return s;
}

/** A simplified url.Parse (scheme, opaque, authority, path, query, fragment). */
export function parseURL(raw: string): GoURL {
  const wrapErr = (msg: string): Error => new Error(`parse ${JSON.stringify(raw)}: ${msg}`);
  const u: GoURL = { scheme: '', opaque: '', user: null, host: '', path: '', rawQuery: '', fragment: '' };
  let rest = raw;
  const hash = rest.indexOf('#');
  try {
    if (hash >= 0) {
      u.fragment = unescape(rest.slice(hash + 1), 'fragment');
      rest = rest.slice(0, hash);
    }
    if (Array.from(rest).some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
      throw new Error('net/url: invalid control character in URL');
    }
    const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
    if (sm) {
      u.scheme = sm[1].toLowerCase();
      rest = rest.slice(sm[0].length);
    } else if (/^[0-9+.-]*:/.test(rest) && rest.indexOf(':') === 0) {
      throw new Error('missing protocol scheme');
    }
    if (rest.endsWith('?') && (rest.match(/\?/g) ?? []).length === 1) rest = rest.slice(0, -1);
    else {
      const q = rest.indexOf('?');
      if (q >= 0) {
        u.rawQuery = rest.slice(q + 1);
        rest = rest.slice(0, q);
      }
    }
    if (!rest.startsWith('/')) {
      if (u.scheme !== '') {
        u.opaque = rest;
        return u;
      }
      const colon = rest.indexOf(':');
      const slash = rest.indexOf('/');
      if (colon >= 0 && (slash < 0 || colon < slash)) throw new Error('first path segment in URL cannot contain colon');
    }
    if (rest.startsWith('//')) {
      let authority = rest.slice(2);
      const i = authority.indexOf('/');
      rest = i >= 0 ? authority.slice(i) : '';
      authority = i >= 0 ? authority.slice(0, i) : authority;
      const at = authority.lastIndexOf('@');
      let host = authority;
      if (at >= 0) {
        const userinfo = authority.slice(0, at);
        host = authority.slice(at + 1);
        const c = userinfo.indexOf(':');
        u.user = c >= 0
          ? { username: unescape(userinfo.slice(0, c), 'userPassword'), password: unescape(userinfo.slice(c + 1), 'userPassword') }
          : { username: unescape(userinfo, 'userPassword') };
      }
      u.host = unescape(host, 'host');
    }
    u.path = unescape(rest, 'path');
  } catch (e) {
    throw wrapErr((e as Error).message);
  }
  return u;
}

/** url.URL.String() */
export function urlString(u: GoURL): string {
  let buf = '';
  if (u.opaque !== '') {
    if (u.scheme !== '') buf += u.scheme + ':';
    buf += u.opaque;
  } else {
    if (u.scheme !== '') buf += u.scheme + ':';
    if (u.scheme !== '' || u.host !== '' || u.user) {
      if (u.host !== '' || u.path !== '' || u.user) buf += '//';
      if (u.user) buf += userString(u.user) + '@';
      if (u.host !== '') buf += urlEscape(u.host, 'host');
    }
    const path = urlEscape(u.path, 'path');
    if (path !== '' && path[0] !== '/' && u.host !== '') buf += '/';
    if (buf === '') {
      const seg = path.split('/')[0];
      if (seg.includes(':')) buf += './';
    }
    buf += path;
  }
  if (u.rawQuery !== '') buf += '?' + u.rawQuery;
  if (u.fragment !== '') buf += '#' + urlEscape(u.fragment, 'fragment');
  return buf;
}

function hostname(host: string): string {
  if (host.startsWith('[')) {
    const i = host.indexOf(']');
    return i >= 0 ? host.slice(1, i) : host.slice(1);
  }
  const i = host.lastIndexOf(':');
  return i >= 0 && /^:\d*$/.test(host.slice(i)) ? host.slice(0, i) : host;
}

export function urlFuncs(): Record<string, Fn> {
  return {
    urlParse: defineFunc({ params: ['string'], result: 'map[string]interface {}' }, (v: GoValue) => {
      let u: GoURL;
      try {
        u = parseURL(v as string);
      } catch (e) {
        throw new Error(`unable to parse url: ${(e as Error).message}`);
      }
      return new Map<unknown, GoValue>([
        ['scheme', u.scheme], ['host', u.host], ['hostname', hostname(u.host)], ['path', u.path], ['query', u.rawQuery],
        ['opaque', u.opaque], ['fragment', u.fragment], ['userinfo', u.user ? userString(u.user) : '']
      ]);
    }),
    urlJoin: defineFunc({ params: ['map[string]interface {}'], result: 'string' }, function (this: CallContext, d: GoValue) {
      const m = d instanceof Map ? d : new Map<unknown, GoValue>();
      const get = (k: string): string => {
        const v = m.has(k) ? m.get(k) : '';
        if (typeof v !== 'string') {
          throw new Error(`interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : typeOf(v)}, not string`);
        }
        return v;
      };
      const u: GoURL = {
        scheme: get('scheme'), host: get('host'), path: get('path'), rawQuery: get('query'), opaque: get('opaque'),
        fragment: get('fragment'), user: null
      };
      const userinfo = get('userinfo');
      if (userinfo !== '') {
        try {
          u.user = parseURL(`proto://${userinfo}@host`).user;
        } catch (e) {
          throw new Error(`unable to parse userinfo in dict: ${(e as Error).message}`);
        }
      }
      return urlString(u);
    }),
    // Helm (and `helm template`) answers "" unless DNS lookups are enabled; a scanner never resolves names.
    getHostByName: defineFunc({ params: ['string'], result: 'string' }, () => '')
  };
}
