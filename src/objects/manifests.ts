/** Plain manifest files -> KubeObjects, each field mapped to its exact line. */
import { InputError } from '../repo/files.js';
import { isRecord, objectRefOf, type JsonPath, type KubeObject, type Located, type SourceMap } from './types.js';
import { parseYaml, type YamlLimits, DEFAULT_YAML_LIMITS } from './yaml-source.js';

export interface ManifestParse {
  objects: KubeObject[];
  errors: InputError[];
}

/** Whether a parsed value looks like a Kubernetes object (a mapping with string apiVersion and kind). */
export function isKubeObject(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && typeof value.apiVersion === 'string' && typeof value.kind === 'string';
}

/**
 * Reads every Kubernetes object in a YAML text. Empty documents are skipped; a document that is not a
 * Kubernetes object is an error naming its line. `kind: List` is expanded into its items.
 */
export function objectsFromYaml(text: string, file: string, target: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ManifestParse {
  const { documents, errors } = parseYaml(text, file, limits);
  const objects: KubeObject[] = [];
  for (const doc of documents) {
    if (doc.value === null || doc.value === undefined) continue;
    if (!isKubeObject(doc.value)) {
      const what = isRecord(doc.value) ? 'a mapping without string "apiVersion" and "kind"' : `a ${Array.isArray(doc.value) ? 'sequence' : typeof doc.value}`;
      errors.push(new InputError(file, `document ${doc.index + 1} is not a Kubernetes object (${what})`, 'not-a-kubernetes-object', doc.line));
      continue;
    }
    if (/List$/.test(doc.value.kind as string) && Array.isArray(doc.value.items)) {
      doc.value.items.forEach((item: unknown, i: number) => {
        if (!isKubeObject(item)) {
          errors.push(new InputError(file, `item ${i} of the List in document ${doc.index + 1} is not a Kubernetes object`, 'not-a-kubernetes-object', doc.sourceMap.locate(['items', i]).location.line));
          return;
        }
        objects.push(makeObject(item, target, prefixed(doc.sourceMap, ['items', i])));
      });
      continue;
    }
    objects.push(makeObject(doc.value, target, doc.sourceMap));
  }
  return { objects, errors };
}

export function makeObject(body: Record<string, unknown>, target: string, sourceMap: SourceMap): KubeObject {
  return { ...objectRefOf(body), body, target, sourceMap };
}

/** A source map for an object nested at `prefix` inside another document. */
export function prefixed(inner: SourceMap, prefix: JsonPath): SourceMap {
  return {
    locate(path: JsonPath): Located {
      const located = inner.locate([...prefix, ...path]);
      return { ...located, foundPath: located.foundPath.slice(prefix.length) };
    }
  };
}
