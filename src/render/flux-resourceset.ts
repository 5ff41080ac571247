/**
 * Flux Operator ResourceSets built as the operator builds them (controlplaneio-fluxcd/flux-operator
 * internal/builder/resourceset.go, internal/inputs, cmd/cli/build_resourceset.go):
 * - the inputs: the set's own `inputs`, then the `Static` ResourceSetInputProviders that `inputsFrom` names (by name
 *   or label selector, in the set's namespace, in key order), each input carrying its `provider`; combined by
 *   `inputStrategy` — `Flatten` (one list) or `Permute` (the cartesian product, each provider's input under its
 *   normalized name, an `id` per permutation, at most 10,000);
 * - the templates: each of `resources` (serialized to YAML as sigs.k8s.io/yaml does, then templated; the first
 *   document read), then `resourcesTemplate` (multi-document) — Go templates with `<< >>` delimiters, slim-sprig's
 *   hermetic functions, `inputs`, `slugify`, `toYaml`, `mustToYaml`, `missingkey=error` — once per input set (once
 *   with none when there are no inputs); objects annotated `fluxcd.controlplane.io/reconcile: disabled` dropped;
 *   duplicates (group, kind, namespace, name) dropped, the first kept; `steps` built one by one, a resource in two
 *   steps refused;
 * - the owner labels and `commonMetadata` set on every object.
 * A provider of another type reads a live service (pull requests, branches, tags, artifacts): the set is not checked.
 * A Static provider's `id` is derived from its UID in the cluster, unknown before it exists: here, as in
 * `flux-operator build rset`, from its name.
 *
 * Every field is located where it is written: a `resources` entry's field on its line in the set, a template's
 * output on the template line that printed it, and a value an action printed from `inputs.<key>` on the line that
 * writes that input (the set's `inputs`, or the provider's `defaultValues`), with the template line related.
 */
import { makeObject } from '../objects/manifests.js';
import { labelsOf, selectorMatches } from '../objects/label-selector.js';
import { getAt, isRecord, type JsonPath, type KubeObject, type Located, type SourceMap } from '../objects/types.js';
import { blockScalarStart, parseYaml, type ParsedDocument } from '../objects/yaml-source.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import type { Target } from '../targets/types.js';
import { defineFunc, fromJS, Template, TemplateError, type FuncMap, type GoValue, type ProvenanceSegment } from './gotemplate/index.js';
import { goYamlMarshal, YamlMarshalError } from './helm/funcs/yaml.js';
import { firstSegmentEndingAfter, segmentsOverlapping } from './helm/output.js';
import { slugMake } from './gosimple-slug.js';
import { adler32 } from './sprig/crypto.js';
import { createSprigFuncs } from './sprig/index.js';
import type { RenderOptions, RenderOutput } from './types.js';

const API_VERSION = 'fluxcd.controlplane.io/v1';
const OWNER_GROUP = 'resourceset.fluxcd.controlplane.io';
const RECONCILE = 'fluxcd.controlplane.io/reconcile';
const MAX_PERMUTATIONS = 10000;
/** A template is the pull request's text: the whole build is bounded in output and time, as a Helm render is. */
const MAX_OUTPUT = 16 << 20;

/** One combined input set, and where each of its values is written. */
interface InputSet {
  value: Record<string, unknown>;
  locate(path: JsonPath): Located | undefined;
}

class Unbuildable extends Error {
  constructor(
    readonly at: JsonPath,
    reason: string
  ) {
    super(reason);
  }
}

export function renderResourceSet(target: Target, repo: RepoFiles, options: RenderOptions): RenderOutput {
  const { object: set } = target.resourceSet!;
  try {
    return { objects: buildResourceSet(target, repo, Date.now() + options.timeoutMs), errors: [] };
  } catch (err) {
    if (!(err instanceof Unbuildable)) throw err;
    const where = set.sourceMap.locate(err.at).location;
    const name = `${set.namespace ?? 'default'}/${set.name}`;
    return { objects: [], errors: [new InputError(where.file, `ResourceSet ${name}: ${err.message}, so the Flux Operator does not apply it`, 'declaration-not-rendered', where.line, where.column)] };
  }
}

