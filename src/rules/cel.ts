/**
 * CEL checks, as Kubernetes ValidatingAdmissionPolicy writes them: the expression sees the object as
 * `object` (and `oldObject`, always null before merge) and must return true for the object to pass.
 *
 * Objects are bound as plain JSON with whole numbers as CEL `int` (as the API server does), so
 * `object.spec.replicas >= 2` and `size(list) == 0` compare like in the cluster. Reading a missing field is an
 * evaluation error, as in Kubernetes: guard it with `has(object.spec.x)`. The `strings` extension
 * (`lowerAscii`, `split`, `indexOf`, ...) is available alongside the standard functions, macros (`has`, `all`,
 * `exists`, `exists_one`, `map`, `filter`) and `matches`.
 */
import { celEnv, isCelError, parse, plan, type CelEnv, type CelInput, type CelResult } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { Violation } from '../analyze/types.js';
import type { JsonPath } from '../objects/types.js';
import { parseFieldPath } from './templates/util.js';
import type { CheckContext } from './types.js';

export type CelProgram = (bindings: Record<string, CelInput>) => CelResult;

export interface CelCheck {
  cel: string;
  message: string;
  /** Dotted path the violation points at (e.g. `spec.template.spec`); the object root when absent. */
  path?: string;
}

const env = celEnv({ funcs: strings });
const programs = new Map<string, CelProgram>();
const paths = new Map<string, JsonPath>();

/**
 * Parses and plans a CEL expression once (cached per expression text). Throws an Error naming `source` (the
 * rule file) on a syntax error.
 */
export function compileCel(expression: string, source: string): CelProgram {
  const hit = programs.get(expression);
  if (hit) return hit;
  let program: CelProgram;
  try {
    const parsed = parse(expression);
    const unknown = [...unknownFunctions(parsed.expr, env)];
    if (unknown.length > 0) throw new Error(`unknown function${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
    const evaluate = plan(env, parsed);
    program = (bindings) => evaluate(bindings);
  } catch (err) {
    throw new Error(`${source}: CEL expression ${JSON.stringify(expression)} is invalid: ${(err as Error).message}`);
  }
  programs.set(expression, program);
  return program;
}

/** Operators the planner implements itself (not through the function resolver). */
const BUILTIN_OPERATORS = new Set(['_?_:_', '_||_', '_&&_', '_[_]', '_[?_]', '_?._', '@not_strictly_false', '-_']);

/** Names of called functions `environment` does not define (the library only notices them when run). */
export function unknownFunctions(node: unknown, environment: CelEnv, out = new Set<string>()): Set<string> {
  if (node === null || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const n of node) unknownFunctions(n, environment, out);
    return out;
  }
  const kind = (node as { exprKind?: { case?: string; value?: { function?: string; target?: { exprKind?: { case?: string; value?: { name?: string } } } } } }).exprKind;
  if (kind?.case === 'callExpr' && typeof kind.value?.function === 'string') {
    const name = kind.value.function;
    // `ip.isCanonical(s)` parses as a call of isCanonical on the identifier ip: the function is ip.isCanonical.
    const target = kind.value.target?.exprKind;
    const qualified = target?.case === 'identExpr' && target.value?.name ? `${target.value.name}.${name}` : undefined;
    if (!BUILTIN_OPERATORS.has(name) && !environment.funcs.find(name) && !(qualified && environment.funcs.find(qualified))) out.add(qualified ?? name);
  }
  for (const v of Object.values(node)) unknownFunctions(v, environment, out);
  return out;
}

/** JSON → CEL input: whole numbers become int (bigint), other numbers double; undefined entries are dropped. */
export function toCelValue(value: unknown): CelInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map(toCelValue);
  if (typeof value === 'object') {
    const out: Record<string, CelInput> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = toCelValue(v);
    }
    return out;
  }
  return String(value);
}

function pathOf(text: string | undefined): JsonPath {
  if (text === undefined || text === '') return [];
  let p = paths.get(text);
  if (!p) {
    p = parseFieldPath(text);
    paths.set(text, p);
  }
  return p;
}

/** Runs a rule's CEL check on one object: true passes, false is one violation at `path`, an error is one too. */
export function runCelCheck(check: CelCheck, ctx: CheckContext): Violation[] {
  let path: JsonPath = [];
  try {
    path = pathOf(check.path);
    const program = compileCel(check.cel, 'CEL check');
    const result = program({ object: toCelValue(ctx.object.body), oldObject: null });
    if (result === true) return [];
    if (result === false) return [{ path, message: check.message }];
    const why = isCelError(result) ? result.message : `it returned ${describeResult(result)} instead of true or false`;
    return [{ path, message: `The rule's CEL check errored on this object: ${why}.` }];
  } catch (err) {
    return [{ path, message: `The rule's CEL check errored on this object: ${(err as Error).message}.` }];
  }
}

function describeResult(value: unknown): string {
  if (typeof value === 'bigint') return `the int ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the double ${value}`;
  if (value === null) return 'null';
  return 'a non-boolean value';
}
