/**
 * Renders a kustomize target: sandbox copy of the declared inputs, `kustomize build` (or `kubectl kustomize`)
 * with plugins/exec/Helm off, then objects with mapping annotations removed and exact source maps.
 */
import { realpathSync } from 'node:fs';
import { InputError, type RepoFiles } from '../../repo/files.js';
import { isKubeObject, makeObject } from '../../objects/manifests.js';
import type { KubeObject } from '../../objects/types.js';
import { parseYaml } from '../../objects/yaml-source.js';
import { loadKustomizationGraph, type KustomizationGraph } from '../../targets/kustomization.js';
import { fluxKustomizationGraph } from '../../targets/flux-kustomization.js';
import type { FluxSubstitution, Target } from '../../targets/types.js';
import type { RenderOptions, RenderOutput } from '../types.js';
import { detectKustomize, type KustomizeBinary } from './binary.js';
import { createSandbox } from './sandbox.js';
import { KustomizeSourceMapper, takeMappingAnnotations } from './source-map.js';
import { splitDocuments, substituteDocument, withVariables, type SubstitutedDocument } from './flux-substitute.js';

export interface KustomizeRenderOptions extends RenderOptions {
  /** The kustomize program to run (default: detected on PATH). */
  binary?: KustomizeBinary;
  /** Most bytes of rendered output accepted (default 64 MiB). */
  maxOutputBytes?: number;
}

/**
 * Renders one kustomization. Problems with the kustomization's entries (remote, outside the repository,
 * missing files) are reported by discovery/loading and those entries are left out of the sandbox; this
 * reports what rendering itself meets: build failures, timeouts, unreadable inputs.
 */
export async function renderKustomize(target: Target, repo: RepoFiles, options: KustomizeRenderOptions): Promise<RenderOutput> {
  const graph = target.flux ? fluxKustomizationGraph(repo, target) : loadKustomizationGraph(repo, target.path);
  const rootFile = graph.rootFile ?? (target.path ? `${target.path}/kustomization.yaml` : 'kustomization.yaml');
  if (!graph.readable) {
    // A kustomization in the graph cannot be read unambiguously: kustomize never sees it (loading names the reason).
    const unreadable = [...graph.nodes.values()].filter((n) => !n.readable).map((n) => n.file);
    const why = unreadable.length > 0 ? `${unreadable.join(', ')} cannot be read unambiguously` : 'its kustomizations include each other in a cycle';
    return { objects: [], errors: [new InputError(rootFile, `not rendered: ${why}; no objects from this target are checked`, 'kustomization-not-rendered')] };
  }
  const binary = options.binary ?? detectKustomize();
  if (!binary) {
    return { objects: [], errors: [new InputError(rootFile, 'cannot render: neither `kustomize` nor `kubectl` is on PATH', 'kustomize-not-found')] };
  }
  // A Flux Kustomization's kustomization is the gate's own (merged or generated): the graph's files are what it reads.
  const inputs = target.flux ? graph.inputs : target.inputs.length > 0 ? target.inputs : graph.inputs;
  const sandbox = createSandbox(repo, graph.root, inputs, graph);
  const errors: InputError[] = [...sandbox.errors];
  const roots = sandboxRoots(sandbox.root);
  let result;
  try {
    // kustomize-controller builds with no load restrictions (Argo CD with kustomize's default); the sandbox holds only
    // files inside the repository.
    result = await binary.build(sandbox.targetDir, { timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes, loadRestrictionsNone: target.flux !== undefined && !target.flux.argocd });
  } finally {
    sandbox.remove();
  }
  if (!result.ok) {
    if (result.reason === 'timeout') {
      errors.push(new InputError(rootFile, `${binary.label} did not finish within ${options.timeoutMs} ms and was stopped; no objects from this target are checked`, 'render-timeout'));
    } else if (result.reason === 'output-too-large') {
      errors.push(new InputError(rootFile, `${binary.label} produced more output than the limit (${result.stderr}); stopped, no objects from this target are checked`, 'render-output-too-large'));
    } else if (result.reason === 'spawn-failed') {
      errors.push(new InputError(rootFile, `cannot run ${binary.label}: ${cleanMessage(result.stderr, roots)}`, 'kustomize-not-found'));
    } else {
      const message = cleanMessage(extractKustomizeError(result.stderr), roots) || `${binary.label} failed with exit code ${result.exitCode}`;
      const where = guessEntry(message, graph, rootFile, repo);
      errors.push(new InputError(where.file, `kustomize build failed: ${message}`, 'kustomize-build-failed', where.line));
    }
    return { objects: [], errors };
  }
  const substitution = target.flux?.substitute;
  const documents = substitution ? substituted(result.stdout, substitution, rootFile, target) : { texts: [result.stdout], uses: [new Map()] };
  if ('error' in documents) return { objects: [], errors: [...errors, documents.error] };
  const mapper = new KustomizeSourceMapper(repo, graph);
  const objects: KubeObject[] = [];
  documents.texts.forEach((text, i) => {
    const parsed = parseYaml(text, rootFile);
    for (const e of parsed.errors) errors.push(new InputError(rootFile, `kustomize output${substitution ? ' after Flux variable substitution' : ''}: ${e.reason}`, 'kustomize-build-failed'));
    for (const doc of parsed.documents) {
      if (!isKubeObject(doc.value)) continue;
      const body = doc.value;
      const annotations = takeMappingAnnotations(body, graph.root, repo);
      objects.push(makeObject(body, target.id, withVariables(mapper.sourceMapFor(body, annotations), documents.uses[i])));
    }
  });
  return { objects, errors };
}

