/**
 * A Helm repository's `index.yaml`, read as Helm reads it (helm/pkg/repo/index.go): entries per chart, each with
 * its version, archive URLs and digest; versions that do not parse are skipped; a request is answered by an exact
 * version string first, else by the highest version satisfying the constraint (`""` means any).
 */
import { parse } from 'yaml';
import { checkConstraint, compareVersions, newConstraint, newVersion, type Version } from '../render/sprig/semver.js';

export interface IndexEntry {
  version: string;
  urls: string[];
  digest?: string;
}

export type ChartIndex = Map<string, IndexEntry[]>;

export class IndexError extends Error {}

/** Parses index.yaml text (read with the failsafe schema: every scalar a string, as Helm's string fields take them). */
export function parseIndex(text: string): ChartIndex {
  let doc: unknown;
  try {
    doc = parse(text, { schema: 'failsafe', uniqueKeys: false, maxAliasCount: 1000, logLevel: 'error' });
  } catch (err) {
    throw new IndexError(`index.yaml is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const entries = (doc as { entries?: unknown } | null)?.entries;
  if (!doc || typeof doc !== 'object' || (entries !== undefined && (typeof entries !== 'object' || entries === null || Array.isArray(entries)))) {
    throw new IndexError('index.yaml has no entries mapping');
  }
  const index: ChartIndex = new Map();
  for (const [name, list] of Object.entries((entries ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    const versions: IndexEntry[] = [];
    for (const item of list) {
      const e = item as { version?: unknown; urls?: unknown; digest?: unknown } | null;
      if (!e || typeof e.version !== 'string') continue;
      const urls = Array.isArray(e.urls) ? e.urls.filter((u): u is string => typeof u === 'string') : [];
      versions.push({ version: e.version, urls, ...(typeof e.digest === 'string' && e.digest ? { digest: e.digest } : {}) });
    }
    index.set(name, versions);
  }
  return index;
}

/** IndexFile.Get: the entry for `version` (an exact version, a constraint, or "" for the latest). */
export function selectVersion(index: ChartIndex, chart: string, version: string): IndexEntry | undefined {
  const entries = index.get(chart) ?? [];
  const exact = entries.find((e) => e.version === version);
  if (exact) return exact;
  return highestMatch(entries, version, (e) => e.version);
}

/** The item with the highest version satisfying `constraint` ("" = any, prereleases only where it asks for them). */
export function highestMatch<T>(items: readonly T[], constraint: string, versionOf: (item: T) => string): T | undefined {
  let cs;
  try {
    cs = newConstraint(constraint.trim() === '' ? '*' : constraint);
  } catch {
    return undefined;
  }
  let best: { item: T; v: Version } | undefined;
  for (const item of items) {
    let v: Version;
    try {
      v = newVersion(versionOf(item));
    } catch {
      continue;
    }
    if (!checkConstraint(cs, v)) continue;
    if (!best || compareVersions(v, best.v) > 0) best = { item, v };
  }
  return best?.item;
}

/** Whether `version` names one exact version (`1.2.3`, `v1.2.3-rc.1+b`) rather than a constraint. */
export function isExactVersion(version: string): boolean {
  return /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version.trim());
}

/** Whether `version` parses as a version constraint (`^1.2`, `>=1.0.0 <2`, `*`); a tag such as `latest` does not. */
export function isConstraint(version: string): boolean {
  try {
    newConstraint(version.trim() === '' ? '*' : version);
    return true;
  } catch {
    return false;
  }
}
