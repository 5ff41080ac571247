/**
 * YAML read the way Go programs built on `sigs.k8s.io/yaml` read it: go-yaml v2 decoding into `interface{}`
 * values (YAML 1.1 scalars: `yes`/`on` are booleans, `0777` is octal, timestamps stay strings; `<<` merge keys;
 * anchors and aliases), then conversion to JSON (keys become strings). kustomize reads kustomization files this way.
 *
 * Where the two readers could disagree, this one refuses instead of guessing: a key that two sources give (an
 * explicit key and a merged one, two merged maps, two keys that become the same JSON key), a merge value that is
 * not a mapping, a key JSON cannot hold. The caller re-serialises what was read, so the program that runs next sees
 * exactly what the gate checked.
 *
 * Scalar resolution follows go-yaml v2 (gopkg.in/yaml.v2 resolve.go `resolve`, decode.go `scalar`).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { parseStream } from './yaml-stream.js';
import { InputError } from '../repo/files.js';
import type { JsonPath, Located } from './types.js';

export interface GoYamlLimits {
  /** Most values (scalars and collections, aliases expanded) one document may produce. */
  maxNodes: number;
  /** Deepest nesting accepted. */
  maxDepth: number;
  /** Most documents in one file. */
  maxDocuments: number;
}

export const DEFAULT_GO_YAML_LIMITS: GoYamlLimits = { maxNodes: 200_000, maxDepth: 200, maxDocuments: 1000 };

/** Where a value was written: the key of a map entry, or the item of a sequence. */
export interface WrittenAt {
  /** Offset of the key (map entries) or of the item (sequence items) in the text. */
  offset: number;
  /** The value's node, as parsed (for block-scalar checks). */
  node: Node | null;
}

export interface GoYamlDocument {
  /** 0-based position in the stream. */
  index: number;
  /** JSON-like value: null, boolean, number, string, arrays, records with own string keys. */
  value: unknown;
  /** 1-based line where the document's content starts. */
  line: number;
  sourceMap: PathSourceMap;
}

export interface GoYamlResult {
  documents: GoYamlDocument[];
  errors: InputError[];
}

/** The key that identifies a path in a location table. */
export function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

/**
 * A source map over a table of written paths (path -> where it was written). Paths that are not in the table
 * resolve to their nearest parent that is.
 */
export class PathSourceMap {
  constructor(
    readonly file: string,
    private readonly table: ReadonlyMap<string, WrittenAt>,
    private readonly lineCounter: LineCounter,
    private readonly rootOffset: number
  ) {}

  has(path: JsonPath): boolean {
    return this.table.has(pathKey(path));
  }

  /** The node written at `path` (undefined when the path was not written). */
  nodeAt(path: JsonPath): Node | undefined {
    return this.table.get(pathKey(path))?.node ?? undefined;
  }

  locate(path: JsonPath): Located {
    let n = path.length;
    let at: WrittenAt | undefined;
    while (n > 0 && !(at = this.table.get(pathKey(path.slice(0, n))))) n--;
    const pos = this.lineCounter.linePos(at?.offset ?? this.rootOffset);
    return { location: { file: this.file, line: pos.line, column: pos.col }, related: [], foundPath: path.slice(0, n) };
  }

  /** A map over the same text under other paths: each pair is a new path and the path it was written at. */
  withPaths(pairs: Iterable<readonly [JsonPath, JsonPath]>): PathSourceMap {
    const table = new Map<string, WrittenAt>();
    for (const [to, from] of pairs) {
      const at = this.table.get(pathKey(from));
      if (at) table.set(pathKey(to), at);
    }
    return new PathSourceMap(this.file, table, this.lineCounter, this.rootOffset);
  }
}

/** A source map for a file with no content: every path is the file's first line. */
export function emptySourceMap(file: string): PathSourceMap {
  const lines = new LineCounter();
  lines.addNewLine(0);
  return new PathSourceMap(file, new Map(), lines, 0);
}

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as [string, number]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as [string, number]),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as [string, number])
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const LONG_TAG = 'tag:yaml.org,2002:';

/** Go's strconv.ParseInt/ParseUint with base 0 (after go-yaml removed underscores); undefined when Go fails. */
function parseGoInteger(text: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const [, sign, digits] = m;
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) magnitude = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  const value = sign === '-' ? -magnitude : magnitude;
  // ParseInt's int64 range, then ParseUint's uint64 range for unsigned text.
  const fits = (value >= -(2n ** 63n) && value < 2n ** 63n) || (sign !== '-' && value < 2n ** 64n);
  return fits ? Number(value) : undefined;
}

export type GoScalarKind = 'null' | 'bool' | 'int' | 'float' | 'str';

