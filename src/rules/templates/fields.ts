/**
 * Field templates: one field of every container, of the pod spec, or of the object itself must (not) hold
 * certain values.
 *
 * Params (all three):
 *   field      dotted path inside the container / pod spec / object, e.g. `securityContext.readOnlyRootFilesystem`
 *   required   the field must be set (not missing, not null)
 *   equals     the field must be exactly this value (missing fails unless `default` equals it)
 *   forbidden  values the field must not hold
 *   allowed    the only values the field may hold (missing passes unless `required`)
 *   default    the value Kubernetes assumes when the field is missing, checked like a written one
 *   message    the finding's sentence; placeholders {field} {value} {kind} {name} {namespace}, plus {container}
 *              (the container's name) and {containerType} for container-field
 * container-field also takes containerTypes: [containers, initContainers, ephemeralContainers] (default the
 * first two).
 * A violation points at the field, also when it is missing (the source map finds the nearest parent).
 */
import type { Violation } from '../../analyze/types.js';
import { podTemplateOf } from '../../objects/podspec.js';
import { formatPath, getAt, type JsonPath } from '../../objects/types.js';
import type { ContainerField } from '../../objects/podspec.js';
import { containersIn, deepEqual, defineTemplate, formatMessage, objectVars, type GenericTemplate, type ParamReader } from './util.js';

export interface FieldRule {
  field: JsonPath;
  fieldText: string;
  required: boolean;
  equals?: unknown;
  forbidden?: unknown[];
  allowed?: unknown[];
  default?: unknown;
  message: string;
}

const FIELD_KEYS = ['field', 'required', 'equals', 'forbidden', 'allowed', 'default', 'message'];

function parseFieldRule(read: ParamReader, extraKeys: string[] = []): FieldRule {
  read.only([...FIELD_KEYS, ...extraKeys]);
  const field = read.requiredPath('field');
  if (field.length === 0) read.fail('params.field must name a field');
  const rule: FieldRule = {
    field,
    fieldText: read.requiredString('field'),
    required: read.boolean('required') ?? false,
    forbidden: read.list('forbidden'),
    allowed: read.list('allowed'),
    message: read.string('message') ?? '{field} is {value}, which this rule does not allow.'
  };
  if ('equals' in read.params) rule.equals = read.params.equals;
  if ('default' in read.params) rule.default = read.params.default;
  if (!rule.required && rule.equals === undefined && rule.forbidden === undefined && rule.allowed === undefined) {
    read.fail('give at least one of required, equals, forbidden, allowed');
  }
  return rule;
}

/** Checks one field of `target` (found at `base` from the object root); at most one violation. */
export function checkField(target: unknown, base: JsonPath, rule: FieldRule, vars: Record<string, unknown>): Violation[] {
  const raw = getAt(target, rule.field);
  const missing = raw === undefined || raw === null;
  const value = missing ? rule.default : raw;
  const path = [...base, ...rule.field];
  const violation = (): Violation[] => [{ path, message: formatMessage(rule.message, { ...vars, field: rule.fieldText, value }) }];
  if (value === undefined) {
    return rule.required || rule.equals !== undefined ? violation() : [];
  }
  if (rule.equals !== undefined && !deepEqual(value, rule.equals)) return violation();
  if (rule.forbidden?.some((f) => deepEqual(f, value))) return violation();
  if (rule.allowed && !rule.allowed.some((a) => deepEqual(a, value))) return violation();
  return [];
}

export const containerFieldTemplate: GenericTemplate = defineTemplate(
  'container-field',
  'A field of every container (containers and initContainers by default) must be set, equal, avoid or be one of given values.',
  (read) => ({ rule: parseFieldRule(read, ['containerTypes']), types: read.containerFields() }),
  (ctx, p: { rule: FieldRule; types: ContainerField[] }) =>
    containersIn(ctx, p.types).flatMap((c) =>
      checkField(c.container, c.fullPath, p.rule, { ...objectVars(ctx), container: c.name || `#${c.index}`, containerType: c.field, containerPath: formatPath(c.fullPath) })
    )
);

export const podFieldTemplate: GenericTemplate = defineTemplate(
  'pod-field',
  "A field of the pod spec (a Pod's spec, a controller's spec.template.spec, a CronJob's job template) must be set, equal, avoid or be one of given values.",
  (read) => parseFieldRule(read),
  (ctx, rule) => {
    const pod = podTemplateOf(ctx.object.kind, ctx.object.body);
    if (!pod) return [];
    return checkField(pod.spec, [...pod.podPath, 'spec'], rule, objectVars(ctx));
  }
);

export const objectFieldTemplate: GenericTemplate = defineTemplate(
  'object-field',
  'A field of the object (from its root, e.g. metadata.namespace or spec.type) must be set, equal, avoid or be one of given values.',
  (read) => parseFieldRule(read),
  (ctx, rule) => checkField(ctx.object.body, [], rule, objectVars(ctx))
);
