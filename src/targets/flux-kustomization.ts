/**
 * Flux Kustomizations as render targets, read as kustomize-controller builds them (fluxcd/kustomize-controller
 * api/v1, fluxcd/pkg kustomize `GenerateManifest` and `SubstituteVariables`): the source (this repository's
 * GitRepository), `spec.path`, a kustomization generated when the path has none (every YAML file, a folder with its
 * own kustomization as one resource, source-controller's default exclusions, `.sourceignore` and the source's
 * `spec.ignore`), `targetNamespace`, `namePrefix`, `nameSuffix`, `patches`, `images` and `components` merged into
 * the same kustomization (not an extra layer), and `postBuild` variables from `substitute` and from ConfigMaps and
 * Secrets written in the repository (`substituteFrom`). The build itself (no load restrictions, then substitution
 * object by object) is the renderer's: src/render/kustomize.
 */
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isRecord, type JsonPath, type KubeObject, type Located, type SourceLocation } from '../objects/types.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import { artifactHolds, artifactRefusal, type FluxArtifact } from './flux-artifact.js';
import { declaration } from './declaration.js';
import type { FindObject, FindSource, FluxSource } from './flux-helm-release.js';
import { findKustomizationFile, kustomizationFromValue, loadKustomizationGraph, parseKustomization, type KustomizationGraph, type NodeSourceMap } from './kustomization.js';
import type { FluxBuild, FluxSubstitution, Target } from './types.js';

const KUSTOMIZE_API = 'kustomize.toolkit.fluxcd.io/';

export function isFluxKustomization(object: KubeObject): boolean {
  return object.kind === 'Kustomization' && object.apiVersion.startsWith(KUSTOMIZE_API);
}

/** Variable names kustomize-controller accepts (fluxcd/pkg kustomize_varsub.go `varsubRegex`). */
const VARIABLE_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The target for one Flux Kustomization rendered by `producer`. `thisRepository` says whether a GitRepository is this
 * checkout; a `flux-system` GitRepository not written in the repository is the one Flux's bootstrap (or the Flux
 * Operator's FluxInstance) makes for it, which is this repository too.
 */
