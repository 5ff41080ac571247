/**
 * A kustomization's loading graph: which repository files it reads, transitively, without running kustomize.
 * Every path goes through RepoFiles (confined to the repository); remote resources are refused, never fetched.
 */
import path from 'node:path';
import { InputError, type RepoFiles } from '../repo/files.js';
import { isRecord, type JsonPath } from '../objects/types.js';
import { parseYaml, type YamlSourceMap } from '../objects/yaml-source.js';

/** The names kustomize accepts for a kustomization file, in the order it looks for them. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** What one entry of a kustomization points at. */
export type EntryRole = 'resource' | 'component' | 'patch' | 'config' | 'generator-file' | 'helm-chart';

export interface KustomizationEntry {
  /** Top-level field the entry sits in (`resources`, `patches`, `configMapGenerator`, ...). */
  field: string;
  /** Where the entry sits in the kustomization document, e.g. ['patches', 1, 'path']. */
  yamlPath: JsonPath;
  /** The text written in the kustomization. */
  value: string;
  /** 1-based line of the entry in the kustomization file. */
  line: number;
  role: EntryRole;
  /** Repository-relative path the entry resolves to (absent for refused entries). */
  resolved?: string;
  /** Set when the entry resolved to a folder holding a kustomization. */
  folder?: boolean;
}

/** One parsed kustomization file and what it loads directly. */
export interface KustomizationNode {
  /** Repository-relative folder. */
  dir: string;
  /** Repository-relative kustomization file. */
  file: string;
  /** `Kustomization` or `Component`. */
  kind: string;
  /** The parsed document (a mapping; empty when the file could not be read). */
  value: Record<string, unknown>;
  sourceMap?: YamlSourceMap;
  /** Entries that load something. */
  entries: KustomizationEntry[];
  /** Files loaded directly (not through an included kustomization), repository-relative. */
  files: string[];
  /** Folders of kustomizations included through resources/bases/components (and generator/transformer folders). */
  includes: string[];
  /** Entries that must be dropped from a sandbox copy (remote, outside the repository, missing, helm). */
  refused: JsonPath[];
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
  errors: InputError[];
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
    /^git::/i.test(v) ||
    /[?&](ref|version|submodules|timeout)=/i.test(v) ||
    /^(github\.com|gitlab\.com|bitbucket\.org|ssh\.dev\.azure\.com|dev\.azure\.com)\//i.test(v) ||
    /\.git(\/\/|$|\?)/i.test(v)
  );
}

/** Parses the kustomization file of `dir` and lists what it loads directly. Never throws. */
export function parseKustomization(repo: RepoFiles, dir: string, file = findKustomizationFile(repo, dir)): KustomizationNode {
  const node: KustomizationNode = {
    dir,
    file: file ?? (dir ? `${dir}/kustomization.yaml` : 'kustomization.yaml'),
    kind: 'Kustomization',
    value: {},
    entries: [],
    files: [],
    includes: [],
    refused: [],
    helmCharts: false,
    errors: []
  };
  if (!file) {
    node.errors.push(new InputError(node.file, `folder "${dir || '.'}" has no kustomization file`, 'file-not-found'));
    return node;
  }
  const present = KUSTOMIZATION_FILE_NAMES.map((n) => (dir ? `${dir}/${n}` : n)).filter((f) => repo.isFile(f));
  if (present.length > 1) {
    node.errors.push(new InputError(file, `folder has more than one kustomization file (${present.map((f) => path.posix.basename(f)).join(', ')}); kustomize refuses to build it`, 'invalid-kustomization'));
  }
  let text: string;
  try {
    text = repo.readText(file);
  } catch (err) {
    node.errors.push(asInputError(err, file));
    return node;
  }
  const parsed = parseYaml(text, file);
  node.errors.push(...parsed.errors);
  const docs = parsed.documents.filter((d) => d.value !== null && d.value !== undefined);
  const doc = docs[0];
  if (!doc) return node;
  if (docs.length > 1) node.errors.push(new InputError(file, 'a kustomization file holds one YAML document; only the first is read', 'invalid-kustomization', docs[1].line));
  if (!isRecord(doc.value)) {
    node.errors.push(new InputError(file, 'a kustomization must be a YAML mapping', 'invalid-kustomization', doc.line));
    return node;
  }
  node.value = doc.value;
  node.sourceMap = doc.sourceMap;
  if (typeof doc.value.kind === 'string') node.kind = doc.value.kind;
  collectEntries(repo, node);
  return node;
}

