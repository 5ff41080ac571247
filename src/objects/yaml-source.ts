/**
 * YAML text -> documents with exact source maps, read as Kubernetes reads them: kubectl, Helm, Argo CD and Flux
 * all decode YAML with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1), so `privileged: yes` is `true`, `0755` is octal and
 * `<<` merges a mapping (see go-yaml.ts). Limits for untrusted input: alias bombs, duplicate keys, deep nesting
 * and syntax errors become InputErrors naming the file, line and reason.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { InputError } from '../repo/files.js';
import { GoYamlError, goKeyText, isMergeKey, readGoDocument } from './go-yaml.js';
import { parseStream } from './yaml-stream.js';
import type { JsonPath, Located, RelatedLocation, SourceMap } from './types.js';

export interface YamlLimits {
  /** Most values one document may expand to, aliases included (the guard against billion laughs). */
  maxNodes: number;
  /** Deepest nesting of maps and sequences accepted. */
  maxDepth: number;
  /** Most documents in one file. */
  maxDocuments: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxNodes: 500_000, maxDepth: 200, maxDocuments: 10_000 };

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

/**
 * Parses every document of a YAML stream as Kubernetes reads it. A bad document is an error; the good ones around
 * it are kept. A key repeated with the same value is read, with a `repeated-key` note; with another value, or
 * anywhere YAML readers would read different values, the document is refused.
 */
export function parseYaml(text: string, file: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedYaml {
  const { documents: docs, errors, lineCounter } = parseStream(text, file, limits);
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
    let read;
    try {
      read = readGoDocument(doc, limits, { strict: false, record: false });
    } catch (err) {
      if (!(err instanceof GoYamlError)) throw err;
      const pos = err.offset !== undefined ? lineCounter.linePos(err.offset) : undefined;
      const reason = {
        'ambiguous-yaml': `document ${index + 1} cannot be read unambiguously: ${err.message}; not read`,
        'duplicate-key': `invalid YAML in document ${index + 1}: ${err.message}`,
        'invalid-yaml': `document ${index + 1} ${err.message}; not read`
      }[err.ruleId];
      errors.push(new InputError(file, reason, err.ruleId, pos?.line ?? line, pos?.col));
      continue;
    }
    for (const repeat of read.repeats) {
      const pos = lineCounter.linePos(repeat.offset);
      errors.push(new InputError(file, `document ${index + 1} repeats the key "${repeat.key}" with the same value; kustomize and strict readers refuse it`, 'repeated-key', pos.line, pos.col));
    }
    documents.push({ index, value: read.value, line, sourceMap: new YamlSourceMap(file, doc, lineCounter) });
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
        const pair = pairFor(node, String(seg), this.doc);
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

/** The JSON key a mapping key becomes as Kubernetes reads it (`yes` -> "true", `0x10` -> "16"); undefined for collections. */
export function mapKeyText(key: unknown): string | undefined {
  if (isScalar(key)) return goKeyText(key) ?? String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

/**
 * The pair that gives `key` in a mapping: written there, else brought in by its merge key (the first merged mapping
 * that has it, as Go reads it). Merges of merges are followed a few levels deep.
 */
function pairFor(map: YAMLMap, key: string, doc: Document.Parsed, depth = 0): Pair | undefined {
  let merge: Pair | undefined;
  for (const pair of map.items) {
    if (isMergeKey(pair.key)) merge = pair;
    else if (mapKeyText(pair.key) === key) return pair;
  }
  if (!merge || depth >= 8) return undefined;
  const resolve = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  const value = resolve(merge.value);
  for (const source of isSeq(value) ? value.items.map(resolve) : [value]) {
    const pair = isMap(source) ? pairFor(source, key, doc, depth + 1) : undefined;
    if (pair) return pair;
  }
  return undefined;
}

/**
 * Where a block scalar's text starts in its file, when the key on `keyLine` (1-based) opens a literal one
 * (`key: |`, `|-`, `|+`, `|2`; a folded `>` joins lines, so it has no such map): the first line of the text and
 * the indentation its lines share. Line `n` of the text is the file's line `firstLine + n - 1`, its column
 * shifted by `indent`.
 */
export function blockScalarStart(fileText: string, keyLine: number): { firstLine: number; indent: number } | undefined {
  const lines = fileText.split('\n');
  if (!/:\s*\|[-+0-9]*\s*(#.*)?$/.test(lines[keyLine - 1] ?? '')) return undefined;
  const content = lines.slice(keyLine).find((l) => l.trim() !== '') ?? '';
  return { firstLine: keyLine + 1, indent: content.length - content.trimStart().length };
}
