/** Baseline and gate: mark findings already present at base, and decide which new ones block. */
import { severityRank, type Finding } from '../analyze/types.js';
import type { FailOn } from '../settings/types.js';

/**
 * Marks each head finding `existing` when the base has a finding with the same fingerprint (and, for findings about
 * content that could not be checked, over the same content); every other finding is `new`.
 */
export function markAgainstBase(head: readonly Finding[], base: readonly Finding[]): Finding[] {
  const atBase = new Map<string, Set<string | undefined>>();
  for (const f of base) {
    const subjects = atBase.get(f.fingerprint) ?? new Set<string | undefined>();
    subjects.add(f.subjectDigest);
    atBase.set(f.fingerprint, subjects);
  }
  return head.map((f) => {
    const subjects = atBase.get(f.fingerprint);
    const existing = subjects !== undefined && (f.subjectDigest === undefined || subjects.has(f.subjectDigest));
    return { ...f, status: existing ? 'existing' : 'new' };
  });
}

/**
 * New findings at or above `failOn` (or the threshold a profile gives the finding) block; existing debt and accepted
 * (suppressed) findings never do.
 */
export function blockingFindings(findings: readonly Finding[], failOn: FailOn): Finding[] {
  return findings.filter((f) => {
    const threshold = f.failOn ?? failOn;
    return threshold !== 'none' && f.status === 'new' && !f.suppression && severityRank(f.severity) >= severityRank(threshold);
  });
}

/** Most severe first, then by file, line and rule: the order every report uses. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.message.localeCompare(b.message)
  );
}
