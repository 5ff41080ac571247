/** Sprig dict functions (dict.go) and mergo's map merge as Sprig's merge/mergeOverwrite use it. */
import {
  compareStringsBytewise,
  CallContext, GoNil, GoPointer, GoStruct, GoValue, defineFunc, kindOf, mapType, sliceType, typeOf, withGoType
} from '../gotemplate/index.js';
import { stringSlice, strval } from './convert.js';

type Fn = ReturnType<typeof defineFunc>;
const MSI = 'map[string]interface {}';
const ANY = 'interface {}';

const newDict = (): Map<unknown, GoValue> => new Map<unknown, GoValue>();

function entries(d: GoValue): Map<unknown, GoValue> {
  return d instanceof Map ? d : newDict();
}

function sortedKeys(d: Map<unknown, GoValue>): string[] {
  return [...d.keys()].map(String).sort(compareStringsBytewise);
}

/** Go's "interface conversion" panic text for a failed type assertion to map[string]interface {}. */
function assertMap(v: GoValue): Map<unknown, GoValue> {
  if (v instanceof Map && mapType(v) === MSI) return v;
  if (v instanceof GoNil && v.type === MSI) return newDict();
  throw new Error(`interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : typeOf(v)}, not map[string]interface {}`);
}

function assertString(v: GoValue): string {
  if (typeof v === 'string') return v;
  throw new Error(`interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : typeOf(v)}, not string`);
}

/** mergo's isEmptyValue with dereferencing. */
function mergoEmpty(v: GoValue): boolean {
  if (v === null || v === undefined) return true;
  if (v instanceof GoPointer) return mergoEmpty(v.target);
  if (v instanceof GoNil) return true;
  if (typeof v === 'string') return v.length === 0;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (typeof v === 'object' && 'value' in v && typeof v.value === 'bigint') return v.value === 0n;
  return false;
}

function isNilish(v: GoValue): boolean {
  return v === null || v === undefined || v instanceof GoNil;
}

/** mergo deepMerge for two maps (dst is modified in place). */
export function mergoMergeMaps(dst: Map<unknown, GoValue>, src: Map<unknown, GoValue>, overwrite: boolean): void {
  for (const [key, sv] of src) {
    const dHas = dst.has(key);
    const dv = dst.get(key);
    if (isNilish(sv)) {
      if (overwrite) dst.set(key, sv ?? null);
      continue;
    }
    const sk = kindOf(sv);
    if (sk === 'map' || sk === 'ptr' || sk === 'struct') {
      if (dHas && dv instanceof Map && sv instanceof Map) mergoMergeMaps(dv, sv, overwrite);
    } else if (sk === 'slice') {
      let dstSlice: GoValue;
      if (!dHas || isNilish(dv)) dstSlice = withGoType([], sliceType(sv as GoValue[]));
      else dstSlice = dv as GoValue;
      if (src.size > 0 && (overwrite || dst.size === 0)) dstSlice = sv;
      dst.set(key, dstSlice);
    }
    if (dHas && !mergoEmpty(dv) && (sk === 'map' || sk === 'slice')) continue;
    if (overwrite || !dHas || mergoEmpty(dv)) dst.set(key, sv);
  }
}

/** copystructure.Copy */
export function deepCopyValue(v: GoValue): GoValue {
  if (Array.isArray(v)) {
    const out = v.map(deepCopyValue);
    return withGoType(out, sliceType(v));
  }
  if (v instanceof Map) {
    const m = new Map<unknown, GoValue>();
    for (const [k, x] of v) m.set(k, deepCopyValue(x));
    return withGoType(m, mapType(v));
  }
  if (v instanceof GoStruct) {
    const f = new Map<string, GoValue>();
    for (const [k, x] of v.fields) f.set(k, deepCopyValue(x));
    return new GoStruct(v.type, f, v.methods);
  }
  if (v instanceof GoPointer) return new GoPointer(v.type, deepCopyValue(v.target));
  return v;
}

