/**
 * A Flux HelmRelease's values, as helm-controller builds them (fluxcd/pkg chartutil `ChartValuesFromReferences`):
 * each `valuesFrom` reference in order — its ConfigMap or Secret key (default `values.yaml`) read as YAML and
 * merged, or, with `targetPath`, the key's text set at that path with Helm's `--set` parser (quoted values as
 * `--set-string`, `literal: true` as a verbatim string) after merging `spec.values` first — then `spec.values`
 * merged last. Maps merge, everything else (lists included) replaces, and lists are shared between the merged
 * maps, so a target path into a list of `spec.values` wins over everything, as upstream. A missing object or key
 * fails unless the reference is `optional`.
 */
import { parseSet, parseSetString, type Values } from './helm/values.js';
import { mergeMaps, readValuesText } from './helm/yamlgo.js';
import type { FluxValuesReference } from '../targets/types.js';

export type ValuesReference = FluxValuesReference;

/** A ConfigMap's `data`, or a Secret's `data` decoded (and `stringData`), by key. */
export interface ValuesResource {
  data: Record<string, string>;
}

export class FluxValuesError extends Error {
  constructor(
    message: string,
    /** Index of the reference the error is about. */
    readonly reference: number
  ) {
    super(message);
  }
}

/** The values a HelmRelease gives its chart; `lookup` finds a ConfigMap or Secret of the release's namespace. */
export function chartValuesFromReferences(lookup: (kind: 'ConfigMap' | 'Secret', name: string) => ValuesResource | undefined, values: Values | undefined, refs: readonly ValuesReference[]): Values {
  let result: Values = new Map();
  const own = values ?? new Map();
  refs.forEach((ref, i) => {
    const what = `${ref.kind} ${ref.name}`;
    if (ref.kind !== 'ConfigMap' && ref.kind !== 'Secret') throw new FluxValuesError(`unsupported values reference kind '${ref.kind}'`, i);
    const resource = lookup(ref.kind, ref.name);
    if (!resource) {
      if (ref.optional) return;
      throw new FluxValuesError(`could not find ${what}`, i);
    }
    const key = ref.valuesKey || 'values.yaml';
    if (!Object.prototype.hasOwnProperty.call(resource.data, key)) {
      if (ref.optional) return;
      throw new FluxValuesError(`missing key '${key}' in ${what}`, i);
    }
    const data = resource.data[key];
    if (ref.targetPath) {
      result = mergeMaps(result, own);
      try {
        if (ref.literal) replacePathLiteralValue(result, ref.targetPath, data);
        else replacePathValue(result, ref.targetPath, data);
      } catch (err) {
        throw new FluxValuesError(`unable to merge value from key '${key}' in ${what} into target path '${ref.targetPath}': ${(err as Error).message}`, i);
      }
      return;
    }
    let read: Values;
    try {
      read = readValuesText(data);
    } catch (err) {
      throw new FluxValuesError(`unable to read values from key '${key}' in ${what}: ${(err as Error).message}`, i);
    }
    result = mergeMaps(result, read);
  });
  return mergeMaps(result, own);
}

/** ReplacePathValue: `path=value` through strvals.ParseInto; a quoted value through ParseIntoString, quotes removed. */
function replacePathValue(values: Values, path: string, value: string): void {
  const quoted = (value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'));
  if (quoted) parseSetString(`${path}=${trimQuotes(value)}`, values);
  else parseSet(`${path}=${value}`, values);
}

/** strings.Trim(value, `'"`): every leading and trailing quote character. */
function trimQuotes(value: string): string {
  return value.replace(/^['"]+/, '').replace(/['"]+$/, '');
}

/** ReplacePathLiteralValue: the value verbatim (strvals metacharacters escaped), `\.` kept in the path. */
function replacePathLiteralValue(values: Values, path: string, value: string): void {
  const escaped = value.replace(/[\\,[\]{}]/g, (c) => `\\${c}`);
  parseSetString(`${path}=${escaped}`, values);
}
