/**
 * Evaluating pods against the Pod Security Standards at a level and policy version, the way
 * pod-security-admission's registry does (policy/registry.go):
 *
 * - a check applies from its first version; each version's implementation applies until the next one starts;
 * - baseline runs the baseline checks; restricted runs the restricted checks plus every baseline check that no
 *   applicable restricted check overrides (OverrideCheckIDs);
 * - privileged runs nothing.
 */
import type { Violation } from '../types.js';
import { PSS_CHECK_DEFINITIONS, pssCheckDefinition } from './checks.js';
import { versionAt, type PssCheckDefinition, type PssCheckLevel } from './definition.js';
import type { PssPod } from './pod.js';
import type { PssLevel } from './types.js';

export type { PssPod } from './pod.js';
export type { PssCheckLevel } from './definition.js';

export interface PssCheckInfo {
  /** pod-security-admission's check id, e.g. `runAsNonRoot`. */
  id: string;
  level: PssCheckLevel;
  /** First policy version (v1.<sinceMinor>) the check applies to. */
  sinceMinor: number;
}

export const PSS_CHECKS: readonly PssCheckInfo[] = PSS_CHECK_DEFINITIONS.map((d) => ({
  id: d.id,
  level: d.level,
  sinceMinor: d.versions[0].sinceMinor
}));

export interface PssCheckResult {
  checkId: string;
  /** Empty when the check allows the pod. */
  violations: Violation[];
}

const LEVEL_RANK: Readonly<Record<PssLevel, number>> = { privileged: 0, baseline: 1, restricted: 2 };

/** Whether a namespace at `level` enforces checks of `checkLevel` (privileged < baseline < restricted). */
export function pssLevelIncludes(level: PssLevel, checkLevel: PssCheckLevel): boolean {
  return LEVEL_RANK[checkLevel] <= LEVEL_RANK[level];
}

/** Runs one check at policy version v1.<minor>; [] when the check is unknown or does not exist at that version. */
export function evaluatePssCheck(checkId: string, pod: PssPod, minor: number): Violation[] {
  const definition = pssCheckDefinition(checkId);
  const check = definition ? versionAt(definition, minor) : undefined;
  return check ? check(pod) : [];
}

function appliesAt(definition: PssCheckDefinition, minor: number): boolean {
  return versionAt(definition, minor) !== undefined;
}

/** The restricted check that replaces baseline check `checkId` in restricted namespaces at v1.<minor>, if any. */
export function overridingPssCheck(checkId: string, minor: number): string | undefined {
  return PSS_CHECK_DEFINITIONS.find((d) => d.overrides === checkId && appliesAt(d, minor))?.id;
}

/** Every check that runs at `level` and v1.<minor>, in upstream's order, with what it found. */
export function evaluatePss(level: PssLevel, minor: number, pod: PssPod): PssCheckResult[] {
  return PSS_CHECK_DEFINITIONS.filter(
    (d) => appliesAt(d, minor) && pssLevelIncludes(level, d.level) && !(level === 'restricted' && overridingPssCheck(d.id, minor))
  ).map((d) => ({ checkId: d.id, violations: evaluatePssCheck(d.id, pod, minor) }));
}

/**
 * One check as a namespace at `level` enforces it, for reporting each check on its own (one rule per check).
 * Unlike evaluatePss, a baseline check overridden at restricted level still reports, so that its rule keeps
 * its findings; but only while the overriding check also rejects the pod. Where they differ (a Windows pod,
 * which the restricted seccomp and capabilities checks exempt from v1.25) upstream's verdict wins.
 */
export function evaluatePssCheckAtLevel(checkId: string, level: PssLevel, minor: number, pod: PssPod): Violation[] {
  const definition = pssCheckDefinition(checkId);
  if (!definition || !pssLevelIncludes(level, definition.level)) return [];
  const violations = evaluatePssCheck(checkId, pod, minor);
  if (violations.length === 0 || level !== 'restricted') return violations;
  const overriding = overridingPssCheck(checkId, minor);
  return overriding && evaluatePssCheck(overriding, pod, minor).length === 0 ? [] : violations;
}
