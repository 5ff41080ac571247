/**
 * Helm's template function map: Sprig (minus env/expandenv) overlaid with Helm's own functions
 * (Helm's win), plus the render-time override `helm template` uses: getHostByName returns "" (no DNS).
 * `lookup` (Helm's) returns an empty map (no cluster). Create one map per render (include keeps nesting
 * counters). Random and time functions are Sprig's deterministic stand-ins.
 */
import { defineFunc, type FuncMap, type GoValue } from '../gotemplate/index.js';
import { createSprigFuncs, type SprigOptions } from '../sprig/index.js';
import { createHelmFuncs, helmToYaml } from './funcs/index.js';

export function helmFuncMap(extra: FuncMap = {}, sprig: SprigOptions = {}): FuncMap {
  const map: FuncMap = { ...createSprigFuncs(sprig), ...createHelmFuncs() };
  delete map.env;
  delete map.expandenv;
  map.getHostByName = defineFunc({ params: ['string'], result: 'string' }, () => '');
  return { ...map, ...extra };
}

/** toYaml as the engine uses it internally (.Files.AsConfig, .Values.YAML). */
export function engineToYaml(v: GoValue): string {
  return helmToYaml(v);
}