export function dictFuncs(): Record<string, Fn> {
  const merge = (overwrite: boolean) =>
    defineFunc({ params: [MSI, MSI], variadic: true, result: ANY }, (dst: GoValue, ...srcs: GoValue[]) => {
      let d = dst instanceof Map ? dst : newDict();
      if (!(dst instanceof Map)) d = withGoType(d, MSI);
      for (const s of srcs) if (s instanceof Map) mergoMergeMaps(d, s, overwrite);
      return d;
    });
  return {
    dict: defineFunc({ params: [ANY], variadic: true, result: MSI }, function (this: CallContext, ...v: GoValue[]) {
      const d = newDict();
      for (let i = 0; i < v.length; i += 2) {
        const key = strval.call(this, v[i] ?? null);
        d.set(key, i + 1 >= v.length ? '' : (v[i + 1] ?? null));
      }
      return d;
    }),
    get: defineFunc({ params: [MSI, 'string'], result: ANY }, (d: GoValue, k: GoValue) => {
      const m = entries(d);
      return m.has(k) ? (m.get(k) ?? null) : '';
    }),
    set: defineFunc({ params: [MSI, 'string', ANY], result: MSI }, (d: GoValue, k: GoValue, v: GoValue) => {
      if (!(d instanceof Map)) throw new Error('assignment to entry in nil map');
      d.set(k, v ?? null);
      return d;
    }),
    unset: defineFunc({ params: [MSI, 'string'], result: MSI }, (d: GoValue, k: GoValue) => {
      if (d instanceof Map) d.delete(k);
      return d;
    }),
    hasKey: defineFunc({ params: [MSI, 'string'], result: 'bool' }, (d: GoValue, k: GoValue) => entries(d).has(k)),
    pluck: defineFunc({ params: ['string', MSI], variadic: true, result: '[]interface {}' }, (k: GoValue, ...ds: GoValue[]) => {
      const out: GoValue[] = [];
      for (const d of ds) {
        const m = entries(d);
        if (m.has(k)) out.push(m.get(k) ?? null);
      }
      return out;
    }),
    keys: defineFunc({ params: [MSI], variadic: true, result: '[]string' }, (...ds: GoValue[]) => {
      const out: string[] = [];
      for (const d of ds) out.push(...sortedKeys(entries(d)));
      return stringSlice(out);
    }),
    pick: defineFunc({ params: [MSI, 'string'], variadic: true, result: MSI }, (d: GoValue, ...ks: GoValue[]) => {
      const m = entries(d);
      const out = newDict();
      for (const k of ks) if (m.has(k)) out.set(k, m.get(k) ?? null);
      return out;
    }),
    omit: defineFunc({ params: [MSI, 'string'], variadic: true, result: MSI }, (d: GoValue, ...ks: GoValue[]) => {
      const m = entries(d);
      const drop = new Set(ks);
      const out = newDict();
      for (const k of sortedKeys(m)) if (!drop.has(k)) out.set(k, m.get(k) ?? null);
      return out;
    }),
    values: defineFunc({ params: [MSI], result: '[]interface {}' }, (d: GoValue) => {
      const m = entries(d);
      return sortedKeys(m).map((k) => m.get(k) ?? null);
    }),
    merge: merge(false),
    mustMerge: merge(false),
    mergeOverwrite: merge(true),
    mustMergeOverwrite: merge(true),
    dig: defineFunc({ params: [ANY], variadic: true, result: ANY }, (...ps: GoValue[]) => {
      if (ps.length < 3) throw new Error('dig needs at least three arguments');
      let dict = assertMap(ps[ps.length - 1]);
      const def = ps[ps.length - 2] ?? null;
      const ks = ps.slice(0, ps.length - 2).map(assertString);
      for (let i = 0; ; i++) {
        if (!dict.has(ks[i])) return def;
        const step = dict.get(ks[i]) ?? null;
        if (i === ks.length - 1) return step;
        dict = assertMap(step);
      }
    }),
    deepCopy: defineFunc({ params: [ANY], result: ANY }, (v: GoValue) => deepCopyValue(v ?? null)),
    mustDeepCopy: defineFunc({ params: [ANY], result: ANY }, (v: GoValue) => deepCopyValue(v ?? null))
  };
}
