/**
 * The CEL environment ValidatingAdmissionPolicies are written for: the standard library and the `strings`
 * extension from @bufbuild/cel, plus Kubernetes' own libraries (k8s.io/apiserver/pkg/cel/library) implemented
 * here: quantity, url, ip, cidr, lists, regex, semver, format and sets, cel-go's ext.Lists and optional values.
 *
 * Kubernetes' opaque types (Quantity, URL, IP, CIDR, Semver, Format) and optionals are CEL maps carrying a private
 * type tag and a canonical value, so equal values compare equal with `==`; their methods refuse maps that are not
 * of their type. The `authorizer` library and the optional syntax (`.?`, `[?`) are not available: an expression
 * that uses them does not compile, which the gate reports as not checked.
 */
import { celEnv, celFunc, celList, celMap, celMethod, CelScalar, isCelList, isCelMap, listType, mapType, type CelEnv, type CelInput, type CelMap, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { FORMATS } from './format.js';
import { RE2JS } from '@bufbuild/re2';
import {
  cidrContainsCidr, cidrContainsIp, formatCidr, formatIp, ipIsGlobalUnicast, ipIsLinkLocalMulticast, ipIsLinkLocalUnicast, ipIsLoopback,
  ipIsUnspecified, maskIp, parseCidr, parseIp, type CidrPrefix, type IpAddress
} from './net.js';
import {
  addQuantities, compareQuantities, isIntegerQuantity, negate, parseQuantity, quantityAsFloat, quantityAsInteger, quantityFromKey,
  quantityKey, quantitySign, makeQuantity, type Quantity
} from './quantity.js';
import { compareSemver, formatSemver, parseSemver, type Semver } from './semver.js';
import { parseUrl, type ParsedUrl } from './url.js';

const { BOOL, DYN, DOUBLE, INT, STRING } = CelScalar;
const OPAQUE = mapType(STRING, DYN);
const LIST = listType(DYN);

const TYPE_KEY = '\u0000kubernetes.type';
const VALUE_KEY = '\u0000kubernetes.value';

type OpaqueType = 'Quantity' | 'URL' | 'IP' | 'CIDR' | 'Semver' | 'Format';

function opaque(type: OpaqueType, value: string): CelMap {
  return celMap(new Map<string, string>([[TYPE_KEY, type], [VALUE_KEY, value]]));
}

function valueOf(v: unknown, type: OpaqueType): string {
  if (isCelMap(v) && v.get(TYPE_KEY) === type) return v.get(VALUE_KEY) as string;
  throw new Error(`no such overload: expected a ${type}`);
}

/** Whether `parse` accepts its input (the `isQuantity`, `isIP`, ... functions). */
function parses(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

const quantityOf = (v: unknown): Quantity => quantityFromKey(valueOf(v, 'Quantity'));
const ipOf = (v: unknown): IpAddress => parseIp(valueOf(v, 'IP'));
const cidrOf = (v: unknown): CidrPrefix => parseCidr(valueOf(v, 'CIDR'));
const urlOf = (v: unknown): ParsedUrl => parseUrl(valueOf(v, 'URL'));
const quantity = (q: Quantity) => opaque('Quantity', quantityKey(q));

/** A Quantity, or an int taken as a Quantity (add and sub take both). */
function quantityOrInt(v: unknown): Quantity {
  return typeof v === 'bigint' ? makeQuantity(v) : quantityOf(v);
}

const quantityLibrary = [
  celFunc('quantity', [STRING], OPAQUE, (s) => quantity(parseQuantity(s))),
  celFunc('isQuantity', [STRING], BOOL, (s) => parses(() => parseQuantity(s))),
  celMethod('sign', OPAQUE, [], INT, function () {
    return quantitySign(quantityOf(this));
  }),
  celMethod('isInteger', OPAQUE, [], BOOL, function () {
    return isIntegerQuantity(quantityOf(this));
  }),
  celMethod('asInteger', OPAQUE, [], INT, function () {
    return quantityAsInteger(quantityOf(this));
  }),
  celMethod('asApproximateFloat', OPAQUE, [], DOUBLE, function () {
    return quantityAsFloat(quantityOf(this));
  }),
  celMethod('add', OPAQUE, [DYN], OPAQUE, function (other) {
    return quantity(addQuantities(quantityOf(this), quantityOrInt(other)));
  }),
  celMethod('sub', OPAQUE, [DYN], OPAQUE, function (other) {
    return quantity(addQuantities(quantityOf(this), negate(quantityOrInt(other))));
  }),
  celMethod('isLessThan', OPAQUE, [OPAQUE], BOOL, function (other) {
    return ordered(this, other) < 0;
  }),
  celMethod('isGreaterThan', OPAQUE, [OPAQUE], BOOL, function (other) {
    return ordered(this, other) > 0;
  }),
  celMethod('compareTo', OPAQUE, [OPAQUE], INT, function (other) {
    return BigInt(ordered(this, other));
  })
];

const urlLibrary = [
  celFunc('url', [STRING], OPAQUE, (s) => {
    parseUrl(s);
    return opaque('URL', s);
  }),
  celFunc('isURL', [STRING], BOOL, (s) => parses(() => parseUrl(s))),
  celMethod('getScheme', OPAQUE, [], STRING, function () {
    return urlOf(this).scheme;
  }),
  celMethod('getHost', OPAQUE, [], STRING, function () {
    return urlOf(this).host;
  }),
  celMethod('getHostname', OPAQUE, [], STRING, function () {
    return urlOf(this).hostname;
  }),
  celMethod('getPort', OPAQUE, [], STRING, function () {
    return urlOf(this).port;
  }),
  celMethod('getEscapedPath', OPAQUE, [], STRING, function () {
    return urlOf(this).escapedPath;
  }),
  celMethod('getQuery', OPAQUE, [], mapType(STRING, listType(STRING)), function () {
    return celMap(new Map([...urlOf(this).query].map(([k, v]) => [k, celList(v)])));
  })
];

const ip = (a: IpAddress) => opaque('IP', formatIp(a));
const ipLibrary = [
  celFunc('ip', [STRING], OPAQUE, (s) => ip(parseIp(s))),
  celFunc('isIP', [STRING], BOOL, (s) => parses(() => parseIp(s))),
  celFunc('ip.isCanonical', [STRING], BOOL, (s) => formatIp(parseIp(s)) === s),
  celMethod('family', OPAQUE, [], INT, function () {
    return BigInt(ipOf(this).family);
  }),
  celMethod('isUnspecified', OPAQUE, [], BOOL, function () {
    return ipIsUnspecified(ipOf(this));
  }),
  celMethod('isLoopback', OPAQUE, [], BOOL, function () {
    return ipIsLoopback(ipOf(this));
  }),
  celMethod('isLinkLocalMulticast', OPAQUE, [], BOOL, function () {
    return ipIsLinkLocalMulticast(ipOf(this));
  }),
  celMethod('isLinkLocalUnicast', OPAQUE, [], BOOL, function () {
    return ipIsLinkLocalUnicast(ipOf(this));
  }),
  celMethod('isGlobalUnicast', OPAQUE, [], BOOL, function () {
    return ipIsGlobalUnicast(ipOf(this));
  })
];

const cidr = (c: CidrPrefix) => opaque('CIDR', formatCidr(c));
const cidrLibrary = [
  celFunc('cidr', [STRING], OPAQUE, (s) => cidr(parseCidr(s))),
  celFunc('isCIDR', [STRING], BOOL, (s) => parses(() => parseCidr(s))),
  celMethod('containsIP', OPAQUE, [DYN], BOOL, function (other) {
    return cidrContainsIp(cidrOf(this), typeof other === 'string' ? parseIp(other) : ipOf(other));
  }),
  celMethod('containsCIDR', OPAQUE, [DYN], BOOL, function (other) {
    return cidrContainsCidr(cidrOf(this), typeof other === 'string' ? parseCidr(other) : cidrOf(other));
  }),
  celMethod('ip', OPAQUE, [], OPAQUE, function () {
    return ip(cidrOf(this).ip);
  }),
  celMethod('masked', OPAQUE, [], OPAQUE, function () {
    const c = cidrOf(this);
    return cidr({ ip: maskIp(c.ip, c.length), length: c.length });
  }),
  celMethod('prefixLength', OPAQUE, [], INT, function () {
    return BigInt(cidrOf(this).length);
  })
];

/** `string(ip)` and `string(cidr)`; other maps have no string form. */
const stringOfOpaque = celFunc('string', [OPAQUE], STRING, (v) => {
  const type = v.get(TYPE_KEY);
  if (type === 'IP' || type === 'CIDR') return v.get(VALUE_KEY) as string;
  throw new Error('no such overload: string(map)');
});

/** Ordering of the values lists compare: numbers, strings, booleans; lists of mixed kinds are refused. */
function compare(a: CelValue, b: CelValue): number {
  const num = (v: CelValue) => (typeof v === 'bigint' || typeof v === 'number' ? v : undefined);
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (isCelMap(a) && isCelMap(b) && a.get(TYPE_KEY) === 'Quantity') return compareQuantities(quantityOf(a), quantityOf(b));
  throw new Error('no such overload: the list holds values that do not compare');
}

function items(list: unknown): CelValue[] {
  if (!isCelList(list)) throw new Error('no such overload');
  return [...list];
}

/** CEL equality: numbers across int, uint and double; lists and maps element by element. */
function equal(a: CelValue, b: CelValue): boolean {
  if (isCelList(a) && isCelList(b)) {
    const xs = [...a];
    const ys = [...b];
    return xs.length === ys.length && xs.every((x, i) => equal(x, ys[i]));
  }
  if (isCelMap(a) && isCelMap(b)) {
    return a.size === b.size && [...a.entries()].every(([k, v]) => b.has(k) && equal(v, b.get(k)!));
  }
  try {
    return compare(a, b) === 0;
  } catch {
    return false;
  }
}

const listsLibrary = [
  celMethod('isSorted', LIST, [], BOOL, function () {
    const xs = items(this);
    return xs.every((x, i) => i === 0 || compare(xs[i - 1], x) <= 0);
  }),
  celMethod('sum', LIST, [], DYN, function () {
    const xs = items(this);
    if (xs.length === 0) return 0n;
    if (xs.every((x) => typeof x === 'bigint')) return (xs as bigint[]).reduce((s, x) => s + x, 0n);
    if (xs.every((x) => typeof x === 'number')) return (xs as number[]).reduce((s, x) => s + x, 0);
    throw new Error('no such overload: sum of mixed values');
  }),
  celMethod('min', LIST, [], DYN, function () {
    const xs = items(this);
    if (xs.length === 0) throw new Error('min called on empty list');
    return xs.reduce((m, x) => (compare(x, m) < 0 ? x : m));
  }),
  celMethod('max', LIST, [], DYN, function () {
    const xs = items(this);
    if (xs.length === 0) throw new Error('max called on empty list');
    return xs.reduce((m, x) => (compare(x, m) > 0 ? x : m));
  }),
  celMethod('indexOf', LIST, [DYN], INT, function (value) {
    return BigInt(items(this).findIndex((x) => equal(x, value)));
  }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (value) {
    const xs = items(this);
    for (let i = xs.length - 1; i >= 0; i--) if (equal(xs[i], value)) return BigInt(i);
    return -1n;
  })
];

/**
 * An RE2 pattern as a JavaScript RegExp: the pattern is validated by RE2 (so what RE2 refuses is refused), then run
 * by JavaScript's engine, which agrees with RE2 on the syntax RE2 accepts save for leading inline flags, handled here.
 */
function regex(pattern: string): RegExp {
  RE2JS.compile(pattern);
  const flags = /^\(\?([imsU]+)\)/.exec(pattern);
  const body = flags ? pattern.slice(flags[0].length) : pattern;
  const js = [...new Set((flags?.[1] ?? '').replace(/U/g, ''))].join('');
  return new RegExp(body.replace(/\(\?P</g, '(?<'), `gu${js}`);
}

const regexLibrary = [
  celMethod('find', STRING, [STRING], STRING, function (pattern) {
    return regex(pattern).exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', STRING, [STRING], listType(STRING), function (pattern) {
    return [...this.matchAll(regex(pattern))].map((m) => m[0]);
  }),
  celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (pattern, limit) {
    const all = [...this.matchAll(regex(pattern))].map((m) => m[0]);
    return limit < 0n ? all : all.slice(0, Number(limit));
  })
];

const semver = (v: Semver) => opaque('Semver', formatSemver(v));
const semverOf = (v: unknown): Semver => parseSemver(valueOf(v, 'Semver'));
const semverLibrary = [
  celFunc('semver', [STRING], OPAQUE, (s) => semver(parseSemver(s))),
  celFunc('semver', [STRING, BOOL], OPAQUE, (s, normalize) => semver(parseSemver(s, normalize))),
  celFunc('isSemver', [STRING], BOOL, (s) => parses(() => parseSemver(s))),
  celFunc('isSemver', [STRING, BOOL], BOOL, (s, normalize) => parses(() => parseSemver(s, normalize))),
  celMethod('major', OPAQUE, [], INT, function () {
    return semverOf(this).major;
  }),
  celMethod('minor', OPAQUE, [], INT, function () {
    return semverOf(this).minor;
  }),
  celMethod('patch', OPAQUE, [], INT, function () {
    return semverOf(this).patch;
  })
];

/** isLessThan, isGreaterThan and compareTo, on quantities and on versions. */
function ordered(a: unknown, b: unknown): -1 | 0 | 1 {
  return opaqueType(a) === 'Semver' ? compareSemver(semverOf(a), semverOf(b)) : compareQuantities(quantityOf(a), quantityOf(b));
}

/** cel-go's ext.Lists: lists.range, reverse, slice, flatten, sort, distinct (sortBy is a macro: not available). */
const extListsLibrary = [
  celFunc('lists.range', [INT], LIST, (n) => Array.from({ length: Math.max(0, Number(n)) }, (_, i) => BigInt(i))),
  celMethod('reverse', LIST, [], LIST, function () {
    return items(this).reverse();
  }),
  celMethod('slice', LIST, [INT, INT], LIST, function (start, end) {
    const xs = items(this);
    if (start < 0n || end < 0n) throw new Error(`cannot slice(${start}, ${end}), negative indexes not supported`);
    if (start > end) throw new Error(`cannot slice(${start}, ${end}), start index must be less than or equal to end index`);
    if (end > BigInt(xs.length)) throw new Error(`cannot slice(${start}, ${end}), list is length ${xs.length}`);
    return xs.slice(Number(start), Number(end));
  }),
  celMethod('flatten', LIST, [], LIST, function () {
    return flatten(items(this), 1n);
  }),
  celMethod('flatten', LIST, [INT], LIST, function (depth) {
    if (depth < 0n) throw new Error('level must be non-negative');
    return flatten(items(this), depth);
  }),
  celMethod('sort', LIST, [], LIST, function () {
    const xs = items(this);
    const kinds = new Set(xs.map((x) => (typeof x === 'bigint' || typeof x === 'number' ? 'number' : typeof x)));
    if (kinds.size > 1) throw new Error(`expected type '${typeof xs[0] === 'string' ? 'string' : 'int'}' but found '${typeof xs.find((x) => typeof x !== typeof xs[0]) === 'string' ? 'string' : 'int'}'`);
    return [...xs].sort(compare);
  }),
  celMethod('distinct', LIST, [], LIST, function () {
    const out: CelValue[] = [];
    for (const x of items(this)) if (!out.some((y) => equal(x, y))) out.push(x);
    return out;
  })
];

function flatten(xs: CelValue[], depth: bigint): CelValue[] {
  return xs.flatMap((x) => (depth > 0n && isCelList(x) ? flatten([...x], depth - 1n) : [x]));
}

/**
 * CEL optionals as values (the `.?` syntax is not parsed): `optional.none()`, `optional.of(x)`, `hasValue()`,
 * `value()`, `orValue(x)`; what `format.named()` and a format's `validate()` return.
 */
const OPTIONAL = '\u0000kubernetes.optional';
const optional = (value?: CelInput) => celMap(new Map<string, CelInput>([[TYPE_KEY, OPTIONAL], ...(value === undefined ? [] : ([[VALUE_KEY, value]] as [string, CelInput][]))]));
function optionalOf(v: unknown): CelMap {
  if (isCelMap(v) && v.get(TYPE_KEY) === OPTIONAL) return v;
  throw new Error('no such overload: expected an optional');
}
const optionalLibrary = [
  celFunc('optional.none', [], OPAQUE, () => optional()),
  celFunc('optional.of', [DYN], OPAQUE, (v) => optional(v)),
  celMethod('hasValue', OPAQUE, [], BOOL, function () {
    return optionalOf(this).has(VALUE_KEY);
  }),
  celMethod('value', OPAQUE, [], DYN, function () {
    const o = optionalOf(this);
    if (!o.has(VALUE_KEY)) throw new Error('optional.none() dereference');
    return o.get(VALUE_KEY)!;
  }),
  celMethod('orValue', OPAQUE, [DYN], DYN, function (fallback) {
    const o = optionalOf(this);
    return o.has(VALUE_KEY) ? o.get(VALUE_KEY)! : fallback;
  })
];

const formatLibrary = [
  ...Object.keys(FORMATS).map((name) => celFunc(`format.${name}`, [], OPAQUE, () => opaque('Format', name))),
  celFunc('format.named', [STRING], OPAQUE, (name) => (Object.hasOwn(FORMATS, name) ? optional(opaque('Format', name)) : optional())),
  celMethod('validate', OPAQUE, [STRING], OPAQUE, function (text) {
    const errors = FORMATS[valueOf(this, 'Format')](text);
    return errors.length === 0 ? optional() : optional(errors);
  })
];

const setsLibrary = [
  celFunc('sets.contains', [LIST, LIST], BOOL, (a, b) => items(b).every((y) => items(a).some((x) => equal(x, y)))),
  celFunc('sets.equivalent', [LIST, LIST], BOOL, (a, b) => items(b).every((y) => items(a).some((x) => equal(x, y))) && items(a).every((x) => items(b).some((y) => equal(x, y)))),
  celFunc('sets.intersects', [LIST, LIST], BOOL, (a, b) => items(a).some((x) => items(b).some((y) => equal(x, y))))
];

export const KUBERNETES_CEL: CelEnv = celEnv({
  funcs: [
    ...strings, ...quantityLibrary, ...urlLibrary, ...ipLibrary, ...cidrLibrary, stringOfOpaque, ...listsLibrary, ...extListsLibrary, ...regexLibrary, ...semverLibrary,
    ...optionalLibrary, ...formatLibrary, ...setsLibrary
  ]
});

/** The type tag of a Kubernetes opaque value, when `v` is one. */
export function opaqueType(v: unknown): OpaqueType | undefined {
  return isCelMap(v) ? (v.get(TYPE_KEY) as OpaqueType | undefined) : undefined;
}

/** A Kubernetes opaque value written as upstream's tests compare it (the quantity's exact value, the IP's text). */
export function describeOpaque(v: unknown): string | undefined {
  const type = opaqueType(v);
  return type && (type as string) !== OPTIONAL ? `${type}(${valueOf(v, type)})` : undefined;
}

/** An optional value's content, when `v` is one. */
export function optionalContent(v: unknown): { hasValue: boolean; value?: CelValue } | undefined {
  if (!isCelMap(v) || v.get(TYPE_KEY) !== OPTIONAL) return undefined;
  return v.has(VALUE_KEY) ? { hasValue: true, value: v.get(VALUE_KEY)! } : { hasValue: false };
}
