/** Runs rules over objects: match by kind, run the check, turn violations into located findings. */
import { POD_TEMPLATE_PATHS } from '../objects/podspec.js';
import { overridingPssCheck } from './pss/evaluate.js';
import { describeObject, formatPath, refOf, type KubeObject } from '../objects/types.js';
import { runCelCheck } from '../rules/cel.js';
import { ANALYZERS, type SetViolation } from './relations/index.js';
import { CHECK_TEMPLATES } from '../rules/templates/index.js';
import type { CheckContext, CheckSettings, RuleDefinition } from '../rules/types.js';
import { digest } from '../util/hash.js';
import type { Finding, Severity, Violation } from './types.js';

/** A rule as the scan uses it: its definition and the severity the configuration gives it. */
export interface ActiveRule {
  rule: RuleDefinition;
  severity: Severity;
}

const WORKLOAD_KINDS = new Set(Object.keys(POD_TEMPLATE_PATHS));

export function ruleMatches(rule: RuleDefinition, kind: string): boolean {
  return rule.match.kinds.some((k) => k === kind || k === '*' || (k === 'workloads' && WORKLOAD_KINDS.has(kind)));
}

/** The violations one rule finds in one object (no source mapping): what rule examples are tested with. */
export function runRule(rule: RuleDefinition, object: CheckContext['object'], settings: CheckSettings): Violation[] {
  if (!ruleMatches(rule, object.kind) || 'analyzer' in rule.check) return [];
  const ctx: CheckContext = { object, settings };
  if ('cel' in rule.check) return runCelCheck(rule.check, ctx);
  const template = CHECK_TEMPLATES.get(rule.check.template);
  if (!template) throw new Error(`${rule.source}: unknown check template "${rule.check.template}"`);
  return template.run(ctx, rule.check.params ?? {});
}

/** Every finding of the active rules in one object, located through the object's source map. */
export function checkObject(object: KubeObject, rules: readonly ActiveRule[], settings: CheckSettings): Finding[] {
  return withoutSupersededPss(findingsOf(object, rules, settings), rules, settings);
}

/**
 * At the restricted level some restricted PSS checks replace a baseline one (restrictedVolumes replaces
 * hostPathVolumes, capabilities_restricted replaces capabilities_baseline, ...). When both flag the same field,
 * one finding is enough: the baseline one, which names the specific danger at its higher severity.
 */
function withoutSupersededPss(findings: Finding[], rules: readonly ActiveRule[], settings: CheckSettings): Finding[] {
  const checkOf = new Map(rules.flatMap(({ rule }) => (rule.references.pss ? [[rule.id, rule.references.pss.check] as const] : [])));
  const ruleOfCheck = new Map([...checkOf].map(([ruleId, check]) => [check, ruleId]));
  const covered = new Set<string>();
  for (const f of findings) {
    const check = checkOf.get(f.ruleId);
    const overriding = check && overridingPssCheck(check, settings.pss.minor);
    const overridingRule = overriding && ruleOfCheck.get(overriding);
    if (overridingRule) covered.add(`${overridingRule}\0${formatPath(f.path)}`);
  }
  return covered.size === 0 ? findings : findings.filter((f) => !covered.has(`${f.ruleId}\0${formatPath(f.path)}`));
}

function findingsOf(object: KubeObject, rules: readonly ActiveRule[], settings: CheckSettings): Finding[] {
  const findings: Finding[] = [];
  for (const { rule, severity } of rules) {
    for (const violation of runRule(rule, object, settings)) {
      const located = object.sourceMap.locate(violation.path);
      findings.push({
        ruleId: rule.id,
        severity,
        message: `${describeObject(object)}${object.from ? ` (${object.from})` : ''}: ${violation.message} (at ${formatPath(violation.path) || 'the object'})`,
        object: refOf(object),
        target: object.target,
        path: violation.path,
        location: located.location,
        related: located.related,
        fingerprint: objectFingerprint(rule.id, object, violation.path),
        status: 'new'
      });
    }
  }
  return findings;
}

/** The violations one analyzer rule finds in a set of objects rendered together, on the kinds it matches. */
export function runSetRule(rule: RuleDefinition, objects: readonly KubeObject[]): SetViolation[] {
  if (!('analyzer' in rule.check)) return [];
  const analyzer = ANALYZERS.get(rule.check.analyzer);
  if (!analyzer) throw new Error(`${rule.source}: unknown analyzer "${rule.check.analyzer}"`);
  return analyzer.run(objects, rule.check.params ?? {}).filter((v) => ruleMatches(rule, v.object.kind));
}

/**
 * Every finding of the active analyzer rules in a set of objects rendered together, located through each object's
 * source map, the objects that explain it as related locations; grouped by the object it is about.
 */
export function checkSet(objects: readonly KubeObject[], rules: readonly ActiveRule[]): Map<KubeObject, Finding[]> {
  const out = new Map<KubeObject, Finding[]>();
  for (const { rule, severity } of rules) {
    for (const v of runSetRule(rule, objects)) {
      const located = v.object.sourceMap.locate(v.path);
      const related = (v.related ?? []).map((r) => ({ ...r.object.sourceMap.locate(r.path).location, label: r.label }));
      const finding: Finding = {
        ruleId: rule.id,
        severity,
        message: `${describeObject(v.object)}${v.object.from ? ` (${v.object.from})` : ''}: ${v.message}`,
        object: refOf(v.object),
        target: v.object.target,
        path: v.path,
        location: located.location,
        related: [...located.related, ...related],
        fingerprint: objectFingerprint(rule.id, v.object, v.path),
        status: 'new'
      };
      const list = out.get(v.object);
      if (list) list.push(finding);
      else out.set(v.object, [finding]);
    }
  }
  return out;
}

/** Identity of a finding that survives edits elsewhere in the file: rule, target, object and field. */
export function objectFingerprint(ruleId: string, object: KubeObject, path: Violation['path']): string {
  return digest(ruleId, object.target, object.apiVersion.split('/')[0], object.kind, object.namespace ?? '', object.name, formatPath(path));
}