function buildResourceSet(target: Target, repo: RepoFiles, deadline: number): KubeObject[] {
  const { object: set, providers } = target.resourceSet!;
  const spec = isRecord(set.body.spec) ? set.body.spec : {};
  const steps = Array.isArray(spec.steps) ? spec.steps : undefined;
  if (steps && (spec.resources !== undefined || spec.resourcesTemplate !== undefined)) throw new Unbuildable(['spec', 'steps'], 'spec.steps is mutually exclusive with spec.resources and spec.resourcesTemplate');
  const groups = steps
    ? steps.map((step, i) => {
        const s = isRecord(step) ? step : {};
        if (s.resources === undefined && s.resourcesTemplate === undefined) throw new Unbuildable(['spec', 'steps', i], `step "${String(s.name)}": at least one of resources or resourcesTemplate must be set`);
        return { step: String(s.name ?? ''), fields: s, at: ['spec', 'steps', i] as JsonPath };
      })
    : [{ step: '', fields: spec, at: ['spec'] as JsonPath }];
  const inputs = combineInputs(set, providers);
  const inputsFrom = Array.isArray(spec.inputsFrom) ? spec.inputsFrom : [];
  // Providers that export nothing: the operator reconciles an empty set.
  if (inputsFrom.length > 0 && inputs.length === 0) return [];
  const built = new Builder(set, target.id, repo, deadline);
  const stepOf = new Map<string, string>();
  const objects: KubeObject[] = [];
  for (const group of groups) {
    const made = built.group(group.fields, group.at, inputs);
    for (const object of made) {
      const key = objectKey(object);
      const previous = stepOf.get(key);
      if (previous !== undefined && previous !== group.step) throw new Unbuildable(group.at, `duplicate resource ${object.kind}/${object.namespace ? `${object.namespace}/` : ''}${object.name} in step "${group.step}", already defined in step "${previous}"`);
      stepOf.set(key, group.step);
    }
    objects.push(...made);
  }
  for (const object of objects) {
    setMetadata(object, 'labels', { [`${OWNER_GROUP}/name`]: set.name, [`${OWNER_GROUP}/namespace`]: set.namespace ?? '' }, undefined);
    const common = isRecord(spec.commonMetadata) ? spec.commonMetadata : {};
    for (const field of ['labels', 'annotations'] as const) {
      if (isRecord(common[field])) setMetadata(object, field, common[field] as Record<string, unknown>, (key) => set.sourceMap.locate(['spec', 'commonMetadata', field, key]));
    }
  }
  return objects;
}

/** Labels or annotations set over an object's own (ssa SetCommonMetadata), located where `at` says. */
function setMetadata(object: KubeObject, field: 'labels' | 'annotations', pairs: Record<string, unknown>, at: ((key: string) => Located) | undefined): void {
  if (Object.keys(pairs).length === 0) return;
  const metadata = isRecord(object.body.metadata) ? object.body.metadata : (object.body.metadata = {});
  const current = isRecord((metadata as Record<string, unknown>)[field]) ? ((metadata as Record<string, unknown>)[field] as Record<string, unknown>) : {};
  (metadata as Record<string, unknown>)[field] = { ...current, ...Object.fromEntries(Object.entries(pairs).map(([k, v]) => [k, String(v)])) };
  if (!at) return;
  const inner = object.sourceMap;
  object.sourceMap = {
    locate: (p) => (p.length >= 3 && p[0] === 'metadata' && p[1] === field && typeof p[2] === 'string' && Object.hasOwn(pairs, p[2]) ? { ...at(p[2]), foundPath: p.slice(0, 3) } : inner.locate(p))
  };
}

/** The group, kind, namespace and name an object is known by in the cluster (its version aside). */
function objectKey(object: KubeObject): string {
  const slash = object.apiVersion.indexOf('/');
  return [slash < 0 ? '' : object.apiVersion.slice(0, slash), object.kind, object.namespace ?? '', object.name].join('/');
}

// ---------------------------------------------------------------------------------------------------- inputs