export function fluxKustomizationTarget(
  object: KubeObject,
  producer: Target,
  findSource: FindSource,
  repo: RepoFiles,
  thisRepository: (source: FluxSource) => boolean,
  findObject: FindObject,
  findArtifact: (namespace: string, name: string) => FluxArtifact | undefined = () => undefined
): Target {
  const { spec, namespace, declaredAt, problems, problem, refuse } = declaration(object);
  const warnings: InputError[] = [];
  const warn = (p: JsonPath, reason: string, ruleId: string) => warnings.push(problem(p, reason, ruleId));
  const base: Target = { id: `flux-ks:${namespace}/${object.name}`, kind: 'kustomize', path: '', inputs: [...producer.inputs], renderable: true, declaredAt };
  const notRendered = (): Target => ({ ...base, path: dirOf(declaredAt.file), renderable: false, problems });

  const ref = isRecord(spec.sourceRef) ? spec.sourceRef : {};
  const kind = str(ref.kind) ?? '';
  const refNamespace = str(ref.namespace) ?? namespace;
  const source = kind === 'GitRepository' ? findSource('GitRepository', refNamespace, str(ref.name) ?? '') : undefined;
  const bootstrap = kind === 'GitRepository' && str(ref.name) === 'flux-system' && refNamespace === 'flux-system';
  let artifact: Extract<FluxArtifact, { root: string }> | undefined;
  if (kind === 'ExternalArtifact') {
    const found = findArtifact(refNamespace, str(ref.name) ?? '');
    if (!found || 'problem' in found) {
      refuse(['spec', 'sourceRef'], ...artifactRefusal(found, refNamespace, str(ref.name) ?? ''));
      return notRendered();
    }
    artifact = found;
  } else if (kind !== 'GitRepository') {
    refuse(['spec', 'sourceRef'], `a path from a ${kind || 'missing'} source is not rendered by the gate (only this repository's GitRepository and the ExternalArtifacts made from it are)`, 'declaration-source-not-found');
    return notRendered();
  } else if (source ? !thisRepository(source) : !bootstrap) {
    refuse(
      ['spec', 'sourceRef'],
      source ? `its GitRepository ${refNamespace}/${source.name} (${str(source.spec.url) ?? 'no url'}) is not this repository; other repositories are not fetched` : `the GitRepository ${refNamespace}/${str(ref.name) ?? ''} it names is not in the repository`,
      'declaration-source-not-found'
    );
    return notRendered();
  }
  const written = (str(spec.path) ?? '').replace(/^\.\/?/, '').replace(/\/+$/, '');
  const dir = repo.normalize(artifact ? path.posix.join(artifact.root, written) : written);
  if (!repo.isDirectory(dir) || (artifact && !repo.walk(dir).some((f) => artifactHolds(artifact, f)))) {
    refuse(['spec', 'path'], `its path ${str(spec.path) ?? './'} is not a folder of ${artifact ? `its ExternalArtifact (${dir || '.'} in this repository)` : 'this repository'} (kustomize-controller fails: kustomization path not found)`, 'declaration-source-not-found');
    return notRendered();
  }
  base.path = dir;
  if (spec.prune === true) base.prunes = true;

  const flux: FluxBuild = {
    patches: [],
    images: [],
    components: [],
    sourceMap: object.sourceMap
  };
  const fieldString = (field: 'targetNamespace' | 'namePrefix' | 'nameSuffix') => {
    const v = str(spec[field]);
    if (v !== undefined) flux[field] = v;
  };
  fieldString('targetNamespace');
  fieldString('namePrefix');
  fieldString('nameSuffix');
  for (const field of ['patchesStrategicMerge', 'patchesJson6902']) {
    if (Array.isArray(spec[field]) && spec[field].length > 0) refuse(['spec', field], `${field} (removed from the Kustomization API in v1) is not applied by the gate, so what it deploys is not checked`);
  }
  if (Array.isArray(spec.patches)) {
    spec.patches.forEach((p, i) => {
      if (isRecord(p) && typeof p.patch === 'string') flux.patches.push({ patch: p.patch, ...(isRecord(p.target) ? { target: p.target } : {}), at: ['spec', 'patches', i] });
    });
  }
  if (Array.isArray(spec.images)) {
    spec.images.forEach((image, i) => {
      if (!isRecord(image) || !str(image.name)) return;
      flux.images.push({ name: image.name as string, ...pick(image, ['newName', 'newTag', 'digest']), at: ['spec', 'images', i] });
    });
  }
  if (Array.isArray(spec.components)) {
    for (const [i, component] of spec.components.entries()) {
      if (typeof component !== 'string') continue;
      if (path.posix.isAbsolute(component) || /^[a-z][a-z0-9+.-]*:\/\//i.test(component)) {
        refuse(['spec', 'components', i], `component path '${component}' must be local and relative (kustomize-controller refuses it)`, 'kustomize-build-failed');
        continue;
      }
      if (spec.ignoreMissingComponents === true && !repo.isDirectory(path.posix.join(dir, component))) continue;
      flux.components.push({ path: component, at: ['spec', 'components', i] });
    }
  }
  const files = new Set<string>();
  if (source) files.add(source.location.file);
  if (artifact) files.add(artifact.location.file);
  if (!findKustomizationFile(repo, dir)) {
    const ignored = sourceIgnore(repo, source, files);
    flux.generate = generatedResources(repo, dir, ignored);
  }
  const postBuild = isRecord(spec.postBuild) ? spec.postBuild : undefined;
  if (postBuild) {
    const substitution = variables(object, postBuild, namespace, findObject, refuse, warn, files);
    if (substitution) flux.substitute = substitution;
  }
  base.flux = flux;
  const graph = fluxKustomizationGraph(repo, base);
  const outside = artifact ? graph.inputs.filter((f) => repo.isFile(f) && !artifactHolds(artifact, f)) : [];
  if (outside.length > 0) refuse(['spec', 'path'], `the build reads ${outside.slice(0, 3).join(', ')}${outside.length > 3 ? ' and more' : ''}, which its ExternalArtifact does not hold (kustomize-controller fails the build)`, 'kustomize-build-failed');
  base.builds = graph.inputs.filter((f) => repo.isFile(f)).sort();
  base.reads = [...new Set([...base.builds, ...files])].sort();
  base.inputs = [...new Set([...base.inputs, ...base.reads])].sort();
  if (graph.errors.length > 0 || warnings.length > 0) base.problems = [...warnings, ...graph.errors];
  return problems.length > 0 ? { ...base, renderable: false, problems: [...problems, ...(base.problems ?? [])] } : base;
}

