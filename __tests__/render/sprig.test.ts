import { describe, expect, test } from '@jest/globals';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { GoValue, Template, fromJS } from '../../src/render/gotemplate/index.js';
import {
  SPRIG_FUNC_NAMES, VOLATILE_FUNCS, createSprigFuncs, resetSprigCallCounts
} from '../../src/render/sprig/index.js';
import { bcryptHash } from '../../src/render/sprig/crypto.js';

type Funcs = ReturnType<typeof createSprigFuncs>;

function render(text: string, data: unknown = {}, funcs: Funcs = createSprigFuncs(), name = 'chart/templates/a.yaml'): string {
  const t = new Template(name, { funcs });
  t.parse(text);
  return t.execute(fromJS(data, 'float64') as GoValue);
}

function renderError(text: string, data: unknown = {}): string {
  try {
    render(text, data);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('function map', () => {
  test('has Sprig functions but not env/expandenv', () => {
    for (const n of ['randAlphaNum', 'regexReplaceAll', 'semverCompare', 'genCA', 'dig', 'mergeOverwrite', 'toRawJson', 'until']) {
      expect(SPRIG_FUNC_NAMES).toContain(n);
    }
    expect(SPRIG_FUNC_NAMES).not.toContain('env');
    expect(SPRIG_FUNC_NAMES).not.toContain('expandenv');
    for (const v of VOLATILE_FUNCS) expect(SPRIG_FUNC_NAMES).toContain(v);
  });
});

describe('deterministic random stand-ins', () => {
  test('same call site gives the same output for base and head', () => {
    const tpl = 'a: {{ randAlphaNum 16 }}\nb: {{ uuidv4 }}\n';
    const base = render(tpl, {}, createSprigFuncs({ seed: 's' }));
    const head = render(tpl, {}, createSprigFuncs({ seed: 's' }));
    expect(head).toBe(base);
    expect(render(tpl, {}, createSprigFuncs({ seed: 'other' }))).not.toBe(base);
  });

  test('different sites and repeated calls at one site differ, reproducibly', () => {
    const out = render('{{ randAlphaNum 12 }} {{ randAlphaNum 12 }}\n{{ range until 3 }}{{ randAlphaNum 12 }} {{ end }}');
    const words = out.split(/\s+/).filter(Boolean);
    expect(new Set(words).size).toBe(5);
    expect(render('{{ randAlphaNum 12 }} {{ randAlphaNum 12 }}\n{{ range until 3 }}{{ randAlphaNum 12 }} {{ end }}')).toBe(out);
  });

  test('a site depends on file, line and column only (not on surrounding edits elsewhere)', () => {
    const a = render('x: {{ randAlpha 8 }}\n', {}, createSprigFuncs(), 'c/templates/a.yaml');
    const b = render('x: {{ randAlpha 8 }}\ny: changed\n', {}, createSprigFuncs(), 'c/templates/a.yaml');
    const other = render('x: {{ randAlpha 8 }}\n', {}, createSprigFuncs(), 'c/templates/b.yaml');
    expect(b.split('\n')[0]).toBe(a.split('\n')[0]);
    expect(other).not.toBe(a);
  });

  test('resetSprigCallCounts makes a func map reusable', () => {
    const f = createSprigFuncs();
    const first = render('{{ uuidv4 }}', {}, f);
    expect(render('{{ uuidv4 }}', {}, f)).not.toBe(first);
    resetSprigCallCounts(f);
    expect(render('{{ uuidv4 }}', {}, f)).toBe(first);
  });

  test('shapes', () => {
    expect(render('{{ randAlphaNum 20 }}')).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(render('{{ randAlpha 20 }}')).toMatch(/^[A-Za-z]{20}$/);
    expect(render('{{ randNumeric 20 }}')).toMatch(/^[0-9]{20}$/);
    expect(render('{{ randAscii 20 }}')).toMatch(/^[\x20-\x7e]{20}$/);
    expect(Buffer.from(render('{{ randBytes 24 }}'), 'base64')).toHaveLength(24);
    expect(render('{{ uuidv4 }}')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const n = Number(render('{{ randInt 10 20 }}'));
    expect(n).toBeGreaterThanOrEqual(10);
    expect(n).toBeLessThan(20);
    expect(Array.from(render('{{ shuffle "hello world" }}')).sort().join('')).toBe(Array.from('hello world').sort().join(''));
    expect(render('{{ typeOf (randInt 1 2) }}')).toBe('int');
  });
});

describe('crypto', () => {
  test('hashes and derivePassword', () => {
    expect(render('{{ sha256sum "abc" }}')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(render('{{ derivePassword 1 "long" "password" "user" "example.com" }}')).toBe('ZedaFaxcZaso9*');
    expect(render('{{ derivePassword 1 "pin" "password" "user" "example.com" }}')).toBe('6685');
    expect(render('{{ derivePassword 1 "nope" "password" "user" "example.com" }}')).toBe('cannot find password template nope');
  });

  test('bcrypt matches the OpenBSD test vector and htpasswd is deterministic', () => {
    const alpha = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const std = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const salt = Buffer.from(Array.from('CCCCCCCCCCCCCCCCCCCCC.', (c) => std[alpha.indexOf(c)]).join('') + '==', 'base64');
    expect(bcryptHash(Buffer.from('U*U'), salt, 5)).toBe('$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW');
    const h = render('{{ htpasswd "admin" "secret" }}');
    expect(h).toMatch(/^admin:\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(render('{{ htpasswd "admin" "secret" }}')).toBe(h);
    expect(render('{{ htpasswd "a:b" "secret" }}')).toBe('invalid username: a:b');
  });

  test('encryptAES/decryptAES are real AES-CBC with a deterministic IV', () => {
    const enc = render('{{ encryptAES "k" "hello" }}');
    expect(Buffer.from(enc, 'base64')).toHaveLength(32);
    expect(render('{{ encryptAES "k" "hello" }}')).toBe(enc);
    expect(render(`{{ decryptAES "k" "${enc}" }}`)).toBe('hello');
  });

  test('genPrivateKey gives parseable PEM of the right type', () => {
    const ec = render('{{ genPrivateKey "ecdsa" }}');
    expect(ec).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(createPrivateKey(ec).asymmetricKeyType).toBe('ec');
    const ed = render('{{ genPrivateKey "ed25519" }}');
    expect(ed).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(ed).asymmetricKeyType).toBe('ed25519');
    expect(render('{{ genPrivateKey "ecdsa" }}')).toBe(ec);
    expect(render('{{ genPrivateKey "foo" }}')).toBe('Unknown type foo');
  });

  test('genCA / genSignedCert / genSelfSignedCert produce valid, deterministic certificates', () => {
    const tpl = [
      '{{- $ca := genCA "my-ca" 365 -}}',
      '{{- $c := genSignedCert "svc" (list "10.0.0.1") (list "svc.ns.svc") 30 $ca -}}',
      '{{- $s := genSelfSignedCert "self" nil (list "a.example") 10 -}}',
      '{{ $ca.Cert | b64enc }}|{{ $ca.Key | b64enc }}|{{ $c.Cert | b64enc }}|{{ $c.Key | b64enc }}|{{ $s.Cert | b64enc }}'
    ].join('');
    const out = render(tpl);
    const [caCert, caKey, cert, key, self] = out.split('|').map((x) => Buffer.from(x, 'base64').toString());
    const ca = new X509Certificate(caCert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=my-ca');
    expect(ca.checkPrivateKey(createPrivateKey(caKey))).toBe(true);
    expect(caKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(new Date(ca.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const leaf = new X509Certificate(cert);
    expect(leaf.ca).toBe(false);
    expect(leaf.issuer).toBe('CN=my-ca');
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(leaf.subjectAltName).toContain('DNS:svc.ns.svc');
    expect(leaf.subjectAltName).toContain('IP Address:10.0.0.1');
    expect(new X509Certificate(self).subjectAltName).toBe('DNS:a.example');
    expect(render(tpl)).toBe(out);
  });

  test('genCAWithKey uses the given key', () => {
    const out = render('{{- $k := genPrivateKey "ecdsa" -}}{{- $ca := genCAWithKey "x" 1 $k -}}{{ $ca.Cert | b64enc }}|{{ eq $ca.Key $k }}');
    const [cert, same] = out.split('|');
    expect(same).toBe('true');
    expect(new X509Certificate(Buffer.from(cert, 'base64').toString()).ca).toBe(true);
  });
});

describe('regular expressions (Go RE2 semantics)', () => {
  test('empty matches, expansion and splitting follow Go', () => {
    expect(render('{{ regexReplaceAll "a*" "baaac" "X" }}')).toBe('XbXcX');
    expect(render('{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}')).toBe('-W-xxW-');
    expect(render('{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}')).toBe('---');
    expect(render('{{ regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "Ada Lovelace" "$last, $first" }}')).toBe('Lovelace, Ada');
    expect(render('{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}')).toBe('-${1}-${1}-');
    expect(render('{{ regexFindAll "a." "paranormal" -1 }}')).toBe('[ar an al]');
    expect(render('{{ regexFindAll "a." "paranormal" 2 }}')).toBe('[ar an]');
    expect(render('{{ regexFindAll "z" "abc" -1 | len }}')).toBe('0');
    expect(render('{{ regexSplit "a*" "abaabaccadaaae" 5 }}')).toBe('[ b b c cadaaae]');
    expect(render('{{ regexFind "[a-zA-Z][1-9]" "abcd1234" }}')).toBe('d1');
    expect(render('{{ regexMatch "^[a-z]+\\\\.[a-z]+$" "foo.bar" }}')).toBe('true');
    expect(render('{{ regexMatch "(?i)ÄB" "xäbx" }}')).toBe('true');
    expect(render('{{ regexFind "(a|ab)(c|bcd)" "abcd" }}')).toBe('abcd');
    expect(render('{{ regexQuoteMeta "1.2.3[x]" }}')).toBe('1\\.2\\.3\\[x\\]');
  });

  test('invalid and unsupported syntax raises Go errors', () => {
    expect(renderError('{{ regexFind "(" "x" }}')).toContain('error calling regexFind: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`');
    expect(renderError('{{ regexReplaceAll "a(?=b)" "ab" "" }}')).toContain('error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    expect(renderError('{{ regexFind "(a)\\\\1" "aa" }}')).toContain('error parsing regexp: invalid escape sequence: `\\1`');
    expect(renderError('{{ mustRegexMatch "[" "x" }}')).toContain('error calling mustRegexMatch: error parsing regexp: missing closing ]: `[`');
    expect(render('{{ regexMatch "[" "x" }}')).toBe('false');
  });
});

describe('semantics', () => {
  test('call sites are exposed to functions', () => {
    const funcs = {
      ...createSprigFuncs(),
      where: function (this: { position?: { source: string; line: number; col: number } }) {
        const p = this.position;
        return p ? `${p.source}:${p.line}:${p.col}` : 'none';
      }
    };
    expect(render('a\n  {{ where }}', {}, funcs as Funcs, 'x.yaml')).toBe('a\n  x.yaml:2:5');
  });

  test('semverCompare pre-release rules', () => {
    expect(render('{{ semverCompare ">=1.21" "1.25.8-eks-ec5523e" }}')).toBe('false');
    expect(render('{{ semverCompare ">=1.21-0" "1.25.8-eks-ec5523e" }}')).toBe('true');
    expect(render('{{ semverCompare "~1.2.3" "1.2.9" }}')).toBe('true');
    expect(render('{{ semverCompare "1.2 - 1.4" "1.4.5" }}')).toBe('true');
    expect(render('{{ semverCompare "1.2 - 1.4" "1.5.0" }}')).toBe('false');
    expect(render('{{ semverCompare "^0.2.3 || >3" "0.2.9" }}')).toBe('true');
    expect(render('{{ (semver "v1.2.3-rc.1+b").Minor }}')).toBe('2');
  });

  test('numbers: cast rules, int64 results, decimal floats', () => {
    expect(render('{{ int "010" }} {{ int "08" }} {{ int64 "0x1F" }} {{ int "3.0" }} {{ float64 "1.5" }}')).toBe('8 0 31 3 1.5');
    expect(render('{{ typeOf (add 1 2) }} {{ typeOf (len "ab") }} {{ typeOf (round 1.25 1) }}')).toBe('int64 int float64');
    expect(render('{{ addf 0.1 0.2 }} {{ round 2.345 2 }} {{ divf 1 3 }}')).toBe('0.3 2.35 0.3333333333333333');
    expect(render('{{ .n | int }}', { n: 3.9 })).toBe('3');
    expect(renderError('{{ div 1 0 }}')).toContain('error calling div: runtime error: integer divide by zero');
  });

  test('merge and mergeOverwrite follow mergo', () => {
    const data = { dst: { a: 1, keep: '', nested: { x: 1 }, list: [1] }, src: { a: 2, keep: 'filled', nested: { x: 2, y: 3 }, list: [9], b: false } };
    expect(render('{{ merge .dst .src | toJson }}', data)).toBe('{"a":1,"b":false,"keep":"filled","list":[1],"nested":{"x":1,"y":3}}');
    expect(render('{{ mergeOverwrite .dst .src | toJson }}', data)).toBe('{"a":2,"b":false,"keep":"filled","list":[9],"nested":{"x":2,"y":3}}');
  });

  test('json helpers', () => {
    expect(render('{{ dict "h" "<a&b>" "n" 1.5 | toJson }}')).toBe('{"h":"\\u003ca\\u0026b\\u003e","n":1.5}');
    expect(render('{{ dict "h" "<a>" | toRawJson }}')).toBe('{"h":"<a>"}');
    expect(render('{{ (fromJson "{\\"a\\": [1, 2]}").a }}')).toBe('[1 2]');
    expect(renderError('{{ mustFromJson "{" }}')).toContain('unexpected end of JSON input');
  });

  test('fixed clock and dates', () => {
    expect(render('{{ now | date "2006-01-02T15:04:05Z07:00" }}')).toBe('2026-01-01T00:00:00Z');
    const f = createSprigFuncs({ now: new Date('2030-05-06T07:08:09Z') });
    expect(render('{{ now | unixEpoch }} {{ now | htmlDate }} {{ now }}', {}, f)).toBe('1904281689 2030-05-06 2030-05-06 07:08:09 +0000 UTC');
    expect(render('{{ toDate "2006-01-02" "2017-12-31" | date "Jan 2, 2006 (Mon)" }}')).toBe('Dec 31, 2017 (Sun)');
    expect(render('{{ dateInZone "15:04 MST" 0 "UTC" }}')).toBe('00:00 UTC');
    expect(render('{{ duration "3661" }} {{ durationRound "49h" }}')).toBe('1h1m1s 2d');
    expect(render('{{ (toDate "2006-01-02" "2017-12-31").Year }}')).toBe('2017');
  });

  test('strings', () => {
    expect(render('{{ "hello world" | title }} {{ "ABC" | lower }} {{ trunc 5 "abcdefgh" }}')).toBe('Hello World abc abcde');
    expect(render('{{ snakecase "HTTPServerID" }} {{ kebabcase "fooBar" }} {{ camelcase "foo_bar-baz" }}')).toBe('http_server_id foo-bar FooBarBaz');
    expect(render('{{ wrapWith 5 "\\n" "Hello World Again" }}')).toBe('Hello\nWorld\nAgain');
    expect(render('{{ list "b" "a" "B" | sortAlpha }}')).toBe('[B a b]');
    expect(render('{{ dig "a" "b" "none" (dict "a" (dict "b" "found")) }}')).toBe('found');
    expect(renderError('{{ dig "a" "b" "none" (dict "a" "str") }}')).toContain('interface conversion: interface {} is string, not map[string]interface {}');
    expect(render('{{ urlParse "https://u:p@example.com:8443/p/a?q=1#f" | toJson }}')).toBe(
      '{"fragment":"f","host":"example.com:8443","hostname":"example.com","opaque":"","path":"/p/a","query":"q=1","scheme":"https","userinfo":"u:p"}'
    );
  });
});
