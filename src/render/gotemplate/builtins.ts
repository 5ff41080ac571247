/**
 * Go text/template builtin functions (port of text/template/funcs.go).
 * Parameters typed 'reflect.Value' receive raw values: `undefined` (invalid) and `null` (nil interface) included.
 */
import { FuncError } from './errors.js';
import { sprint, sprintf, sprintln, isPrintRune } from './fmt.js';
import {
  CallContext, GoComplex, GoFuncSig, GoFuncValue, GoInt, GoNil, GoPointer, GoStruct, GoValue, defineFunc, elemType,
  isIntKind, kindOf, kindOfType, keyType, mapType, sliceType, toMapKey, truth, typeOf, withGoType, zeroValue,
  utf8, isNilValue, findMethod, capOf, withGoCap, GoIter, goByte
} from './values.js';

export const RV = 'reflect.Value';

/** A nil interface becomes invalid; other values are unchanged (Go's indirectInterface). */
export function indirectInterface(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

/** Follow pointers. Returns [value, isNil]. */
export function indirect(v: GoValue): [GoValue, boolean] {
  for (;;) {
    if (v === null) return [v, true];
    if (v instanceof GoNil && kindOf(v) === 'ptr') return [v, true];
    if (v instanceof GoPointer) {
      v = v.target;
      continue;
    }
    return [v, false];
  }
}

export function canBeNil(typ: string): boolean {
  if (typ === RV) return true;
  const k = kindOfType(typ);
  return k === 'func' || k === 'interface' || k === 'map' || k === 'ptr' || k === 'slice';
}

export function isEmptyInterfaceType(t: string): boolean {
  return t === 'interface {}' || t === 'any';
}

/** Whether a value of v's type is assignable to typ. */
export function assignable(v: GoValue, typ: string): boolean {
  if (isEmptyInterfaceType(typ)) return true;
  if (v === null || v === undefined) return false;
  const vt = typeOf(v);
  if (vt === typ) return true;
  if (typ === 'error') return hasMethod(v, 'Error');
  if (typ === 'fmt.Stringer') return hasMethod(v, 'String');
  return false;
}

function hasMethod(v: GoValue, name: string): boolean {
  return findMethod(v, name) !== undefined;
}

function intLike(k: string): boolean {
  return isIntKind(k);
}

/** prepareArg from funcs.go. */
function prepareArg(value: GoValue, argType: string): GoValue {
  if (value === undefined) {
    if (!canBeNil(argType)) throw new FuncError(`value is nil; should be of type ${argType}`);
    return zeroValue(argType);
  }
  if (assignable(value, argType)) return value;
  if (value instanceof GoInt && intLike(argType) && isIntKind(argType)) return new GoInt(argType, value.value);
  throw new FuncError(`value has type ${value === null ? 'interface {}' : typeOf(value)}; should be ${argType}`);
}

function indexArg(index: GoValue, cap: number): number {
  let x: bigint;
  if (index instanceof GoInt) {
    x = index.unsigned ? BigInt.asIntN(64, index.value) : index.value;
  } else if (index === undefined) {
    throw new FuncError('cannot index slice/array with nil');
  } else {
    throw new FuncError(`cannot index slice/array with type ${typeOf(index)}`);
  }
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`);
  return Number(x);
}

function byteString(s: string): Uint8Array {
  return utf8.encode(s);
}

function index(this: CallContext, item: GoValue, ...indexes: GoValue[]): GoValue {
  item = indirectInterface(item);
  if (item === undefined) throw new FuncError('index of untyped nil');
  for (let idx of indexes) {
    idx = indirectInterface(idx);
    let isNil: boolean;
    [item, isNil] = indirect(item);
    if (isNil) throw new FuncError('index of nil pointer');
    if (typeof item === 'string') {
      const b = byteString(item);
      const x = indexArg(idx, b.length);
      if (x === b.length) throw new FuncError('reflect: string index out of range');
      item = goByte(b[x]);
    } else if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new FuncError(`reflect: ${kindOf(item)} index out of range`);
      item = item[x];
    } else if (item instanceof GoNil && kindOf(item) === 'slice') {
      indexArg(idx, 0);
      throw new FuncError('reflect: slice index out of range');
    } else if (item instanceof Map || (item instanceof GoNil && kindOf(item) === 'map')) {
      const mt = item instanceof Map ? mapType(item) : item.type;
      const key = prepareArg(idx, keyType(mt));
      if (item instanceof Map) {
        const k = toMapKey(mt, key);
        item = item.has(k) ? item.get(k) : zeroValue(elemType(mt));
      } else item = zeroValue(elemType(mt));
    } else {
      throw new FuncError(`can't index item of type ${typeOf(item)}`);
    }
  }
  return item;
}

