/**
 * Chart.lock as `helm dependency build` reads it: the lock is used only when its digest matches the dependencies in
 * Chart.yaml (resolver.HashReq: "sha256:" + sha256 of Go's JSON encoding of [Chart.yaml dependencies, locked
 * dependencies]). The lock pins versions, not bytes: the archive digests come from the repositories.
 */
import { createHash } from 'node:crypto';
import { isRecord } from '../objects/types.js';

export interface LockedDependency {
  name: string;
  version: string;
  repository: string;
}

/** encoding/json's string encoding: HTML-sensitive characters and the JavaScript line separators escaped. */
function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** encoding/json of an interface{} value as sigs.k8s.io/yaml decodes it (maps with sorted keys). */
function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isRecord(v)) return `{${Object.keys(v).sort().map((k) => `${goString(k)}:${goJson(v[k])}`).join(',')}}`;
  return 'null';
}

/** A field of a Go struct decoded from JSON: the exact key first, then a case-insensitive match. */
function field(m: Record<string, unknown>, name: string): unknown {
  if (name in m) return m[name];
  const key = Object.keys(m).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : m[key];
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** json.Marshal(*chart.Dependency): fields in struct order, `omitempty` ones left out when empty. */
function dependencyJson(d: unknown): string {
  if (!isRecord(d)) return 'null';
  const parts = [`"name":${goString(text(field(d, 'name')))}`];
  const version = text(field(d, 'version'));
  if (version) parts.push(`"version":${goString(version)}`);
  parts.push(`"repository":${goString(text(field(d, 'repository')))}`);
  const condition = text(field(d, 'condition'));
  if (condition) parts.push(`"condition":${goString(condition)}`);
  const tags = field(d, 'tags');
  if (Array.isArray(tags) && tags.length > 0) parts.push(`"tags":[${tags.map((t) => goString(text(t))).join(',')}]`);
  if (field(d, 'enabled') === true) parts.push('"enabled":true');
  const imports = field(d, 'import-values');
  if (Array.isArray(imports) && imports.length > 0) parts.push(`"import-values":${goJson(imports)}`);
  const alias = text(field(d, 'alias'));
  if (alias) parts.push(`"alias":${goString(alias)}`);
  return `{${parts.join(',')}}`;
}

const list = (v: unknown): string => (Array.isArray(v) ? `[${v.map(dependencyJson).join(',')}]` : 'null');

/** resolver.HashReq(req, lock). */
export function hashRequirements(requested: unknown, locked: unknown): string {
  return `sha256:${createHash('sha256').update(`[${list(requested)},${list(locked)}]`).digest('hex')}`;
}

/**
 * The locked dependencies, when `lock` (Chart.lock's value) is in sync with `requested` (Chart.yaml's
 * `dependencies`); undefined when there is no usable lock.
 */
export function lockedDependencies(requested: unknown, lock: unknown): LockedDependency[] | undefined {
  if (!isRecord(lock) || !Array.isArray(lock.dependencies)) return undefined;
  if (text(lock.digest) !== hashRequirements(requested, lock.dependencies)) return undefined;
  return lock.dependencies.filter(isRecord).map((d) => ({ name: text(field(d, 'name')), version: text(field(d, 'version')), repository: text(field(d, 'repository')) }));
}
