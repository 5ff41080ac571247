/**
 * The Go value model used by the template engine.
 *
 * Every value flowing through a template is a `GoValue`:
 *
 * | Go                                  | TypeScript                                                  |
 * |-------------------------------------|-------------------------------------------------------------|
 * | nil interface / untyped nil         | `null`                                                      |
 * | "invalid" reflect.Value (missing)   | `undefined` (only inside the executor and as `Missing`)     |
 * | bool                                | `boolean`                                                   |
 * | string                              | `string` (Go strings are bytes: len/index/slice use UTF-8)  |
 * | float64                             | `number`                                                    |
 * | int, int8..int64, uint..uintptr     | `GoInt` (kind + bigint value, wrapped to the kind's width)  |
 * | complex128 / complex64              | `GoComplex`                                                 |
 * | []interface {}                      | plain JS array `GoValue[]`                                  |
 * | []T, [N]T                           | JS array tagged with `withGoType(arr, '[]int')`             |
 * | map[string]interface {}             | JS `Map<string, GoValue>`                                   |
 * | map[K]V                             | JS `Map` tagged with `withGoType(m, 'map[int]string')`;     |
 * |                                     | int keys are stored as bigint, float keys as number         |
 * | struct / *struct                    | `GoStruct` (type name, ordered fields, optional methods)    |
 * | *T for non-struct T                 | `GoPointer`                                                 |
 * | typed nil (nil map/slice/pointer)   | `GoNil`                                                     |
 * | func                                | a JS function (see `TemplateFunc`, optional `goSig`)        |
 *
 * Methods can be attached to structs (`GoStruct.methods`) and to maps/arrays
 * (`withGoMethods`). A `String()` or `Error()` method makes the value print through it.
 */

export type IntKind =
  | 'int' | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr';

const INT_BITS: Record<IntKind, number> = {
  int: 64, int8: 8, int16: 16, int32: 32, int64: 64,
  uint: 64, uint8: 8, uint16: 16, uint32: 32, uint64: 64, uintptr: 64
};

export function isIntKind(s: string): s is IntKind {
  return Object.prototype.hasOwnProperty.call(INT_BITS, s);
}

export function isUnsignedKind(k: IntKind): boolean {
  return k.startsWith('u');
}

/** A Go integer of a specific kind. The value is wrapped to the kind's width. */
export class GoInt {
  readonly kind: IntKind;
  readonly value: bigint;
  constructor(kind: IntKind, value: bigint | number) {
    this.kind = kind;
    const v = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
    const bits = INT_BITS[kind];
    this.value = kind.startsWith('u') ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
  }
  get unsigned(): boolean {
    return this.kind.startsWith('u');
  }
  /** The value as a JS number (may lose precision above 2^53). */
  toNumber(): number {
    return Number(this.value);
  }
  toString(): string {
    return this.value.toString();
  }
}

/**
 * The 256 `uint8` values, shared: a byte slice holds references to these instead of an object per byte (a chart's
 * `.Files` printed with `%v` materialises every file as a []byte; at one object per byte a 3 MB chart took 1.7 GB).
 * GoInt is immutable, so sharing is safe.
 */
const UINT8 = Array.from({ length: 256 }, (_, b) => new GoInt('uint8', b));

/** The Go `uint8` (byte) `b`, shared. */
export function goByte(b: number): GoInt {
  return UINT8[b & 0xff];
}

/** A Go []byte value. */
export function byteSlice(b: Uint8Array): GoValue[] {
  return withGoType(Array.from(b, goByte), '[]uint8');
}

/** Shorthand: a Go `int`. */
export function goInt(n: number | bigint, kind: IntKind = 'int'): GoInt {
  return new GoInt(kind, n);
}

export class GoComplex {
  constructor(readonly re: number, readonly im: number, readonly kind: 'complex128' | 'complex64' = 'complex128') {}
}

/** A Go struct value (or pointer to struct when `type` starts with `*`). */
export class GoStruct {
  readonly type: string;
  readonly fields: Map<string, GoValue>;
  readonly methods: Record<string, GoFuncValue> | undefined;
  /**
   * The methods have pointer receivers: a struct value reached through a field is addressable, so its methods run
   * (and `{{ . }}` prints with String()), but a copy passed to a function has none of them.
   */
  readonly pointerReceivers: boolean;
  constructor(type: string, fields: Map<string, GoValue> | Record<string, GoValue>, methods?: Record<string, GoFuncValue>, pointerReceivers = false) {
    this.type = type;
    this.fields = fields instanceof Map ? fields : new Map(Object.entries(fields));
    this.methods = methods;
    this.pointerReceivers = pointerReceivers;
  }
  get isPointer(): boolean {
    return this.type.startsWith('*');
  }
}

