import type { ErrorObject } from 'ajv';

/** Turns Ajv's errors into one line each: `unknown key "x" at check`, `severity must be one of ...`. */
export function describeSchemaErrors(errors: ErrorObject[]): string[] {
  const lines = new Set<string>();
  for (const e of errors) {
    const where = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(top level)';
    if (e.keyword === 'additionalProperties') lines.add(`unknown key "${(e.params as { additionalProperty: string }).additionalProperty}" at ${where}`);
    else if (e.keyword === 'enum') lines.add(`${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`);
    else if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
    else lines.add(`${where} ${e.message ?? 'is invalid'}`);
  }
  return [...lines];
}