/** internal/inputs Combine: the set first, then its providers by key; flattened or permuted. */
function combineInputs(set: KubeObject, repositoryProviders: readonly KubeObject[]): InputSet[] {
  const spec = isRecord(set.body.spec) ? set.body.spec : {};
  const namespace = set.namespace ?? 'default';
  const own: InputSet[] = (Array.isArray(spec.inputs) ? spec.inputs : []).map((input, i) => {
    if (!isRecord(input)) throw new Unbuildable(['spec', 'inputs', i], `failed to get inputs from ResourceSet/${set.name}: inputs[${i}] is not a mapping`);
    return withProvider(input, set, 'ResourceSet', (p) => set.sourceMap.locate(['spec', 'inputs', i, ...p]));
  });
  const providers = referencedProviders(set, namespace, repositoryProviders);
  const sources: { name: string; inputs: InputSet[] }[] = [{ name: set.name, inputs: own }];
  for (const provider of providers) {
    const pspec = isRecord(provider.body.spec) ? provider.body.spec : {};
    const defaults = isRecord(pspec.defaultValues) ? pspec.defaultValues : {};
    const exported = { ...structuredClone(defaults), id: String(adler32(Buffer.from(provider.name, 'utf8'))) };
    sources.push({ name: provider.name, inputs: [withProvider(exported, provider, 'ResourceSetInputProvider', (p) => provider.sourceMap.locate(['spec', 'defaultValues', ...p]))] });
  }
  const strategy = isRecord(spec.inputStrategy) && typeof spec.inputStrategy.name === 'string' && spec.inputStrategy.name !== '' ? spec.inputStrategy.name : 'Flatten';
  if (strategy === 'Flatten') return sources.flatMap((s) => s.inputs);
  if (strategy !== 'Permute') throw new Unbuildable(['spec', 'inputStrategy', 'name'], `unknown input strategy: '${strategy}'`);
  const includeEmpty = isRecord(spec.inputStrategy) && spec.inputStrategy.includeEmptyProviders === true;
  return permute(sources, includeEmpty);
}

/** An input with the `provider` that exported it; a path under it located in the provider's own text. */
function withProvider(input: Record<string, unknown>, provider: KubeObject, kind: string, locate: (p: JsonPath) => Located): InputSet {
  const value = { ...input, provider: { apiVersion: API_VERSION, kind, name: provider.name, namespace: provider.namespace ?? '' } };
  return { value, locate: (p) => (p.length > 0 && p[0] !== 'provider' && Object.hasOwn(input, String(p[0])) ? locate(p) : undefined) };
}

/** The ResourceSetInputProviders `inputsFrom` names, as the controller finds them, sorted by key. */
function referencedProviders(set: KubeObject, namespace: string, repositoryProviders: readonly KubeObject[]): KubeObject[] {
  const spec = isRecord(set.body.spec) ? set.body.spec : {};
  const candidates = repositoryProviders.filter((p) => (p.namespace ?? namespace) === namespace);
  const found = new Map<string, KubeObject>();
  (Array.isArray(spec.inputsFrom) ? spec.inputsFrom : []).forEach((ref, i) => {
    const at: JsonPath = ['spec', 'inputsFrom', i];
    if (!isRecord(ref)) throw new Unbuildable(at, 'an inputsFrom entry is not a mapping');
    if (typeof ref.name === 'string' && ref.name !== '') {
      const provider = candidates.find((p) => p.name === ref.name);
      if (!provider) throw new Unbuildable([...at, 'name'], `its input provider ResourceSetInputProvider ${namespace}/${ref.name} is not in the repository, so its inputs are not known`);
      found.set(provider.name, provider);
    } else if (isRecord(ref.selector)) {
      const selector = ref.selector;
      const matched = candidates.filter((p) => selectorMatches(selector, (k) => labelsOf(p)[k]));
      if (matched.length === 0) throw new Unbuildable([...at, 'selector'], `no ResourceSetInputProvider in the repository matches its inputsFrom selector in ${namespace}, so its inputs are not known`);
      for (const p of matched) found.set(p.name, p);
    } else throw new Unbuildable(at, 'input provider reference must have either name or selector set');
  });
  const providers = [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const provider of providers) {
    const type = isRecord(provider.body.spec) ? provider.body.spec.type : undefined;
    if (type !== 'Static') {
      const where = provider.sourceMap.locate(['spec', 'type']).location;
      throw new Unbuildable(['spec', 'inputsFrom'], `its input provider ${provider.namespace ?? namespace}/${provider.name} (${where.file}:${where.line}) is of type ${String(type)}, whose inputs come from a live service, so what it generates is not known`);
    }
  }
  return providers;
}