/** A non-nil pointer to a non-struct value (e.g. `*int`). */
export class GoPointer {
  constructor(readonly type: string, public target: GoValue) {}
}

/**
 * A typed nil: nil map, nil slice, nil pointer, nil func of a known type.
 * For nil pointers to structs, `fieldNames` lists the struct's fields so that
 * field access can report "nil pointer evaluating" vs "can't evaluate field".
 */
export class GoNil {
  constructor(
    readonly type: string,
    readonly fieldNames?: readonly string[],
    /** Methods callable on the nil value (Go allows methods with nil pointer receivers). */
    readonly methods?: Record<string, GoFuncValue>
  ) {}
}

/**
 * A Go channel or range-over-func iterator (Go 1.23 iter.Seq / iter.Seq2), as far as templates can use them:
 * `range` drains/iterates it. `produce` yields elements (mode 'chan' and 'seq') or [key, value] pairs ('seq2').
 */
export class GoIter {
  constructor(
    readonly type: string,
    readonly mode: 'chan' | 'seq' | 'seq2',
    readonly produce: () => Iterable<GoValue | [GoValue, GoValue]>
  ) {}
}

/** Signature descriptor for functions whose arguments should be type checked the way Go's reflection does. */
export interface GoFuncSig {
  /** Go parameter types, e.g. ['int', 'string']; 'interface {}' (or 'any') accepts anything. */
  params: string[];
  /** When true, the last entry of `params` is the element type of a `...T` parameter. */
  variadic?: boolean;
  /** Result type for %T / typeOf purposes (default 'interface {}'). */
  result?: string;
}

/**
 * Context passed as `this` to every template function and method.
 * Functions that need the executing template (Helm's `include`, `tpl`) use it.
 */
export interface CallContext {
  /** Name of the function being called. */
  readonly name: string;
  /** The template set being executed (an instance of `Template` from ./template.js). */
  readonly template: unknown;
  /** Name of the template currently executing. */
  readonly templateName: string;
  /**
   * Execute another template of the same set with `data` and return its output.
   * Shares the execution depth, deadline and output budget of the caller.
   */
  executeTemplate(name: string, data: GoValue): string;
  /**
   * Parse `text` as a new template named `name` in a copy of the current set (sharing funcs and options)
   * and execute it with `data` (Helm's `tpl`). Shares depth/deadline/output budget.
   */
  executeText(name: string, text: string, data: GoValue): string;
  /**
   * Where the call appears: the Parse name of the text holding the call (for Helm, the file), 1-based line and
   * 0-based byte column (as in Go's error locations). Absent for calls not made from a template action
   * (e.g. String() methods invoked while printing). Used by seeded stand-ins for random functions.
   */
  readonly position?: CallPosition;
}

/** Position of a function call in template source (see CallContext.position). */
export interface CallPosition {
  readonly source: string;
  readonly line: number;
  readonly col: number;
}

/**
 * A template function / Go func value. It receives evaluated Go values and returns a Go value or throws
 * (a thrown Error becomes Go's `error calling NAME: <message>`). `this` is a `CallContext`.
 * Attach `goSig` (see `defineFunc`) to get Go's argument type checking and literal conversions.
 */
export interface GoFuncValue {
  (this: CallContext, ...args: GoValue[]): GoValue;
  goSig?: GoFuncSig;
  /** Its result differs from run to run in real Helm (random values, the clock): output it prints is marked. */
  volatile?: boolean;
}

export type GoValue =
  | null
  | undefined
  | boolean
  | string
  | number
  | GoInt
  | GoComplex
  | GoValue[]
  | Map<unknown, GoValue>
  | GoStruct
  | GoPointer
  | GoNil
  | GoIter
  | GoFuncValue;

/** Attach a Go signature to a function (returns the same function). */
export function defineFunc<F extends GoFuncValue>(sig: GoFuncSig, fn: F): F {
  fn.goSig = sig;
  return fn;
}

export const GO_TYPE: unique symbol = Symbol('goType');
/** Capacity of a slice when larger than its length (elements beyond the length are zero values). */
export const GO_CAP: unique symbol = Symbol('goCap');
export const GO_METHODS: unique symbol = Symbol('goMethods');

type Tagged = { [GO_TYPE]?: string; [GO_METHODS]?: Record<string, GoFuncValue>; [GO_CAP]?: number };

