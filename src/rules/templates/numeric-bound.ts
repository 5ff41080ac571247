/**
 * `numeric-bound`: a number at a path from the object root must lie within [min, max].
 *
 * Params:
 *   field     dotted path from the object root, e.g. spec.replicas
 *   min, max  inclusive bounds (at least one)
 *   default   the value Kubernetes assumes when the field is missing (e.g. 1 for spec.replicas); without it a
 *             missing field passes unless `required`
 *   required  the field must be set
 *   message   placeholders {field} {value} {min} {max} {kind} {name} {namespace}
 * Numeric strings ("3") are read as numbers; other values are a violation.
 */
import type { Violation } from '../../analyze/types.js';
import { getAt } from '../../objects/types.js';
import { defineTemplate, displayValue, formatMessage, objectVars, type GenericTemplate } from './util.js';

export const numericBoundTemplate: GenericTemplate = defineTemplate(
  'numeric-bound',
  'A number at a field path must be at least `min` and at most `max`.',
  (read) => {
    read.only(['field', 'min', 'max', 'default', 'required', 'message']);
    const p = {
      field: read.requiredPath('field'),
      fieldText: read.requiredString('field'),
      min: read.number('min'),
      max: read.number('max'),
      default: read.number('default'),
      required: read.boolean('required') ?? false,
      message: read.string('message')
    };
    if (p.min === undefined && p.max === undefined) read.fail('give min, max or both');
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) read.fail('params.min is greater than params.max');
    return p;
  },
  (ctx, p) => {
    const raw = getAt(ctx.object.body, p.field);
    const missing = raw === undefined || raw === null;
    const value = missing ? p.default : raw;
    const vars = { ...objectVars(ctx), field: p.fieldText, value, min: p.min, max: p.max };
    const fail = (fallback: string): Violation[] => [{ path: p.field, message: formatMessage(p.message ?? fallback, vars) }];
    if (value === undefined) return p.required ? fail('{field} is not set.') : [];
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(n)) return fail(`{field} is ${displayValue(value)}, which is not a number.`);
    const bounds = p.min !== undefined && p.max !== undefined ? 'between {min} and {max}' : p.min !== undefined ? 'at least {min}' : 'at most {max}';
    if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
      return fail(`{field} is {value}${missing ? ' (the default)' : ''}; it should be ${bounds}.`);
    }
    return [];
  }
);
