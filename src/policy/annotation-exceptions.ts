/**
 * Exceptions written where the object lives: `gitops-gate.dev/ignore: <rule>[,<rule>]` with
 * `gitops-gate.dev/ignore-reason` (required) and `gitops-gate.dev/ignore-until` (optional, YYYY-MM-DD, inclusive).
 * The named rules' findings on that object are accepted: still reported with the reason, never blocking. An
 * annotation without a reason, with an unknown rule or a malformed date, or past its date, accepts nothing, and
 * says so. Rules are named one by one; there is no wildcard, so a reviewer sees exactly what is waived.
 */
import type { Finding } from '../analyze/types.js';
import { describeObject, isRecord, type KubeObject, type SourceLocation } from '../objects/types.js';

export const IGNORE_ANNOTATION = 'gitops-gate.dev/ignore';
export const REASON_ANNOTATION = 'gitops-gate.dev/ignore-reason';
export const UNTIL_ANNOTATION = 'gitops-gate.dev/ignore-until';

/** What one object's annotations accept, and where that is written. */
export interface AnnotationGrant {
  rules: string[];
  reason?: string;
  until?: string;
  at: SourceLocation;
}

/** The grant an object's annotations make, if it has the ignore annotation. */
export function grantOf(object: KubeObject): AnnotationGrant | undefined {
  const metadata = isRecord(object.body.metadata) ? object.body.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  const ignore = annotations[IGNORE_ANNOTATION];
  if (typeof ignore !== 'string') return undefined;
  const text = (key: string) => (typeof annotations[key] === 'string' && (annotations[key] as string).trim() !== '' ? (annotations[key] as string).trim() : undefined);
  const reason = text(REASON_ANNOTATION);
  const until = text(UNTIL_ANNOTATION);
  return {
    rules: ignore
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== ''),
    ...(reason ? { reason } : {}),
    ...(until ? { until } : {}),
    at: object.sourceMap.locate(['metadata', 'annotations', IGNORE_ANNOTATION]).location
  };
}

/**
 * The object's findings with those its grant accepts marked, and a note for a grant that accepts nothing it names
 * (no reason, an unknown rule, a malformed or past date).
 */
export function applyGrant(object: KubeObject, findings: readonly Finding[], grant: AnnotationGrant, knownRules: ReadonlySet<string>, today: string): { findings: Finding[]; notes: string[] } {
  const where = `${grant.at.file}:${grant.at.line}`;
  const who = describeObject(object);
  const notes: string[] = [];
  const unknown = grant.rules.filter((r) => !knownRules.has(r));
  if (unknown.length > 0) notes.push(`${who} (${where}): ${IGNORE_ANNOTATION} names ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is not a rule' : 'are not rules'} of this scan.`);
  if (!grant.reason) {
    notes.push(`${who} (${where}): ${IGNORE_ANNOTATION} has no ${REASON_ANNOTATION}, so it accepts nothing.`);
    return { findings: [...findings], notes };
  }
  if (grant.until !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(grant.until)) {
    notes.push(`${who} (${where}): ${UNTIL_ANNOTATION} "${grant.until}" is not a date (YYYY-MM-DD), so the annotation accepts nothing.`);
    return { findings: [...findings], notes };
  }
  const expired = grant.until !== undefined && grant.until < today;
  const rules = new Set(grant.rules);
  let hits = 0;
  const out = findings.map((f) => {
    if (!rules.has(f.ruleId) || f.suppression) return f;
    hits++;
    return expired ? f : { ...f, suppression: { reason: grant.reason!, source: `${IGNORE_ANNOTATION} on ${where}`, ...(grant.until ? { expires: grant.until } : {}) } };
  });
  if (expired && hits > 0) notes.push(`${who} (${where}): the ${IGNORE_ANNOTATION} exception ("${grant.reason}") expired on ${grant.until}; the findings it covered count again.`);
  return { findings: out, notes };
}