/** Give a slice a capacity larger than its length (Go's make([]T, len, cap)). Returns the same array. */
export function withGoCap<T extends GoValue[]>(arr: T, cap: number): T {
  Object.defineProperty(arr, GO_CAP, { value: cap, enumerable: false, configurable: true, writable: true });
  return arr;
}

export function capOf(arr: GoValue[]): number {
  return Math.max((arr as Tagged)[GO_CAP] ?? arr.length, arr.length);
}

/** Tag a JS array or Map with a Go type (e.g. '[]int', '[3]int', 'map[string]int'). Returns the same object. */
export function withGoType<T extends GoValue[] | Map<unknown, GoValue>>(obj: T, type: string): T {
  Object.defineProperty(obj, GO_TYPE, { value: type, enumerable: false, configurable: true, writable: true });
  return obj;
}

/** Attach methods to a map or array (a named Go type with methods, e.g. Helm's `Files`). */
export function withGoMethods<T extends GoValue[] | Map<unknown, GoValue>>(obj: T, methods: Record<string, GoFuncValue>): T {
  Object.defineProperty(obj, GO_METHODS, { value: methods, enumerable: false, configurable: true, writable: true });
  return obj;
}

export function methodsOf(v: GoValue): Record<string, GoFuncValue> | undefined {
  if (v instanceof GoStruct || v instanceof GoNil) return v.methods;
  if (Array.isArray(v) || v instanceof Map) return (v as Tagged)[GO_METHODS];
  return undefined;
}

export function findMethod(v: GoValue, name: string): GoFuncValue | undefined {
  const m = methodsOf(v);
  if (m && Object.prototype.hasOwnProperty.call(m, name)) return m[name];
  return undefined;
}

export type Kind =
  | 'invalid' | 'bool' | IntKind | 'float32' | 'float64' | 'complex64' | 'complex128'
  | 'string' | 'slice' | 'array' | 'map' | 'struct' | 'ptr' | 'func' | 'chan' | 'interface';

/** The reflect.Kind of a value. `null` (nil interface) reports 'interface'; `undefined` is 'invalid'. */
export function kindOf(v: GoValue): Kind {
  if (v === undefined) return 'invalid';
  if (v === null) return 'interface';
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'string': return 'string';
    case 'number': return 'float64';
    case 'function': return 'func';
  }
  if (v instanceof GoInt) return v.kind;
  if (v instanceof GoComplex) return v.kind;
  if (Array.isArray(v)) {
    const t = (v as Tagged)[GO_TYPE];
    return t !== undefined && /^\[\d/.test(t) ? 'array' : 'slice';
  }
  if (v instanceof Map) return 'map';
  if (v instanceof GoStruct) return v.isPointer ? 'ptr' : 'struct';
  if (v instanceof GoPointer) return 'ptr';
  if (v instanceof GoNil) return kindOfType(v.type);
  if (v instanceof GoIter) return v.mode === 'chan' ? 'chan' : 'func';
  return 'invalid';
}

/** Kind named by a Go type string. */
export function kindOfType(t: string): Kind {
  if (t.startsWith('*')) return 'ptr';
  if (t.startsWith('map[')) return 'map';
  if (t.startsWith('[]')) return 'slice';
  if (/^\[\d/.test(t)) return 'array';
  if (t.startsWith('func') || t.startsWith('iter.Seq')) return 'func';
  if (t.startsWith('chan ') || t.startsWith('<-chan ') || t.startsWith('chan<- ')) return 'chan';
  if (isIntKind(t)) return t;
  switch (t) {
    case 'bool': case 'string': case 'float32': case 'float64': case 'complex64': case 'complex128':
      return t;
    case 'interface {}': case 'any': case 'error': case 'fmt.Stringer':
      return 'interface';
  }
  return 'struct';
}

/** Go's reflect type string for a value (what %T prints). `null` gives '<nil>'. */
export function typeOf(v: GoValue): string {
  if (v === undefined || v === null) return '<nil>';
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'string': return 'string';
    case 'number': return 'float64';
    case 'function': {
      const sig = (v as GoFuncValue).goSig;
      return sig ? funcTypeString(sig) : 'func(...interface {}) interface {}';
    }
  }
  if (v instanceof GoInt) return v.kind;
  if (v instanceof GoComplex) return v.kind;
  if (Array.isArray(v)) return (v as Tagged)[GO_TYPE] ?? '[]interface {}';
  if (v instanceof Map) return (v as Tagged)[GO_TYPE] ?? 'map[string]interface {}';
  if (v instanceof GoStruct || v instanceof GoPointer || v instanceof GoNil || v instanceof GoIter) return v.type;
  return '<nil>';
}

