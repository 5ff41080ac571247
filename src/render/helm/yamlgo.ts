/**
 * YAML read the way Helm reads it (sigs.k8s.io/yaml over go-yaml v2): YAML 1.1 scalars (yes/no/on/off are
 * booleans, 0644 is octal), timestamps and base-60 numbers stay strings, non-string keys are stringified,
 * and every number becomes a float64 (the JSON round trip). Errors are worded like go-yaml's
 * (`yaml: line N: could not find expected ':'`) as far as practical.
 */
import { parseAllDocuments, type Document } from 'yaml';
import { fromJS, type GoValue } from '../gotemplate/index.js';

export class GoYamlError extends Error {
  constructor(
    /** go-yaml style message, e.g. "yaml: line 11: could not find expected ':'". */
    message: string,
    readonly line?: number
  ) {
    super(message);
    this.name = 'GoYamlError';
  }
}

const OPTIONS = {
  version: '1.1' as const,
  merge: true,
  uniqueKeys: false,
  strict: false,
  customTags: (tags: unknown[]): unknown[] =>
    tags.filter((t) => {
      const tag = t as { tag?: string; format?: string };
      return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
    })
};

/** Parses every document of a YAML stream into plain JS (Maps for mappings); throws GoYamlError. */
export function parseYamlDocsGo(text: string, maxAliasCount = 100): unknown[] {
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, OPTIONS as never) as unknown as Document.Parsed[];
  } catch (err) {
    throw new GoYamlError(`yaml: ${(err as Error).message}`);
  }
  if (!Array.isArray(docs)) docs = [docs];
  const out: unknown[] = [];
  for (const doc of docs) {
    const problem = doc.errors[0];
    if (problem) throw toGoYamlError(problem, text);
    try {
      out.push(doc.toJS({ mapAsMap: true, maxAliasCount }));
    } catch (err) {
      throw new GoYamlError(`yaml: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Parses one YAML document (the first; an empty stream is null). */
export function parseYamlGo(text: string): unknown {
  const docs = parseYamlDocsGo(text);
  return docs.length ? docs[0] : null;
}

function toGoYamlError(problem: { message: string; code?: string; linePos?: [{ line: number; col: number }, ...unknown[]] }, text: string): GoYamlError {
  const line = problem.linePos?.[0]?.line ?? 1;
  const first = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const lines = text.split('\n');
  if (/Implicit map keys need to be followed by map values|Implicit keys need to be on a single line/.test(first)) {
    // go-yaml notices the missing ':' when it reaches the next token (or the end of the stream)
    let n = line; // 0-based index of the next line
    while (n < lines.length && (lines[n].trim() === '' || lines[n].trim().startsWith('#'))) n++;
    const at = n < lines.length ? n + 1 : lines.length;
    return new GoYamlError(`yaml: line ${at}: could not find expected ':'`, at);
  }
  if (/Nested mappings are not allowed|Implicit keys of flow sequence pairs|mapping values/i.test(first)) {
    return new GoYamlError(`yaml: line ${line}: mapping values are not allowed in this context`, line);
  }
  if (/Tabs are not allowed/i.test(first)) {
    return new GoYamlError(`yaml: line ${line}: found character that cannot start any token`, line);
  }
  if (/did not find expected|Missing closing|Unexpected end|flow/i.test(first)) {
    return new GoYamlError(`yaml: line ${line}: did not find expected node content`, line);
  }
  if (/indent/i.test(first)) {
    return new GoYamlError(`yaml: line ${line}: did not find expected key`, line);
  }
  return new GoYamlError(`yaml: line ${line}: ${first}`, line);
}

/** JS (from parseYamlDocsGo) to a Go value as `encoding/json` decodes it into interface{}: numbers float64. */
export function yamlToGo(value: unknown): GoValue {
  return fromJS(normalizeKeys(value), 'float64');
}

/** Stringifies map keys as sigs.k8s.io/yaml's YAML-to-JSON conversion does; drops Dates and binary. */
function normalizeKeys(v: unknown): unknown {
  if (v instanceof Map) {
    const m = new Map<string, unknown>();
    for (const [k, x] of v) m.set(keyString(k), normalizeKeys(x));
    return m;
  }
  if (Array.isArray(v)) return v.map(normalizeKeys);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null || k === undefined) return 'null';
  return String(k);
}

/** Reads Helm values (LoadValues): every document must be a map (or empty); documents are merged in order. */
export function readValuesText(text: string): Map<string, GoValue> {
  const docs = parseYamlDocsGo(text);
  let values = new Map<string, GoValue>();
  for (const d of docs) {
    if (d === null || d === undefined) continue;
    if (!(d instanceof Map)) {
      throw new GoYamlError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(d)} into Go value of type map[string]interface {}`);
    }
    values = mergeMaps(values, yamlToGo(d) as Map<string, GoValue>);
  }
  return values;
}

export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Map) return 'object';
  return 'object';
}

/** loader.MergeMaps: maps merge deeply, everything else is replaced. Returns a new top-level map. */
export function mergeMaps(a: Map<string, GoValue>, b: Map<string, GoValue>): Map<string, GoValue> {
  const out = new Map(a);
  for (const [k, v] of b) {
    if (v instanceof Map) {
      const bv = out.get(k);
      if (bv instanceof Map) {
        out.set(k, mergeMaps(bv as Map<string, GoValue>, v as Map<string, GoValue>));
        continue;
      }
    }
    out.set(k, v);
  }
  return out;
}