function slice(this: CallContext, item: GoValue, ...indexes: GoValue[]): GoValue {
  item = indirectInterface(item);
  if (item === undefined) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    len = cap = utf8.byteLength(item);
  } else if (Array.isArray(item)) {
    len = item.length;
    cap = capOf(item);
  } else if (item instanceof GoNil && kindOf(item) === 'slice') {
    len = cap = 0;
  } else {
    throw new FuncError(`can't slice item of type ${typeOf(item)}`);
  }
  const idx = [0, len, 0];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(indirectInterface(ix), cap);
  });
  if (idx[0] > idx[1]) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) throw new FuncError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === 'string') return utf8.decode(byteString(item).subarray(idx[0], idx[1]));
  if (item instanceof GoNil) return item;
  const t = sliceType(item);
  const et = elemType(t);
  const out: GoValue[] = [];
  for (let i = idx[0]; i < idx[1]; i++) out.push(i < item.length ? item[i] : zeroValue(et));
  const st = /^\[\d+\]/.test(t) ? '[]' + et : t;
  const newCap = (indexes.length === 3 ? idx[2] : cap) - idx[0];
  if (newCap > out.length) withGoCap(out, newCap);
  return st === '[]interface {}' ? out : withGoType(out, st);
}

function length(this: CallContext, item: GoValue): GoValue {
  const [v, isNil] = indirect(item);
  if (isNil) throw new FuncError('len of nil pointer');
  if (v === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  if (typeof v === 'string') return new GoInt('int', utf8.byteLength(v));
  if (Array.isArray(v)) return new GoInt('int', v.length);
  if (v instanceof Map) return new GoInt('int', v.size);
  if (v instanceof GoIter && v.mode === 'chan') return new GoInt('int', [...v.produce()].length);
  if (v instanceof GoNil && (kindOf(v) === 'map' || kindOf(v) === 'slice')) return new GoInt('int', 0);
  throw new FuncError(`len of type ${typeOf(v)}`);
}

function not(this: CallContext, arg: GoValue): GoValue {
  return !truth(indirectInterface(arg));
}

// ---------------------------------------------------------------- comparison

type BasicKind = 'invalid' | 'bool' | 'complex' | 'int' | 'float' | 'string' | 'uint';

function basicKind(v: GoValue): BasicKind {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float';
  if (v instanceof GoInt) return v.unsigned ? 'uint' : 'int';
  if (v instanceof GoComplex) return 'complex';
  return 'invalid';
}

const errBadComparisonType = 'invalid type for comparison';

function vtype(v: GoValue): string {
  return v === undefined ? '<nil>' : v === null ? 'interface {}' : typeOf(v);
}

function isNilV(v: GoValue): boolean {
  return isNilValue(v);
}

function comparableValue(v: GoValue): boolean {
  if (v instanceof Map || Array.isArray(v) || typeof v === 'function') return kindOf(v) === 'array' ? v instanceof Array && v.every(comparableValue) : false;
  if (v instanceof GoStruct && !v.isPointer) return [...v.fields.values()].every(comparableValue);
  return true;
}

function goEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (a instanceof GoInt && b instanceof GoInt) return a.kind === b.kind && a.value === b.value;
  if (a instanceof GoComplex && b instanceof GoComplex) return a.re === b.re && a.im === b.im;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (typeOf(a) !== typeOf(b)) return false;
  if (a instanceof GoStruct && b instanceof GoStruct) {
    if (a.isPointer) return false; // pointer identity handled by a === b
    for (const [k, v] of a.fields) if (!goEqual(v, b.fields.get(k))) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => goEqual(x, b[i]));
  return false;
}