/**
 * kustomize's output with a Flux Kustomization's `postBuild` variables substituted, document by document, or the
 * error that fails the build (the declaration's line names it).
 */
function substituted(stdout: string, substitution: FluxSubstitution, rootFile: string, target: Target): { texts: string[]; uses: SubstitutedDocument['uses'][] } | { error: InputError } {
  const texts: string[] = [];
  const uses: SubstitutedDocument['uses'][] = [];
  for (const text of splitDocuments(stdout)) {
    const value = parseYaml(text, rootFile).documents[0]?.value;
    try {
      const doc = substituteDocument(text, value, substitution);
      texts.push(doc.text);
      uses.push(doc.uses);
    } catch (err) {
      const at = target.declaredAt ?? { file: rootFile, line: 1 };
      return { error: new InputError(at.file, `Flux variable substitution failed: envsubst error: ${(err as Error).message}`, 'kustomize-build-failed', at.line) };
    }
  }
  return { texts, uses };
}

function sandboxRoots(root: string): string[] {
  const roots = [root];
  try {
    const real = realpathSync(root);
    if (real !== root) roots.push(real);
  } catch {
    // gone already
  }
  return roots;
}

/** kubectl wraps the message as `... "command failed" err="..."`; kustomize prints `Error: ...`. */
export function extractKustomizeError(stderr: string): string {
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== '' && !/^#\s*Warning:/i.test(l.trim()));
  const kubectl = stderr.match(/err="((?:[^"\\]|\\.)*)"/);
  if (kubectl) return kubectl[1].replace(/\\(.)/g, '$1');
  const err = lines.find((l) => /^Error:/.test(l));
  if (err) return err.replace(/^Error:\s*/, '');
  return lines.join('\n');
}

/** Removes sandbox paths (they mean nothing to the user) and bounds the length. */
export function cleanMessage(message: string, roots: string[]): string {
  let out = message;
  for (const root of roots) {
    out = out.split(`${root}/`).join('').split(root).join('.');
  }
  out = out.replace(/\/tmp\/gitops-gate-kustomize-[A-Za-z0-9]+\/?/g, '');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 2000 ? `${out.slice(0, 2000)}…` : out;
}

/** The kustomization entry an error message names, when it names one (`'missing.yaml'`, `unknown field "foo"`). */
function guessEntry(message: string, graph: KustomizationGraph, rootFile: string, repo: RepoFiles): { file: string; line?: number } {
  const nodes = [...graph.nodes.values()].sort((a, b) => (a.file === rootFile ? -1 : b.file === rootFile ? 1 : 0));
  for (const node of nodes) {
    for (const entry of node.entries) {
      if (message.includes(`'${entry.value}'`) || message.includes(`"${entry.value}"`) || (entry.resolved && message.includes(entry.resolved))) {
        return { file: node.file, line: entry.line };
      }
    }
  }
  // `no matches for Id Deployment.v1.apps/nope.[noNs]`: the patch entry whose file names that object.
  const id = message.match(/\b([A-Z][A-Za-z0-9]*)\.[^\s/"]*\/([a-z0-9][a-z0-9.-]*?)\.\[/);
  if (id) {
    const [, kind, name] = id;
    for (const node of nodes) {
      for (const entry of node.entries) {
        if (entry.role !== 'patch' || !entry.resolved) continue;
        let text = '';
        try {
          text = repo.readText(entry.resolved);
        } catch {
          continue;
        }
        if (new RegExp(`^kind:\\s*${kind}\\s*$`, 'm').test(text) && new RegExp(`^\\s+name:\\s*["']?${name.replace(/\./g, '\\.')}["']?\\s*$`, 'm').test(text)) {
          return { file: node.file, line: entry.line };
        }
      }
    }
  }
  const field = message.match(/unknown field "([^"]+)"/);
  if (field) {
    for (const node of nodes) {
      if (node.sourceMap?.has([field[1]])) return { file: node.file, line: node.sourceMap.locate([field[1]]).location.line };
    }
  }
  return { file: rootFile };
}
