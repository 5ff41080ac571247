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
  customTags: (tags: unknown[]): unknown[] => [
    // go-yaml reads ints with strconv.ParseInt(s, 0, 64), which also takes Go's 0o prefix
    {
      tag: 'tag:yaml.org,2002:int',
      default: true,
      test: /^[-+]?0o[0-7][0-7_]*$/,
      resolve: (str: string): number => (str.startsWith('-') ? -1 : 1) * parseInt(str.replace(/^[-+]?0o/, '').replace(/_/g, ''), 8)
    },
    ...tags.filter((t) => {
      const tag = t as { tag?: string; format?: string };
      return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
    })
  ]
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

/** Go's strconv.FormatFloat(f, 'g', -1, 32): the shortest float32 digits, in exponent form below 1e-4 and from 1e6. */
function formatFloat32(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const target = Math.fround(f);
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const e = target.toExponential(p - 1);
    if (Math.fround(Number(e)) === target) {
      const [mant, ex] = e.split('e');
      digits = mant.replace('-', '').replace('.', '');
      exp = Number(ex);
      break;
    }
  }
  const sign = target < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * A YAML scalar decoded into a Go string field (sigs.k8s.io/yaml turns numbers and booleans into strings when the
 * target is a string: `name: y` is "true", `version: 1.0` is "1", `appVersion: 1.10` is "1.1"); undefined for
 * anything else.
 */
export function yamlScalarAsString(v: unknown): string | undefined {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : formatFloat32(v);
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

/** Parses one YAML document (the first; an empty stream is null). */
export function parseYamlGo(text: string): unknown {
  const docs = parseYamlDocsGo(text);
  return docs.length ? docs[0] : null;
}

/** A parse problem of the yaml library: its message and where (linePos when prettyErrors, else pos offsets). */
export interface YamlProblem {
  message: string;
  pos?: unknown;
  linePos?: unknown;
}

/**
 * go-yaml v2's text for a parse problem, without the "yaml: " prefix: the message go-yaml gives for that kind of
 * mistake, and its line as go-yaml counts it. A scanner error names the 1-based line, except on the first line,
 * where it names none; a parser error names the 0-based line (none on the first).
 */
export function goYamlErrorText(problem: YamlProblem, text: string): { text: string; line?: number } {
  const lp = problem.linePos as [{ line: number }] | undefined;
  const pos = Array.isArray(problem.pos) && typeof problem.pos[0] === 'number' ? (problem.pos[0] as number) : undefined;
  const line = lp?.[0]?.line ?? (pos === undefined ? 1 : 1 + (text.slice(0, pos).match(/\n/g)?.length ?? 0));
  const first = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const lines = text.split('\n');
  const scanner = (n: number, msg: string) => ({ text: n > 1 ? `line ${n}: ${msg}` : msg, line: n });
  const parser = (n: number, msg: string) => ({ text: n > 1 ? `line ${n - 1}: ${msg}` : msg, line: n });
  if (/Implicit map keys need to be followed by map values|Implicit keys need to be on a single line/.test(first)) {
    // go-yaml notices the missing ':' when it reaches the next token (or the end of the stream)
    let n = line; // 0-based index of the next line
    while (n < lines.length && (lines[n].trim() === '' || lines[n].trim().startsWith('#'))) n++;
    // at the end of the stream go-yaml first ends an unterminated last line (the mark moves to the next line)
    const at = n < lines.length ? n + 1 : text.endsWith('\n') ? lines.length : lines.length + 1;
    return scanner(at, "could not find expected ':'");
  }
  if (/Nested mappings are not allowed|Implicit keys of flow sequence pairs|mapping values/i.test(first)) {
    return scanner(line, 'mapping values are not allowed in this context');
  }
  if (/Tabs are not allowed/i.test(first)) return scanner(line, 'found character that cannot start any token');
  if (/did not find expected|Missing closing|Unexpected end|flow/i.test(first)) return parser(line, 'did not find expected node content');
  if (/indent|same column/i.test(first)) {
    // a line at the column of a block sequence's '-' that is not an item: go-yaml wanted the next '-'
    const here = lines[line - 1] ?? '';
    const indent = here.length - here.trimStart().length;
    let seq = false;
    for (let i = line - 2; i >= 0; i--) {
      const l = lines[i];
      if (l.trim() === '' || l.trim().startsWith('#')) continue;
      const li = l.length - l.trimStart().length;
      if (li < indent) break;
      if (li === indent) {
        seq = l.trimStart().startsWith('-');
        break;
      }
    }
    return parser(line, seq ? "did not find expected '-' indicator" : 'did not find expected key');
  }
  return { text: `line ${line}: ${first}`, line };
}

function toGoYamlError(problem: YamlProblem, text: string): GoYamlError {
  const e = goYamlErrorText(problem, text);
  return new GoYamlError(`yaml: ${e.text}`, e.line);
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
