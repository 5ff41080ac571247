/**
 * Masterminds/semver v3 as Helm uses it: loose version parsing (`NewVersion`) and constraint checking
 * (`NewConstraint(...).Check`), enough for dependency version ranges and Chart.yaml `kubeVersion`.
 */

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string;
  build: string;
  original: string;
}

const VERSION_RE = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

/** Masterminds NewVersion (non-strict): "1", "1.2", "v1.2.3-rc.1+b" are accepted. */
export function parseSemver(s: string): SemVer | null {
  const m = VERSION_RE.exec(s);
  if (!m) return null;
  const pre = m[5] ?? '';
  // numeric prerelease identifiers must not have leading zeros
  for (const id of pre ? pre.split('.') : []) if (/^0[0-9]+$/.test(id)) return null;
  return {
    major: Number(m[1]),
    minor: m[2] ? Number(m[2].slice(1)) : 0,
    patch: m[3] ? Number(m[3].slice(1)) : 0,
    pre,
    build: m[8] ?? '',
    original: s
  };
}

export function semverString(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre ? '-' + v.pre : ''}${v.build ? '+' + v.build : ''}`;
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const x = as[i];
    const y = bs[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    if (xn && yn) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d < 0 ? -1 : 1;
    } else if (xn) return -1;
    else if (yn) return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function compareSemver(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  return comparePre(a.pre, b.pre);
}

interface Constraint {
  op: string;
  v: SemVer;
  /** Which parts were given as wildcards or omitted ('x'): 0 = none, 1 = patch, 2 = minor+patch, 3 = all. */
  dirty: number;
  originalHasPre: boolean;
}

const CONSTRAINT_OPS = ['>=', '=>', '<=', '=<', '!=', '>', '<', '=', '~>', '~', '^'];
const PART = '(?:[0-9]+|[xX*])';
const CVERSION = `v?${PART}(?:\\.${PART})?(?:\\.${PART})?(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?`;
const ONE = new RegExp(`^\\s*(${CONSTRAINT_OPS.map((o) => o.replace(/[*^]/g, '\\$&')).join('|')})?\\s*(${CVERSION})\\s*$`);
const HYPHEN = new RegExp(`^\\s*(${CVERSION})\\s+-\\s+(${CVERSION})\\s*$`);

function parseOne(op: string, ver: string): Constraint | null {
  const m = /^v?([0-9]+|[xX*])(?:\.([0-9]+|[xX*]))?(?:\.([0-9]+|[xX*]))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-.]+))?$/.exec(ver);
  if (!m) return null;
  const wild = (s: string | undefined): boolean => s === undefined || s === 'x' || s === 'X' || s === '*';
  let dirty = 0;
  if (wild(m[1])) dirty = 3;
  else if (wild(m[2])) dirty = 2;
  else if (wild(m[3])) dirty = 1;
  const num = (s: string | undefined): number => (wild(s) ? 0 : Number(s));
  return {
    op,
    v: { major: num(m[1]), minor: num(m[2]), patch: num(m[3]), pre: m[4] ?? '', build: m[5] ?? '', original: ver },
    dirty,
    originalHasPre: !!m[4]
  };
}

function parseAnd(s: string): Constraint[] | null {
  const out: Constraint[] = [];
  const h = HYPHEN.exec(s);
  if (h) {
    const a = parseOne('>=', h[1]);
    const b = parseOne('<=', h[2]);
    if (!a || !b) return null;
    return [a, b];
  }
  // split on commas or whitespace between constraints
  const parts = s.split(',').flatMap((p) => p.trim().split(/\s+(?=[<>=!~^v0-9xX*])/));
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') return null;
    const m = ONE.exec(p);
    if (!m) return null;
    const c = parseOne(m[1] ?? '', m[2]);
    if (!c) return null;
    out.push(c);
  }
  return out;
}

/** Parses a constraint string; null when invalid (Masterminds NewConstraint error). */
export function parseConstraint(s: string): Constraint[][] | null {
  if (s.trim() === '') return null;
  const ors = s.split('||').map((x) => parseAnd(x));
  if (ors.some((x) => x === null)) return null;
  return ors as Constraint[][];
}

function check(c: Constraint, v: SemVer): boolean {
  // prerelease versions only match constraints that carry a prerelease
  if (v.pre !== '' && !c.originalHasPre) return false;
  const cv = c.v;
  const cmp = compareSemver(v, cv);
  switch (c.op) {
    case '':
    case '=':
      if (c.dirty === 0) return cmp === 0;
      if (c.dirty === 3) return true;
      if (v.major !== cv.major) return false;
      if (c.dirty === 2) return true;
      return v.minor === cv.minor;
    case '!=':
      if (c.dirty === 0) return cmp !== 0;
      if (c.dirty === 3) return false;
      if (v.major !== cv.major) return true;
      if (c.dirty === 2) return false;
      return v.minor !== cv.minor;
    case '>':
      if (c.dirty === 0) return cmp > 0;
      if (c.dirty === 3) return false;
      if (c.dirty === 2) return v.major > cv.major;
      return v.major > cv.major || (v.major === cv.major && v.minor > cv.minor);
    case '<':
      return cmp < 0;
    case '>=':
    case '=>':
      return cmp >= 0;
    case '<=':
    case '=<':
      if (c.dirty === 0) return cmp <= 0;
      if (c.dirty === 3) return true;
      if (c.dirty === 2) return v.major <= cv.major;
      return v.major < cv.major || (v.major === cv.major && v.minor <= cv.minor);
    case '~':
    case '~>': {
      if (cmp < 0) return false;
      if (c.dirty === 3) return true;
      if (v.major !== cv.major) return false;
      if (c.dirty === 2) return true;
      return v.minor === cv.minor;
    }
    case '^': {
      if (cmp < 0) return false;
      if (c.dirty === 3) return true;
      if (cv.major > 0) return v.major === cv.major;
      if (v.major !== 0) return false;
      if (c.dirty === 2) return true;
      if (cv.minor > 0) return v.minor === cv.minor;
      if (v.minor !== 0) return false;
      if (c.dirty === 1) return true;
      return v.patch === cv.patch;
    }
  }
  return false;
}

/** chartutil.IsCompatibleRange: false when either side does not parse. */
export function isCompatibleRange(constraint: string, version: string): boolean {
  const v = parseSemver(version);
  if (!v) return false;
  const c = parseConstraint(constraint);
  if (!c) return false;
  return c.some((and) => and.every((x) => check(x, v)));
}
