/** Small pieces every report shares: rule metadata, the gate threshold, ordering and counting of findings. */
import { SEVERITIES, severityRank, type Finding, type Severity } from '../analyze/types.js';
import type { RuleDefinition } from '../rules/types.js';
import type { FailOn } from '../settings/types.js';
import type { Coverage } from '../policy/coverage.js';

/** What a report needs to know about a rule. A RuleDefinition satisfies it, and so do the input-problem rules. */
export type RuleMeta = Pick<
  RuleDefinition,
  'id' | 'title' | 'severity' | 'securitySeverity' | 'category' | 'rationale' | 'remediation' | 'references' | 'tags'
>;

/** The gate: fail on new findings at or above this severity; `none` never fails. */
export type { FailOn } from '../settings/types.js';

/** Most severe first. */
export const SEVERITIES_DESC: readonly Severity[] = [...SEVERITIES].reverse();

export interface FindingCounts {
  total: number;
  bySeverity: Record<Severity, number>;
  new: number;
  existing: number;
  /** New findings by severity. */
  newBySeverity: Record<Severity, number>;
}

export function countFindings(findings: readonly Finding[]): FindingCounts {
  const bySeverity = { low: 0, medium: 0, high: 0, critical: 0 };
  const newBySeverity = { low: 0, medium: 0, high: 0, critical: 0 };
  let fresh = 0;
  for (const f of findings) {
    bySeverity[f.severity]++;
    if (f.status === 'new') {
      fresh++;
      newBySeverity[f.severity]++;
    }
  }
  return { total: findings.length, bySeverity, new: fresh, existing: findings.length - fresh, newBySeverity };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic order by place: file, line, column, rule, then fingerprint. */
export function compareByLocation(a: Finding, b: Finding): number {
  return (
    compareStrings(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    (a.location.column ?? 0) - (b.location.column ?? 0) ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.fingerprint, b.fingerprint) ||
    compareStrings(a.message, b.message)
  );
}

/** Most severe first, new before existing, then by place. */
export function compareBySeverity(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.status === b.status ? 0 : a.status === 'new' ? -1 : 1) ||
    compareByLocation(a, b)
  );
}

/** `1 finding`, `2 findings`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** `new, at or above high` — the words for the gate. */
export function describeGate(failOn: FailOn): string {
  return failOn === 'none' ? 'gate disabled' : failOn === 'low' ? 'new, any severity' : `new, at or above ${failOn}`;
}

/** Shortens text to at most `max` characters (UTF-16 units), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, Math.max(0, max));
  let cut = text.slice(0, max - 1);
  // Do not split a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Index of rules by id; the first of a duplicated id wins. */
export function indexRules(...lists: readonly (readonly RuleMeta[] | undefined)[]): Map<string, RuleMeta> {
  const map = new Map<string, RuleMeta>();
  for (const list of lists) for (const rule of list ?? []) if (!map.has(rule.id)) map.set(rule.id, rule);
  return map;
}

/**
 * Coverage in words, the lines every report puts next to the verdict:
 * `41 of 44 targets checked, 3 could not be checked (see findings).`, then files outside targets that could not be
 * checked, the time budget, and the files skipped by a documented rule.
 */
export function describeCoverage(c: Coverage): string[] {
  const lines: string[] = [];
  lines.push(
    c.targets === 0
      ? 'No target to check.'
      : `${c.checked} of ${plural(c.targets, 'target')} checked${c.unchecked > 0 ? `, ${c.unchecked} could not be checked (see findings)` : ''}.`
  );
  if (c.declarations) lines.push(describeDeclarations(c.declarations));
  if (c.uncheckedFiles > 0) lines.push(`${plural(c.uncheckedFiles, 'file')} outside any target could not be checked (see findings).`);
  if (c.budgetExhausted) lines.push("The scan's time budget ran out: the targets it did not reach are not checked.");
  if (c.skipped.length > 0) lines.push(`${c.skipped.map((s) => `${plural(s.files, 'file')} skipped: ${s.reason}`).join('; ')}.`);
  return lines;
}

/** `144 Flux or Argo CD declarations: 3 checked, 1 not checked (see findings), 140 not affected by the change.` */
function describeDeclarations(d: NonNullable<Coverage['declarations']>): string {
  const parts = [
    d.checked > 0 ? `${d.checked} checked` : '',
    d['not-checked'] > 0 ? `${d['not-checked']} not checked (see findings)` : '',
    d['not-affected'] > 0 ? `${d['not-affected']} not affected by the change` : '',
    d['not-rendered'] > 0 ? `${d['not-rendered']} in no file a rendered target builds` : ''
  ].filter(Boolean);
  const total = d.checked + d['not-checked'] + d['not-affected'] + d['not-rendered'];
  return `${plural(total, 'Flux or Argo CD declaration')}: ${parts.join(', ')}.`;
}
