/**
 * The kustomize sandbox: a fresh temp folder holding exactly the target's inputs, read through RepoFiles.
 *
 * What kustomize reads here is what the gate checked, never the user's bytes where the gate had to interpret them:
 * - every kustomization is written anew from the document as the gate decoded it (canonical field names, merge
 *   keys expanded, YAML 1.1 scalars resolved, refused entries removed, each entry pointing at the repository path
 *   the gate resolved), as JSON; a kustomization the gate could not read is never written (its target is not
 *   rendered: see renderKustomize);
 * - generator, transformer and validator configurations likewise (a builtin plugin's config can load files);
 * - resources, patches and generator files are copied as they are: kustomize reads them as data, and what it makes
 *   of them is the rendered output the gate checks.
 * The root kustomization also asks for origin and transformer annotations, which map the output back to files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError, type RepoFiles } from '../../repo/files.js';
import { isRecord, type JsonPath } from '../../objects/types.js';
import { toJsonDocument, type KustomizationGraph, type KustomizationNode } from '../../targets/kustomization.js';

export interface Sandbox {
  /** Absolute temp folder standing for the repository root. */
  root: string;
  /** Absolute folder of the target inside the sandbox. */
  targetDir: string;
  errors: InputError[];
  remove(): void;
}

/** Writes the target's inputs into a new temp folder: kustomizations and plugin configurations re-serialised. */
export function createSandbox(repo: RepoFiles, targetPath: string, inputs: readonly string[], graph: KustomizationGraph): Sandbox {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gitops-gate-kustomize-'));
  const errors: InputError[] = [];
  const nodesByFile = new Map<string, KustomizationNode>();
  const pluginConfigs = new Map<string, unknown[]>();
  for (const node of graph.nodes.values()) {
    nodesByFile.set(node.file, node);
    for (const [file, docs] of node.pluginConfigs) pluginConfigs.set(file, docs);
  }
  try {
    for (const rel of inputs) {
      const dest = path.join(root, ...repo.normalize(rel).split('/'));
      if (!dest.startsWith(root + path.sep)) continue;
      const node = nodesByFile.get(rel);
      const docs = pluginConfigs.get(rel);
      let content: string | Buffer;
      if (node) content = serializeKustomization(node, node.dir === graph.root);
      else if (docs) content = docs.map(toJsonDocument).join('---\n');
      else {
        try {
          content = repo.readBytes(rel);
        } catch (err) {
          errors.push(err instanceof InputError ? err : new InputError(rel, (err as Error).message, 'invalid-input'));
          continue;
        }
      }
      mkdirSync(path.dirname(dest), { recursive: true });
      writeFileSync(dest, content);
    }
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const targetDir = targetPath ? path.join(root, ...targetPath.split('/')) : root;
  mkdirSync(targetDir, { recursive: true });
  return { root, targetDir, errors, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * The kustomization kustomize gets: the decoded document with each entry rewritten to the path the gate resolved
 * (relative to the kustomization's folder, a generator's `key=` kept), refused entries dropped, and for the root
 * `buildMetadata: [originAnnotations, transformerAnnotations]` added to what is there.
 */
export function serializeKustomization(node: KustomizationNode, isRoot: boolean): string {
  const value = structuredClone(node.value);
  for (const entry of node.entries) {
    if (entry.resolved === undefined) continue;
    const relative = path.posix.relative(node.dir, entry.resolved) || '.';
    setAt(value, entry.yamlPath, `${entry.prefix ?? ''}${relative}`);
  }
  for (const p of [...node.refused].sort(comparePathsDesc)) deleteAt(value, p);
  if (isRoot) {
    const wanted = ['originAnnotations', 'transformerAnnotations'];
    const current = Array.isArray(value.buildMetadata) ? (value.buildMetadata as unknown[]) : [];
    value.buildMetadata = [...current, ...wanted.filter((w) => !current.includes(w))];
  }
  return toJsonDocument(value);
}

function parentOf(value: unknown, p: JsonPath): unknown {
  let cur = value;
  for (const seg of p.slice(0, -1)) cur = isRecord(cur) ? cur[seg as string] : Array.isArray(cur) ? cur[seg as number] : undefined;
  return cur;
}

function setAt(value: unknown, p: JsonPath, v: unknown): void {
  const parent = parentOf(value, p);
  const last = p[p.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = v;
  else if (isRecord(parent)) parent[last as string] = v;
}

function deleteAt(value: unknown, p: JsonPath): void {
  const parent = parentOf(value, p);
  const last = p[p.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isRecord(parent)) delete parent[last as string];
}

function comparePathsDesc(a: JsonPath, b: JsonPath): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    if (typeof a[i] === 'number' && typeof b[i] === 'number') return (b[i] as number) - (a[i] as number);
    return String(b[i]).localeCompare(String(a[i]));
  }
  return b.length - a.length;
}