function sprintV(v: GoValue): string {
  return sprint([v === undefined ? null : v]);
}

export function eq(this: CallContext, arg1: GoValue, ...arg2: GoValue[]): GoValue {
  arg1 = indirectInterface(arg1);
  if (arg2.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = indirectInterface(arg);
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') t = (arg1 as GoInt).value >= 0n && (arg1 as GoInt).value === (arg as GoInt).value;
      else if (k1 === 'uint' && k2 === 'int') t = (arg as GoInt).value >= 0n && (arg1 as GoInt).value === (arg as GoInt).value;
      else if (arg1 !== undefined && arg !== undefined) {
        throw new FuncError(`incompatible types for comparison: ${vtype(arg1)} and ${vtype(arg)}`);
      }
    } else {
      switch (k1) {
        case 'bool': case 'string': case 'float':
          t = arg1 === arg;
          break;
        case 'int': case 'uint':
          t = (arg1 as GoInt).value === (arg as GoInt).value;
          break;
        case 'complex':
          t = (arg1 as GoComplex).re === (arg as GoComplex).re && (arg1 as GoComplex).im === (arg as GoComplex).im;
          break;
        default: {
          const ka = kindOf(arg1);
          const kb = kindOf(arg);
          if (!(ka === kb || ka === 'invalid' || kb === 'invalid')) {
            throw new FuncError(`non-comparable types ${sprintV(arg1)}: ${vtype(arg1)}, ${vtype(arg)}: ${sprintV(arg)}`);
          }
          if (isNilV(arg1) || isNilV(arg)) t = isNilV(arg) === isNilV(arg1);
          else {
            if (!comparableValue(arg)) throw new FuncError(`non-comparable type ${sprintV(arg)}: ${vtype(arg)}`);
            t = goEqual(arg1, arg);
          }
        }
      }
    }
    if (t) return true;
  }
  return false;
}

function ne(this: CallContext, a: GoValue, b: GoValue): GoValue {
  return !eq.call(this, a, b);
}

function lt(this: CallContext, arg1: GoValue, arg2: GoValue): GoValue {
  arg1 = indirectInterface(arg1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new FuncError(errBadComparisonType);
  arg2 = indirectInterface(arg2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new FuncError(errBadComparisonType);
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return (arg1 as GoInt).value < 0n || (arg1 as GoInt).value < (arg2 as GoInt).value;
    if (k1 === 'uint' && k2 === 'int') return (arg2 as GoInt).value >= 0n && (arg1 as GoInt).value < (arg2 as GoInt).value;
    throw new FuncError(`incompatible types for comparison: ${vtype(arg1)} and ${vtype(arg2)}`);
  }
  switch (k1) {
    case 'bool': case 'complex':
      throw new FuncError(errBadComparisonType);
    case 'float':
      return (arg1 as number) < (arg2 as number);
    case 'int': case 'uint':
      return (arg1 as GoInt).value < (arg2 as GoInt).value;
    case 'string':
      return Buffer.compare(Buffer.from(arg1 as string), Buffer.from(arg2 as string)) < 0;
  }
  return false;
}

function le(this: CallContext, a: GoValue, b: GoValue): GoValue {
  if (lt.call(this, a, b)) return true;
  return eq.call(this, a, b);
}

function gt(this: CallContext, a: GoValue, b: GoValue): GoValue {
  return !le.call(this, a, b);
}

function ge(this: CallContext, a: GoValue, b: GoValue): GoValue {
  return !lt.call(this, a, b);
}

// ---------------------------------------------------------------- escapers

/** evalArgs from funcs.go: Sprint with printableValue applied to each argument. */
export function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  const conv = args.map((a) => (a === null || a === undefined ? '<no value>' : a instanceof GoPointer ? a.target : a));
  return sprint(conv);
}

export function htmlEscapeString(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  return s.replace(/['"&<>\0]/g, (c) => {
    switch (c) {
      case '"': return '&#34;';
      case "'": return '&#39;';
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      default: return '\uFFFD';
    }
  });
}