/** internal/inputs Permuter: every combination, each provider's input under its normalized name, with an `id`. */
function permute(sources: { name: string; inputs: InputSet[] }[], includeEmpty: boolean): InputSet[] {
  const scoped: { name: string; inputs: InputSet[] }[] = [];
  let expected = 0;
  for (const source of sources) {
    if (!includeEmpty && source.inputs.length === 0) continue;
    expected = scoped.length === 0 ? source.inputs.length : expected * source.inputs.length;
    if (expected > MAX_PERMUTATIONS) throw new Unbuildable(['spec', 'inputStrategy'], `adding provider '${source.name}' with ${source.inputs.length} inputs would exceed the maximum allowed permutations. max: ${MAX_PERMUTATIONS}, got: ${expected}`);
    const name = normalizeKey(source.name);
    if (name === '') throw new Unbuildable(['spec', 'inputsFrom'], `normalized provider name is empty: '${source.name}'`);
    scoped.push({ name, inputs: source.inputs });
  }
  if (scoped.length === 0 || scoped.some((s) => s.inputs.length === 0)) return [];
  const out: InputSet[] = [];
  const walk = (depth: number, chosen: number[]) => {
    if (depth === scoped.length) {
      const value: Record<string, unknown> = {};
      const byName = new Map<string, InputSet>();
      chosen.forEach((j, k) => {
        value[scoped[k].name] = scoped[k].inputs[j].value;
        byName.set(scoped[k].name, scoped[k].inputs[j]);
      });
      value.id = String(adler32(Buffer.from(chosen.map((j, k) => `${scoped[k].name}=${j}`).join('/'), 'utf8')));
      out.push({ value, locate: (p) => (p.length > 0 ? byName.get(String(p[0]))?.locate(p.slice(1)) : undefined) });
      return;
    }
    for (let j = 0; j < scoped[depth].inputs.length; j++) walk(depth + 1, [...chosen, j]);
  };
  walk(0, []);
  return out;
}

/** internal/inputs NormalizeKeyForTemplate: lower case, words of `[a-z0-9]` joined by `_`. */
function normalizeKey(key: string): string {
  const mapped = [...key.toLowerCase()].map((c) => (/[\s\p{P}]/u.test(c) ? '_' : /[a-z0-9]/.test(c) ? c : '')).join('');
  return mapped
    .split('_')
    .filter((w) => w !== '')
    .join('_');
}

// ---------------------------------------------------------------------------------------------------- templates

class Builder {
  private readonly funcs: FuncMap;
  private readonly seen = new Set<string>();
  private written = 0;

  constructor(
    private readonly set: KubeObject,
    private readonly targetId: string,
    private readonly repo: RepoFiles,
    private readonly deadline: number
  ) {
    this.funcs = resourceSetFuncs();
  }

