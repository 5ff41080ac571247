/**
 * Source maps for kustomize output. kustomize tells us, per object, the file it came from (origin annotation)
 * and the kustomizations whose transformers ran on it (transformer annotations). From those we rebuild where
 * each field was written: the last patch that sets it, an `images:`/`namespace:` entry, the origin document,
 * or the generator entry for generated objects. Paths in the result are always repository-relative.
 */
import path from 'node:path';
import { isScalar, parse as parseYamlValue } from 'yaml';
import type { RepoFiles } from '../../repo/files.js';
import { isRecord, type JsonPath, type Located, type RelatedLocation, type SourceLocation, type SourceMap } from '../../objects/types.js';
import { parseYaml, type ParsedDocument } from '../../objects/yaml-source.js';
import type { KustomizationGraph, KustomizationNode } from '../../targets/kustomization.js';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

export interface OriginInfo {
  /** Repository-relative resource file the object was read from. */
  file?: string;
  /** Repository-relative kustomization whose generator made the object. */
  configuredIn?: string;
  /** Generator kind (ConfigMapGenerator, SecretGenerator, ...). */
  generator?: string;
}

export interface TransformStep {
  /** Repository-relative kustomization file. */
  configuredIn: string;
  /** Transformer kind, e.g. PatchTransformer, ImageTagTransformer. */
  kind: string;
}

export interface MappingAnnotations {
  origin?: OriginInfo;
  steps: TransformStep[];
}

/**
 * Reads and removes kustomize's mapping annotations from a rendered body (in place), dropping an annotations
 * map left empty. Annotation paths are relative to the target folder; they come back repository-relative.
 */
export function takeMappingAnnotations(body: Record<string, unknown>, targetDir: string, repo: RepoFiles): MappingAnnotations {
  const result: MappingAnnotations = { steps: [] };
  const metadata = body.metadata;
  if (!isRecord(metadata) || !isRecord(metadata.annotations)) return result;
  const annotations = metadata.annotations;
  const resolve = (p: unknown): string | undefined => {
    if (typeof p !== 'string' || p === '') return undefined;
    try {
      return repo.resolveFrom(targetDir, p, targetDir || '.');
    } catch {
      return undefined;
    }
  };
  const origin = safeParse(annotations[ORIGIN_ANNOTATION]);
  if (isRecord(origin)) {
    const info: OriginInfo = {};
    if (typeof origin.repo === 'string' && origin.repo !== '') {
      // A remote origin never happens (remote entries are dropped); keep nothing from it.
    } else {
      info.file = resolve(origin.path);
      info.configuredIn = resolve(origin.configuredIn);
      if (isRecord(origin.configuredBy) && typeof origin.configuredBy.kind === 'string') info.generator = origin.configuredBy.kind;
    }
    result.origin = info;
  }
  const steps = safeParse(annotations[TRANSFORMATIONS_ANNOTATION]);
  if (Array.isArray(steps)) {
    for (const s of steps) {
      if (!isRecord(s)) continue;
      const configuredIn = resolve(s.configuredIn);
      const kind = isRecord(s.configuredBy) && typeof s.configuredBy.kind === 'string' ? s.configuredBy.kind : '';
      if (configuredIn) result.steps.push({ configuredIn, kind });
    }
  }
  for (const key of Object.keys(annotations)) {
    if (key === ORIGIN_ANNOTATION || key === TRANSFORMATIONS_ANNOTATION || key.startsWith('internal.config.kubernetes.io/') || key === 'config.k8s.io/id') {
      delete annotations[key];
    }
  }
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  return result;
}

function safeParse(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return parseYamlValue(text, { maxAliasCount: 10, logLevel: 'error' });
  } catch {
    return undefined;
  }
}

/** What a located document offers: YamlSourceMap, or a view of an inline patch inside a kustomization. */
interface DocMap {
  has(path: JsonPath): boolean;
  locate(path: JsonPath): Located;
}