/** Entry collection: every field that makes kustomize read a file. */
function collectEntries(repo: RepoFiles, node: KustomizationNode): void {
  const k = node.value;
  const lineOf = (yamlPath: JsonPath): number => node.sourceMap?.locate(yamlPath).location.line ?? 1;
  const bad = (yamlPath: JsonPath, reason: string): void => {
    node.errors.push(new InputError(node.file, reason, 'invalid-kustomization', lineOf(yamlPath)));
  };
  const stringList = (field: string, role: EntryRole, allowFolders: boolean, allowInline = false): void => {
    const list = k[field];
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) return bad([field], `"${field}" must be a list`);
    list.forEach((item: unknown, i: number) => {
      if (typeof item !== 'string') {
        if (allowInline && isRecord(item)) return;
        return bad([field, i], `"${field}" entry ${i + 1} must be a string`);
      }
      if (allowInline && item.includes('\n')) return;
      addEntry(repo, node, { field, yamlPath: [field, i], value: item, line: lineOf([field, i]), role }, allowFolders);
    });
  };
  stringList('resources', 'resource', true);
  stringList('bases', 'resource', true);
  stringList('components', 'component', true);
  stringList('crds', 'config', false);
  stringList('configurations', 'config', false);
  stringList('generators', 'config', true, true);
  stringList('transformers', 'config', true, true);
  stringList('validators', 'config', true, true);

  const pathItems = (field: string, role: EntryRole): void => {
    const list = k[field];
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) return bad([field], `"${field}" must be a list`);
    list.forEach((item: unknown, i: number) => {
      if (!isRecord(item)) return bad([field, i], `"${field}" entry ${i + 1} must be a mapping`);
      if (item.path === undefined || item.path === null) return;
      if (typeof item.path !== 'string') return bad([field, i, 'path'], `"${field}" entry ${i + 1}: "path" must be a string`);
      addEntry(repo, node, { field, yamlPath: [field, i, 'path'], value: item.path, line: lineOf([field, i, 'path']), role }, false);
    });
  };
  pathItems('patches', 'patch');
  pathItems('patchesJson6902', 'patch');
  pathItems('replacements', 'config');

  const smp = k.patchesStrategicMerge;
  if (Array.isArray(smp)) {
    smp.forEach((item: unknown, i: number) => {
      if (typeof item !== 'string') return bad(['patchesStrategicMerge', i], `"patchesStrategicMerge" entry ${i + 1} must be a string`);
      if (isInlinePatch(item)) return;
      addEntry(repo, node, { field: 'patchesStrategicMerge', yamlPath: ['patchesStrategicMerge', i], value: item, line: lineOf(['patchesStrategicMerge', i]), role: 'patch' }, false);
    });
  } else if (smp !== undefined && smp !== null) bad(['patchesStrategicMerge'], '"patchesStrategicMerge" must be a list');

  for (const field of ['configMapGenerator', 'secretGenerator']) {
    const list = k[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      bad([field], `"${field}" must be a list`);
      continue;
    }
    list.forEach((gen: unknown, i: number) => {
      if (!isRecord(gen)) return bad([field, i], `"${field}" entry ${i + 1} must be a mapping`);
      if (Array.isArray(gen.files)) {
        gen.files.forEach((f: unknown, j: number) => {
          if (typeof f !== 'string') return bad([field, i, 'files', j], `"${field}" files entry must be a string`);
          const eq = f.indexOf('=');
          const p = eq >= 0 ? f.slice(eq + 1) : f;
          addEntry(repo, node, { field, yamlPath: [field, i, 'files', j], value: p, line: lineOf([field, i, 'files', j]), role: 'generator-file' }, false);
        });
      }
      if (Array.isArray(gen.envs)) {
        gen.envs.forEach((f: unknown, j: number) => {
          if (typeof f !== 'string') return bad([field, i, 'envs', j], `"${field}" envs entry must be a string`);
          addEntry(repo, node, { field, yamlPath: [field, i, 'envs', j], value: f, line: lineOf([field, i, 'envs', j]), role: 'generator-file' }, false);
        });
      }
      if (typeof gen.env === 'string') {
        addEntry(repo, node, { field, yamlPath: [field, i, 'env'], value: gen.env, line: lineOf([field, i, 'env']), role: 'generator-file' }, false);
      }
    });
  }

  const openapi = k.openapi;
  if (isRecord(openapi) && typeof openapi.path === 'string') {
    addEntry(repo, node, { field: 'openapi', yamlPath: ['openapi', 'path'], value: openapi.path, line: lineOf(['openapi', 'path']), role: 'config' }, false);
  }

  for (const field of ['helmCharts', 'helmChartInflationGenerator']) {
    if (k[field] === undefined || k[field] === null) continue;
    node.helmCharts = true;
    node.refused.push([field]);
    const list = Array.isArray(k[field]) ? (k[field] as unknown[]) : [];
    const names = list.map((c) => (isRecord(c) && typeof c.name === 'string' ? c.name : '')).filter(Boolean);
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

/** patchesStrategicMerge entries may be inline YAML documents instead of file paths. */
function isInlinePatch(value: string): boolean {
  return value.includes('\n') || /^\s*(apiVersion|kind|metadata)\s*:/m.test(value);
}

function addEntry(repo: RepoFiles, node: KustomizationNode, entry: KustomizationEntry, allowFolders: boolean): void {
  node.entries.push(entry);
  const refuse = (reason: string, ruleId: string): void => {
    const generator = entry.field === 'configMapGenerator' || entry.field === 'secretGenerator';
    node.refused.push(entry.field === 'openapi' ? ['openapi'] : generator ? entry.yamlPath : entry.yamlPath.slice(0, 2));
    node.errors.push(new InputError(node.file, reason, ruleId, entry.line));
  };
  if (isRemoteReference(entry.value)) {
    return refuse(`remote ${entry.field} entry "${entry.value}" is not fetched: the gate renders only what is in the repository (no network during rendering)`, 'remote-resource');
  }
  let resolved: string;
  try {
    resolved = repo.resolveFrom(node.dir, entry.value, node.file);
  } catch (err) {
    const e = asInputError(err, node.file);
    return refuse(`${entry.field} entry "${entry.value}": ${e.reason}`, e.ruleId);
  }
  if (allowFolders && repo.isDirectory(resolved)) {
    if (!findKustomizationFile(repo, resolved)) {
      return refuse(`${entry.field} entry "${entry.value}" is a folder without a kustomization file`, 'file-not-found');
    }
    entry.resolved = resolved;
    entry.folder = true;
    if (!node.includes.includes(resolved)) node.includes.push(resolved);
    return;
  }
  if (!repo.isFile(resolved)) {
    let reason = 'not found in the repository';
    let ruleId = 'file-not-found';
    try {
      repo.readBytes(resolved);
    } catch (err) {
      const e = asInputError(err, resolved);
      reason = e.reason;
      ruleId = e.ruleId;
    }
    return refuse(`${entry.field} entry "${entry.value}" (${resolved || '.'}): ${reason}`, ruleId);
  }
  entry.resolved = resolved;
  if (!node.files.includes(resolved)) node.files.push(resolved);
}

function asInputError(err: unknown, file: string): InputError {
  if (err instanceof InputError) return err;
  return new InputError(file, (err as Error).message ?? String(err), 'invalid-input');
}

/** A cache of parsed kustomizations shared by the graphs of one repository snapshot. */
export type KustomizationCache = Map<string, KustomizationNode>;

/**
 * Loads the kustomization in `dir` and everything it includes, transitively. Cycles are errors naming the
 * kustomization file and line that closes them.
 */
export function loadKustomizationGraph(repo: RepoFiles, dir: string, cache: KustomizationCache = new Map()): KustomizationGraph {
  const nodes = new Map<string, KustomizationNode>();
  const errors: InputError[] = [];
  const inputs = new Set<string>();
  const stack: string[] = [];
  const get = (d: string): KustomizationNode => {
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
  visit(dir);
  return { root: dir, rootFile: nodes.get(dir)?.file, nodes, inputs: [...inputs].sort(), errors: dedupeErrors(errors) };
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
