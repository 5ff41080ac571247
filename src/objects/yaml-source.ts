/**
 * YAML text -> documents with exact source maps, under limits for untrusted input: alias bombs, duplicate
 * keys, deep nesting and syntax errors become InputErrors naming the file, line and reason.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { InputError } from '../repo/files.js';
import type { JsonPath, Located, RelatedLocation, SourceMap } from './types.js';

export interface YamlLimits {
  /** Most alias dereferences one document may expand (the `yaml` library's guard against billion laughs). */
  maxAliasCount: number;
  /** Deepest nesting of maps and sequences accepted. */
  maxDepth: number;
  /** Most documents in one file. */
  maxDocuments: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxAliasCount: 100, maxDepth: 200, maxDocuments: 10_000 };

export interface ParsedDocument {
  /** 0-based position in the file's stream. */
  index: number;
  value: unknown;
  /** 1-based line where the document's content starts. */
  line: number;
  sourceMap: YamlSourceMap;
}

export interface ParsedYaml {
  documents: ParsedDocument[];
  errors: InputError[];
}

/** One syntactically valid document of a stream, with where its content starts. */
export interface StreamDocument {
  doc: Document.Parsed;
  /** 0-based position in the stream. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** Offset where the document's content starts. */
  offset: number;
}

/**
 * Splits a YAML stream into documents under a document-count limit. A document with a syntax error (or a
 * duplicate key) is an InputError naming the file and line; the good documents around it are kept.
 *
 * Keys are compared as Kubernetes compares them, by their text once converted to JSON (`1` and `"1"` are one
 * key, as yaml.v3 and sigs.k8s.io/yaml see them). A key repeated with a different value is `duplicate-key` and
 * the document is not read: readers disagree on which value wins. With `allowEqualRepeats`, a key repeated with
 * the same value is only `repeated-key` and the document is kept: every reader that accepts it reads the same
 * object (Helm's own output repeats annotations this way, and Helm installs it).
 */
export function parseStream(
  text: string,
  file: string,
  options: { maxDocuments: number; schema?: 'failsafe'; allowEqualRepeats?: boolean }
): { documents: StreamDocument[]; errors: InputError[]; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const errors: InputError[] = [];
  let docs: Document.Parsed[];
  try {
    // logLevel 'error': the library prints nothing itself (its warnings name no file); what matters is reported here.
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: true, logLevel: 'error', ...(options.schema ? { schema: options.schema } : {}) }) as Document.Parsed[];
  } catch (err) {
    return { documents: [], errors: [new InputError(file, `cannot parse YAML: ${(err as Error).message}`, 'invalid-yaml')], lineCounter };
  }
  if (!Array.isArray(docs)) docs = [docs];
  if (docs.length > options.maxDocuments) {
    errors.push(new InputError(file, `${docs.length} YAML documents, over the limit of ${options.maxDocuments}; only the first ${options.maxDocuments} are read`, 'invalid-yaml'));
    docs = docs.slice(0, options.maxDocuments);
  }
  const documents: StreamDocument[] = [];
  docs.forEach((doc, index) => {
    const offset = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    const line = lineCounter.linePos(offset).line;
    const problem = doc.errors[0];
    if (problem) {
      const pos = problem.linePos?.[0];
      const message = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      errors.push(new InputError(file, `invalid YAML in document ${index + 1}: ${message}`, 'invalid-yaml', pos?.line ?? line, pos?.col));
      return;
    }
    const repeat = repeatedKey(doc);
    if (repeat) {
      const at = lineCounter.linePos(repeat.offset);
      if (repeat.sameValue && options.allowEqualRepeats) {
        errors.push(new InputError(file, `document ${index + 1} repeats the key "${repeat.key}" with the same value; kustomize and strict readers refuse it`, 'repeated-key', at.line, at.col));
      } else {
        errors.push(new InputError(file, `invalid YAML in document ${index + 1}: the key "${repeat.key}" appears twice in one mapping${repeat.sameValue ? '' : ' with different values'}; keys must be unique`, 'duplicate-key', at.line, at.col));
        return;
      }
    }
    documents.push({ doc, index, line, offset });
  });
  return { documents, errors, lineCounter };
}

