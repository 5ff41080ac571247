/** Sprig list functions (list.go): any slice or array type is accepted through reflection. */
import { GoNil, GoValue, defineFunc, sliceType, withGoType } from '../gotemplate/index.js';
import { deepEqual, isEmpty, sliceItems, toIntNum, typeKind } from './convert.js';

type Fn = ReturnType<typeof defineFunc>;
const ANY = 'interface {}';
const num = (v: GoValue): number => Number((v as { value: bigint }).value);

/** Elements of a slice/array argument or a Go error naming the kind (reflect.TypeOf(nil) panics). */
function itemsOr(v: GoValue, msg: (kind: string) => string): GoValue[] {
  const kind = typeKind(v);
  const items = sliceItems(v);
  if (!items) throw new Error(msg(kind));
  return items;
}

/** Define a list function and its must* twin (the plain one panics with the same message). */
function pair(name: string, params: string[], fn: (...a: GoValue[]) => GoValue, variadic = false, result = ANY): Record<string, Fn> {
  const Must = 'must' + name[0].toUpperCase() + name.slice(1);
  return {
    [name]: defineFunc({ params, variadic, result }, fn),
    [Must]: defineFunc({ params, variadic, result }, fn)
  };
}

export function listFuncs(): Record<string, Fn> {
  const push = (list: GoValue, v: GoValue): GoValue => [...itemsOr(list, (k) => `Cannot push on type ${k}`), v ?? null];
  return {
    list: defineFunc({ params: [ANY], variadic: true, result: '[]interface {}' }, (...v: GoValue[]) => v.map((x) => x ?? null)),
    tuple: defineFunc({ params: [ANY], variadic: true, result: '[]interface {}' }, (...v: GoValue[]) => v.map((x) => x ?? null)),
    append: defineFunc({ params: [ANY, ANY], result: '[]interface {}' }, push),
    push: defineFunc({ params: [ANY, ANY], result: '[]interface {}' }, push),
    mustAppend: defineFunc({ params: [ANY, ANY], result: '[]interface {}' }, push),
    mustPush: defineFunc({ params: [ANY, ANY], result: '[]interface {}' }, push),
    ...pair('prepend', [ANY, ANY], (list, v) => [v ?? null, ...itemsOr(list, (k) => `Cannot prepend on type ${k}`)]),
    ...pair('chunk', ['int', ANY], (size, list) => {
      const items = itemsOr(list, (k) => `Cannot chunk type ${k}`);
      const n = num(size);
      const l = items.length;
      const cs = Math.floor((l - 1) / n) + 1;
      if (!Number.isFinite(cs) || cs < 0) throw new Error(`runtime error: makeslice: len out of range`);
      const out: GoValue[] = [];
      for (let i = 0; i < cs; i++) {
        let clen = n;
        if (i === cs - 1) {
          clen = Math.floor(l % n);
          if (clen === 0) clen = n;
        }
        const c: GoValue[] = [];
        for (let j = 0; j < clen; j++) c.push(items[i * n + j] ?? null);
        out.push(c);
      }
      return withGoType(out, '[][]interface {}');
    }),
    ...pair('last', [ANY], (list) => {
      const items = itemsOr(list, (k) => `Cannot find last on type ${k}`);
      return items.length === 0 ? null : items[items.length - 1];
    }),
    ...pair('first', [ANY], (list) => {
      const items = itemsOr(list, (k) => `Cannot find first on type ${k}`);
      return items.length === 0 ? null : items[0];
    }),
    ...pair('rest', [ANY], (list) => {
      const items = itemsOr(list, (k) => `Cannot find rest on type ${k}`);
      return items.length === 0 ? new GoNil('[]interface {}') : items.slice(1);
    }, false, '[]interface {}'),
    ...pair('initial', [ANY], (list) => {
      const items = itemsOr(list, (k) => `Cannot find initial on type ${k}`);
      return items.length === 0 ? new GoNil('[]interface {}') : items.slice(0, -1);
    }, false, '[]interface {}'),
    ...pair('reverse', [ANY], (list) => itemsOr(list, (k) => `Cannot find reverse on type ${k}`).slice().reverse(), false, '[]interface {}'),
    ...pair('compact', [ANY], (list) => itemsOr(list, (k) => `Cannot compact on type ${k}`).filter((x) => !isEmpty(x)), false, '[]interface {}'),
    ...pair('uniq', [ANY], (list) => {
      const out: GoValue[] = [];
      for (const x of itemsOr(list, (k) => `Cannot find uniq on type ${k}`)) if (!out.some((y) => deepEqual(x, y))) out.push(x);
      return out;
    }, false, '[]interface {}'),
    ...pair('without', [ANY, ANY], (list, ...omit) => {
      const items = itemsOr(list, (k) => `Cannot find without on type ${k}`);
      return items.filter((x) => !omit.some((o) => deepEqual(x, o ?? null)));
    }, true, '[]interface {}'),
    ...pair('has', [ANY, ANY], (needle, haystack) => {
      if (haystack === null || haystack === undefined) return false;
      const items = itemsOr(haystack, (k) => `Cannot find has on type ${k}`);
      return items.some((x) => deepEqual(needle ?? null, x));
    }, false, 'bool'),
    ...pair('slice', [ANY, ANY], (list, ...indices) => {
      const items = itemsOr(list, (k) => `list should be type of slice or array but ${k}`);
      const l = items.length;
      if (l === 0) return null;
      const start = indices.length > 0 ? toIntNum(indices[0]) : 0;
      const end = indices.length < 2 ? l : toIntNum(indices[1]);
      if (end < 0 || end > l) throw new Error(`reflect: slice index out of range`);
      if (start < 0 || start > end) throw new Error(`reflect.Value.Slice: slice index out of bounds`);
      const out = items.slice(start, end);
      const t = Array.isArray(list) ? sliceType(list) : '[]interface {}';
      return t.startsWith('[]') ? withGoType(out, t) : withGoType(out, '[]' + t.replace(/^\[\d+\]/, ''));
    }, true),
    concat: defineFunc({ params: [ANY], variadic: true, result: ANY }, (...lists: GoValue[]) => {
      const out: GoValue[] = [];
      for (const l of lists) {
        const kind = typeKind(l);
        const items = sliceItems(l);
        if (!items) throw new Error(`Cannot concat type ${kind} as list`);
        out.push(...items);
      }
      return out.length === 0 ? new GoNil('[]interface {}') : out;
    })
  };
}