/**
 * The kustomization graph Flux builds for a target: the path's kustomization (or the generated one) with the
 * Kustomization's spec merged into it, each merged field located where the declaration writes it.
 */
export function fluxKustomizationGraph(repo: RepoFiles, target: Target): KustomizationGraph {
  const flux = target.flux!;
  const dir = target.path;
  const declared = target.declaredAt!;
  const file = findKustomizationFile(repo, dir);
  const base = file ? parseKustomization(repo, dir, file) : undefined;
  if (base && !base.readable) return loadKustomizationGraph(repo, dir);
  const value: Record<string, unknown> = base ? structuredClone(base.value) : generatedKustomization(flux.generate ?? []);
  const overlays: { prefix: JsonPath; at: JsonPath }[] = [];
  if (!base) overlays.push({ prefix: ['resources'], at: ['spec', 'path'] }, { prefix: ['namespace'], at: ['spec', 'path'] });
  if (flux.targetNamespace !== undefined) {
    value.namespace = flux.targetNamespace;
    overlays.push({ prefix: ['namespace'], at: ['spec', 'targetNamespace'] });
  }
  for (const field of ['namePrefix', 'nameSuffix'] as const) {
    if (flux[field] === undefined) continue;
    value[field] = flux[field];
    overlays.push({ prefix: [field], at: ['spec', field] });
  }
  const append = (field: string, items: { item: unknown; at: JsonPath }[]) => {
    if (items.length === 0) return;
    const list = Array.isArray(value[field]) ? (value[field] as unknown[]) : [];
    for (const { item, at } of items) {
      overlays.push({ prefix: [field, list.length], at });
      list.push(item);
    }
    value[field] = list;
  };
  append('patches', flux.patches.map(({ at, ...patch }) => ({ item: patch, at })));
  append('components', flux.components.map((c) => ({ item: c.path, at: c.at })));
  // Images merge by name: a new tag or digest replaces both (fluxcd/pkg kustomize_generator.go).
  const images = Array.isArray(value.images) ? (value.images as Record<string, unknown>[]) : [];
  for (const image of flux.images) {
    const j = images.findIndex((e) => isRecord(e) && e.name === image.name);
    if (j < 0) {
      overlays.push({ prefix: ['images', images.length], at: image.at });
      images.push({ name: image.name, ...pick(image, ['newName', 'newTag', 'digest']) });
      continue;
    }
    if (image.newName !== undefined) {
      images[j].newName = image.newName;
      overlays.push({ prefix: ['images', j, 'newName'], at: [...image.at, 'newName'] });
    }
    if (image.newTag !== undefined || image.digest !== undefined) {
      for (const field of ['newTag', 'digest'] as const) {
        if (image[field] !== undefined) images[j][field] = image[field];
        else delete images[j][field];
        overlays.push({ prefix: ['images', j, field], at: [...image.at, field] });
      }
    }
  }
  if (images.length > 0) value.images = images;
  const edits: InputError[] = [];
  if (flux.argocd) edits.push(...applyArgoEdits(value, flux.argocd, overlays, flux.sourceMap));
  const sourceMap = new DeclarationOverlay(base?.sourceMap, overlays, flux.sourceMap, declared);
  const root = kustomizationFromValue(repo, dir, base?.file ?? (dir ? `${dir}/kustomization.yaml` : 'kustomization.yaml'), value, sourceMap, base);
  const graph = loadKustomizationGraph(repo, dir, new Map(), root);
  return edits.length > 0 ? { ...graph, errors: [...edits, ...graph.errors] } : graph;
}

