/**
 * A kustomization's loading graph: which repository files it reads, transitively, without running kustomize.
 *
 * Kustomization files are read the way kustomize reads them (go-yaml v2 into JSON, then encoding/json with
 * case-insensitive field names: src/objects/go-yaml.ts, ./kustomization-schema.ts), and refused where that reading
 * is ambiguous. Every path goes through RepoFiles (confined to the repository); remote entries are refused, never
 * fetched. Folders are followed by their real path, as kustomize follows them, so a symbolic-link loop is a cycle
 * and not an endless walk.
 */
import path from 'node:path';
import { InputError, type RepoFiles } from '../repo/files.js';
import type { Node } from 'yaml';
import { isRecord, type JsonPath, type Located } from '../objects/types.js';
import { emptySourceMap, parseGoYaml, type GoYamlResult } from '../objects/go-yaml.js';
import { decodeKustomization } from './kustomization-schema.js';

/** The names kustomize accepts for a kustomization file, in the order it looks for them. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** What one entry of a kustomization points at. */
export type EntryRole = 'resource' | 'component' | 'patch' | 'config' | 'plugin-config' | 'generator-file' | 'helm-chart';

export interface KustomizationEntry {
  /** Top-level field the entry sits in (`resources`, `patches`, `configMapGenerator`, ...). */
  field: string;
  /** Where the entry sits in the kustomization document (canonical field names), e.g. ['patches', 1, 'path']. */
  yamlPath: JsonPath;
  /** The text written in the kustomization (without a generator's `key=`). */
  value: string;
  /** A generator file's `key=` prefix, kept when the entry is rewritten. */
  prefix?: string;
  /** 1-based line of the entry in the kustomization file. */
  line: number;
  role: EntryRole;
  /** Repository-relative path the entry resolves to: folders by their real path, files in their folder's real path. */
  resolved?: string;
  /** Set when the entry resolved to a folder holding a kustomization. */
  folder?: boolean;
}

/** One parsed kustomization file and what it loads directly. */
export interface KustomizationNode {
  /** Repository-relative folder (its real path). */
  dir: string;
  /** Repository-relative kustomization file. */
  file: string;
  /** `Kustomization` or `Component`. */
  kind: string;
  /**
   * The document as kustomize decodes it, canonical field names (a mapping; empty when the file could not be read).
   * Inline generator/transformer configurations are already re-serialised here.
   */
  value: Record<string, unknown>;
  sourceMap?: NodeSourceMap;
  /** False when the file cannot be read unambiguously: its targets are not rendered. */
  readable: boolean;
  /** Entries that load something. */
  entries: KustomizationEntry[];
  /** Files loaded directly (not through an included kustomization), repository-relative. */
  files: string[];
  /** Folders of kustomizations included through resources/bases/components. */
  includes: string[];
  /** Entries that must be dropped from a sandbox copy (remote, outside the repository, missing, helm). */
  refused: JsonPath[];
  /** Generator/transformer/validator configuration files, as read (re-serialised into the sandbox). */
  pluginConfigs: Map<string, unknown[]>;
  /** Whether the kustomization asks for Helm chart inflation (recorded, never rendered). */
  helmCharts: boolean;
  errors: InputError[];
}

export interface KustomizationGraph {
  /** Folder of the root kustomization. */
  root: string;
  rootFile?: string;
  /** Every kustomization reached, by folder. */
  nodes: Map<string, KustomizationNode>;
  /** Every repository file read, transitively, including the kustomization files; sorted. */
  inputs: string[];
  /** Whether every kustomization in the graph could be read (no target is rendered from one that could not). */
  readable: boolean;
  errors: InputError[];
}

/** Where a kustomization's fields are written: its file, or (for fields a Flux Kustomization adds) the declaration. */
export interface NodeSourceMap {
  has(path: JsonPath): boolean;
  locate(path: JsonPath): Located;
  /** The YAML node written at `path`, when the map knows it. */
  nodeAt(path: JsonPath): Node | undefined;
}

/** The kustomization file of a folder, if it has one. */
export function findKustomizationFile(repo: RepoFiles, dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const file = dir ? `${dir}/${name}` : name;
    if (repo.isFile(file)) return file;
  }
  return undefined;
}