interface DocRef {
  value: unknown;
  map: DocMap;
}

interface PatchSource {
  type: 'smp' | 'json';
  docs: DocRef[];
  target?: Record<string, unknown>;
}

/** SMP merge keys: list items are matched by these fields, the way kubectl/kustomize merge them. */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  imagePullSecrets: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  ports: ['containerPort', 'port'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey'],
  resourceClaims: ['name'],
  conditions: ['type']
};

const PATCH_KINDS = new Set(['PatchTransformer', 'PatchStrategicMergeTransformer', 'PatchJson6902Transformer']);

/** Builds source maps for one target's rendered objects; caches parsed files across objects. */
export class KustomizeSourceMapper {
  private readonly files = new Map<string, ParsedDocument[] | undefined>();
  private readonly texts = new Map<string, string | undefined>();
  private readonly nodesByFile = new Map<string, KustomizationNode>();
  private readonly patchCache = new Map<string, PatchSource[]>();

  constructor(
    private readonly repo: RepoFiles,
    private readonly graph: KustomizationGraph
  ) {
    for (const node of graph.nodes.values()) this.nodesByFile.set(node.file, node);
  }

  /** The source map for one rendered object (body already cleaned of mapping annotations). */
  sourceMapFor(body: Record<string, unknown>, annotations: MappingAnnotations): SourceMap {
    const renderedName = nameOf(body);
    const kind = typeof body.kind === 'string' ? body.kind : '';
    const origin = annotations.origin ?? {};

    // The base: the origin document, or the generator entry.
    let base: Candidate | undefined;
    let originalName = renderedName;
    if (origin.file) {
      const doc = this.findDocument(origin.file, kind, renderedName);
      if (doc) {
        originalName = nameOf(doc.value) || renderedName;
        base = docCandidate(doc, body, []);
      } else {
        const file = origin.file;
        base = { full: () => false, depth: () => 0, locate: () => ({ location: { file, line: 1, column: 1 }, related: [], foundPath: [] }) };
      }
    } else if (origin.configuredIn) {
      const gen = this.generatorCandidate(origin.configuredIn, origin.generator ?? '', kind, renderedName);
      if (gen) {
        base = gen.candidate;
        originalName = gen.name;
      }
    }
    if (!base) {
      const file = this.graph.rootFile ?? 'kustomization.yaml';
      base = { full: () => false, depth: () => 0, locate: () => ({ location: { file, line: 1, column: 1 }, related: [], foundPath: [] }) };
    }

    // Later steps override earlier ones: patches, images, namespace.
    const overrides: Candidate[] = [];
    const seen = new Set<string>();
    for (const step of annotations.steps) {
      const key = `${step.configuredIn}\0${step.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const node = this.nodesByFile.get(step.configuredIn);
      if (!node) continue;
      if (PATCH_KINDS.has(step.kind)) {
        for (const patch of this.patchesOf(node, step.kind)) {
          const c = patchCandidate(patch, body, kind, [renderedName, originalName]);
          if (c) overrides.push(c);
        }
      } else if (step.kind === 'ImageTagTransformer') {
        const c = imageCandidate(node, body);
        if (c) overrides.push(c);
      } else if (step.kind === 'NamespaceTransformer' && typeof node.value.namespace === 'string' && node.sourceMap) {
        const sm = node.sourceMap;
        overrides.push({
          full: (p) => p.length === 2 && p[0] === 'metadata' && p[1] === 'namespace',
          depth: () => 0,
          locate: (p) => ({ ...sm.locate(['namespace']), foundPath: p })
        });
      }
    }

    const baseCandidate = base;
    return {
      locate(p: JsonPath): Located {
        for (let i = overrides.length - 1; i >= 0; i--) {
          if (overrides[i].full(p)) return withBase(overrides[i].locate(p), baseCandidate.locate(p));
        }
        if (baseCandidate.full(p)) return baseCandidate.locate(p);
        let best: Candidate = baseCandidate;
        let bestDepth = baseCandidate.depth(p);
        for (let i = overrides.length - 1; i >= 0; i--) {
          const d = overrides[i].depth(p);
          if (d > bestDepth) {
            best = overrides[i];
            bestDepth = d;
          }
        }
        return best === baseCandidate ? baseCandidate.locate(p) : withBase(best.locate(p), baseCandidate.locate(p));
      }
    };
  }

  private parsed(file: string): ParsedDocument[] | undefined {
    if (!this.files.has(file)) {
      const text = this.text(file);
      this.files.set(file, text === undefined ? undefined : parseYaml(text, file).documents);
    }
    return this.files.get(file);
  }

  private text(file: string): string | undefined {
    if (!this.texts.has(file)) {
      let text: string | undefined;
      try {
        text = this.repo.readText(file);
      } catch {
        text = undefined;
      }
      this.texts.set(file, text);
    }
    return this.texts.get(file);
  }

  /** The document of `kind` whose name is the rendered name or contained in it (namePrefix/nameSuffix). */
  private findDocument(file: string, kind: string, renderedName: string): DocRef | undefined {
    const docs = this.parsed(file);
    if (!docs) return undefined;
    const candidates: DocRef[] = [];
    for (const d of docs) {
      if (isRecord(d.value) && typeof d.value.kind === 'string' && /List$/.test(d.value.kind) && Array.isArray(d.value.items)) {
        d.value.items.forEach((item: unknown, i: number) => candidates.push({ value: item, map: prefixedMap(d.sourceMap, ['items', i]) }));
      } else candidates.push({ value: d.value, map: d.sourceMap });
    }
    return bestByName(candidates.filter((c) => isRecord(c.value) && c.value.kind === kind), renderedName);
  }

  private generatorCandidate(kustFile: string, generator: string, kind: string, renderedName: string): { candidate: Candidate; name: string } | undefined {
    const node = this.nodesByFile.get(kustFile);
    const sm = node?.sourceMap;
    if (!node || !sm) {
      return { candidate: { full: () => false, depth: () => 0, locate: () => ({ location: { file: kustFile, line: 1, column: 1 }, related: [], foundPath: [] }) }, name: renderedName };
    }
    const fields = generator === 'SecretGenerator' || kind === 'Secret' ? ['secretGenerator'] : generator === 'ConfigMapGenerator' || kind === 'ConfigMap' ? ['configMapGenerator'] : ['configMapGenerator', 'secretGenerator'];
    let best: { field: string; index: number; name: string } | undefined;
    for (const field of fields) {
      const list = node.value[field];
      if (!Array.isArray(list)) continue;
      list.forEach((g: unknown, index: number) => {
        const name = isRecord(g) && typeof g.name === 'string' ? g.name : '';
        if (name && renderedName.includes(name) && (!best || name.length > best.name.length)) best = { field, index, name };
      });
    }
    if (!best) {
      return { candidate: { full: () => false, depth: () => 0, locate: () => ({ ...sm.locate([]), foundPath: [] }) }, name: renderedName };
    }
    const { field, index, name } = best;
    const gen = (node.value[field] as unknown[])[index] as Record<string, unknown>;
    const entryPath: JsonPath = [field, index];
    const keyEntry = (key: string): { path: JsonPath; location?: SourceLocation } | undefined => {
      const literals = Array.isArray(gen.literals) ? gen.literals : [];
      const li = literals.findIndex((l: unknown) => typeof l === 'string' && l.split('=')[0].trim() === key);
      if (li >= 0) return { path: [...entryPath, 'literals', li] };
      const files = Array.isArray(gen.files) ? gen.files : [];
      const fi = files.findIndex((f: unknown) => typeof f === 'string' && (f.includes('=') ? f.split('=')[0].trim() === key : path.posix.basename(f) === key));
      if (fi >= 0) return { path: [...entryPath, 'files', fi] };
      const envs = [...(Array.isArray(gen.envs) ? gen.envs : []), ...(typeof gen.env === 'string' ? [gen.env] : [])];
      for (let ei = 0; ei < envs.length; ei++) {
        const env = envs[ei];
        if (typeof env !== 'string') continue;
        let envFile: string;
        try {
          envFile = this.repo.resolveFrom(node.dir, env, node.file);
        } catch {
          continue;
        }
        const text = this.text(envFile);
        if (text === undefined) continue;
        const lines = text.split(/\r?\n/);
        const ln = lines.findIndex((l) => l.split('=')[0].trim() === key);
        if (ln >= 0) {
          const envPath: JsonPath = Array.isArray(gen.envs) && ei < gen.envs.length ? [...entryPath, 'envs', ei] : [...entryPath, 'env'];
          return { path: envPath, location: { file: envFile, line: ln + 1, column: 1 } };
        }
      }
      return undefined;
    };
    const locateGen = (p: JsonPath): Located => {
      if (p.length >= 2 && (p[0] === 'data' || p[0] === 'binaryData' || p[0] === 'stringData') && typeof p[1] === 'string') {
        const hit = keyEntry(p[1]);
        if (hit) {
          const entry = sm.locate(hit.path);
          if (hit.location) return { location: hit.location, related: [{ ...entry.location, label: 'generator' }], foundPath: p.slice(0, 2) };
          return { ...entry, foundPath: p.slice(0, 2) };
        }
      }
      return { ...sm.locate(entryPath), foundPath: [] };
    };
    return {
      name,
      candidate: {
        full: (p) => p.length === 0,
        depth: (p) => (p.length >= 2 && ['data', 'binaryData', 'stringData'].includes(String(p[0])) ? 2 : 0),
        locate: locateGen
      }
    };
  }

  /** The patches of one kind that a kustomization declares, in order. */
  private patchesOf(node: KustomizationNode, transformer: string): PatchSource[] {
    const key = `${node.file}\0${transformer}`;
    const cached = this.patchCache.get(key);
    if (cached) return cached;
    const out: PatchSource[] = [];
    const k = node.value;
    const fileEntry = (yamlPath: JsonPath): string | undefined => node.entries.find((e) => samePath(e.yamlPath, yamlPath))?.resolved;
    if (transformer === 'PatchStrategicMergeTransformer' && Array.isArray(k.patchesStrategicMerge)) {
      k.patchesStrategicMerge.forEach((item: unknown, i: number) => {
        if (typeof item !== 'string') return;
        const file = fileEntry(['patchesStrategicMerge', i]);
        const docs = file ? this.fileDocs(file) : this.inlineDocs(node, ['patchesStrategicMerge', i], item);
        if (docs.length) out.push({ type: 'smp', docs });
      });
    }
    const withPath = (field: string, defaultType: 'smp' | 'json' | 'auto'): void => {
      const list = k[field];
      if (!Array.isArray(list)) return;
      list.forEach((item: unknown, i: number) => {
        if (!isRecord(item)) return;
        let docs: DocRef[] = [];
        if (typeof item.path === 'string') {
          const file = fileEntry([field, i, 'path']);
          if (file) docs = this.fileDocs(file);
        } else if (typeof item.patch === 'string') {
          docs = this.inlineDocs(node, [field, i, 'patch'], item.patch);
        }
        if (!docs.length) return;
        const type = defaultType === 'auto' ? (Array.isArray(docs[0].value) ? 'json' : 'smp') : defaultType;
        out.push({ type, docs, target: isRecord(item.target) ? item.target : undefined });
      });
    };
    if (transformer === 'PatchTransformer') withPath('patches', 'auto');
    if (transformer === 'PatchJson6902Transformer') withPath('patchesJson6902', 'json');
    this.patchCache.set(key, out);
    return out;
  }

  private fileDocs(file: string): DocRef[] {
    return (this.parsed(file) ?? []).filter((d) => d.value !== null && d.value !== undefined).map((d) => ({ value: d.value, map: d.sourceMap }));
  }

  /** An inline patch: parsed on its own, its lines mapped back into the kustomization when written as `|`. */
  private inlineDocs(node: KustomizationNode, yamlPath: JsonPath, text: string): DocRef[] {
    const sm = node.sourceMap;
    if (!sm) return [];
    const keyLoc = sm.locate(yamlPath);
    // A patch a Flux Kustomization adds is written in the declaration's file, whose node the map does not hold.
    const file = keyLoc.location.file;
    const scalar = sm.nodeAt(yamlPath);
    const literal = scalar ? isScalar(scalar) && scalar.type === 'BLOCK_LITERAL' : /:\s*\|[-+0-9]*\s*(#.*)?$/.test(this.text(file)?.split(/\r?\n/)[keyLoc.location.line - 1] ?? '');
    let indent = 0;
    const kustText = literal ? this.text(file) : undefined;
    if (kustText !== undefined) {
      const contentLine = kustText.split(/\r?\n/)[keyLoc.location.line] ?? '';
      indent = contentLine.length - contentLine.trimStart().length;
    }
    const parsed = parseYaml(text, node.file).documents.filter((d) => d.value !== null && d.value !== undefined);
    return parsed.map((d) => ({
      value: d.value,
      map: {
        has: (p: JsonPath) => d.sourceMap.has(p),
        locate: (p: JsonPath): Located => {
          const inner = d.sourceMap.locate(p);
          if (!literal) return { location: { ...keyLoc.location }, related: [], foundPath: inner.foundPath };
          return {
            location: { file, line: keyLoc.location.line + inner.location.line, column: (inner.location.column ?? 1) + indent },
            related: [],
            foundPath: inner.foundPath
          };
        }
      }
    }));
  }
}

interface Candidate {
  /** Whether this source writes the whole path. */
  full(path: JsonPath): boolean;
  /** How many leading segments of the path this source has. */
  depth(path: JsonPath): number;
  locate(path: JsonPath): Located;
}

function withBase(located: Located, base: Located): Located {
  const related: RelatedLocation[] = [...located.related];
  if (base.location.file !== located.location.file || base.location.line !== located.location.line) related.push({ ...base.location, label: 'base' });
  return { ...located, related };
}

function nameOf(value: unknown): string {
  if (!isRecord(value) || !isRecord(value.metadata)) return '';
  const m = value.metadata;
  return typeof m.name === 'string' ? m.name : typeof m.generateName === 'string' ? m.generateName : '';
}

function bestByName(docs: DocRef[], renderedName: string): DocRef | undefined {
  const exact = docs.find((d) => nameOf(d.value) === renderedName);
  if (exact) return exact;
  let best: DocRef | undefined;
  for (const d of docs) {
    const n = nameOf(d.value);
    if (n && renderedName.includes(n) && (!best || n.length > nameOf(best.value).length)) best = d;
  }
  return best ?? (docs.length === 1 ? docs[0] : undefined);
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function prefixedMap(inner: DocMap, prefix: JsonPath): DocMap {
  return {
    has: (p) => inner.has([...prefix, ...p]),
    locate: (p) => {
      const l = inner.locate([...prefix, ...p]);
      return { ...l, foundPath: l.foundPath.slice(prefix.length) };
    }
  };
}

/**
 * Translates a path in the rendered object into the same place in a source document: list items under merge
 * keys (containers by name, volumeMounts by mountPath, ...) are found by key, other lists by index. Returns the
 * translated prefix and whether the whole path was translated.
 */
export function translatePath(rendered: unknown, source: unknown, p: JsonPath): { path: (string | number)[]; complete: boolean } {
  const out: (string | number)[] = [];
  let r: unknown = rendered;
  let s: unknown = source;
  let parentKey: string | undefined;
  for (const seg of p) {
    if (typeof seg === 'number') {
      if (!Array.isArray(r) || !Array.isArray(s)) return { path: out, complete: false };
      const item = r[seg];
      const keys = parentKey ? MERGE_KEYS[parentKey] : undefined;
      const key = keys && isRecord(item) ? keys.find((k) => item[k] !== undefined) : undefined;
      let idx = seg;
      if (key && isRecord(item)) {
        idx = s.findIndex((x: unknown) => isRecord(x) && x[key] === item[key]);
        if (idx < 0) return { path: out, complete: false };
      } else if (seg >= s.length) return { path: out, complete: false };
      out.push(idx);
      r = item;
      s = s[idx];
      parentKey = undefined;
    } else {
      if (!isRecord(s) || !(seg in s)) return { path: out, complete: false };
      out.push(seg);
      r = isRecord(r) ? r[seg] : undefined;
      s = s[seg];
      parentKey = seg;
    }
  }
  return { path: out, complete: true };
}

function docCandidate(doc: DocRef, body: Record<string, unknown>, ignored: JsonPath[]): Candidate {
  return {
    full: (p) => {
      if (ignored.some((i) => samePath(i, p))) return false;
      const t = translatePath(body, doc.value, p);
      return t.complete && doc.map.has(t.path);
    },
    depth: (p) => translatePath(body, doc.value, p).path.length,
    locate: (p) => {
      const t = translatePath(body, doc.value, p);
      const l = doc.map.locate(t.path);
      return { ...l, foundPath: p.slice(0, l.foundPath.length) };
    }
  };
}

/** Paths that an SMP document names to find its target rather than to set. */
const SMP_IDENTITY: JsonPath[] = [[], ['apiVersion'], ['kind'], ['metadata'], ['metadata', 'name'], ['metadata', 'namespace']];

function patchCandidate(patch: PatchSource, body: Record<string, unknown>, kind: string, names: string[]): Candidate | undefined {
  if (patch.target && !selectorMatches(patch.target, body, names)) return undefined;
  if (patch.type === 'json') {
    const ops = patch.docs[0];
    if (!Array.isArray(ops.value)) return undefined;
    return jsonCandidate(ops);
  }
  const doc = patch.target
    ? patch.docs[0]
    : patch.docs.find((d) => isRecord(d.value) && d.value.kind === kind && names.some((n) => n !== '' && (n === nameOf(d.value) || (nameOf(d.value) !== '' && n.includes(nameOf(d.value))))));
  if (!doc || !isRecord(doc.value)) return undefined;
  const c = docCandidate(doc, body, SMP_IDENTITY);
  return { ...c, depth: (p) => (c.full(p) ? p.length : Math.min(c.depth(p), p.length)) };
}

function parsePointer(pointer: string): (string | number)[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function jsonCandidate(ops: DocRef): Candidate {
  const list = ops.value as unknown[];
  const setting: { index: number; path: (string | number)[] }[] = [];
  list.forEach((op, index) => {
    if (!isRecord(op) || typeof op.path !== 'string') return;
    if (!['add', 'replace', 'copy', 'move'].includes(String(op.op))) return;
    setting.push({ index, path: parsePointer(op.path) });
  });
  const covers = (opPath: (string | number)[], p: JsonPath): boolean =>
    opPath.length <= p.length && opPath.every((s, i) => s === p[i] || (s === '-' && typeof p[i] === 'number') || String(s) === String(p[i]));
  const find = (p: JsonPath) => {
    for (let i = setting.length - 1; i >= 0; i--) if (covers(setting[i].path, p)) return setting[i];
    return undefined;
  };
  return {
    full: (p) => find(p) !== undefined,
    depth: () => 0,
    locate: (p) => {
      const op = find(p);
      if (!op) return { ...ops.map.locate([]), foundPath: [] };
      const rest = p.slice(op.path.length);
      const hasValue = ops.map.has([op.index, 'value']);
      const l = ops.map.locate(hasValue ? [op.index, 'value', ...rest] : [op.index, 'path']);
      const foundRest = hasValue ? Math.max(0, l.foundPath.length - 2) : 0;
      return { ...l, foundPath: p.slice(0, op.path.length + foundRest) };
    }
  };
}

/** kustomize patch `target:` selectors: group/version/kind, name and namespace regexes, label/annotation selectors. */
function selectorMatches(target: Record<string, unknown>, body: Record<string, unknown>, names: string[]): boolean {
  const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const re = (v: unknown): RegExp | undefined => {
    if (typeof v !== 'string' || v === '') return undefined;
    try {
      return new RegExp(`^(?:${v})$`);
    } catch {
      return undefined;
    }
  };
  if (typeof target.kind === 'string' && target.kind !== '' && !re(target.kind)?.test(String(body.kind))) return false;
  if (typeof target.group === 'string' && target.group !== '' && !re(target.group)?.test(group)) return false;
  if (typeof target.version === 'string' && target.version !== '' && !re(target.version)?.test(version)) return false;
  const nameRe = re(target.name);
  if (nameRe && !names.some((n) => nameRe.test(n))) return false;
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const nsRe = re(target.namespace);
  if (nsRe && !nsRe.test(typeof metadata.namespace === 'string' ? metadata.namespace : '')) return false;
  if (!simpleSelector(target.labelSelector, metadata.labels)) return false;
  if (!simpleSelector(target.annotationSelector, metadata.annotations)) return false;
  return true;
}

function simpleSelector(selector: unknown, values: unknown): boolean {
  if (typeof selector !== 'string' || selector.trim() === '') return true;
  const map = isRecord(values) ? values : {};
  return selector.split(',').every((term) => {
    const t = term.trim();
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(t);
    if (m) return m[2] === '!=' ? map[m[1]] !== m[3] : map[m[1]] === m[3];
    if (t.startsWith('!')) return !(t.slice(1) in map);
    if (/\s(in|notin)\s/.test(t)) return true;
    return t in map;
  });
}

/** `images:` entries override container images: map `...containers[i].image` to the entry that set it. */
function imageCandidate(node: KustomizationNode, body: Record<string, unknown>): Candidate | undefined {
  const images = node.value.images;
  const sm = node.sourceMap;
  if (!Array.isArray(images) || !sm) return undefined;
  const entryFor = (p: JsonPath): JsonPath | undefined => {
    if (p.length < 3 || p[p.length - 1] !== 'image' || typeof p[p.length - 2] !== 'number') return undefined;
    if (!['containers', 'initContainers', 'ephemeralContainers'].includes(String(p[p.length - 3]))) return undefined;
    let cur: unknown = body;
    for (const seg of p) cur = isRecord(cur) ? cur[seg as string] : Array.isArray(cur) ? cur[seg as number] : undefined;
    if (typeof cur !== 'string') return undefined;
    const rendered = imageName(cur);
    for (let j = images.length - 1; j >= 0; j--) {
      const e = images[j];
      if (!isRecord(e) || typeof e.name !== 'string') continue;
      const target = typeof e.newName === 'string' && e.newName !== '' ? e.newName : e.name;
      if (target === rendered || e.name === rendered) {
        for (const field of ['digest', 'newTag', 'newName']) if (e[field] !== undefined) return ['images', j, field];
        return ['images', j];
      }
    }
    return undefined;
  };
  return {
    full: (p) => entryFor(p) !== undefined,
    depth: () => 0,
    locate: (p) => ({ ...sm.locate(entryFor(p) ?? ['images']), foundPath: p })
  };
}

/** `registry/name:tag@digest` -> `registry/name`. */
function imageName(image: string): string {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
