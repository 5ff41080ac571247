/**
 * The shape of a Pod Security Standards check, mirroring pod-security-admission's policy.Check: an id, the
 * level it belongs to, and one implementation per policy version where its behaviour changed.
 */
import type { Violation } from '../types.js';
import type { PssPod } from './pod.js';

export type PssCheckLevel = 'baseline' | 'restricted';

/** One check of one pod: a violation per offending container, volume or field; none when the pod is allowed. */
export type PssCheckFn = (pod: PssPod) => Violation[];

export interface PssCheckVersion {
  /** First policy version (v1.<sinceMinor>) this implementation applies to. */
  sinceMinor: number;
  check: PssCheckFn;
}

export interface PssCheckDefinition {
  /** pod-security-admission's check id, e.g. `capabilities_baseline`. */
  id: string;
  level: PssCheckLevel;
  /** Implementations in strictly increasing `sinceMinor`; each applies until the next one starts. */
  versions: readonly PssCheckVersion[];
  /**
   * The baseline check this restricted check replaces in restricted namespaces (upstream's OverrideCheckIDs),
   * from this check's first version on.
   */
  overrides?: string;
}

/** The implementation of `definition` at policy version v1.<minor>, or undefined before its first version. */
export function versionAt(definition: PssCheckDefinition, minor: number): PssCheckFn | undefined {
  let found: PssCheckFn | undefined;
  for (const version of definition.versions) {
    if (version.sinceMinor <= minor) found = version.check;
  }
  return found;
}
