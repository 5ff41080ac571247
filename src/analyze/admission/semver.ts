/**
 * Semantic versions as the Kubernetes CEL `semver` library reads them (github.com/blang/semver/v4): strict
 * `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` without leading zeros, or, when normalizing, a `v` prefix, leading zeros
 * and missing minor or patch accepted. Ordered by semver precedence (build metadata ignored).
 */

export interface Semver {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string[];
}

const NUMBER = /^(0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;

/** Parses a version; throws with blang/semver's message when it is not one. */
export function parseSemver(text: string, normalize = false): Semver {
  let s = text;
  if (normalize) {
    s = s.replace(/^v/, '');
    const [core, ...rest] = s.split(/(?=[-+])/);
    const parts = core.split('.');
    while (parts.length < 3) parts.push('0');
    s = [parts.map((p) => (/^[0-9]+$/.test(p) ? String(BigInt(p)) : p)).join('.'), ...rest].join('');
  }
  const plus = s.indexOf('+');
  const build = plus < 0 ? undefined : s.slice(plus + 1);
  const main = plus < 0 ? s : s.slice(0, plus);
  const dash = main.indexOf('-');
  const core = dash < 0 ? main : main.slice(0, dash);
  const pre = dash < 0 ? [] : main.slice(dash + 1).split('.');
  const parts = core.split('.');
  if (parts.length !== 3) throw new Error('No Major.Minor.Patch elements found');
  const names = ['Major', 'Minor', 'Patch'];
  parts.forEach((p, i) => {
    if (!/^[0-9]+$/.test(p)) throw new Error(`Invalid character(s) found in ${names[i].toLowerCase()} number "${p}"`);
    if (!NUMBER.test(p)) throw new Error(`${names[i]} number must not contain leading zeroes "${p}"`);
  });
  for (const id of pre) {
    if (id === '' || !IDENTIFIER.test(id)) throw new Error(`Invalid character(s) found in prerelease "${id}"`);
    if (/^[0-9]+$/.test(id) && !NUMBER.test(id)) throw new Error(`Prerelease number must not contain leading zeroes "${id}"`);
  }
  for (const id of build === undefined ? [] : build.split('.')) {
    if (id === '' || !IDENTIFIER.test(id)) throw new Error(`Invalid character(s) found in build meta data "${id}"`);
  }
  return { major: BigInt(parts[0]), minor: BigInt(parts[1]), patch: BigInt(parts[2]), pre };
}

export function isSemver(text: string, normalize = false): boolean {
  try {
    parseSemver(text, normalize);
    return true;
  } catch {
    return false;
  }
}

/** Semver precedence: -1, 0 or 1. */
export function compareSemver(a: Semver, b: Semver): -1 | 0 | 1 {
  const cmp = (x: bigint, y: bigint): -1 | 0 | 1 => (x < y ? -1 : x > y ? 1 : 0);
  const core = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch);
  if (core !== 0) return core;
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const [x, y] = [a.pre[i], b.pre[i]];
    if (x === y) continue;
    const xn = NUMBER.test(x);
    const yn = NUMBER.test(y);
    if (xn && yn) return cmp(BigInt(x), BigInt(y));
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}

/** The version without build metadata: equal for versions of equal precedence. */
export function formatSemver(v: Semver): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre.length > 0 ? `-${v.pre.join('.')}` : ''}`;
}