export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) {
      switch (ch) {
        case '\\': out += '\\\\'; continue;
        case "'": out += "\\'"; continue;
        case '"': out += '\\"'; continue;
        case '<': out += '\\u003C'; continue;
        case '>': out += '\\u003E'; continue;
        case '&': out += '\\u0026'; continue;
        case '=': out += '\\u003D'; continue;
      }
      if (c < 0x20) out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
      else out += ch;
    } else if (isPrintRune(c)) out += ch;
    else out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** url.QueryEscape */
export function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// ---------------------------------------------------------------- call

/** Context extension used by the `call` builtin: the callee expression text. */
export interface CallBuiltinContext extends CallContext {
  calleeName?: string;
  invoke?: (fn: GoFuncValue, args: GoValue[]) => GoValue;
}

function call(this: CallBuiltinContext, fn: GoValue, ...args: GoValue[]): GoValue {
  const name = this.calleeName ?? 'fn';
  fn = indirectInterface(fn);
  if (fn === undefined) throw new FuncError('call of nil');
  if (typeof fn !== 'function') throw new FuncError(`non-function ${name} of type ${typeOf(fn)}`);
  const f = fn as GoFuncValue;
  const sig = f.goSig;
  let argv = args.map(indirectInterface);
  if (sig) {
    const numIn = sig.params.length;
    if (sig.variadic) {
      if (args.length < numIn - 1) throw new FuncError(`wrong number of args for ${name}: got ${args.length} want at least ${numIn - 1}`);
    } else if (args.length !== numIn) {
      throw new FuncError(`wrong number of args for ${name}: got ${args.length} want ${numIn}`);
    }
    argv = argv.map((a, i) => {
      const t = sig.variadic && i >= numIn - 1 ? sig.params[numIn - 1] : sig.params[i];
      if (t === RV) return a;
      try {
        return prepareArg(a, t);
      } catch (e) {
        throw new FuncError(`arg ${i}: ${(e as Error).message}`);
      }
    });
  } else {
    argv = argv.map((a) => (a === undefined ? null : a));
  }
  if (this.invoke) return this.invoke(f, argv);
  return f.apply(this, argv);
}

// ---------------------------------------------------------------- table

const variadicAny: GoFuncSig = { params: ['interface {}'], variadic: true, result: 'string' };

function sig(params: string[], variadic = false, result = 'interface {}'): GoFuncSig {
  return { params, variadic, result };
}

export const BUILTINS: Record<string, GoFuncValue> = {
  and: defineFunc(sig([RV, RV], true, RV), function () {
    throw new FuncError('unreachable');
  }),
  or: defineFunc(sig([RV, RV], true, RV), function () {
    throw new FuncError('unreachable');
  }),
  call: defineFunc(sig([RV, RV], true, RV), call),
  html: defineFunc(variadicAny, function (...args: GoValue[]) {
    return htmlEscapeString(evalArgs(args));
  }),
  index: defineFunc(sig([RV, RV], true, RV), index),
  slice: defineFunc(sig([RV, RV], true, RV), slice),
  js: defineFunc(variadicAny, function (...args: GoValue[]) {
    return jsEscapeString(evalArgs(args));
  }),
  len: defineFunc(sig([RV], false, 'int'), length),
  not: defineFunc(sig([RV], false, 'bool'), not),
  print: defineFunc(variadicAny, function (...args: GoValue[]) {
    return sprint(args);
  }),
  printf: defineFunc(sig(['string', 'interface {}'], true, 'string'), function (format: GoValue, ...args: GoValue[]) {
    return sprintf(format as string, args);
  }),
  println: defineFunc(variadicAny, function (...args: GoValue[]) {
    return sprintln(args);
  }),
  urlquery: defineFunc(variadicAny, function (...args: GoValue[]) {
    return urlQueryEscape(evalArgs(args));
  }),
  eq: defineFunc(sig([RV, RV], true, 'bool'), eq),
  ge: defineFunc(sig([RV, RV], false, 'bool'), ge),
  gt: defineFunc(sig([RV, RV], false, 'bool'), gt),
  le: defineFunc(sig([RV, RV], false, 'bool'), le),
  lt: defineFunc(sig([RV, RV], false, 'bool'), lt),
  ne: defineFunc(sig([RV, RV], false, 'bool'), ne)
};

export function isBuiltinName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUILTINS, name);
}