/** A plain scalar resolved as go-yaml v2 resolves it into an interface{}: its kind and value. */
export function resolvePlainScalar(text: string): { kind: GoScalarKind; value: unknown } {
  if (NULL.has(text)) return { kind: 'null', value: null };
  if (TRUE.has(text)) return { kind: 'bool', value: true };
  if (FALSE.has(text)) return { kind: 'bool', value: false };
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return { kind: 'float', value: special };
  const hint = text[0];
  if (hint === '.' && /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return { kind: 'float', value: Number(text) };
  // Timestamps (four digits and a dash) decode into interface{} as their text.
  if (/^[-+0-9]$/.test(hint) && !/^[0-9]{4}-/.test(text)) {
    const plain = text.replace(/_/g, '');
    const int = parseGoInteger(plain);
    if (int !== undefined) return { kind: 'int', value: int };
    if (YAML_STYLE_FLOAT.test(plain)) return { kind: 'float', value: Number(plain) };
  }
  return { kind: 'str', value: text };
}

/** A scalar with an explicit tag, as go-yaml v2 decodes it; throws the reason when Go would fail. */
function resolveTagged(tag: string, text: string): unknown {
  const short = tag.startsWith(LONG_TAG) ? tag.slice(LONG_TAG.length) : tag.startsWith('!!') ? tag.slice(2) : undefined;
  switch (short) {
    case 'str':
    case 'timestamp':
      return text;
    case 'binary': {
      // Go's base64.StdEncoding: padding required, line breaks ignored.
      const clean = text.replace(/[\r\n]/g, '');
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) throw new Error('!!binary value contains invalid base64 data');
      return new TextDecoder('utf-8').decode(Buffer.from(clean, 'base64'));
    }
    case 'null':
    case 'bool':
    case 'int':
    case 'float': {
      const { kind, value } = resolvePlainScalar(text);
      if (kind === short || (short === 'float' && kind === 'int')) return value;
      throw new Error(`cannot decode !!${kind} \`${text}\` as a !!${short}`);
    }
    default:
      // Tags go-yaml cannot resolve leave the text as it is.
      return text;
  }
}

export function isMergeKey(key: unknown): boolean {
  // go-yaml v2 isMerge: the plain, untagged scalar `<<`, or any scalar tagged !!merge.
  return isScalar(key) && key.value === '<<' && ((key.type === 'PLAIN' && !key.tag) || key.tag === `${LONG_TAG}merge` || key.tag === '!!merge');
}

/** Why a document cannot be read as Go reads it, where, and the rule that reports it. */
export class GoYamlError extends Error {
  constructor(
    message: string,
    readonly offset: number | undefined,
    readonly ruleId: 'ambiguous-yaml' | 'duplicate-key' | 'invalid-yaml' = 'ambiguous-yaml'
  ) {
    super(message);
  }
}

/** How a document is read. */
export interface GoReadOptions {
  /**
   * true: as yaml.UnmarshalStrict (kustomize reading a kustomization): any key given twice, and a key given both
   * explicitly and by a merge key, is refused.
   * false: as yaml.YAMLToJSON (kubectl, Helm, Argo CD, Flux reading objects): pairs in order, later ones
   * overwriting; refused only where other YAML readers read another value (see Converter.lenientMapping).
   */
  strict: boolean;
  /** Record where each path was written (PathSourceMap); readers with a node-based source map skip it. */
  record: boolean;
}

/** A document read as Go reads it, and the keys it repeats with the same value (offsets of the repeats). */
export interface GoRead {
  value: unknown;
  repeats: { key: string; offset: number }[];
}

/** The JSON key a scalar map key becomes in Go (sigs.k8s.io/yaml), or undefined when it cannot become one. */
export function goKeyText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  try {
    return jsonKey(scalarValue(node));
  } catch {
    return undefined;
  }
}

function scalarValue(node: { source?: unknown; value?: unknown; tag?: string; type?: string | null }): unknown {
  const text = String(node.source ?? node.value ?? '');
  if (node.tag && node.tag !== '!') return resolveTagged(node.tag, text);
  return node.type === 'PLAIN' && !node.tag ? resolvePlainScalar(text).value : text;
}

function jsonKey(key: unknown): string | undefined {
  if (typeof key === 'string') return key;
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'number') return Number.isNaN(key) ? '.nan' : key === Infinity ? '.inf' : key === -Infinity ? '-.inf' : String(key);
  return undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Converts one parsed document (failsafe schema) into Go's value, recording where each path was written. */
class Converter {
  private produced = 0;
  readonly table = new Map<string, WrittenAt>();
  readonly repeats: { key: string; offset: number }[] = [];

  constructor(
    private readonly doc: Document.Parsed,
    private readonly limits: Pick<GoYamlLimits, 'maxNodes' | 'maxDepth'>,
    private readonly options: GoReadOptions
  ) {}

