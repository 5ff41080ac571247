/**
 * Running ValidatingAdmissionPolicies on objects before merge, as the API server's admission plugin runs them
 * (k8s.io/apiserver/pkg/admission/plugin/policy/validating): for each binding of a policy, the object must match the
 * policy's `matchConstraints` and the binding's `matchResources`; then for each param the binding selects, the
 * `matchConditions` must all hold, and each `validation` that is false is a violation with its message (or
 * `messageExpression`) and reason. An expression that errors follows the policy's `failurePolicy`: `Fail` denies,
 * `Ignore` lets the object through. A binding that finds no params follows `parameterNotFoundAction`.
 *
 * Every object is admitted as a CREATE (`oldObject` is null): a GitOps controller applies the whole object. What
 * cannot be known before merge leaves the decision `notChecked` with the reason: a namespace selector over labels
 * of a Namespace not rendered with the object, an expression reading `namespaceObject` without it.
 */
import { celError, isCelError, type CelInput, type CelResult } from '@bufbuild/cel';
import { labelsOf, selectorMatches } from '../../objects/label-selector.js';
import { isNamespaced } from '../../objects/scope.js';
import { isRecord, type JsonPath, type KubeObject } from '../../objects/types.js';
import { toCelValue } from '../../rules/cel.js';
import { describeOpaque } from './cel-library.js';
import { isBinding, isPolicy, type AdmissionPolicy, type Expression, type MatchResources, type PolicyBinding, type ResourceRule } from './policy.js';

export interface Violation {
  message: string;
  reason: string;
  path: JsonPath;
  /** Index of the validation in the policy. */
  validation: number;
}

/** What one binding of a policy decides for one object (and one param). */
export interface Decision {
  policy: AdmissionPolicy;
  binding: PolicyBinding;
  param?: KubeObject;
  violations: Violation[];
  /**
   * Expression errors under failurePolicy Fail, and a binding's missing params under Deny: they deny too. `validation`
   * is the index of the validation that errored; -1 for what comes before the validations, the number of validations
   * for audit annotations.
   */
  errors: { message: string; validation: number }[];
  /** Why this decision could not be made before merge. */
  notChecked?: string;
  auditAnnotations: Record<string, string>;
}

export interface AdmissionContext {
  /** Namespaces rendered with the objects, by name. */
  namespaces: ReadonlyMap<string, KubeObject>;
  /** Objects params may be: the policy files' other objects. */
  params: readonly KubeObject[];
  /** The admission request's operation (CREATE before merge) and the object it replaces, for UPDATE. */
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  oldObject?: Record<string, unknown> | null;
}

const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Kubernetes' guess from a kind to its resource (RESTMapper's UnsafeGuessKindToResource). */
export function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function ruleMatches(rule: ResourceRule, object: KubeObject, matchPolicy: MatchResources['matchPolicy'], operation: string): boolean {
  const { group, version } = groupVersion(object.apiVersion);
  const any = (list: string[], value: string) => list.includes('*') || list.includes(value);
  const resource = resourceOf(object.kind);
  const namespaced = isNamespaced(object);
  return (
    any(rule.apiGroups, group) &&
    // Equivalent: a rule for one version of a resource also matches its other versions, converted by the server.
    (matchPolicy === 'Equivalent' || any(rule.apiVersions, version)) &&
    (rule.resources.includes('*') || rule.resources.includes('*/*') || rule.resources.includes(resource)) &&
    any(rule.operations, operation) &&
    (rule.scope === '*' || (rule.scope === 'Namespaced') === namespaced) &&
    (rule.resourceNames.length === 0 || rule.resourceNames.includes(object.name))
  );
}

/** Label keys a selector reads. */
function selectorKeys(selector: Record<string, unknown>): string[] {
  const labels = isRecord(selector.matchLabels) ? Object.keys(selector.matchLabels) : [];
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord).map((e) => String(e.key)) : [];
  return [...labels, ...expressions];
}

