/** Values a declaration writes inside itself (a HelmRelease's `spec.values`, an Application's `valuesObject`). */
import type { JsonPath, KubeObject } from '../objects/types.js';
import type { InlineValues } from './types.js';

/** The value at `prefix` in the object, with its keys located where the object (or its patch) writes them. */
export function inlineValuesAt(object: KubeObject, prefix: JsonPath, value: unknown): InlineValues {
  return {
    value,
    file: object.sourceMap.locate(prefix).location.file,
    sourceMap: {
      has: (p: JsonPath) => object.sourceMap.locate([...prefix, ...p]).foundPath.length === prefix.length + p.length,
      locate: (p: JsonPath) => object.sourceMap.locate([...prefix, ...p])
    }
  };
}
