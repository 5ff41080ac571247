/**
 * ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding objects (admissionregistration.k8s.io v1, v1beta1,
 * v1alpha1) read into what evaluation needs, every CEL expression compiled once. A policy whose expressions do not
 * compile, or that needs what cannot be answered before merge (the `authorizer`, the requesting user), keeps its
 * reason in `unusable`: the objects it matches are then reported as not checked by it.
 */
import { isCelError, parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import { isRecord, type JsonPath, type KubeObject } from '../../objects/types.js';
import { parseFieldPath } from '../../rules/templates/util.js';
import { unknownFunctions } from '../../rules/cel.js';
import { KUBERNETES_CEL } from './cel-library.js';

export type Program = (bindings: Record<string, CelInput>) => CelResult;

export interface Expression {
  text: string;
  run: Program;
  /** The `variables.<name>` the expression reads. */
  variables: string[];
}

export interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  scope: string;
  resourceNames: string[];
}

export interface MatchResources {
  namespaceSelector?: Record<string, unknown>;
  objectSelector?: Record<string, unknown>;
  resourceRules?: ResourceRule[];
  excludeResourceRules: ResourceRule[];
  matchPolicy: 'Exact' | 'Equivalent';
}

export interface Validation {
  expression: Expression;
  message?: string;
  messageExpression?: Expression;
  reason: string;
  /** Where a violation points: `fieldPath`, else the first `object.` path the expression reads. */
  path: JsonPath;
}

export interface AdmissionPolicy {
  name: string;
  object: KubeObject;
  paramKind?: { apiVersion: string; kind: string };
  matchConstraints: MatchResources;
  matchConditions: { name: string; expression: Expression }[];
  variables: Map<string, Expression>;
  validations: Validation[];
  auditAnnotations: { key: string; expression: Expression }[];
  failurePolicy: 'Fail' | 'Ignore';
  /** Why the policy cannot be evaluated before merge, when it cannot. */
  unusable?: string;
  /** Expressions that do not compile, in the cluster either: each request it matches errors. */
  broken?: string;
}

export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

export interface PolicyBinding {
  name: string;
  object: KubeObject;
  policyName: string;
  paramRef?: { name?: string; namespace?: string; selector?: Record<string, unknown>; parameterNotFoundAction: 'Allow' | 'Deny' };
  matchResources?: MatchResources;
  validationActions: ValidationAction[];
}

const GROUP = 'admissionregistration.k8s.io';

export function isPolicy(o: KubeObject): boolean {
  return o.kind === 'ValidatingAdmissionPolicy' && o.apiVersion.startsWith(`${GROUP}/`);
}

export function isBinding(o: KubeObject): boolean {
  return o.kind === 'ValidatingAdmissionPolicyBinding' && o.apiVersion.startsWith(`${GROUP}/`);
}

/** Variables and functions that cannot be answered before merge. */
const OFFLINE_UNKNOWN: readonly [RegExp, string][] = [
  [/\bauthorizer\b/, 'asks the authorizer, which only the cluster can answer'],
  [/\brequest\s*\.\s*userInfo\b/, 'reads the requesting user, which only the cluster knows']
];

/** An expression Kubernetes may evaluate but this build cannot (as opposed to one that does not compile at all). */
export class Unsupported extends Error {}

