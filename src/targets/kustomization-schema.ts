/**
 * The kustomization file as kustomize decodes it (api/types/kustomization.go `Unmarshal`: YAML -> JSON ->
 * encoding/json). encoding/json matches a JSON key to a struct field exactly, or else case-insensitively with
 * Unicode simple folding (`reſources` and `RESOURCES` are `resources`; `ſ` folds to `s`, the Kelvin sign to `k`).
 *
 * The decoder gives every field kustomize reads its canonical name, so the gate sees what kustomize sees. Two keys
 * that reach the same field are refused (encoding/json keeps the last one; a reviewer may read the first). Fields
 * that load files are type-checked; fields that load nothing pass through as data; keys no field matches pass
 * through unchanged (kustomize refuses unknown fields itself). Only the struct types that hold file references are
 * modelled: Kustomization, Patch, ReplacementField and the ConfigMap/Secret generator arguments.
 */
import { isRecord, type JsonPath } from '../objects/types.js';

type FieldSpec =
  | { kind: 'string' }
  /** []string */
  | { kind: 'strings' }
  /** map[string]string: keys are not folded (a Go map, not a struct) */
  | { kind: 'stringMap' }
  /** []Struct */
  | { kind: 'structs'; of: StructSpec }
  /** Anything, passed through as written. */
  | { kind: 'data' };

interface StructSpec {
  /** Go type name, for messages. */
  name: string;
  /** Canonical JSON field name -> what it holds. */
  fields: Record<string, FieldSpec>;
}

const data: FieldSpec = { kind: 'data' };
const str: FieldSpec = { kind: 'string' };
const strings: FieldSpec = { kind: 'strings' };

const PATCH: StructSpec = { name: 'Patch', fields: { path: str, patch: str, target: data, options: data } };
const REPLACEMENT: StructSpec = { name: 'ReplacementField', fields: { path: str, source: data, targets: data } };
/** GeneratorArgs with its inline KvPairSources; SecretArgs adds `type`. */
const GENERATOR_FIELDS: Record<string, FieldSpec> = {
  namespace: data,
  name: data,
  behavior: data,
  literals: data,
  files: strings,
  envs: strings,
  env: str,
  options: data
};
const CONFIG_MAP_ARGS: StructSpec = { name: 'ConfigMapArgs', fields: GENERATOR_FIELDS };
const SECRET_ARGS: StructSpec = { name: 'SecretArgs', fields: { ...GENERATOR_FIELDS, type: data } };

export const KUSTOMIZATION: StructSpec = {
  name: 'Kustomization',
  fields: {
    apiVersion: data,
    kind: data,
    metadata: data,
    openapi: { kind: 'stringMap' },
    namePrefix: data,
    nameSuffix: data,
    namespace: data,
    commonLabels: data,
    labels: data,
    commonAnnotations: data,
    patchesStrategicMerge: strings,
    patchesJson6902: { kind: 'structs', of: PATCH },
    patches: { kind: 'structs', of: PATCH },
    images: data,
    imageTags: data,
    replacements: { kind: 'structs', of: REPLACEMENT },
    replicas: data,
    vars: data,
    sortOptions: data,
    resources: strings,
    components: strings,
    crds: strings,
    bases: strings,
    configMapGenerator: { kind: 'structs', of: CONFIG_MAP_ARGS },
    secretGenerator: { kind: 'structs', of: SECRET_ARGS },
    helmGlobals: data,
    helmCharts: data,
    helmChartInflationGenerator: data,
    generatorOptions: data,
    configurations: strings,
    generators: strings,
    transformers: strings,
    validators: strings,
    inventory: data,
    buildMetadata: strings
  }
};

/**
 * encoding/json's key folding (fold.go `foldName`): ASCII letters upper-cased, every other rune replaced by the
 * smallest rune of its simple-fold orbit. Only two non-ASCII runes fold into ASCII letters: ſ (U+017F) into S and
 * the Kelvin sign (U+212A) into K; every other rune stays distinct from the ASCII field names, which is all that
 * matters here.
 */
export function goFoldName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (ch === '\u017F') out += 'S';
    else if (ch === '\u212A') out += 'K';
    else if (ch >= 'a' && ch <= 'z') out += ch.toUpperCase();
    else out += ch;
  }
  return out;
}

