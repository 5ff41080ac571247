/**
 * A faithful Go text/template engine (lexer, parser, executor, builtins, fmt) in TypeScript.
 * It knows nothing of Helm: Sprig/Helm function maps are added with `Template#funcs`.
 *
 * ## Templates
 *   const t = new Template('chart/templates/a.yaml', { options: ['missingkey=zero'], funcs });
 *   t.new('chart/templates/_helpers.tpl').parse(helpersText);   // same set, funcs, options
 *   t.parse(text);                                              // {{define}}/{{block}} add templates
 *   t.execute(data) / t.executeTemplate(name, data)             // -> string, throws TemplateError
 *   t.executeWithProvenance(data, { name?, ...limits })         // -> { output, segments }
 *   limits: { maxDepth (default 100000), maxOutputLength, deadline (Date.now() ms) } on every execute*.
 * Errors: TemplateError.message is worded as Go's (`template: a:3:7: executing "a" at <.X>: ...`);
 * `kind` is 'parse' | 'exec' | 'limit' | 'api'; `partialOutput` holds what was written before an exec error.
 *
 * ## Values (see values.ts for the full table)
 *   nil -> null; missing ("invalid") -> undefined; bool/string as JS; float64 -> number;
 *   every Go integer kind -> GoInt (kind + bigint); []interface{} -> JS array; map[string]interface{} -> JS Map;
 *   typed slices/maps -> arrays/Maps tagged with withGoType(x, '[]int'); structs -> GoStruct (fields + methods);
 *   pointers -> GoPointer; typed nils -> GoNil; channels/iterators -> GoIter; funcs -> JS functions.
 *   fromJS(plain, 'float64' | 'int64' | 'int') converts parsed JSON/YAML; toJS(goValue) converts back.
 *
 * ## Functions
 *   A function is `(this: CallContext, ...args: GoValue[]) => GoValue`; throwing an Error yields Go's
 *   `error calling NAME: <message>`. Without a signature every argument is `interface {}` (any count, nil for
 *   missing values). With `defineFunc({ params: ['int', 'string'], variadic?, result? }, fn)` the executor
 *   checks the argument count and types and converts literals exactly as Go's reflection-based call does
 *   (`wrong type for value; expected string; got float64`, `expected integer; found "x"`, ...). Parameter type
 *   'reflect.Value' passes values through raw (undefined = invalid), as the builtins use.
 *   `this.executeTemplate(name, data)` (Helm include) and `this.executeText(name, text, data)` (Helm tpl)
 *   run other templates sharing the caller's depth, deadline and output budget.
 */
export { Template } from './template.js';
export type { FuncMap, TemplateOptions, ExecuteOptions } from './template.js';
export { TemplateError, FuncError } from './errors.js';
export type { TemplateErrorKind } from './errors.js';
export { DEFAULT_MAX_DEPTH } from './exec.js';
export type { ExecLimits, ProvenanceSegment, ProvenanceCall, SkippedBranch, MissingKeyMode } from './exec.js';
export {
  GoInt, GoComplex, GoStruct, GoPointer, GoNil, GoIter, GO_TYPE, GO_METHODS, GO_CAP, withGoCap, capOf,
  goInt, goByte, byteSlice, defineFunc, compareStringsBytewise, withGoType, withGoMethods, findMethod, methodsOf,
  fromJS, toJS, typeOf, kindOf, kindOfType, isTrue, truth, zeroValue, sortedMapEntries, elemType, keyType, mapType,
  sliceType, isIntKind, isNilValue, toMapKey, fromMapKey
} from './values.js';
export type { GoValue, GoFuncValue, GoFuncSig, CallContext, CallPosition, IntKind, Kind, NumberMode } from './values.js';
export { sprint, sprintf, sprintln, formatValue, formatFloat, quoteString, quoteRune } from './fmt.js';
export { underscoreOK } from './parser.js';
export {
  BUILTINS, eq as goEq, htmlEscapeString, jsEscapeString, urlQueryEscape, evalArgs, indirect, indirectInterface
} from './builtins.js';