/**
 * Argo CD's `kustomize edit` commands on the kustomization: `set replicas` (by name), `add label` (into `commonLabels`,
 * or with `--without-selector` into the first `labels` entry of the same settings, else a new one) and `add
 * annotation`. A key already there fails the command unless forced; the failure is returned, located on the key.
 */
function applyArgoEdits(value: Record<string, unknown>, argo: NonNullable<FluxBuild['argocd']>, overlays: { prefix: JsonPath; at: JsonPath }[], declared: FluxBuild['sourceMap']): InputError[] {
  const replicas = Array.isArray(value.replicas) ? (value.replicas as Record<string, unknown>[]) : [];
  for (const r of argo.replicas) {
    const j = replicas.findIndex((e) => isRecord(e) && e.name === r.name);
    const at = j < 0 ? replicas.length : j;
    replicas[at] = { name: r.name, count: r.count };
    overlays.push({ prefix: ['replicas', at], at: r.at });
  }
  if (replicas.length > 0) value.replicas = replicas;
  const errors: InputError[] = [];
  const write = (pairs: Record<string, unknown>, prefix: JsonPath, given: { value: Record<string, string>; at: JsonPath; force?: boolean }, kind: string) => {
    for (const [key, v] of Object.entries(given.value)) {
      if (Object.hasOwn(pairs, key) && given.force !== true) {
        const { location } = declared.locate([...given.at, key]);
        const flag = kind === 'label' ? 'forceCommonLabels' : 'forceCommonAnnotations';
        errors.push(new InputError(location.file, `kustomize edit add ${kind} fails: ${kind} ${key} already in kustomization file. Use --force to override. (${flag} is not set), so Argo CD fails to render it`, 'declaration-not-rendered', location.line, location.column));
        return;
      }
      pairs[key] = v;
      overlays.push({ prefix: [...prefix, key], at: [...given.at, key] });
    }
  };
  const labels = argo.commonLabels;
  if (labels?.withoutSelector) {
    const list = Array.isArray(value.labels) ? (value.labels as unknown[]) : [];
    const templates = labels.includeTemplates === true;
    let j = list.findIndex((l) => isRecord(l) && l.includeSelectors !== true && (l.includeTemplates === true) === templates);
    if (j < 0) {
      j = list.length;
      list.push({ pairs: {}, ...(templates ? { includeTemplates: true } : {}) });
      overlays.push({ prefix: ['labels', j], at: labels.at });
    }
    const entry = list[j] as Record<string, unknown>;
    if (!isRecord(entry.pairs)) entry.pairs = {};
    write(entry.pairs as Record<string, unknown>, ['labels', j, 'pairs'], labels, 'label');
    value.labels = list;
  } else if (labels) {
    if (!isRecord(value.commonLabels)) value.commonLabels = {};
    write(value.commonLabels as Record<string, unknown>, ['commonLabels'], labels, 'label');
  }
  if (argo.commonAnnotations) {
    if (!isRecord(value.commonAnnotations)) value.commonAnnotations = {};
    write(value.commonAnnotations as Record<string, unknown>, ['commonAnnotations'], argo.commonAnnotations, 'annotation');
  }
  return errors;
}

