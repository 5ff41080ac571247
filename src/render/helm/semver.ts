/**
 * Masterminds/semver v3 as Helm's chart code uses it (chart version validation, dependency version ranges, the
 * Chart.yaml `kubeVersion` check), over the one port that Sprig's `semver`/`semverCompare` also use: Helm links a
 * single copy of the library, so a constraint means the same in Chart.yaml as in a template.
 */
import { checkConstraint, newConstraint, newVersion } from '../sprig/semver.js';

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string;
  build: string;
  original: string;
}

/** semver.NewVersion (non-strict: "1", "1.2", "v1.2.3-rc.1+b"); null when it does not parse. */
export function parseSemver(s: string): SemVer | null {
  try {
    const v = newVersion(s);
    return { major: Number(v.major), minor: Number(v.minor), patch: Number(v.patch), pre: v.pre, build: v.metadata, original: s };
  } catch {
    return null;
  }
}

export function semverString(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre ? '-' + v.pre : ''}${v.build ? '+' + v.build : ''}`;
}

/** chartutil.IsCompatibleRange: false when either side does not parse. */
export function isCompatibleRange(constraint: string, version: string): boolean {
  try {
    return checkConstraint(newConstraint(constraint), newVersion(version));
  } catch {
    return false;
  }
}