/** true, false, or why it cannot be told before merge. */
function matchesResources(m: MatchResources, object: KubeObject, ctx: AdmissionContext, constrainsResources: boolean): boolean | string {
  if (m.resourceRules !== undefined || constrainsResources) {
    if (!(m.resourceRules ?? []).some((r) => ruleMatches(r, object, m.matchPolicy, ctx.operation ?? 'CREATE'))) return false;
  }
  if (m.excludeResourceRules.some((r) => ruleMatches(r, object, m.matchPolicy, ctx.operation ?? 'CREATE'))) return false;
  if (m.objectSelector && !selectorMatches(m.objectSelector, (k) => labelsOf(object)[k])) return false;
  const selector = m.namespaceSelector;
  if (!selector || selectorKeys(selector).length === 0) return true;
  if (object.kind === 'Namespace' && object.apiVersion === 'v1') return selectorMatches(selector, (k) => ({ [METADATA_NAME_LABEL]: object.name, ...labelsOf(object) })[k]);
  if (!isNamespaced(object)) return true;
  const name = object.namespace ?? 'default';
  const namespace = ctx.namespaces.get(name);
  if (namespace) return selectorMatches(selector, (k) => ({ [METADATA_NAME_LABEL]: name, ...labelsOf(namespace) })[k]);
  if (selectorKeys(selector).every((k) => k === METADATA_NAME_LABEL)) return selectorMatches(selector, (k) => (k === METADATA_NAME_LABEL ? name : undefined));
  return `its namespaceSelector reads labels of Namespace ${name}, which this revision does not render`;
}

/** The params a binding selects for an object, or the decision when it selects none. */
function paramsFor(policy: AdmissionPolicy, binding: PolicyBinding, object: KubeObject, ctx: AdmissionContext): (KubeObject | undefined)[] | { none: string } {
  if (!policy.paramKind) return [undefined];
  const ref = binding.paramRef;
  // A binding without paramRef evaluates the policy with params null.
  if (!ref) return [undefined];
  const { apiVersion, kind } = policy.paramKind;
  const namespace = ref.namespace ?? (isNamespaced(object) ? object.namespace : undefined);
  const candidates = ctx.params.filter((p) => p.apiVersion === apiVersion && p.kind === kind && (p.namespace === undefined || namespace === undefined || p.namespace === namespace));
  const found = ref.name !== undefined ? candidates.filter((p) => p.name === ref.name) : ref.selector ? candidates.filter((p) => selectorMatches(ref.selector!, (k) => labelsOf(p)[k])) : [];
  if (found.length > 0) return found;
  return { none: `failed to configure binding: no params found for policy binding with \`${ref.parameterNotFoundAction}\` parameterNotFoundAction` };
}

function requestOf(object: KubeObject, operation: string): CelInput {
  const { group, version } = groupVersion(object.apiVersion);
  const resource = { group, version, resource: resourceOf(object.kind) };
  const kind = { group, version, kind: object.kind };
  return {
    uid: '',
    kind,
    resource,
    requestKind: kind,
    requestResource: resource,
    subResource: '',
    name: object.name,
    namespace: isNamespaced(object) ? (object.namespace ?? 'default') : '',
    operation,
    dryRun: false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: `${operation === 'CREATE' ? 'Create' : operation === 'UPDATE' ? 'Update' : 'Delete'}Options` }
  };
}

/** Evaluates expressions with the variables they read computed once, in dependency order. */
class Evaluation {
  private readonly values = new Map<string, CelResult>();
  private readonly computing = new Set<string>();

  constructor(
    private readonly policy: AdmissionPolicy,
    private readonly bindings: Record<string, CelInput>
  ) {}

  run(expression: Expression): CelResult {
    const variables: Record<string, CelInput> = {};
    for (const name of expression.variables) {
      const value = this.variable(name);
      if (isCelError(value)) return value;
      variables[name] = value as CelInput;
    }
    try {
      return expression.run({ ...this.bindings, variables });
    } catch (err) {
      return celError((err as Error).message);
    }
  }

  private variable(name: string): CelResult {
    const known = this.values.get(name);
    if (known !== undefined) return known;
    const expression = this.policy.variables.get(name);
    if (!expression || this.computing.has(name)) return celError(`undefined variable ${name}`);
    this.computing.add(name);
    const value = this.run(expression);
    this.computing.delete(name);
    this.values.set(name, value);
    return value;
  }
}

/** An evaluation error as the API server words it (cel-go says "no such key" where @bufbuild/cel says "field not found"). */
function failed(result: CelResult): string | undefined {
  return isCelError(result) ? result.message.replace(/^field not found: /, 'no such key: ') : undefined;
}

