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

/** A `--set` style path as segments: `a.b\.c[1]` -> ['a', 'b.c', 1]. */
export function setPathSegments(targetPath: string): (string | number)[] {
  const out: (string | number)[] = [];
  let current = '';
  for (let i = 0; i < targetPath.length; i++) {
    const c = targetPath[i];
    if (c === '\\' && i + 1 < targetPath.length) current += targetPath[++i];
    else if (c === '.') {
      if (current) out.push(current);
      current = '';
    } else if (c === '[') {
      if (current) out.push(current);
      current = '';
      const end = targetPath.indexOf(']', i);
      if (end < 0) break;
      out.push(Number(targetPath.slice(i + 1, end)));
      i = end;
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}