/** Compiles one expression in the Kubernetes CEL environment; throws naming what is wrong. */
export function compileExpression(text: string): Expression {
  if (/\.\?|\[\?/.test(text)) throw new Unsupported('it uses CEL optionals (`.?`, `[?`), which this build does not evaluate');
  for (const [pattern, why] of OFFLINE_UNKNOWN) if (pattern.test(text)) throw new Unsupported(`it ${why}`);
  const parsed = parse(text);
  const unknown = [...unknownFunctions(parsed.expr, KUBERNETES_CEL)];
  if (unknown.length > 0) throw new Unsupported(`it calls ${unknown.join(', ')}, not available in this build`);
  const evaluate = plan(KUBERNETES_CEL, parsed);
  const variables = [...new Set([...text.matchAll(/\bvariables\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))];
  return { text, run: (bindings) => evaluate(bindings), variables };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function resourceRules(value: unknown): ResourceRule[] {
  return (Array.isArray(value) ? value : []).filter(isRecord).map((r) => ({
    apiGroups: strings(r.apiGroups),
    apiVersions: strings(r.apiVersions),
    resources: strings(r.resources),
    operations: strings(r.operations),
    scope: str(r.scope) ?? '*',
    resourceNames: strings(r.resourceNames)
  }));
}

export function matchResourcesOf(value: unknown): MatchResources {
  const m = isRecord(value) ? value : {};
  return {
    ...(isRecord(m.namespaceSelector) ? { namespaceSelector: m.namespaceSelector } : {}),
    ...(isRecord(m.objectSelector) ? { objectSelector: m.objectSelector } : {}),
    ...(m.resourceRules !== undefined ? { resourceRules: resourceRules(m.resourceRules) } : {}),
    excludeResourceRules: resourceRules(m.excludeResourceRules),
    matchPolicy: m.matchPolicy === 'Exact' ? 'Exact' : 'Equivalent'
  };
}

/** The path a validation points at: its `fieldPath` (`.spec.replicas`, `spec.containers[0]`), else the first `object.a.b` it reads. */
function violationPath(fieldPath: string | undefined, expression: string): JsonPath {
  if (fieldPath) {
    try {
      return parseFieldPath(fieldPath.replace(/^\./, '').replace(/\['([^']*)'\]/g, '.$1'));
    } catch {
      return [];
    }
  }
  const read = /\bobject((?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)+)/.exec(expression);
  if (!read) return [];
  const path = read[1].split('.').map((s) => s.trim()).filter(Boolean);
  // A trailing macro or function call is not a field: `object.spec.containers.all(...)` points at the containers.
  const after = expression.slice(read.index + read[0].length);
  return after.trimStart().startsWith('(') ? path.slice(0, -1) : path;
}

/** Reads a ValidatingAdmissionPolicy; never throws: what is wrong with it lands in `unusable`. */
export function readPolicy(object: KubeObject): AdmissionPolicy {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const problems: string[] = [];
  const broken: string[] = [];
  const compile = (text: unknown, where: string): Expression | undefined => {
    if (typeof text !== 'string' || text.trim() === '') {
      broken.push(`${where} has no expression`);
      return undefined;
    }
    try {
      return compileExpression(text);
    } catch (err) {
      (err instanceof Unsupported ? problems : broken).push(`${where} (${JSON.stringify(text)}): ${(err as Error).message}`);
      return undefined;
    }
  };
  const paramKind = isRecord(spec.paramKind) && typeof spec.paramKind.apiVersion === 'string' && typeof spec.paramKind.kind === 'string' ? { apiVersion: spec.paramKind.apiVersion, kind: spec.paramKind.kind } : undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isRecord) : []);
  const matchConditions = list(spec.matchConditions).flatMap((c, i) => {
    const expression = compile(c.expression, `matchConditions[${i}]`);
    return expression ? [{ name: str(c.name) ?? `#${i}`, expression }] : [];
  });
  const variables = new Map<string, Expression>();
  list(spec.variables).forEach((v, i) => {
    const expression = compile(v.expression, `variables[${i}]`);
    if (expression && typeof v.name === 'string') variables.set(v.name, expression);
  });
  const validations = list(spec.validations).flatMap((v, i): Validation[] => {
    const expression = compile(v.expression, `validations[${i}]`);
    if (!expression) return [];
    const messageExpression = v.messageExpression !== undefined ? compile(v.messageExpression, `validations[${i}].messageExpression`) : undefined;
    return [{ expression, ...(typeof v.message === 'string' ? { message: v.message } : {}), ...(messageExpression ? { messageExpression } : {}), reason: str(v.reason) ?? 'Invalid', path: violationPath(str(v.fieldPath), expression.text) }];
  });
  const auditAnnotations = list(spec.auditAnnotations).flatMap((a, i) => {
    const expression = compile(a.valueExpression, `auditAnnotations[${i}]`);
    return expression && typeof a.key === 'string' ? [{ key: a.key, expression }] : [];
  });
  if (validations.length === 0 && auditAnnotations.length === 0 && problems.length === 0 && broken.length === 0) broken.push('it has neither validations nor auditAnnotations');
  return {
    name: object.name,
    object,
    ...(paramKind ? { paramKind } : {}),
    matchConstraints: matchResourcesOf(spec.matchConstraints),
    matchConditions,
    variables,
    validations,
    auditAnnotations,
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    ...(problems.length > 0 ? { unusable: problems.join('; ') } : {}),
    ...(broken.length > 0 ? { broken: broken.join('; ') } : {})
  };
}

export function readBinding(object: KubeObject): PolicyBinding {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  const ref = isRecord(spec.paramRef) ? spec.paramRef : undefined;
  const actions = strings(spec.validationActions).filter((a): a is ValidationAction => a === 'Deny' || a === 'Warn' || a === 'Audit');
  return {
    name: object.name,
    object,
    policyName: str(spec.policyName) ?? '',
    ...(ref
      ? {
          paramRef: {
            ...(typeof ref.name === 'string' ? { name: ref.name } : {}),
            ...(typeof ref.namespace === 'string' ? { namespace: ref.namespace } : {}),
            ...(isRecord(ref.selector) ? { selector: ref.selector } : {}),
            parameterNotFoundAction: ref.parameterNotFoundAction === 'Allow' ? 'Allow' : 'Deny'
          }
        }
      : {}),
    ...(spec.matchResources !== undefined ? { matchResources: matchResourcesOf(spec.matchResources) } : {}),
    // v1beta1 and v1alpha1 bindings without validationActions deny, as the API server defaults them.
    validationActions: actions.length > 0 ? actions : ['Deny']
  };
}

/** A CEL result as text for messages (messageExpression must return a string). */
export function errorOf(result: CelResult): string | undefined {
  return isCelError(result) ? result.message : undefined;
}

