/**
 * Exceptions: accepted findings, each with a reason and optionally an expiry date, declared in the config
 * (which pull-request mode reads from the base revision, so a pull request cannot grant itself one).
 * A suppressed finding is still reported, marked as such, and never blocks. An expired exception stops applying.
 */
import picomatch from 'picomatch';
import type { Finding } from '../analyze/types.js';
import type { ObjectRef } from '../objects/types.js';

export interface ExceptionRule {
  /** Rule id, or `*` for every rule. */
  rule: string;
  /** Glob on the target id (`kustomize:apps/prod`, `helm:charts/api@prod`). */
  target?: string;
  /** Glob on the object, written `Kind/namespace/name` (or `Kind/name` for cluster-scoped objects). */
  object?: string;
  /** Glob on the file the finding points at. */
  file?: string;
  reason: string;
  /** Last day the exception applies (YYYY-MM-DD, inclusive). */
  expires?: string;
}

export function objectKey(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** Marks the findings each live exception covers; returns notes about expired ones that would have matched. */
export function applyExceptions(findings: readonly Finding[], exceptions: readonly ExceptionRule[], today: string, source: string): { findings: Finding[]; notes: string[] } {
  const compiled = exceptions.map((e) => ({
    rule: e,
    target: e.target ? picomatch(e.target, { dot: true }) : undefined,
    object: e.object ? picomatch(e.object, { dot: true }) : undefined,
    file: e.file ? picomatch(e.file, { dot: true }) : undefined,
    expired: e.expires !== undefined && e.expires < today
  }));
  const expiredHits = new Set<ExceptionRule>();
  const out = findings.map((f) => {
    for (const c of compiled) {
      if (c.rule.rule !== '*' && c.rule.rule !== f.ruleId) continue;
      if (c.target && !(f.target && c.target(f.target))) continue;
      if (c.object && !(f.object && c.object(objectKey(f.object)))) continue;
      if (c.file && !c.file(f.location.file)) continue;
      if (c.expired) {
        expiredHits.add(c.rule);
        continue;
      }
      return { ...f, suppression: { reason: c.rule.reason, source, ...(c.rule.expires ? { expires: c.rule.expires } : {}) } };
    }
    return f;
  });
  const notes = [...expiredHits].map((e) => `The exception for ${e.rule} in ${source} ("${e.reason}") expired on ${e.expires}; the findings it covered count again.`);
  return { findings: out, notes };
}