/** The kustomization Flux writes for a folder without one (`findOrGenerateKustomization`). */
function generatedKustomization(resources: string[]): Record<string, unknown> {
  return resources.length > 0 ? { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources } : { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', namespace: '_placeholder' };
}

/**
 * `scanManifests`: every `.yaml`/`.yml` file under the folder, in the order Go's filepath.Walk visits them (names
 * sorted within each folder), except that a folder with its own kustomization file is one resource and is not
 * entered; ignored files are left out.
 */
function generatedResources(repo: RepoFiles, dir: string, ignored: (file: string) => boolean): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const files = repo.walk(dir).sort(compareWalkOrder);
  for (const file of files) {
    const rel = dir ? file.slice(dir.length + 1) : file;
    const segments = rel.split('/');
    let owner: string | undefined;
    for (let i = 1; i < segments.length && owner === undefined; i++) {
      const sub = segments.slice(0, i).join('/');
      if (ignored(dir ? `${dir}/${sub}/` : `${sub}/`)) break;
      if (findKustomizationFile(repo, dir ? `${dir}/${sub}` : sub)) owner = sub;
    }
    if (owner !== undefined) {
      if (!seen.has(owner)) out.push(`./${owner}`);
      seen.add(owner);
      continue;
    }
    if (!/\.ya?ml$/.test(file) || ignored(file)) continue;
    out.push(`./${rel}`);
  }
  return out;
}

/** Go's filepath.Walk order: path segments compared one by one. */
function compareWalkOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length - y.length;
}

/** source-controller's default exclusions for a Git artifact (`sourceignore.DefaultExcludes` and friends). */
const DEFAULT_EXCLUDES = [
  '.git/',
  '.gitignore',
  '.gitmodules',
  '.gitattributes',
  '*.jpg',
  '*.jpeg',
  '*.gif',
  '*.png',
  '*.wmv',
  '*.flv',
  '*.tar.gz',
  '*.zip',
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
  '**/.goreleaser.yml',
  '**/.sops.yaml',
  '**/.flux.yaml'
];

/**
 * Which repository files the source leaves out of its artifact: the default exclusions, the GitRepository's
 * `spec.ignore` (replacing the defaults when given, as source-controller does), and every `.sourceignore` file, whose
 * patterns hold below its folder.
 */
function sourceIgnore(repo: RepoFiles, source: FluxSource | undefined, files: Set<string>): (file: string) => boolean {
  const root = ignore();
  const specIgnore = str(source?.spec.ignore);
  root.add(specIgnore ?? DEFAULT_EXCLUDES.join('\n'));
  const nested: { dir: string; rules: Ignore }[] = [];
  for (const file of repo.walk('')) {
    if (path.posix.basename(file) !== '.sourceignore') continue;
    let text: string;
    try {
      text = repo.readText(file);
    } catch {
      continue;
    }
    files.add(file);
    nested.push({ dir: dirOf(file), rules: ignore().add(text) });
  }
  return (file: string) => {
    if (root.ignores(file)) return true;
    return nested.some(({ dir, rules }) => (dir === '' || file.startsWith(`${dir}/`)) && rules.ignores(dir ? file.slice(dir.length + 1) : file));
  };
}

/**
 * `postBuild`: the variables from `substituteFrom` (in order, later ones overwriting) and then `substitute` (which
 * wins), newlines removed, each with the line that sets it. Undefined when nothing would be substituted.
 */
