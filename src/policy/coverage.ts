/**
 * Coverage: what the scan could check. It stands next to the verdict in every report, because the gate's promise is
 * that a ✔ means the change was checked.
 */
import type { Finding } from '../analyze/types.js';
import { isCoverageRule } from '../report/diagnostic-rules.js';
import type { SkipReason } from '../targets/types.js';
import type { DeclarationStatus } from './declarations.js';

export interface Coverage {
  targets: number;
  checked: number;
  /** Targets that could not be checked (or not completely): each has a finding saying why. */
  unchecked: number;
  /** Files that belong to no target and could not be checked (a link leaving the repository, an unreadable folder). */
  uncheckedFiles: number;
  /** YAML and JSON files no target renders, by the documented rule that skips them. */
  skipped: { reason: SkipReason; files: number }[];
  /** The scan's time budget ran out before every target was rendered. */
  budgetExhausted: boolean;
  /** Flux and Argo CD declarations by state (absent when the repository has none). */
  declarations?: Record<DeclarationStatus, number>;
}

/**
 * Whether something the change brought could not be checked although nothing blocks (the gate or the severities
 * were set so): the verdict then must not read as "checked". Accepted findings (exceptions) are decisions, not gaps.
 */
export function hasUncheckedChange(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.status === 'new' && !f.suppression && isCoverageRule(f.ruleId));
}
