/**
 * The organisation's ValidatingAdmissionPolicies as findings on the objects of a rendered set: a violation lands on
 * the field the validation names (its `fieldPath`, else the first `object.` path it reads), the policy's validation
 * and the binding related, with the message the API server would print. What cannot be decided before merge is a
 * not-checked finding over the object's content.
 */
import { describeObject, refOf, type KubeObject } from '../../objects/types.js';
import { digest } from '../../util/hash.js';
import type { Finding, Severity } from '../types.js';
import { evaluateBinding, type AdmissionContext, type Decision } from './evaluate.js';
import type { AdmissionPolicy, PolicyBinding } from './policy.js';

export interface AdmissionPolicies {
  policies: readonly AdmissionPolicy[];
  bindings: readonly PolicyBinding[];
  /** Objects of the policy files that are neither policies nor bindings: the params bindings may select. */
  params: readonly KubeObject[];
}

function ruleOf(binding: PolicyBinding): string {
  return binding.validationActions.includes('Deny') ? 'admission-policy-deny' : binding.validationActions.includes('Warn') ? 'admission-policy-warn' : 'admission-policy-audit';
}

/**
 * Every admission finding of a rendered set, by the object it is about. Rule ids: admission-policy-deny, -warn and
 * -audit by the binding's strongest action, admission-policy-not-checked; `severityOf` grades them.
 */
export function admissionFindings(
  set: AdmissionPolicies,
  objects: readonly KubeObject[],
  severityOf: (ruleId: string) => Severity,
  elsewhere: ReadonlyMap<string, KubeObject> = new Map()
): Map<KubeObject, Finding[]> {
  const out = new Map<KubeObject, Finding[]>();
  if (set.bindings.length === 0) return out;
  const byName = new Map(set.policies.map((p) => [p.name, p]));
  // The set's Namespaces first, then those the revision renders elsewhere.
  const namespaces = new Map([...elsewhere, ...objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1').map((o) => [o.name, o] as const)]);
  const ctx: AdmissionContext = { namespaces, params: set.params };
  for (const object of objects) {
    const found: Finding[] = [];
    for (const binding of set.bindings) {
      const policy = byName.get(binding.policyName);
      if (!policy) continue;
      for (const decision of evaluateBinding(policy, binding, object, ctx)) found.push(...findingsOf(decision, object, severityOf));
    }
    if (found.length > 0) out.set(object, found);
  }
  return out;
}

function findingsOf(decision: Decision, object: KubeObject, severityOf: (ruleId: string) => Severity): Finding[] {
  const { policy, binding, param } = decision;
  const who = `ValidatingAdmissionPolicy '${policy.name}' with binding '${binding.name}'${param ? ` (params ${param.namespace ? `${param.namespace}/` : ''}${param.name})` : ''}`;
  const bindingAt = { ...binding.object.sourceMap.locate(['spec', 'policyName']).location, label: `binding ${binding.name}` };
  const make = (ruleId: string, message: string, path: Finding['path'], key: string, related: Finding['related'], subjectDigest?: string): Finding => {
    const located = object.sourceMap.locate(path);
    return {
      ruleId,
      severity: severityOf(ruleId),
      message: `${describeObject(object)}${object.from ? ` (${object.from})` : ''}: ${message}`,
      object: refOf(object),
      target: object.target,
      path,
      location: located.location,
      related: [...located.related, ...related],
      fingerprint: digest('admission', ruleId, policy.name, binding.name, param?.name ?? '', key, object.target, object.apiVersion.split('/')[0], object.kind, object.namespace ?? '', object.name),
      ...(subjectDigest ? { subjectDigest } : {}),
      status: 'new'
    };
  };
  if (decision.notChecked) {
    return [
      make('admission-policy-not-checked', `${who} could not be evaluated before merge: ${decision.notChecked}.`, [], 'not-checked', [{ ...policy.object.sourceMap.locate(['spec']).location, label: `policy ${policy.name}` }, bindingAt], digest(JSON.stringify(object.body)))
    ];
  }
  const rule = ruleOf(binding);
  const verb = rule === 'admission-policy-deny' ? 'denied request' : rule === 'admission-policy-warn' ? 'warns' : 'audits';
  return [
    ...decision.violations.map((v) =>
      make(rule, `${who} ${verb}: ${v.message}${v.reason !== 'Invalid' ? ` (reason ${v.reason})` : ''}`, v.path, `validation-${v.validation}`, [
        { ...policy.object.sourceMap.locate(['spec', 'validations', v.validation, 'expression']).location, label: `policy ${policy.name}, validation ${v.validation + 1}` },
        bindingAt
      ])
    ),
    ...decision.errors.map((e, i) => make(rule, `${who} ${verb}: ${e.message}`, [], `error-${i}`, [{ ...policy.object.sourceMap.locate(['spec']).location, label: `policy ${policy.name}` }, bindingAt]))
  ];
}