  /** BuildResourceSet: the `resources`, then the `resourcesTemplate`, of one step (or of the set). */
  group(fields: Record<string, unknown>, at: JsonPath, inputs: InputSet[]): KubeObject[] {
    this.seen.clear();
    const objects: KubeObject[] = [];
    const add = (object: KubeObject, dedup: boolean) => {
      const key = objectKey(object);
      if (dedup && this.seen.has(key)) return;
      this.seen.add(key);
      objects.push(object);
    };
    const resources = Array.isArray(fields.resources) ? fields.resources : [];
    resources.forEach((resource, i) => {
      const resourceAt: JsonPath = [...at, 'resources', i];
      let text: string;
      try {
        text = goYamlMarshal(resource);
      } catch (err) {
        if (err instanceof YamlMarshalError) throw new Unbuildable(resourceAt, `failed to convert template to YAML: ${err.message}`);
        throw err;
      }
      for (const input of inputs.length === 0 ? [undefined] : inputs) {
        const what = inputs.length === 0 ? 'resource' : `resources[${i}]`;
        const { output } = this.execute(text, input, resourceAt, `failed to build ${what}: failed to parse template`, `failed to build ${what}: failed to execute template`);
        const doc = parseYaml(output, this.file).documents.find((d) => d.value !== null && d.value !== undefined);
        if (!doc || !isRecord(doc.value) || typeof doc.value.kind !== 'string' || doc.value.kind === '') throw new Unbuildable(resourceAt, `failed to build ${what}: failed to read object: Object 'Kind' is missing`);
        const object = makeObject(doc.value, this.targetId, this.resourceMap(resourceAt, doc.value, input));
        if (input && disabled(object)) continue;
        add(object, input !== undefined);
      }
    });
    if (typeof fields.resourcesTemplate === 'string' && fields.resourcesTemplate !== '') {
      const templateAt: JsonPath = [...at, 'resourcesTemplate'];
      const made: KubeObject[] = [];
      for (const input of inputs.length === 0 ? [undefined] : inputs) {
        const prefix = inputs.length === 0 ? 'failed to build resource' : 'failed to build resources';
        const { output, segments } = this.execute(fields.resourcesTemplate, input, templateAt, `${prefix}: failed to parse multi-doc YAML template`, `${prefix}: failed to execute multi-doc YAML template`);
        made.push(...this.readObjects(output, segments, templateAt, input));
      }
      for (const object of made) if (!disabled(object)) add(object, true);
    }
    return objects;
  }

  private get file(): string {
    return this.set.sourceMap.locate([]).location.file;
  }

  private execute(text: string, input: InputSet | undefined, at: JsonPath, parseError: string, execError: string): { output: string; segments: ProvenanceSegment[] } {
    const value = input ? fromJS(input.value, 'float64') : new Map<string, GoValue>();
    const t = new Template('resourceset', { delims: ['<<', '>>'], funcs: { ...this.funcs, inputs: () => value }, options: ['missingkey=error'] });
    try {
      t.parse(text);
    } catch (err) {
      if (err instanceof TemplateError) throw new Unbuildable(at, `${parseError}: ${err.message}`);
      throw err;
    }
    try {
      const result = t.executeWithProvenance(null, { maxOutputLength: MAX_OUTPUT - this.written, deadline: this.deadline });
      this.written += result.output.length;
      return result;
    } catch (err) {
      if (err instanceof TemplateError) throw new Unbuildable(at, `${execError}: ${err.message}`);
      throw err;
    }
  }

  /** ssa ReadObjects: every document that names an object (Lists expanded); kustomize configs dropped. */
  private readObjects(output: string, segments: ProvenanceSegment[], at: JsonPath, input: InputSet | undefined): KubeObject[] {
    const parsed = parseYaml(output, this.file);
    if (parsed.errors.length > 0) throw new Unbuildable(at, `failed to read objects from multi-doc YAML: ${parsed.errors[0].reason}`);
    const templateMap = this.templateMap(output, segments, at, input);
    const objects: KubeObject[] = [];
    for (const doc of parsed.documents) {
      if (doc.value === null || doc.value === undefined) continue;
      if (!isRecord(doc.value) || typeof doc.value.kind !== 'string' || doc.value.kind === '') throw new Unbuildable(at, `failed to read objects from multi-doc YAML: Object 'Kind' is missing in the document at line ${doc.line} of the output`);
      const items = Array.isArray(doc.value.items) && /List$/.test(doc.value.kind) ? doc.value.items.map((item, i) => ({ body: item, prefix: ['items', i] as JsonPath })) : [{ body: doc.value as unknown, prefix: [] as JsonPath }];
      for (const { body, prefix } of items) {
        if (!isRecord(body)) continue;
        const metadata = isRecord(body.metadata) ? body.metadata : {};
        if (typeof body.apiVersion !== 'string' || body.apiVersion === '' || typeof body.kind !== 'string' || typeof metadata.name !== 'string' || metadata.name === '') continue;
        if (body.kind.toLowerCase() === 'kustomization' && body.apiVersion.startsWith('kustomize.config.k8s.io/')) continue;
        objects.push(makeObject(body, this.targetId, { locate: (p) => templateMap(doc, [...prefix, ...p], prefix.length) }));
      }
    }
    return objects;
  }