function variables(
  object: KubeObject,
  postBuild: Record<string, unknown>,
  namespace: string,
  findObject: FindObject,
  refuse: (p: JsonPath, reason: string, ruleId?: string) => void,
  warn: (p: JsonPath, reason: string, ruleId: string) => void,
  files: Set<string>
): FluxSubstitution | undefined {
  const vars: FluxSubstitution['vars'] = {};
  const unreadable = new Set<string>();
  let incomplete = false;
  const from = Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : [];
  from.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const kind = str(entry.kind);
    const name = str(entry.name) ?? '';
    if (kind !== 'ConfigMap' && kind !== 'Secret') return;
    const found = findObject(kind, namespace, name);
    if (!found) {
      // Made in the cluster by something else, or missing (then Flux fails, unless optional): unknown either way.
      if (entry.optional !== true) incomplete = true;
      return;
    }
    const location = (field: string, key: string) => found.sourceMap.locate([field, key]).location;
    files.add(found.sourceMap.locate([]).location.file);
    const encrypted = kind === 'Secret' && found.body.sops !== undefined;
    for (const field of kind === 'Secret' ? ['data', 'stringData'] : ['data']) {
      const data = found.body[field];
      if (!isRecord(data)) continue;
      for (const [key, raw] of Object.entries(data)) {
        if (typeof raw !== 'string') continue;
        if (encrypted) {
          unreadable.add(key);
          delete vars[key];
          continue;
        }
        const value = kind === 'Secret' && field === 'data' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
        vars[key] = { value: value.replaceAll('\n', ''), at: location(field, key) };
        unreadable.delete(key);
      }
    }
    if (encrypted) {
      warn(['spec', 'postBuild', 'substituteFrom', i], `the Secret ${namespace}/${name} is encrypted with SOPS: its variables (${[...unreadable].join(', ') || 'none'}) stay as written, so fields set from them are not checked with their real values`, 'substitution-unreadable');
    }
  });
  if (isRecord(postBuild.substitute)) {
    for (const [key, raw] of Object.entries(postBuild.substitute)) {
      if (raw === null || raw === undefined) continue;
      vars[key] = { value: String(raw).replaceAll('\n', ''), at: object.sourceMap.locate(['spec', 'postBuild', 'substitute', key]).location };
      unreadable.delete(key);
    }
  }
  for (const name of [...Object.keys(vars), ...unreadable]) {
    if (!VARIABLE_NAME.test(name)) {
      refuse(['spec', 'postBuild'], `'${name}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$' (kustomize-controller fails the build)`, 'kustomize-build-failed');
      return undefined;
    }
  }
  if (Object.keys(vars).length === 0 && unreadable.size === 0) return undefined;
  return { vars, unreadable: [...unreadable].sort(), incomplete };
}

/**
 * The source map of a kustomization with a Flux Kustomization's fields merged in: paths the declaration added
 * (`prefix` and below) are located in the declaration, every other path in the kustomization file.
 */
class DeclarationOverlay implements NodeSourceMap {
  constructor(
    private readonly base: NodeSourceMap | undefined,
    private readonly overlays: readonly { prefix: JsonPath; at: JsonPath }[],
    private readonly declaration: { locate(path: JsonPath): Located },
    private readonly declaredAt: SourceLocation
  ) {}

  private overlay(p: JsonPath): JsonPath | undefined {
    for (let i = this.overlays.length - 1; i >= 0; i--) {
      const { prefix, at } = this.overlays[i];
      if (prefix.length <= p.length && prefix.every((seg, k) => p[k] === seg)) return [...at, ...p.slice(prefix.length)];
    }
    return undefined;
  }

  has(p: JsonPath): boolean {
    return this.overlay(p) !== undefined || (this.base?.has(p) ?? false);
  }

  locate(p: JsonPath): Located {
    const at = this.overlay(p);
    if (at) return { ...this.declaration.locate(at), foundPath: p };
    return this.base?.locate(p) ?? { location: { ...this.declaredAt }, related: [], foundPath: [] };
  }

  nodeAt(p: JsonPath) {
    return this.overlay(p) ? undefined : this.base?.nodeAt(p);
  }
}

function pick<T extends Record<string, unknown>>(value: T, fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) if (typeof value[f] === 'string') out[f] = value[f] as string;
  return out;
}

function dirOf(file: string): string {
  const d = path.posix.dirname(file);
  return d === '.' ? '' : d;
}