function funcTypeString(sig: GoFuncSig): string {
  const ps = sig.params.map((p, i) => (sig.variadic && i === sig.params.length - 1 ? '...' + p : p));
  return `func(${ps.join(', ')}) ${sig.result ?? 'interface {}'}`;
}

/** Element type of a slice/array/map/pointer type string. */
export function elemType(t: string): string {
  if (t.startsWith('[]')) return t.slice(2);
  if (t.startsWith('*')) return t.slice(1);
  const arr = /^\[\d+\](.*)$/.exec(t);
  if (arr) return arr[1];
  if (t.startsWith('map[')) {
    let depth = 0;
    for (let i = 3; i < t.length; i++) {
      if (t[i] === '[') depth++;
      else if (t[i] === ']') {
        depth--;
        if (depth === 0) return t.slice(i + 1);
      }
    }
  }
  return 'interface {}';
}

/** Key type of a map type string. */
export function keyType(t: string): string {
  if (!t.startsWith('map[')) return 'string';
  let depth = 0;
  for (let i = 3; i < t.length; i++) {
    if (t[i] === '[') depth++;
    else if (t[i] === ']') {
      depth--;
      if (depth === 0) return t.slice(4, i);
    }
  }
  return 'string';
}

export function mapType(m: Map<unknown, GoValue>): string {
  return (m as Tagged)[GO_TYPE] ?? 'map[string]interface {}';
}

export function sliceType(a: GoValue[]): string {
  return (a as Tagged)[GO_TYPE] ?? '[]interface {}';
}

/** The zero value of a Go type. */
export function zeroValue(t: string): GoValue {
  if (isIntKind(t)) return new GoInt(t, 0n);
  switch (t) {
    case 'bool': return false;
    case 'string': return '';
    case 'float64': case 'float32': return 0;
    case 'complex128': case 'complex64': return new GoComplex(0, 0, t);
    case 'interface {}': case 'any': case 'error': case 'fmt.Stringer': return null;
  }
  const k = kindOfType(t);
  if (k === 'map' || k === 'slice' || k === 'ptr' || k === 'func' || k === 'chan') return new GoNil(t);
  if (k === 'array') {
    const m = /^\[(\d+)\](.*)$/.exec(t);
    if (m) return withGoType(Array.from({ length: Number(m[1]) }, () => zeroValue(m[2])), t);
  }
  if (k === 'interface') return null;
  return new GoStruct(t, new Map());
}

/** Convert a Go map key to the JS key used inside the Map for a map of the given type. */
export function toMapKey(mapTypeStr: string, key: GoValue): unknown {
  const kt = keyType(mapTypeStr);
  if (key instanceof GoInt) return kt === 'interface {}' ? key.toNumber() : key.value;
  if (kt !== 'interface {}' && isIntKind(kt) && typeof key === 'number') return BigInt(key);
  return key;
}

/** Convert a JS Map key back to a Go value for a map of the given type. */
export function fromMapKey(mapTypeStr: string, key: unknown): GoValue {
  const kt = keyType(mapTypeStr);
  if (typeof key === 'bigint') return new GoInt(isIntKind(kt) ? kt : 'int', key);
  if (isIntKind(kt) && typeof key === 'number') return new GoInt(kt, key);
  return key as GoValue;
}

/** Entries of a map sorted the way Go's fmtsort sorts them. */
export function sortedMapEntries(m: Map<unknown, GoValue>): [GoValue, GoValue][] {
  const t = mapType(m);
  const out: [GoValue, GoValue][] = [];
  for (const [k, v] of m) out.push([fromMapKey(t, k), v]);
  out.sort((a, b) => compareKeys(a[0], b[0]));
  return out;
}

/** Go's string order (byte-wise UTF-8, which equals code point order), as sort.Strings and map keys sort. */
export function compareStringsBytewise(a: string, b: string): number {
  // UTF-8 byte order equals code point order.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareKeys(a: GoValue, b: GoValue): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStringsBytewise(a, b);
  if (a instanceof GoInt && b instanceof GoInt) return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  // Mixed types (interface keys): order by type name, then by printed value.
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareStringsBytewise(String(a), String(b));
}