  /** A `resources` entry's fields on its lines in the set; a value printed from an input, on the input's line. */
  private resourceMap(resourceAt: JsonPath, body: Record<string, unknown>, input: InputSet | undefined): SourceMap {
    return {
      locate: (p) => {
        const located = this.set.sourceMap.locate([...resourceAt, ...p]);
        const foundPath = located.foundPath.slice(resourceAt.length);
        const written = getAt(this.set.body, [...resourceAt, ...foundPath]);
        const fromInput = typeof written === 'string' && foundPath.length === p.length ? inputRead(written, input, getAt(body, p)) : undefined;
        if (fromInput) return { location: fromInput.location, related: [{ ...located.location, label: 'template' }, ...fromInput.related], foundPath };
        return { ...located, foundPath };
      }
    };
  }

  /** For a multi-document template: output position -> template line -> the set's file (or the input's line). */
  private templateMap(output: string, segments: ProvenanceSegment[], at: JsonPath, input: InputSet | undefined) {
    const key = this.set.sourceMap.locate(at).location;
    let block: { firstLine: number; indent: number } | undefined;
    try {
      block = blockScalarStart(this.repo.readText(key.file), key.line);
    } catch {
      block = undefined;
    }
    const template = getAt(this.set.body, at);
    const templateLines = typeof template === 'string' ? template.split('\n') : [];
    const lineStarts = [0];
    for (let i = output.indexOf('\n'); i >= 0; i = output.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    return (doc: ParsedDocument, p: JsonPath, prefixLength: number): Located => {
      const inner = doc.sourceMap.locate(p);
      const foundPath = inner.foundPath.slice(prefixLength);
      // The field's output line: the one action printed on it (its value), else the text at the field.
      const start = lineStarts[inner.location.line - 1] ?? 0;
      const actions = segmentsOverlapping(segments, start, lineStarts[inner.location.line] ?? output.length).filter((x) => x.kind === 'action');
      const offset = start + Math.max(0, (inner.location.column ?? 1) - 1);
      const segment = actions.length === 1 ? actions[0] : segments[Math.min(firstSegmentEndingAfter(segments, offset), segments.length - 1)];
      if (!segment || block === undefined) return { location: key, related: [], foundPath };
      const location = { file: key.file, line: block.firstLine + segment.line - 1 };
      const fromInput = segment.kind === 'action' && foundPath.length === p.length - prefixLength ? inputRead(templateLines[segment.line - 1] ?? '', input, getAt(doc.value, p)) : undefined;
      if (fromInput) return { location: fromInput.location, related: [{ ...location, label: 'template' }, ...fromInput.related], foundPath };
      return { location, related: [], foundPath };
    };
  }
}

/**
 * Where the input a template text printed is written: among the inputs it names (`inputs.a.b`) and the input keys
 * named like the fields it reads through a variable (`$app.host`, `get $app "host"`), the one whose value is the
 * printed scalar, when exactly one is.
 */
function inputRead(text: string, input: InputSet | undefined, printed: unknown): Located | undefined {
  if (!input || printed === undefined || printed === null || typeof printed === 'object') return undefined;
  const paths: JsonPath[] = [...text.matchAll(/\binputs((?:\.[A-Za-z0-9_]+)+)/g)].map((m) => m[1].slice(1).split('.'));
  const fields = new Set([...text.matchAll(/\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*\.([A-Za-z0-9_]+)/g), ...text.matchAll(/\bget\s+\$[A-Za-z0-9_]*\s+"([^"]+)"/g)].map((m) => m[1]));
  if (fields.size > 0) paths.push(...keyPaths(input.value, []).filter((p) => fields.has(String(p[p.length - 1]))));
  const want = String(printed);
  const hits = new Map<string, JsonPath>();
  for (const p of paths) {
    const value = getAt(input.value, p);
    if (value !== undefined && value !== null && typeof value !== 'object' && String(value) === want) hits.set(JSON.stringify(p), p);
  }
  return hits.size === 1 ? input.locate([...hits.values()][0]) : undefined;
}

/** Every key path in an input's value (list items by index), the `provider` it was given left out. */
function keyPaths(value: unknown, at: JsonPath): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keyPaths(v, [...at, i]));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => (at.length === 0 && k === 'provider' ? [] : [[...at, k], ...keyPaths(v, [...at, k])]));
}