  value(node: unknown, path: (string | number)[], depth: number): unknown {
    if (++this.produced > this.limits.maxNodes) {
      // Reported at the document: the node where the count ran out says nothing about where the expansion is.
      throw new GoYamlError(`expands to more than ${this.limits.maxNodes} values (aliases included): a resource exhaustion ("billion laughs") pattern`, undefined, 'invalid-yaml');
    }
    if (depth > this.limits.maxDepth) throw new GoYamlError(`nests deeper than ${this.limits.maxDepth} levels`, offsetOf(node), 'invalid-yaml');
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.value(this.resolveAlias(node), path, depth + 1);
    if (isScalar(node)) {
      const value = this.scalar(node);
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new GoYamlError(`value "${String(node.source)}" is not a number JSON can hold; sigs.k8s.io/yaml refuses it`, offsetOf(node));
      }
      return value;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        if (this.options.record) this.table.set(pathKey([...path, i]), { offset: offsetOf(item) ?? 0, node: item as Node });
        return this.value(item, this.options.record ? [...path, i] : path, depth + 1);
      });
    }
    if (isMap(node)) return this.options.strict ? this.strictMapping(node.items, path, depth) : this.lenientMapping(node.items, path, depth);
    throw new GoYamlError('unsupported YAML node', offsetOf(node));
  }

  private scalar(node: { source?: unknown; value?: unknown; tag?: string; type?: string | null }): unknown {
    try {
      return scalarValue(node);
    } catch (err) {
      throw new GoYamlError((err as Error).message, offsetOf(node));
    }
  }

  private resolveAlias(node: { resolve(doc: Document): unknown; source: string }): unknown {
    const target = node.resolve(this.doc);
    if (!target) throw new GoYamlError(`unknown anchor "${node.source}"`, offsetOf(node));
    return target;
  }

  private key(node: unknown): string {
    const resolved = isAlias(node) ? this.resolveAlias(node) : node;
    if (!isScalar(resolved)) throw new GoYamlError('a map key that is a collection cannot become a JSON key', offsetOf(node));
    const key = jsonKey(this.scalar(resolved));
    if (key === undefined) throw new GoYamlError('a null map key cannot become a JSON key', offsetOf(node));
    return key;
  }

  /** A mapping as yaml.UnmarshalStrict reads it: explicit keys and merged ones, each key from exactly one source. */
  private strictMapping(items: readonly unknown[], path: (string | number)[], depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const sources = new Map<string, string>();
    const put = (key: string, value: unknown, offset: number, source: string): void => {
      const earlier = sources.get(key);
      if (earlier !== undefined) {
        if (earlier === source) {
          throw new GoYamlError(`key "${key}" is given twice (keys must be unique, and these are the same once YAML 1.1 resolves them): readers disagree on which one wins`, offset, 'duplicate-key');
        }
        throw new GoYamlError(`key "${key}" is given both ${earlier} and ${source}: YAML readers disagree on which one wins`, offset);
      }
      sources.set(key, source);
      setOwn(out, key, value);
    };
    for (const pair of items) {
      if (!isPair(pair)) continue;
      if (isMergeKey(pair.key)) {
        const offset = offsetOf(pair.key) ?? 0;
        const merged = this.mergeSources(pair.value, offset);
        merged.forEach((m, i) => {
          // Merged keys land at this mapping's paths; their places are where the merged mapping wrote them.
          const value = this.strictMapping(m.items, path, depth + 1);
          for (const [k, v] of Object.entries(value)) put(k, v, this.table.get(pathKey([...path, k]))?.offset ?? offset, merged.length > 1 ? `by merged map ${i + 1}` : 'by a merge key (<<)');
        });
        continue;
      }
      const key = this.key(pair.key);
      const offset = offsetOf(pair.key) ?? offsetOf(pair.value) ?? 0;
      const value = this.value(pair.value, [...path, key], depth + 1);
      put(key, value, offset, 'explicitly');
      if (this.options.record) this.table.set(pathKey([...path, key]), { offset, node: (pair.value as Node | null) ?? null });
    }
    return out;
  }

  /**
   * A mapping as yaml.YAMLToJSON reads it (go-yaml v2): pairs in order, a later one overwriting an earlier one; a merge
   * key (<<) writes its mappings where it stands, the first of several winning. yaml.v3 (kustomize) and JavaScript's
   * yaml let a written key win over a merged one wherever it stands, and refuse or keep the last of a repeated key.
   * So the document is refused only where they read another value: a key repeated with a different value
   * (`duplicate-key`), a key written before a merge key that brings another value, or two merge keys. A key repeated
   * with the same value is read, and noted (strict readers refuse the document).
   */
  private lenientMapping(items: readonly unknown[], path: (string | number)[], depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const written = new Map<string, unknown>();
    let merged = false;
    for (const pair of items) {
      if (!isPair(pair)) continue;
      const offset = offsetOf(pair.key) ?? offsetOf(pair.value) ?? 0;
      if (isMergeKey(pair.key)) {
        if (merged) throw new GoYamlError('a mapping has two merge keys (<<): YAML readers disagree on which one wins', offset);
        merged = true;
        const sources = this.mergeSources(pair.value, offset);
        for (let i = sources.length - 1; i >= 0; i--) {
          for (const [k, v] of Object.entries(this.lenientMapping(sources[i].items, path, depth + 1))) {
            if (written.has(k) && !sameJson(written.get(k), v)) {
              throw new GoYamlError(`key "${k}" is written before a merge key (<<) that brings another value: go-yaml v2 (kubectl, Helm, Argo CD) takes the merged value, yaml.v3 (kustomize) the written one`, offset);
            }
            setOwn(out, k, v);
          }
        }
        continue;
      }
      const key = this.key(pair.key);
      const value = this.value(pair.value, this.options.record ? [...path, key] : path, depth + 1);
      if (written.has(key)) {
        if (!sameJson(written.get(key), value)) throw new GoYamlError(`the key "${key}" appears twice in one mapping with different values; keys must be unique`, offset, 'duplicate-key');
        this.repeats.push({ key, offset });
      }
      written.set(key, value);
      setOwn(out, key, value);
    }
    return out;
  }

  /** The mappings a merge key brings in: one mapping, or a sequence of them (aliases resolved). */
  private mergeSources(value: unknown, offset: number): { items: readonly unknown[] }[] {
    const resolve = (n: unknown): unknown => (isAlias(n) ? this.resolveAlias(n) : n);
    const v = resolve(value);
    const list = isSeq(v) ? v.items.map(resolve) : [v];
    return list.map((m) => {
      if (!isMap(m)) throw new GoYamlError('a merge key (<<) needs a mapping or a sequence of mappings', offset);
      return m;
    });
  }
}