/** Whether a kustomization entry names something remote (which kustomize would fetch). */
export function isRemoteReference(value: string): boolean {
  const v = value.trim();
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ||
    /^git@/i.test(v) ||
    /^[a-z0-9][a-z0-9+.-]*::/i.test(v) ||
    /[?&](ref|version|submodules|timeout)=/i.test(v) ||
    /^(github\.com|gitlab\.com|bitbucket\.org|ssh\.dev\.azure\.com|dev\.azure\.com)\//i.test(v) ||
    /\.git(\/\/|$|\?)/i.test(v)
  );
}

/**
 * The immutable version a remote reference names, if any: a commit id or a release tag in `?ref=`/`?version=`, in
 * a raw.githubusercontent.com path, or in a GitHub release download path. A branch (or no ref at all) is no pin.
 */
export function remotePin(value: string): string | undefined {
  const ref =
    /[?&](?:ref|version)=([^&#]+)/i.exec(value)?.[1] ??
    /^https?:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/([^/]+)\//i.exec(value)?.[1] ??
    /\/releases\/download\/([^/]+)\//.exec(value)?.[1];
  if (ref === undefined) return undefined;
  if (/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(ref)) return `commit ${ref.slice(0, 12)}`;
  if (/^v?\d+(\.\d+){1,2}([-+][\w.-]+)?$/.test(ref)) return `tag ${ref}`;
  return undefined;
}

/** Parses the kustomization file of `dir` and lists what it loads directly. Never throws. */
export function parseKustomization(repo: RepoFiles, dir: string, file = findKustomizationFile(repo, dir)): KustomizationNode {
  const node = emptyNode(dir, file ?? (dir ? `${dir}/kustomization.yaml` : 'kustomization.yaml'));
  if (!file) {
    node.errors.push(new InputError(node.file, `folder "${dir || '.'}" has no kustomization file`, 'file-not-found'));
    return node;
  }
  const present = KUSTOMIZATION_FILE_NAMES.map((n) => (dir ? `${dir}/${n}` : n)).filter((f) => repo.isFile(f));
  let text: string;
  try {
    text = repo.readText(file);
  } catch (err) {
    node.errors.push(asInputError(err, file));
    return node;
  }
  const parsed = readKustomizationText(text, file);
  node.errors.push(...parsed.errors);
  const docs = parsed.documents.filter((d) => d.value !== null && d.value !== undefined);
  const doc = docs[0];
  if (parsed.errors.length > 0) return node;
  if (!doc) {
    // An empty kustomization builds nothing, and kustomize accepts it.
    node.readable = present.length === 1;
    node.sourceMap = emptySourceMap(file);
    return node;
  }
  if (docs.length > 1) {
    node.errors.push(new InputError(file, 'a kustomization file holds one YAML document; kustomize reads only the first, so the file is refused', 'invalid-kustomization', docs[1].line));
    return node;
  }
  if (!isRecord(doc.value)) {
    node.errors.push(new InputError(file, 'a kustomization must be a YAML mapping', 'invalid-kustomization', doc.line));
    return node;
  }
  const decoded = decodeKustomization(doc.value);
  node.value = decoded.value;
  node.sourceMap = doc.sourceMap.withPaths(decoded.paths);
  for (const p of decoded.problems) node.errors.push(new InputError(file, p.message, 'invalid-kustomization', doc.sourceMap.locate(p.path).location.line));
  if (present.length > 1) {
    node.errors.push(new InputError(file, `folder has more than one kustomization file (${present.map((f) => path.posix.basename(f)).join(', ')}); kustomize refuses to build it`, 'invalid-kustomization'));
  }
  if (typeof node.value.kind === 'string') node.kind = node.value.kind;
  node.readable = node.errors.length === 0;
  if (node.readable) collectEntries(repo, node);
  return node;
}

/**
 * The kustomization text parsed after the rewrites kustomize makes to the raw text before decoding it
 * (api/types/fix.go FixKustomizationPreUnmarshalling): every `imageTags:` becomes `images:`, and when `patches`
 * lists a plain string every `patches:` becomes `patchesStrategicMerge:`, wherever the text stands.
 */
function readKustomizationText(text: string, file: string): GoYamlResult {
  const fixed = text.replaceAll('imageTags:', 'images:');
  const parsed = parseGoYaml(fixed, file);
  const first = parsed.documents[0]?.value;
  const patches = isRecord(first) && Object.hasOwn(first, 'patches') ? first.patches : undefined;
  const legacy = Array.isArray(patches) && patches.some((p) => typeof p === 'string');
  return legacy ? parseGoYaml(fixed.replaceAll('patches:', 'patchesStrategicMerge:'), file) : parsed;
}

/** Entry collection: every field that makes kustomize read a file. Types were checked by the decoder. */
function collectEntries(repo: RepoFiles, node: KustomizationNode): void {
  const k = node.value;
  const lineOf = (yamlPath: JsonPath): number => node.sourceMap?.locate(yamlPath).location.line ?? 1;
  const list = (field: string): unknown[] => (Array.isArray(k[field]) ? (k[field] as unknown[]) : []);
  const entry = (field: string, yamlPath: JsonPath, value: string, role: EntryRole, prefix?: string): KustomizationEntry => ({
    field,
    yamlPath,
    value,
    ...(prefix ? { prefix } : {}),
    line: lineOf(yamlPath),
    role
  });

  for (const [field, role] of [['resources', 'resource'], ['bases', 'resource'], ['components', 'component']] as const) {
    list(field).forEach((item, i) => addEntry(repo, node, entry(field, [field, i], item as string, role), true));
  }
  for (const field of ['crds', 'configurations']) {
    list(field).forEach((item, i) => addEntry(repo, node, entry(field, [field, i], item as string, 'config'), false));
  }
  for (const field of ['generators', 'transformers', 'validators']) {
    list(field).forEach((item, i) => {
      const text = item as string;
      if (text.includes('\n')) checkInlinePluginConfig(node, entry(field, [field, i], text, 'plugin-config'));
      else addEntry(repo, node, entry(field, [field, i], text, 'plugin-config'), true);
    });
  }
  for (const field of ['patches', 'patchesJson6902', 'replacements']) {
    list(field).forEach((item, i) => {
      if (isRecord(item) && typeof item.path === 'string') addEntry(repo, node, entry(field, [field, i, 'path'], item.path, field === 'replacements' ? 'config' : 'patch'), false);
    });
  }
  list('patchesStrategicMerge').forEach((item, i) => {
    if (!isInlinePatch(item as string)) addEntry(repo, node, entry('patchesStrategicMerge', ['patchesStrategicMerge', i], item as string, 'patch'), false);
  });
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    list(field).forEach((gen, i) => {
      if (!isRecord(gen)) return;
      (Array.isArray(gen.files) ? gen.files : []).forEach((f: unknown, j: number) => {
        const eq = (f as string).indexOf('=');
        const prefix = eq >= 0 ? (f as string).slice(0, eq + 1) : undefined;
        addEntry(repo, node, entry(field, [field, i, 'files', j], eq >= 0 ? (f as string).slice(eq + 1) : (f as string), 'generator-file', prefix), false);
      });
      (Array.isArray(gen.envs) ? gen.envs : []).forEach((f: unknown, j: number) => addEntry(repo, node, entry(field, [field, i, 'envs', j], f as string, 'generator-file'), false));
      if (typeof gen.env === 'string') addEntry(repo, node, entry(field, [field, i, 'env'], gen.env, 'generator-file'), false);
    });
  }
  const openapi = k.openapi;
  if (isRecord(openapi) && typeof openapi.path === 'string') addEntry(repo, node, entry('openapi', ['openapi', 'path'], openapi.path, 'config'), false);

  for (const field of ['helmCharts', 'helmChartInflationGenerator']) {
    if (k[field] === undefined || k[field] === null) continue;
    node.helmCharts = true;
    node.refused.push([field]);
    const names = list(field).map((c) => (isRecord(c) && typeof c.name === 'string' ? c.name : '')).filter(Boolean);
    node.errors.push(
      new InputError(
        node.file,
        `"${field}"${names.length ? ` (${names.join(', ')})` : ''} is recorded but not rendered: Helm chart inflation is off in kustomize builds, so objects from these charts are not checked`,
        'helm-inflation-disabled',
        lineOf([field])
      )
    );
  }
  if (k.helmGlobals !== undefined) node.refused.push(['helmGlobals']);
}

/**
 * kustomize tries a patchesStrategicMerge entry as inline YAML objects before it tries it as a file
 * (PatchStrategicMergeTransformer.Config); a multi-line entry or one that starts like an object is inline.
 */
function isInlinePatch(value: string): boolean {
  return value.includes('\n') || /^\s*(\{|apiVersion\s*:|kind\s*:|metadata\s*:)/m.test(value);
}

/**
 * Generator, transformer and validator configurations are read by kustomize too, and a builtin plugin's config can
 * load a file or a URL (`path:`, `paths:`). They are read like kustomizations; one that names something remote, or
 * cannot be read unambiguously, is refused; the others are re-serialised into the sandbox.
 */
function pluginConfigDocuments(node: KustomizationNode, entry: KustomizationEntry, text: string, where: string): unknown[] | undefined {
  const parsed = parseGoYaml(text, where);
  const refuse = (reason: string, ruleId: string): undefined => {
    node.refused.push(entry.yamlPath.slice(0, 2));
    node.errors.push(new InputError(node.file, `${entry.field} entry ${entry.yamlPath[1] as number + 1}: ${reason}`, ruleId, entry.line));
    return undefined;
  };
  if (parsed.errors.length > 0) return refuse(`the configuration cannot be read unambiguously (${parsed.errors[0].reason})`, 'invalid-kustomization');
  const values = parsed.documents.map((d) => d.value).filter((v) => v !== null);
  const remote = remoteStrings(values)[0];
  if (remote !== undefined) return refuse(`the configuration names "${remote}", which kustomize would fetch; the gate renders only what is in the repository`, 'remote-resource');
  return values;
}

function checkInlinePluginConfig(node: KustomizationNode, entry: KustomizationEntry): void {
  const values = pluginConfigDocuments(node, entry, entry.value, node.file);
  if (!values) return;
  // kustomize reads the inline text as YAML; hand it what was checked.
  (node.value[entry.field] as unknown[])[entry.yamlPath[1] as number] = values.map(toJsonDocument).join('---\n');
}

/** Every string in a value that names a remote location. */
function remoteStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (isRemoteReference(value)) out.push(value);
  } else if (Array.isArray(value)) for (const v of value) remoteStrings(v, out);
  else if (isRecord(value)) for (const v of Object.values(value)) remoteStrings(v, out);
  return out;
}