/** Parses every document of a YAML stream. A bad document is an error; the good ones around it are kept. */
export function parseYaml(text: string, file: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedYaml {
  const { documents: docs, errors, lineCounter } = parseStream(text, file, { maxDocuments: limits.maxDocuments, allowEqualRepeats: true });
  const documents: ParsedDocument[] = [];
  for (const { doc, index, line } of docs) {
    const depth = nestingDepth(doc.contents, limits.maxDepth);
    if (depth > limits.maxDepth) {
      errors.push(new InputError(file, `document ${index + 1} nests deeper than ${limits.maxDepth} levels; not read`, 'invalid-yaml', line));
      continue;
    }
    const key = collectionKey(doc);
    if (key) {
      const pos = key.at.range ? lineCounter.linePos(key.at.range[0]) : undefined;
      errors.push(
        new InputError(
          file,
          `document ${index + 1} has a mapping key that is itself a ${key.kind}: Kubernetes takes only text keys, and YAML readers disagree on what such a key becomes; not read`,
          'ambiguous-yaml',
          pos?.line ?? line,
          pos?.col
        )
      );
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (err) {
      const reason = /alias/i.test((err as Error).message)
        ? `document ${index + 1} expands too many aliases (over ${limits.maxAliasCount}): a resource exhaustion ("billion laughs") pattern; not read`
        : `document ${index + 1} cannot be read: ${(err as Error).message}`;
      errors.push(new InputError(file, reason, 'invalid-yaml', line));
      continue;
    }
    documents.push({ index, value, line, sourceMap: new YamlSourceMap(file, doc, lineCounter) });
  }
  return { documents, errors };
}

/**
 * The first mapping key that is a mapping or a list (directly or through an alias): `? [a, b] : c`. A JavaScript
 * object can only stringify it (the `yaml` library would warn on the console, naming no file), Go's readers keep
 * it or refuse the document: the document is reported instead of read. Iterative, depth bounded by the caller.
 */
function collectionKey(doc: Document.Parsed): { at: Node; kind: 'mapping' | 'list' } | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) for (const item of node.items) stack.push(item);
    if (!isMap(node)) continue;
    for (const pair of node.items as { key: unknown; value: unknown }[]) {
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (isMap(key) || isSeq(key)) return { at: pair.key as Node, kind: isMap(key) ? 'mapping' : 'list' };
      stack.push(pair.value);
    }
  }
  return undefined;
}

/**
 * The first mapping key that appears twice in its mapping (compared by its JSON text), where its second
 * appearance starts, and whether both carry the same value. The most serious repeat wins: one with different
 * values is returned before one with the same value. Iterative; a node reached through aliases is walked once.
 */
function repeatedKey(doc: Document.Parsed): { key: string; offset: number; sameValue: boolean } | undefined {
  let same: { key: string; offset: number; sameValue: boolean } | undefined;
  const aliased = new Set<unknown>();
  const stack: unknown[] = [doc.contents];
  const byKey = new Map<string, { value: unknown }>();
  while (stack.length > 0) {
    let node = stack.pop();
    if (isAlias(node)) {
      node = node.resolve(doc);
      if (aliased.has(node)) continue;
      aliased.add(node);
    }
    if (isSeq(node)) for (const item of node.items) stack.push(item);
    if (!isMap(node)) continue;
    byKey.clear();
    for (const pair of node.items as { key: unknown; value: unknown }[]) {
      stack.push(pair.value);
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (!isScalar(key) && key !== null) continue;
      const text = key === null ? '' : String(key.value ?? '');
      const first = byKey.get(text);
      if (!first) {
        byKey.set(text, pair);
        continue;
      }
      const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
      const sameValue = sameJson(doc, first.value, pair.value);
      if (!sameValue) return { key: text, offset, sameValue };
      same ??= { key: text, offset, sameValue };
    }
  }
  return same;
}

/** Whether two value nodes read as the same JSON (an alias bomb or any other failure reads as different). */
function sameJson(doc: Document.Parsed, a: unknown, b: unknown): boolean {
  const json = (node: unknown) => (node === null || node === undefined ? 'null' : JSON.stringify((node as Node).toJS(doc, { maxAliasCount: 100 })));
  try {
    return json(a) === json(b);
  } catch {
    return false;
  }
}

/** Depth of nested collections, stopping early once past `limit` (iterative: safe on hostile input). */
function nestingDepth(root: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const item of node.items as unknown[]) {
      if (isMap(node)) {
        const pair = item as { value?: unknown };
        stack.push([pair.value, depth + 1]);
      } else stack.push([item, depth + 1]);
    }
  }
  return max;
}

/** Resolves a path against a parsed YAML document; missing paths land on their nearest existing parent. */
export class YamlSourceMap implements SourceMap {
  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
    private readonly related: RelatedLocation[] = []
  ) {}

  /** The node at `path` (undefined when missing): used by mappers that compose source maps. */
  nodeAt(path: JsonPath): Node | undefined {
    const { node, found } = this.walk(path);
    return found.length === path.length ? node ?? undefined : undefined;
  }

  has(path: JsonPath): boolean {
    return this.walk(path).found.length === path.length;
  }

  /** Offset in the parsed text of the key (or item) at the deepest existing part of `path`. */
  offsetOf(path: JsonPath): number {
    return this.walk(path).offset;
  }

  locate(path: JsonPath): Located {
    const { offset, found } = this.walk(path);
    const pos = this.lineCounter.linePos(offset);
    return { location: { file: this.file, line: pos.line, column: pos.col }, related: this.related, foundPath: found };
  }

  withRelated(related: RelatedLocation[]): YamlSourceMap {
    return new YamlSourceMap(this.file, this.doc, this.lineCounter, related);
  }

  private walk(path: JsonPath): { node: Node | null; offset: number; found: (string | number)[] } {
    let node = this.doc.contents as Node | null;
    let offset = node?.range?.[0] ?? this.doc.range[0];
    const found: (string | number)[] = [];
    for (const seg of path) {
      if (node && isAlias(node)) node = (node.resolve(this.doc) as Node | undefined) ?? null;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) break;
        const key = pair.key as Node | null;
        offset = key?.range?.[0] ?? offset;
        node = (pair.value as Node | null) ?? null;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
      found.push(seg);
    }
    return { node, offset, found };
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}
