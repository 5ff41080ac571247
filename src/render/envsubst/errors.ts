/**
 * Errors of Flux's envsubst (fluxcd/pkg envsubst, Apache-2.0, The Flux authors; forked from drone/envsubst),
 * worded as upstream's: the parser's sentinel errors (parse/parse.go), strict mode's `variable not set (strict
 * mode): "name"` (template.go), and Go's runtime panic text where upstream slices out of range (`${v:2:-1}`).
 */

/** Why the evaluation failed: a syntax error, an unset variable in strict mode, a Go panic, or a JS stack limit. */
export type EnvsubstErrorKind = 'parse' | 'unset' | 'panic' | 'limit';

export class EnvsubstError extends Error {
  constructor(
    message: string,
    readonly kind: EnvsubstErrorKind,
    /** The variable strict mode found unset. */
    readonly variable?: string
  ) {
    super(message);
  }
}

export const ERR_BAD_SUBSTITUTION = 'bad substitution';
export const ERR_MISSING_CLOSING_BRACE = 'missing closing brace';
export const ERR_PARSE_VARIABLE_NAME = 'unable to parse variable name';
export const ERR_PARSE_FUNC_SUBSTITUTION = 'unable to parse substitution within function';
export const ERR_PARSE_DEFAULT_FUNCTION = 'unable to parse default function';
export const ERR_VAR_NOT_SET = 'variable not set (strict mode)';

export function parseError(message: string): EnvsubstError {
  return new EnvsubstError(message, 'parse');
}