export interface DecodeProblem {
  /** Where in the document as written. */
  path: JsonPath;
  message: string;
}

export interface DecodedKustomization {
  /** The document with canonical field names (a fresh object; the input is not changed). */
  value: Record<string, unknown>;
  /** Pairs (canonical path, path as written), for re-keying the source map. */
  paths: [JsonPath, JsonPath][];
  problems: DecodeProblem[];
}

/** Decodes a kustomization document as encoding/json would into api/types.Kustomization. */
export function decodeKustomization(doc: Record<string, unknown>): DecodedKustomization {
  const paths: [JsonPath, JsonPath][] = [[[], []]];
  const problems: DecodeProblem[] = [];
  const value = decodeStruct(doc, KUSTOMIZATION, [], [], paths, problems);
  return { value, paths, problems };
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function decodeStruct(
  input: Record<string, unknown>,
  spec: StructSpec,
  written: JsonPath,
  canonical: JsonPath,
  paths: [JsonPath, JsonPath][],
  problems: DecodeProblem[]
): Record<string, unknown> {
  const byFold = new Map<string, string>();
  for (const name of Object.keys(spec.fields)) byFold.set(goFoldName(name), name);
  const out: Record<string, unknown> = {};
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(input)) {
    const field = Object.hasOwn(spec.fields, key) ? key : byFold.get(goFoldName(key));
    const name = field ?? key;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      problems.push({
        path: [...written, key],
        message: `"${key}" and "${earlier}" are the same ${spec.name} field "${name}" to kustomize (Go matches field names case-insensitively); it keeps the last one, so the file is refused`
      });
      continue;
    }
    seen.set(name, key);
    const from = [...written, key];
    const to = [...canonical, name];
    paths.push([to, from]);
    const fieldSpec = field ? spec.fields[field] : data;
    setOwn(out, name, decodeField(value, fieldSpec, `${spec.name}.${name}`, from, to, paths, problems));
  }
  return out;
}

function decodeField(
  value: unknown,
  spec: FieldSpec,
  label: string,
  written: JsonPath,
  canonical: JsonPath,
  paths: [JsonPath, JsonPath][],
  problems: DecodeProblem[]
): unknown {
  if (value === null || value === undefined) return null;
  const wrong = (what: string, at: JsonPath = written): void => {
    problems.push({ path: at, message: `${label} must be ${what}` });
  };
  switch (spec.kind) {
    case 'data':
      copyPaths(value, written, canonical, paths);
      return value;
    case 'string':
      if (typeof value !== 'string') wrong('a string');
      return value;
    case 'strings':
      if (!Array.isArray(value)) {
        wrong('a list of strings');
        return value;
      }
      value.forEach((item, i) => {
        paths.push([[...canonical, i], [...written, i]]);
        if (typeof item !== 'string') wrong(`a list of strings (entry ${i + 1} is ${describe(item)})`, [...written, i]);
      });
      return value;
    case 'stringMap':
      if (!isRecord(value)) {
        wrong('a map of strings');
        return value;
      }
      for (const [k, v] of Object.entries(value)) {
        paths.push([[...canonical, k], [...written, k]]);
        if (typeof v !== 'string' && v !== null) wrong(`a map of strings ("${k}" is ${describe(v)})`, [...written, k]);
      }
      return value;
    case 'structs':
      if (!Array.isArray(value)) {
        wrong(`a list of ${spec.of.name}`);
        return value;
      }
      return value.map((item, i) => {
        paths.push([[...canonical, i], [...written, i]]);
        if (!isRecord(item)) {
          wrong(`a list of ${spec.of.name} (entry ${i + 1} is ${describe(item)})`, [...written, i]);
          return item;
        }
        return decodeStruct(item, spec.of, [...written, i], [...canonical, i], paths, problems);
      });
  }
}

/** Data passes through unchanged: every path under it keeps its place. */
function copyPaths(value: unknown, written: JsonPath, canonical: JsonPath, paths: [JsonPath, JsonPath][]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      paths.push([[...canonical, i], [...written, i]]);
      copyPaths(v, [...written, i], [...canonical, i], paths);
    });
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      paths.push([[...canonical, k], [...written, k]]);
      copyPaths(v, [...written, k], [...canonical, k], paths);
    }
  }
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}