function disabled(object: KubeObject): boolean {
  const metadata = isRecord(object.body.metadata) ? object.body.metadata : {};
  return isRecord(metadata.annotations) && metadata.annotations[RECONCILE] === 'disabled';
}

/** slim-sprig's hermetic text functions (the subset of Sprig it keeps), and the operator's own. */
const SLIM_SPRIG = [
  'hello', 'ago', 'duration', 'durationRound', 'must_date_modify', 'mustDateModify', 'mustToDate', 'toDate', 'unixEpoch',
  'trunc', 'trim', 'upper', 'lower', 'title', 'substr', 'repeat', 'trimall', 'trimAll', 'trimSuffix', 'trimPrefix',
  'contains', 'hasPrefix', 'hasSuffix', 'quote', 'squote', 'cat', 'indent', 'nindent', 'replace', 'plural', 'sha1sum',
  'sha256sum', 'adler32sum', 'toString', 'atoi', 'int64', 'int', 'float64', 'seq', 'toDecimal', 'split', 'splitList',
  'splitn', 'toStrings', 'until', 'untilStep', 'add1', 'add', 'sub', 'div', 'mod', 'mul', 'randInt', 'biggest', 'max',
  'min', 'maxf', 'minf', 'ceil', 'floor', 'round', 'join', 'sortAlpha', 'default', 'empty', 'coalesce', 'all', 'any',
  'compact', 'mustCompact', 'fromJson', 'toJson', 'toPrettyJson', 'toRawJson', 'mustFromJson', 'mustToJson',
  'mustToPrettyJson', 'mustToRawJson', 'ternary', 'typeOf', 'typeIs', 'typeIsLike', 'kindOf', 'kindIs', 'deepEqual',
  'base', 'dir', 'clean', 'ext', 'isAbs', 'osBase', 'osClean', 'osDir', 'osExt', 'osIsAbs', 'b64enc', 'b64dec',
  'b32enc', 'b32dec', 'tuple', 'list', 'dict', 'get', 'set', 'unset', 'hasKey', 'pluck', 'keys', 'pick', 'omit',
  'values', 'append', 'push', 'mustAppend', 'mustPush', 'prepend', 'mustPrepend', 'first', 'mustFirst', 'rest',
  'mustRest', 'last', 'mustLast', 'initial', 'mustInitial', 'reverse', 'mustReverse', 'uniq', 'mustUniq', 'without',
  'mustWithout', 'has', 'mustHas', 'slice', 'mustSlice', 'concat', 'dig', 'chunk', 'mustChunk', 'fail', 'regexMatch',
  'mustRegexMatch', 'regexFindAll', 'mustRegexFindAll', 'regexFind', 'mustRegexFind', 'regexReplaceAll',
  'mustRegexReplaceAll', 'regexReplaceAllLiteral', 'mustRegexReplaceAllLiteral', 'regexSplit', 'mustRegexSplit',
  'regexQuoteMeta', 'urlParse', 'urlJoin'
];

function resourceSetFuncs(): FuncMap {
  const sprig = createSprigFuncs();
  const funcs: FuncMap = Object.fromEntries(SLIM_SPRIG.filter((name) => name in sprig).map((name) => [name, sprig[name]]));
  // sigs.k8s.io/yaml Marshal, the trailing newline kept (unlike Helm's toYaml).
  const toYaml = (v: GoValue): string => goYamlMarshal(v);
  funcs.toYaml = defineFunc({ params: ['interface {}'], result: 'string' }, (v: GoValue) => {
    try {
      return toYaml(v);
    } catch (err) {
      if (err instanceof YamlMarshalError) return '';
      throw err;
    }
  });
  funcs.mustToYaml = defineFunc({ params: ['interface {}'], result: 'string' }, (v: GoValue) => toYaml(v));
  funcs.slugify = defineFunc({ params: ['string'], result: 'string' }, (s: GoValue) => slugMake(String(s), 63, true));
  return funcs;
}
