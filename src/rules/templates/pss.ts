/**
 * The `pss` template: one Pod Security Standards check (params.check, pod-security-admission's check id) on
 * the pod of any workload, at the level and policy version in the settings.
 */
import { evaluatePssCheckAtLevel, PSS_CHECKS } from '../../analyze/pss/evaluate.js';
import type { Violation } from '../../analyze/types.js';
import { podTemplateOf } from '../../objects/podspec.js';
import type { CheckContext, CheckTemplate } from '../types.js';

const KNOWN_CHECKS = new Set(PSS_CHECKS.map((c) => c.id));

function checkParam(params: Record<string, unknown>): string {
  const check = params.check;
  if (typeof check !== 'string' || !KNOWN_CHECKS.has(check)) {
    throw new Error(`template "pss": params.check must be one of ${[...KNOWN_CHECKS].sort().join(', ')} (got ${JSON.stringify(check)})`);
  }
  return check;
}

export const pssTemplate: CheckTemplate = {
  name: 'pss',
  description:
    "One Pod Security Standards check (params.check: pod-security-admission's check id) on the workload's pod, " +
    'at the configured level and policy version; nothing when the check belongs to a higher level than enforced.',
  run(ctx: CheckContext, params: Record<string, unknown>): Violation[] {
    const check = checkParam(params);
    const pod = podTemplateOf(ctx.object.kind, ctx.object.body);
    if (!pod) return [];
    const { level, minor } = ctx.settings.pss;
    return evaluatePssCheckAtLevel(check, level, minor, pod).map((v) => ({ path: [...pod.podPath, ...v.path], message: v.message }));
  }
};
