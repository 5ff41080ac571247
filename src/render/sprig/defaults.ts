/** Sprig defaults.go: default, empty, coalesce, all, any, ternary, and the JSON helpers. */
import { CallContext, GoValue, defineFunc } from '../gotemplate/index.js';
import { isEmpty } from './convert.js';
import { jsonMarshal, jsonUnmarshal } from './json.js';

type Fn = ReturnType<typeof defineFunc>;
const ANY = 'interface {}';

export function defaultFuncs(): Record<string, Fn> {
  const toJson = (escapeHTML: boolean, indent: string | undefined, must: boolean) =>
    defineFunc({ params: [ANY], result: 'string' }, function (this: CallContext, v: GoValue) {
      try {
        return jsonMarshal(v ?? null, { escapeHTML, indent, ctx: this });
      } catch (e) {
        if (must) throw e;
        return '';
      }
    });
  return {
    default: defineFunc({ params: [ANY, ANY], variadic: true, result: ANY }, (d: GoValue, ...given: GoValue[]) =>
      given.length === 0 || isEmpty(given[0]) ? (d ?? null) : (given[0] ?? null)),
    empty: defineFunc({ params: [ANY], result: 'bool' }, (v: GoValue) => isEmpty(v)),
    coalesce: defineFunc({ params: [ANY], variadic: true, result: ANY }, (...v: GoValue[]) => {
      for (const x of v) if (!isEmpty(x)) return x;
      return null;
    }),
    all: defineFunc({ params: [ANY], variadic: true, result: 'bool' }, (...v: GoValue[]) => v.every((x) => !isEmpty(x))),
    any: defineFunc({ params: [ANY], variadic: true, result: 'bool' }, (...v: GoValue[]) => v.some((x) => !isEmpty(x))),
    ternary: defineFunc({ params: [ANY, ANY, 'bool'], result: ANY }, (vt: GoValue, vf: GoValue, c: GoValue) =>
      (c ? (vt ?? null) : (vf ?? null))),
    fromJson: defineFunc({ params: ['string'], result: ANY }, (s: GoValue) => {
      try {
        return jsonUnmarshal(s as string);
      } catch {
        return null;
      }
    }),
    mustFromJson: defineFunc({ params: ['string'], result: ANY }, (s: GoValue) => jsonUnmarshal(s as string)),
    toJson: toJson(true, undefined, false),
    mustToJson: toJson(true, undefined, true),
    toPrettyJson: toJson(true, '  ', false),
    mustToPrettyJson: toJson(true, '  ', true),
    toRawJson: toJson(false, undefined, false),
    mustToRawJson: toJson(false, undefined, true)
  };
}
