/** Sprig reflect.go: typeOf, typeIs, typeIsLike, kindOf, kindIs, and deepEqual (reflect.DeepEqual). */
import { GoValue, defineFunc, sprintf } from '../gotemplate/index.js';
import { deepEqual, kindName } from './convert.js';

type Fn = ReturnType<typeof defineFunc>;
const ANY = 'interface {}';

export function reflectFuncs(): Record<string, Fn> {
  const typeStr = (v: GoValue): string => sprintf('%T', [v ?? null]);
  return {
    typeOf: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => typeStr(v)),
    typeIs: defineFunc({ params: ['string', ANY], result: 'bool' }, (t: GoValue, v: GoValue) => t === typeStr(v)),
    typeIsLike: defineFunc({ params: ['string', ANY], result: 'bool' }, (t: GoValue, v: GoValue) => {
      const s = typeStr(v);
      return t === s || '*' + (t as string) === s;
    }),
    kindOf: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => kindName(v)),
    kindIs: defineFunc({ params: ['string', ANY], result: 'bool' }, (t: GoValue, v: GoValue) => t === kindName(v)),
    deepEqual: defineFunc({ params: [ANY, ANY], result: 'bool' }, (a: GoValue, b: GoValue) => deepEqual(a, b))
  };
}
