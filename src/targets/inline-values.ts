/** Values a declaration writes inside itself (a HelmRelease's `spec.values`, an Application's `valuesObject`). */
import type { JsonPath, KubeObject, Located, SourceLocation } from '../objects/types.js';
import { blockScalarStart, parseYaml } from '../objects/yaml-source.js';
import type { RepoFiles } from '../repo/files.js';
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

/**
 * Values written as YAML text in a string field (an Application's `helm.values`, a ConfigMap's `values.yaml` key),
 * parsed, with each key located on its own line when the string is a block scalar (`key: |`) whose lines are the
 * file's lines after `key`; otherwise on the key. Undefined for an empty text; the parse error for invalid YAML.
 */
export function textValuesAt(repo: RepoFiles, key: SourceLocation, text: string): InlineValues | { error: string } | undefined {
  const read = parseYaml(text, key.file);
  if (read.errors.length > 0) return { error: read.errors[0].reason };
  const parsed = read.documents[0];
  if (!parsed) return undefined;
  let block: { firstLine: number; indent: number } | undefined;
  try {
    // `values: |` (or `|-`, `|+`, `|2`): the block's lines are the file's lines after the key, indented alike.
    block = blockScalarStart(repo.readText(key.file), key.line);
  } catch {
    block = undefined;
  }
  const sourceMap = {
    has: (p: JsonPath) => parsed.sourceMap.has(p),
    locate: (p: JsonPath): Located => {
      const inner = parsed.sourceMap.locate(p);
      if (block === undefined) return { ...inner, location: key, related: [] };
      const column = inner.location.column !== undefined ? { column: inner.location.column + block.indent } : {};
      return { ...inner, location: { file: key.file, line: block.firstLine + inner.location.line - 1, ...column }, related: [] };
    }
  };
  return { value: parsed.value, file: key.file, sourceMap };
}
