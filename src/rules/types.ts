/** A rule as written in a `rules/*.yaml` file. */
import type { Severity, Violation } from '../analyze/types.js';
import type { KubeObject } from '../objects/types.js';
import type { PssSettings } from '../analyze/pss/types.js';

export interface RuleReferences {
  /** Pod Security Standards control: the level it belongs to and pod-security-admission's check id. */
  pss?: { level: 'baseline' | 'restricted'; check: string };
  cis?: string[];
  nsa?: string[];
  /** MITRE ATT&CK technique ids (T1611, T1552.007). */
  mitre?: string[];
  docs?: string[];
}

export interface RuleMatch {
  /** Object kinds the rule looks at. `workloads` stands for every kind that carries a pod template. */
  kinds: string[];
}

/**
 * A check: a template or CEL over one object, or an analyzer over the set of objects rendered together (its
 * examples are `{ set: [objects] }`).
 */
export type RuleCheck = { template: string; params?: Record<string, unknown> } | { cel: string; message: string; path?: string } | { analyzer: string; params?: Record<string, unknown> };

/**
 * How a finding of the rule is fixed by a plain edit of the line it points at: set the field to `set`. Review
 * comments then carry a one-click suggestion when that line is `field: <plain scalar>`. `fields` limits the hint
 * to those field names (default: any field the rule reports).
 */
export interface RuleFix {
  set: string | number | boolean;
  fields?: string[];
}

export interface RuleDefinition {
  id: string;
  title: string;
  severity: Severity;
  /** 0.0-10.0, as GitHub code scanning reads `security-severity`. */
  securitySeverity: number;
  category: string;
  rationale: string;
  remediation: string;
  references: RuleReferences;
  tags: string[];
  match: RuleMatch;
  check: RuleCheck;
  examples: { pass: Record<string, unknown>[]; fail: Record<string, unknown>[] };
  /** A one-line fix, for review-comment suggestions. */
  fix?: RuleFix;
  /** Where the rule was read from (repository- or package-relative). */
  source: string;
}

/** Settings a check may read: only what changes a verdict. */
export interface CheckSettings {
  pss: PssSettings;
  /** Minor version of the Kubernetes the objects are deployed to (1.<kubeMinor>). */
  kubeMinor: number;
  /** Config `images.allow`: globs over the normalised repository of every image; absent, every image is allowed. */
  imagesAllow?: readonly string[];
}

export interface CheckContext {
  object: Pick<KubeObject, 'kind' | 'body' | 'name' | 'namespace' | 'apiVersion' | 'release' | 'namespaceSource'>;
  settings: CheckSettings;
}

/** A reusable check: a function of the object and the rule's parameters. */
export interface CheckTemplate {
  name: string;
  description: string;
  run(ctx: CheckContext, params: Record<string, unknown>): Violation[];
}