/** Go truthiness (exec.go isTrue). Returns [truth, ok]. */
export function isTrue(v: GoValue): [boolean, boolean] {
  if (v === undefined || v === null) return [false, true];
  switch (typeof v) {
    case 'boolean': return [v, true];
    case 'string': return [v.length > 0, true];
    case 'number': return [v !== 0, true];
    case 'function': return [true, true];
  }
  if (v instanceof GoInt) return [v.value !== 0n, true];
  if (v instanceof GoComplex) return [v.re !== 0 || v.im !== 0, true];
  if (Array.isArray(v)) return [v.length > 0, true];
  if (v instanceof Map) return [v.size > 0, true];
  if (v instanceof GoStruct) return [true, true];
  if (v instanceof GoPointer) return [true, true];
  if (v instanceof GoNil) return [false, true];
  if (v instanceof GoIter) return [true, true];
  return [false, false];
}

export function truth(v: GoValue): boolean {
  return isTrue(v)[0];
}

/** Whether the value is a nil of any kind (untyped nil, nil interface, typed nil). */
export function isNilValue(v: GoValue): boolean {
  return v === null || v === undefined || v instanceof GoNil;
}

export const utf8 = {
  encode(s: string): Uint8Array {
    return Buffer.from(s, 'utf8');
  },
  decode(b: Uint8Array): string {
    return Buffer.from(b).toString('utf8');
  },
  byteLength(s: string): number {
    return Buffer.byteLength(s, 'utf8');
  }
};

/** How `fromJS` types numbers. */
export type NumberMode =
  /** Every number is float64 (encoding/json into interface{}, sigs.k8s.io/yaml as Helm uses it). */
  | 'float64'
  /** Integral numbers become int64, others float64 (go-yaml decoding into interface{}, `--set`). */
  | 'int64'
  /** Integral numbers become int, others float64 (Go literals / test data). */
  | 'int';

/**
 * Convert plain JS data (from JSON/YAML parsers) into Go values.
 * Objects become `map[string]interface {}` (JS Map), arrays `[]interface {}`,
 * null/undefined become nil; numbers follow `numberMode`. bigint becomes int64.
 * Values that are already Go values (GoInt, GoStruct, Map, ...) are kept, with their contents converted.
 */
export function fromJS(value: unknown, numberMode: NumberMode = 'float64'): GoValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      if (numberMode !== 'float64' && Number.isInteger(value) && !Object.is(value, -0)) {
        return new GoInt(numberMode === 'int' ? 'int' : 'int64', value);
      }
      return value;
    case 'bigint':
      return new GoInt('int64', value);
    case 'function':
      return value as GoFuncValue;
  }
  if (value instanceof GoInt || value instanceof GoComplex || value instanceof GoStruct ||
      value instanceof GoPointer || value instanceof GoNil || value instanceof GoIter) {
    return value;
  }
  if (Array.isArray(value)) {
    if ((value as Tagged)[GO_TYPE] !== undefined) return value as GoValue[];
    return value.map((x) => fromJS(x, numberMode));
  }
  if (value instanceof Map) {
    if ((value as Tagged)[GO_TYPE] !== undefined) return value as Map<unknown, GoValue>;
    const m = new Map<string, GoValue>();
    for (const [k, v] of value) m.set(String(k), fromJS(v, numberMode));
    const methods = (value as Tagged)[GO_METHODS];
    if (methods) withGoMethods(m, methods);
    return m;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return byteSlice(value);
  const m = new Map<string, GoValue>();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) m.set(k, fromJS(v, numberMode));
  return m;
}

/**
 * Convert a Go value back into plain JS data: ints become numbers (bigint when outside the safe range),
 * maps become plain objects (keys stringified), structs objects of their fields, nils null.
 */
export function toJS(value: GoValue): unknown {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'boolean': case 'string': case 'number':
      return value;
    case 'function':
      return value;
  }
  if (value instanceof GoInt) {
    return value.value >= BigInt(Number.MIN_SAFE_INTEGER) && value.value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value.value)
      : value.value;
  }
  if (value instanceof GoComplex) return { re: value.re, im: value.im };
  if (Array.isArray(value)) return value.map(toJS);
  if (value instanceof Map) {
    const o: Record<string, unknown> = {};
    const t = mapType(value);
    for (const [k, v] of value) {
      const gk = fromMapKey(t, k);
      o[typeof gk === 'string' ? gk : String(gk instanceof GoInt ? gk.value : gk)] = toJS(v);
    }
    return o;
  }
  if (value instanceof GoStruct) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of value.fields) o[k] = toJS(v);
    return o;
  }
  if (value instanceof GoPointer) return toJS(value.target);
  return null;
}