/**
 * A value as JSON text that YAML 1.1 readers (go-yaml v2, kyaml) read back as the same value: every string
 * double-quoted, and the characters those readers treat as line breaks or byte-order marks escaped.
 */
export function toJsonDocument(value: unknown): string {
  return `${JSON.stringify(value).replace(/[\u0080-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

function addEntry(repo: RepoFiles, node: KustomizationNode, entry: KustomizationEntry, allowFolders: boolean): void {
  node.entries.push(entry);
  const refuse = (reason: string, ruleId: string): void => {
    const generator = entry.field === 'configMapGenerator' || entry.field === 'secretGenerator';
    node.refused.push(entry.field === 'openapi' ? ['openapi'] : generator ? entry.yamlPath : entry.yamlPath.slice(0, 2));
    node.errors.push(new InputError(node.file, reason, ruleId, entry.line));
  };
  if (isRemoteReference(entry.value)) {
    const pin = remotePin(entry.value);
    return pin
      ? refuse(`remote ${entry.field} entry "${entry.value}" (pinned to ${pin}) is not fetched: the gate renders only what is in the repository (no network during rendering)`, 'remote-resource-pinned')
      : refuse(`remote ${entry.field} entry "${entry.value}" is not fetched: the gate renders only what is in the repository (no network during rendering); it follows a branch or the default branch, so what it deploys can change without a commit here`, 'remote-resource');
  }
  let lexical: string;
  try {
    lexical = repo.resolveFrom(node.dir, entry.value, node.file);
  } catch (err) {
    const e = asInputError(err, node.file);
    return refuse(`${entry.field} entry "${entry.value}": ${e.reason}`, e.ruleId);
  }
  if (allowFolders && repo.isDirectory(lexical)) {
    const real = repo.canonical(lexical);
    if (entry.role === 'plugin-config') {
      return refuse(`${entry.field} entry "${entry.value}" is a folder: configurations built by another kustomization cannot be checked before kustomize runs them`, 'invalid-kustomization');
    }
    if (!findKustomizationFile(repo, real)) return refuse(`${entry.field} entry "${entry.value}" is a folder without a kustomization file`, 'file-not-found');
    entry.resolved = real;
    entry.folder = true;
    if (!node.includes.includes(real)) node.includes.push(real);
    return;
  }
  if (!repo.isFile(lexical)) {
    let reason = 'not found in the repository';
    let ruleId = 'file-not-found';
    try {
      repo.readBytes(lexical);
    } catch (err) {
      const e = asInputError(err, lexical);
      reason = e.reason;
      ruleId = e.ruleId;
    }
    return refuse(`${entry.field} entry "${entry.value}" (${lexical || '.'}): ${reason}`, ruleId);
  }
  // kustomize resolves the folders of a file path (its load restrictor compares real folders) but reads the file
  // itself through a link: the file sits in its folder's real path under its own name.
  const dir = path.posix.dirname(lexical);
  const realDir = repo.canonical(dir === '.' ? '' : dir);
  const resolved = realDir ? `${realDir}/${path.posix.basename(lexical)}` : path.posix.basename(lexical);
  if (entry.role === 'plugin-config') {
    let text: string;
    try {
      text = repo.readText(resolved);
    } catch (err) {
      return refuse(`${entry.field} entry "${entry.value}": ${asInputError(err, resolved).reason}`, asInputError(err, resolved).ruleId);
    }
    const values = pluginConfigDocuments(node, entry, text, resolved);
    if (!values) return;
    node.pluginConfigs.set(resolved, values);
  }
  entry.resolved = resolved;
  for (const f of [resolved, repo.canonical(resolved)]) if (!node.files.includes(f)) node.files.push(f);
}

function asInputError(err: unknown, file: string): InputError {
  if (err instanceof InputError) return err;
  return new InputError(file, (err as Error).message ?? String(err), 'invalid-input');
}

/**
 * A kustomization made from a value rather than read from its file: a Flux Kustomization's spec merged into the
 * folder's kustomization, or the one Flux generates for a folder without one. Its entries are resolved as a read
 * kustomization's are. A `base` (the folder's own kustomization) that cannot be read is returned as it is.
 */
export function kustomizationFromValue(repo: RepoFiles, dir: string, file: string, value: Record<string, unknown>, sourceMap: NodeSourceMap, base?: KustomizationNode): KustomizationNode {
  if (base && !base.readable) return base;
  // A readable kustomization's problems all come from its entries, which are collected again here.
  const node: KustomizationNode = { ...emptyNode(dir, file), kind: typeof value.kind === 'string' ? value.kind : 'Kustomization', value, sourceMap, readable: true };
  collectEntries(repo, node);
  return node;
}

/** A kustomization node that loads nothing yet. */
function emptyNode(dir: string, file: string): KustomizationNode {
  return { dir, file, kind: 'Kustomization', value: {}, readable: false, entries: [], files: [], includes: [], refused: [], pluginConfigs: new Map(), helmCharts: false, errors: [] };
}

/** A cache of parsed kustomizations shared by the graphs of one repository snapshot. */
export type KustomizationCache = Map<string, KustomizationNode>;

/**
 * Loads the kustomization in `dir` and everything it includes, transitively, by real folder. Cycles (also those
 * made by symbolic links) are errors naming the kustomization file and line that closes them.
 */
export function loadKustomizationGraph(repo: RepoFiles, dir: string, cache: KustomizationCache = new Map(), rootNode?: KustomizationNode): KustomizationGraph {
  const nodes = new Map<string, KustomizationNode>();
  const errors: InputError[] = [];
  const inputs = new Set<string>();
  const stack: string[] = [];
  const get = (d: string): KustomizationNode => {
    if (rootNode && d === rootNode.dir) return rootNode;
    let n = cache.get(d);
    if (!n) {
      n = parseKustomization(repo, d);
      cache.set(d, n);
    }
    return n;
  };
  const visit = (d: string): void => {
    const node = get(d);
    nodes.set(d, node);
    if (node.sourceMap || repo.isFile(node.file)) inputs.add(node.file);
    for (const f of node.files) inputs.add(f);
    errors.push(...node.errors);
    stack.push(d);
    for (const inc of node.includes) {
      if (stack.includes(inc)) {
        const entry = node.entries.find((e) => e.resolved === inc && e.folder);
        const cycle = [...stack.slice(stack.indexOf(inc)), inc].map((s) => s || '.').join(' -> ');
        errors.push(new InputError(node.file, `kustomization cycle: ${cycle}`, 'kustomization-cycle', entry?.line));
        continue;
      }
      if (nodes.has(inc)) continue;
      visit(inc);
    }
    stack.pop();
  };
  let root = dir;
  try {
    root = repo.canonical(dir);
  } catch {
    // A folder that does not resolve: parsing reports it.
  }
  visit(root);
  const readable = [...nodes.values()].every((n) => n.readable) && !errors.some((e) => e.ruleId === 'kustomization-cycle');
  return { root, rootFile: nodes.get(root)?.file, nodes, inputs: [...inputs].sort(), readable, errors: dedupeErrors(errors) };
}

/** Removes repeated errors (the same base reached twice reports once). */
export function dedupeErrors(errors: InputError[]): InputError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.file}\0${e.line ?? ''}\0${e.ruleId}\0${e.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