/** What one binding decides for one object: nothing when it does not match; one decision per param otherwise. */
export function evaluateBinding(policy: AdmissionPolicy, binding: PolicyBinding, object: KubeObject, ctx: AdmissionContext): Decision[] {
  // Policies and bindings themselves are never subject to policies.
  if (isPolicy(object) || isBinding(object)) return [];
  const base = { policy, binding, violations: [], errors: [], auditAnnotations: {} };
  const matched = matchesResources(policy.matchConstraints, object, ctx, true);
  const bound = matched === true && binding.matchResources ? matchesResources(binding.matchResources, object, ctx, false) : matched;
  if (bound === false || matched === false) return [];
  if (typeof bound === 'string') return [{ ...base, notChecked: bound }];
  if (policy.unusable) return [{ ...base, notChecked: policy.unusable }];
  // An expression that does not compile fails in the cluster too: as an error, under the policy's failurePolicy.
  if (policy.broken) return policy.failurePolicy === 'Fail' ? [{ ...base, errors: [{ message: `compilation error: ${policy.broken}`, validation: -1 }] }] : [];
  const namespace = isNamespaced(object) ? ctx.namespaces.get(object.namespace ?? 'default') : undefined;
  const readsNamespace = [...policy.matchConditions.map((c) => c.expression), ...policy.validations.flatMap((v) => [v.expression, ...(v.messageExpression ? [v.messageExpression] : [])]), ...policy.variables.values()].some((e) =>
    /\bnamespaceObject\b/.test(e.text)
  );
  if (readsNamespace && isNamespaced(object) && !namespace) return [{ ...base, notChecked: `it reads namespaceObject, and this revision does not render Namespace ${object.namespace ?? 'default'}` }];
  const params = paramsFor(policy, binding, object, ctx);
  if ('none' in params) return binding.paramRef?.parameterNotFoundAction === 'Deny' ? [{ ...base, errors: [{ message: params.none, validation: -1 }] }] : [];
  const decisions: Decision[] = [];
  for (const param of params) {
    const decision: Decision = { ...base, ...(param ? { param } : {}), violations: [], errors: [], auditAnnotations: {} };
    // A DELETE has no object, only the old one.
    const deleting = ctx.operation === 'DELETE';
    const evaluation = new Evaluation(policy, {
      object: deleting ? null : toCelValue(object.body),
      oldObject: deleting ? toCelValue(object.body) : ctx.oldObject ? toCelValue(ctx.oldObject) : null,
      params: param ? toCelValue(param.body) : null,
      namespaceObject: namespace ? toCelValue(namespace.body) : null,
      request: requestOf(object, ctx.operation ?? 'CREATE')
    });
    const onError = (what: string, message: string, validation: number) => {
      if (policy.failurePolicy === 'Fail') decision.errors.push({ message: `${what} resulted in error: ${message}`, validation });
    };
    let applies = true;
    for (const condition of policy.matchConditions) {
      const result = evaluation.run(condition.expression);
      const error = failed(result);
      if (error !== undefined || typeof result !== 'boolean') {
        onError(`matchCondition '${condition.name}'`, error ?? 'the expression did not return a bool', -1);
        applies = false;
        break;
      }
      if (!result) {
        applies = false;
        break;
      }
    }
    if (applies) {
      policy.validations.forEach((validation, index) => {
        const result = evaluation.run(validation.expression);
        const error = failed(result);
        if (error !== undefined || typeof result !== 'boolean') {
          onError(`expression '${validation.expression.text}'`, error ?? 'the expression did not return a bool', index);
          return;
        }
        if (result) return;
        decision.violations.push({ message: messageOf(validation, evaluation), reason: validation.reason, path: validation.path, validation: index });
      });
      for (const annotation of policy.auditAnnotations) {
        const result = evaluation.run(annotation.expression);
        const error = failed(result);
        if (error !== undefined) onError(`expression '${annotation.expression.text}'`, error, policy.validations.length);
        else if (typeof result === 'string') decision.auditAnnotations[`${policy.name}/${annotation.key}`] = result;
      }
    }
    if (applies || decision.errors.length > 0) decisions.push(decision);
  }
  return decisions;
}

/** A decision's failures in the order the API server meets them, each with its message: the first is what it prints. */
export function failuresOf(decision: Decision): { message: string; validation: number }[] {
  return [...decision.errors, ...decision.violations].sort((a, b) => a.validation - b.validation);
}

/** The longest message a messageExpression may produce before the static message is used (5 KiB). */
const MAX_MESSAGE_EXPRESSION_LENGTH = 5 * 1024;

/** messageExpression when it yields a non-empty string, else message, else the failed expression. */
function messageOf(validation: AdmissionPolicy['validations'][number], evaluation: Evaluation): string {
  if (validation.messageExpression) {
    const result = evaluation.run(validation.messageExpression);
    if (typeof result === 'string' && result.trim() !== '' && !result.includes('\n') && result.length <= MAX_MESSAGE_EXPRESSION_LENGTH) return result;
  }
  return validation.message ?? `failed expression: ${validation.expression.text}`;
}

/** The text of a CEL value for messages and tests: Kubernetes' opaque values named with their value. */
export function describeValue(value: unknown): string {
  return describeOpaque(value) ?? String(value);
}