/**
 * How many values a document expands to, aliases included, counted without expanding anything: each node is
 * sized once (an alias costs the size of its anchor). Stops counting past `limit`.
 */
function expandedSize(doc: Document.Parsed, limit: number): number {
  const sizes = new Map<unknown, number>();
  const size = (node: unknown, depth: number): number => {
    if (isAlias(node)) node = node.resolve(doc);
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (depth > 1000) return Infinity;
    sizes.set(node, Infinity); // an alias inside its own anchor never ends
    let n = 1;
    for (const item of node.items as unknown[]) {
      n += isPair(item) ? size(item.key, depth + 1) + size(item.value, depth + 1) : size(item, depth + 1);
      if (n > limit) break;
    }
    sizes.set(node, n);
    return n;
  };
  return size(doc.contents, 0);
}

/** Reads one parsed document (failsafe schema) as Go reads it; throws GoYamlError. */
export function readGoDocument(doc: Document.Parsed, limits: Pick<GoYamlLimits, 'maxNodes' | 'maxDepth'>, options: GoReadOptions): GoRead & { table: ReadonlyMap<string, WrittenAt> } {
  if (expandedSize(doc, limits.maxNodes) > limits.maxNodes) {
    throw new GoYamlError(`expands to more than ${limits.maxNodes} values (aliases included): a resource exhaustion ("billion laughs") pattern`, undefined, 'invalid-yaml');
  }
  const converter = new Converter(doc, limits, options);
  const value = converter.value(doc.contents, [], 0);
  return { value, repeats: converter.repeats, table: converter.table };
}

function offsetOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : undefined;
}

/** Parses a YAML stream the way kustomize reads a kustomization (sigs.k8s.io/yaml UnmarshalStrict), document by document. */
export function parseGoYaml(text: string, file: string, limits: GoYamlLimits = DEFAULT_GO_YAML_LIMITS): GoYamlResult {
  const { documents: docs, errors, lineCounter } = parseStream(text, file, { maxDocuments: limits.maxDocuments });
  const documents: GoYamlDocument[] = [];
  for (const { doc, index, line, offset: rootOffset } of docs) {
    try {
      const { value, table } = readGoDocument(doc, limits, { strict: true, record: true });
      documents.push({ index, value, line, sourceMap: new PathSourceMap(file, table, lineCounter, rootOffset) });
    } catch (err) {
      if (!(err instanceof GoYamlError)) throw err;
      const at = err.offset !== undefined ? lineCounter.linePos(err.offset) : undefined;
      const reason = err.ruleId === 'ambiguous-yaml' ? `document ${index + 1} cannot be read unambiguously: ${err.message}` : `document ${index + 1}: ${err.message}`;
      errors.push(new InputError(file, reason, err.ruleId, at?.line ?? line, at?.col));
    }
  }
  return { documents, errors };
}
