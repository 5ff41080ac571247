/**
 * Helm's template function map: Sprig (minus env/expandenv) overlaid with Helm's own functions
 * (Helm's win), plus the render-time override `helm template` uses: getHostByName returns "" (no DNS).
 * `lookup` (Helm's) returns an empty map (no cluster). Create one map per render (include keeps nesting
 * counters). Random and time functions are Sprig's deterministic stand-ins.
 */
import { defineFunc, type CallContext, type FuncMap, type GoFuncValue, type GoValue } from '../gotemplate/index.js';
import { createSprigFuncs, VOLATILE_FUNCS, type SprigOptions } from '../sprig/index.js';
import { createHelmFuncs, helmToYaml } from './funcs/index.js';

export function helmFuncMap(extra: FuncMap = {}, sprig: SprigOptions = {}): FuncMap {
  const map: FuncMap = { ...createSprigFuncs(sprig), ...createHelmFuncs() };
  delete map.env;
  delete map.expandenv;
  map.getHostByName = defineFunc({ params: ['string'], result: 'string' }, () => '');
  for (const name of VOLATILE_FUNCS) if (map[name] && !FORMATTING_ONLY.has(name)) map[name] = markVolatile(map[name]);
  return { ...map, ...extra };
}

/**
 * Time functions that only format or parse the time they are given: deterministic unless fed `now`, and `now`
 * itself is marked. Everything else in VOLATILE_FUNCS (random values, keys, certificates, `now`, `ago`) is.
 */
const FORMATTING_ONLY = new Set(['date', 'dateInZone', 'date_in_zone', 'htmlDate', 'htmlDateInZone', 'dateModify', 'date_modify', 'mustDateModify', 'must_date_modify', 'toDate', 'mustToDate', 'unixEpoch', 'durationRound', 'getHostByName']);

/** The same function, marked so the executor flags the output it prints as volatile. */
function markVolatile(fn: GoFuncValue): GoFuncValue {
  const marked: GoFuncValue = function (this: CallContext, ...args: GoValue[]) {
    return fn.apply(this, args);
  };
  if (fn.goSig) marked.goSig = fn.goSig;
  marked.volatile = true;
  return marked;
}

/** toYaml as the engine uses it internally (.Files.AsConfig, .Values.YAML). */
export function engineToYaml(v: GoValue): string {
  return helmToYaml(v);
}
