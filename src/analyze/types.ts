/** Findings: what a rule says about one place in one object (or one input file). */
import type { JsonPath, ObjectRef, RelatedLocation, SourceLocation } from '../objects/types.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** What a check reports: the path it is about (relative to the object root) and a sentence. */
export interface Violation {
  path: JsonPath;
  message: string;
}

export type FindingStatus = 'new' | 'existing';

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** One sentence naming the object and field. */
  message: string;
  /** The object it is about; absent for problems with an input file itself. */
  object?: ObjectRef;
  /** Render target that produced the object (or owns the file). */
  target?: string;
  path: JsonPath;
  location: SourceLocation;
  related: RelatedLocation[];
  /** Stable identity across runs and unrelated edits: rule, target, object and path, not line numbers. */
  fingerprint: string;
  /**
   * For findings about content the gate could not check: a digest of that content (the file, or every input of the
   * target). Against a base, such a finding is existing only when the base had it over the same content: a pull
   * request that changes what could not be checked is never passed as "already there".
   */
  subjectDigest?: string;
  /** New in the pull request, or already there at the base revision. Without a base everything is new. */
  status: FindingStatus;
  /** The profiles (config `profiles`) that apply to the object. */
  profiles?: readonly string[];
  /** The threshold a profile sets for this finding; the configuration's `failOn` when absent. */
  failOn?: Severity | 'none';
  /** Set when an exception in the config accepts this finding: it is reported but never blocks. */
  suppression?: { reason: string; source: string; expires?: string };
}
