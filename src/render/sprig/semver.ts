/** Sprig semver/semverCompare over a port of Masterminds/semver v3 (NewVersion, NewConstraint, Check). */
import { GoInt, GoStruct, GoValue, defineFunc } from '../gotemplate/index.js';

type Fn = ReturnType<typeof defineFunc>;

const SEMVER_RE = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const CONSTRAINT_RE = new RegExp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const RANGE_RE = new RegExp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`, 'g');
const FIND_RE = new RegExp(String.raw`(${OPS})\s*(${CV})`, 'g');
const VALID_RE = new RegExp(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);
const MAX_U64 = (1n << 64n) - 1n;

export class Version {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string
  ) {}
  toString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre) s += '-' + this.pre;
    if (this.metadata) s += '+' + this.metadata;
    return s;
  }
}

function parseU64(s: string): bigint {
  const v = BigInt(s);
  if (v > MAX_U64) throw new Error(`Error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}

/** semver.NewVersion */
export function newVersion(v: string): Version {
  const m = SEMVER_RE.exec(v);
  if (!m) throw new Error('Invalid Semantic Version');
  const major = parseU64(m[1]);
  const minor = m[2] ? parseU64(m[2].slice(1)) : 0n;
  const patch = m[3] ? parseU64(m[3].slice(1)) : 0n;
  const pre = m[5] ?? '';
  const meta = m[8] ?? '';
  if (pre) {
    for (const p of pre.split('.')) {
      if (/^[0-9]+$/.test(p) && p.length > 1 && p[0] === '0') throw new Error('Version segment starts with 0');
      if (!/^[0-9A-Za-z-]+$/.test(p)) throw new Error('Invalid Prerelease string');
    }
  }
  if (meta) for (const p of meta.split('.')) if (!/^[0-9A-Za-z-]+$/.test(p)) throw new Error('Invalid Metadata string');
  return new Version(major, minor, patch, pre, meta, v);
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return s !== '' ? 1 : -1;
  const sn = /^[0-9]+$/.test(s);
  const on = /^[0-9]+$/.test(o);
  if (!sn && !on) return s > o ? 1 : -1;
  if (!sn) return 1;
  if (!on) return -1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split('.');
  const op = o.split('.');
  const l = Math.max(sp.length, op.length);
  for (let i = 0; i < l; i++) {
    const d = comparePrePart(sp[i] ?? '', op[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** Version.Compare */
export function compareVersions(v: Version, o: Version): number {
  const d = cmp(v.major, o.major) || cmp(v.minor, o.minor) || cmp(v.patch, o.patch);
  if (d !== 0) return d;
  if (v.pre === '' && o.pre === '') return 0;
  if (v.pre === '') return 1;
  if (o.pre === '') return -1;
  return comparePrerelease(v.pre, o.pre);
}

interface Constraint {
  con: Version;
  op: string;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const isX = (s: string): boolean => s === 'x' || s === 'X' || s === '*';

function parseConstraint(c: string): Constraint {
  if (c.length === 0) return { con: newVersion('0.0.0'), op: '', minorDirty: false, patchDirty: false, dirty: true };
  const m = CONSTRAINT_RE.exec(c);
  if (!m) throw new Error(`improper constraint: ${c}`);
  let ver = m[2];
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  const pre = m[6] ?? '';
  if (isX(m[3]) || m[3] === '') {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (isX((m[4] ?? '').replace(/^\./, '')) || !m[4]) {
    minorDirty = true;
    dirty = true;
    ver = `${m[3]}.0.0${pre}`;
  } else if (isX((m[5] ?? '').replace(/^\./, '')) || !m[5]) {
    dirty = true;
    patchDirty = true;
    ver = `${m[3]}${m[4]}.0${pre}`;
  }
  let con: Version;
  try {
    con = newVersion(ver);
  } catch {
    throw new Error('constraint Parser Error');
  }
  return { con, op: m[1], minorDirty, patchDirty, dirty };
}

function rewriteRange(i: string): string {
  let o = i;
  for (const m of i.matchAll(RANGE_RE)) o = o.replace(m[0], `>= ${m[1]}, <= ${m[11]} `);
  return o;
}

/** semver.NewConstraint */
export function newConstraint(c: string): Constraint[][] {
  c = rewriteRange(c);
  return c.split('||').map((v) => {
    if (!VALID_RE.test(v)) throw new Error(`improper constraint: ${v}`);
    const cs = [...v.matchAll(FIND_RE)].map((m) => m[0]);
    if (cs.length === 0) cs.push(v);
    return cs.map(parseConstraint);
  });
}

function tilde(v: Version, c: Constraint): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

function checkOne(v: Version, c: Constraint): boolean {
  const preBlocked = v.pre !== '' && c.con.pre === '';
  switch (c.op) {
    case '':
    case '=':
      if (preBlocked) return false;
      if (c.dirty) return tilde(v, c);
      return compareVersions(v, c.con) === 0;
    case '!=':
      if (c.dirty) {
        if (preBlocked) return false;
        if (c.con.major !== v.major) return true;
        if (c.con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (c.con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) {
          if (v.pre !== '' || c.con.pre !== '') return comparePrerelease(v.pre, c.con.pre) !== 0;
          return false;
        }
      }
      return compareVersions(v, c.con) !== 0;
    case '>':
      if (preBlocked) return false;
      if (!c.dirty) return compareVersions(v, c.con) === 1;
      if (v.major > c.con.major) return true;
      if (v.major < c.con.major) return false;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > c.con.minor;
      return compareVersions(v, c.con) === 1;
    case '<':
      if (preBlocked) return false;
      return compareVersions(v, c.con) < 0;
    case '>=':
    case '=>':
      if (preBlocked) return false;
      return compareVersions(v, c.con) >= 0;
    case '<=':
    case '=<':
      if (preBlocked) return false;
      if (!c.dirty) return compareVersions(v, c.con) <= 0;
      if (v.major > c.con.major) return false;
      if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
      return true;
    case '~':
    case '~>':
      if (preBlocked) return false;
      return tilde(v, c);
    case '^':
      if (preBlocked) return false;
      if (compareVersions(v, c.con) < 0) return false;
      if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
      if (c.con.major === 0n && v.major > 0n) return false;
      if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
      if (c.con.minor === 0n && v.minor > 0n) return false;
      return c.con.patch === v.patch;
  }
  return false;
}

/** Constraints.Check */
export function checkConstraint(cs: Constraint[][], v: Version): boolean {
  return cs.some((and) => and.every((c) => checkOne(v, c)));
}

const u64 = (n: bigint): GoInt => new GoInt('uint64', n);

/** A *semver.Version as a template value (methods Major, Minor, Patch, Prerelease, Metadata, Original, Compare...). */
export function versionValue(v: Version): GoStruct {
  const S = '*semver.Version';
  const other = (o: GoValue): Version => {
    const ov = (o as GoStruct & { semver?: Version }).semver;
    if (!ov) throw new Error('runtime error: invalid memory address or nil pointer dereference');
    return ov;
  };
  const str = (f: () => string) => defineFunc({ params: [], result: 'string' }, f);
  const cmpFn = (f: (d: number) => boolean) => defineFunc({ params: [S], result: 'bool' }, (o: GoValue) => f(compareVersions(v, other(o))));
  const inc = (f: () => Version) => defineFunc({ params: [], result: 'semver.Version' }, () => versionValue(f()));
  const s = new GoStruct(S, new Map(), {
    Major: defineFunc({ params: [], result: 'uint64' }, () => u64(v.major)),
    Minor: defineFunc({ params: [], result: 'uint64' }, () => u64(v.minor)),
    Patch: defineFunc({ params: [], result: 'uint64' }, () => u64(v.patch)),
    Prerelease: str(() => v.pre),
    Metadata: str(() => v.metadata),
    Original: str(() => v.original),
    String: str(() => v.toString()),
    Compare: defineFunc({ params: [S], result: 'int' }, (o: GoValue) => new GoInt('int', compareVersions(v, other(o)))),
    LessThan: cmpFn((d) => d < 0),
    LessThanEqual: cmpFn((d) => d <= 0),
    GreaterThan: cmpFn((d) => d > 0),
    GreaterThanEqual: cmpFn((d) => d >= 0),
    Equal: cmpFn((d) => d === 0),
    IncPatch: inc(() => v.pre !== '' ? new Version(v.major, v.minor, v.patch, '', '', '') : new Version(v.major, v.minor, v.patch + 1n, '', '', '')),
    IncMinor: inc(() => new Version(v.major, v.minor + 1n, 0n, '', '', '')),
    IncMajor: inc(() => new Version(v.major + 1n, 0n, 0n, '', '', ''))
  });
  (s as GoStruct & { semver?: Version }).semver = v;
  return s;
}

export function semverFuncs(): Record<string, Fn> {
  return {
    semver: defineFunc({ params: ['string'], result: '*semver.Version' }, (s: GoValue) => versionValue(newVersion(s as string))),
    semverCompare: defineFunc({ params: ['string', 'string'], result: 'bool' }, (c: GoValue, v: GoValue) =>
      checkConstraint(newConstraint(c as string), newVersion(v as string)))
  };
}
