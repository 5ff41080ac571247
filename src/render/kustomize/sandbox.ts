/**
 * The kustomize sandbox: a fresh temp folder holding exactly the target's declared inputs (read through
 * RepoFiles), with the root kustomization asking for origin annotations and refused entries removed.
 * The user's files are never edited; kustomize never sees anything outside the inputs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument, isSeq } from 'yaml';
import { InputError, type RepoFiles } from '../../repo/files.js';
import type { JsonPath } from '../../objects/types.js';
import type { KustomizationGraph, KustomizationNode } from '../../targets/kustomization.js';

export interface Sandbox {
  /** Absolute temp folder standing for the repository root. */
  root: string;
  /** Absolute folder of the target inside the sandbox. */
  targetDir: string;
  errors: InputError[];
  remove(): void;
}

/** Copies `inputs` into a new temp folder and rewrites the kustomization files there. */
export function createSandbox(repo: RepoFiles, targetPath: string, inputs: readonly string[], graph: KustomizationGraph): Sandbox {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gitops-gate-kustomize-'));
  const errors: InputError[] = [];
  const nodesByFile = new Map<string, KustomizationNode>();
  for (const node of graph.nodes.values()) nodesByFile.set(node.file, node);
  try {
    for (const rel of inputs) {
      let bytes: Buffer;
      try {
        bytes = repo.readBytes(rel);
      } catch (err) {
        errors.push(err instanceof InputError ? err : new InputError(rel, (err as Error).message, 'invalid-input'));
        continue;
      }
      const dest = path.join(root, ...repo.normalize(rel).split('/'));
      if (!dest.startsWith(root + path.sep)) continue;
      mkdirSync(path.dirname(dest), { recursive: true });
      const node = nodesByFile.get(rel);
      if (node) {
        writeFileSync(dest, rewriteKustomization(bytes.toString('utf8'), node, node.dir === graph.root));
      } else {
        writeFileSync(dest, bytes);
      }
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
 * Drops refused entries (remote, outside the repository, missing, Helm inflation) and, for the root, merges
 * `buildMetadata: [originAnnotations, transformerAnnotations]` into what is there.
 */
export function rewriteKustomization(text: string, node: KustomizationNode, isRoot: boolean): string {
  if (!isRoot && node.refused.length === 0) return text;
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0 || doc.contents === null) return text;
  // Delete list items from the highest index down so earlier indices stay valid.
  const refused = [...node.refused].sort(comparePathsDesc);
  for (const p of refused) {
    if (doc.hasIn(p)) doc.deleteIn(p);
  }
  if (isRoot) {
    const current = doc.getIn(['buildMetadata']);
    const wanted = ['originAnnotations', 'transformerAnnotations'];
    if (isSeq(current)) {
      const have = new Set(current.items.map((i) => String((i as { value?: unknown }).value ?? i)));
      for (const w of wanted) if (!have.has(w)) current.add(w);
    } else {
      doc.setIn(['buildMetadata'], doc.createNode(wanted));
    }
  }
  return doc.toString();
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
