/**
 * Flux 2.7's ArtifactGenerator (source.extensions.fluxcd.io/v1beta1, fluxcd/source-watcher) and the ExternalArtifact
 * it makes, where the artifact is this repository's content moved as a whole: every `copy` takes a folder
 * (`@alias/dir/**`) or a file of this repository's GitRepository into the artifact, and every one moves its content
 * by the same prefix (`apps/base/**` to `base/`, `apps/prod/**` to `prod/`: the artifact is the repository's `apps/`
 * with only those folders). Then a Kustomization's path in the artifact is a folder of this repository, built as it
 * is, and a file the build needs but the artifact does not hold fails the build as it fails in the cluster. Copies
 * that rearrange folders, globs within names and `exclude` are not reproduced: the Kustomization is reported as not
 * checked.
 */
import path from 'node:path';
import { isRecord, type KubeObject, type SourceLocation } from '../objects/types.js';

const GENERATOR_API = 'source.extensions.fluxcd.io/';

export function isArtifactGenerator(object: KubeObject): boolean {
  return object.kind === 'ArtifactGenerator' && object.apiVersion.startsWith(GENERATOR_API);
}

/** One ExternalArtifact as its generator makes it: a folder of this repository (`root`) and the parts it holds. */
export type FluxArtifact =
  | { name: string; namespace: string; location: SourceLocation; root: string; copied: string[] }
  | { name: string; namespace: string; location: SourceLocation; problem: string };

/** The artifacts a generator makes; `isThisRepository` says whether a GitRepository (namespace, name) is this checkout. */
export function artifactsOf(generator: KubeObject, isThisRepository: (namespace: string, name: string) => boolean): FluxArtifact[] {
  const spec = isRecord(generator.body.spec) ? generator.body.spec : {};
  const namespace = generator.namespace ?? 'default';
  const location = generator.sourceMap.locate([]).location;
  const aliases = new Map<string, boolean>();
  for (const s of Array.isArray(spec.sources) ? spec.sources : []) {
    if (!isRecord(s) || typeof s.alias !== 'string') continue;
    aliases.set(s.alias, s.kind === 'GitRepository' && typeof s.name === 'string' && isThisRepository(typeof s.namespace === 'string' ? s.namespace : namespace, s.name));
  }
  const out: FluxArtifact[] = [];
  for (const artifact of Array.isArray(spec.artifacts) ? spec.artifacts : []) {
    if (!isRecord(artifact) || typeof artifact.name !== 'string') continue;
    const made = layout(Array.isArray(artifact.copy) ? artifact.copy : [], aliases);
    out.push({ name: artifact.name, namespace, location, ...made });
  }
  return out;
}

/** The repository folder an artifact's content comes from, or why the gate cannot say. */
function layout(copies: unknown[], aliases: Map<string, boolean>): { root: string; copied: string[] } | { problem: string } {
  let root: string | undefined;
  const copied: string[] = [];
  for (const copy of copies) {
    if (!isRecord(copy) || typeof copy.from !== 'string' || typeof copy.to !== 'string') return { problem: 'a copy operation without from and to' };
    if (copy.exclude !== undefined) return { problem: `the copy from ${copy.from} excludes files, which the gate does not reproduce` };
    const from = /^@([^/]+)\/(.*)$/.exec(copy.from);
    const to = /^@artifact\/(.*)$/.exec(copy.to);
    if (!from || !to) return { problem: `the copy ${copy.from} -> ${copy.to} is not from a source into @artifact/` };
    if (!aliases.get(from[1])) return { problem: `the copy ${copy.from} comes from a source that is not this repository's GitRepository` };
    let source: string;
    let target: string;
    if (/\/\*\*$/.test(from[2]) && !/[*?[{]/.test(from[2].slice(0, -3))) {
      source = from[2].slice(0, -2);
      target = to[1] === '' || to[1].endsWith('/') ? to[1] : `${to[1]}/`;
    } else if (!/[*?[{]/.test(from[2])) {
      source = from[2];
      target = to[1] === '' || to[1].endsWith('/') ? `${to[1]}${path.posix.basename(from[2])}` : to[1];
    } else {
      return { problem: `the copy pattern ${copy.from} is not reproduced by the gate (only whole folders and single files are)` };
    }
    if (!source.endsWith(target)) return { problem: `the copy ${copy.from} -> ${copy.to} moves files to another layout, which the gate does not reproduce` };
    const prefix = source.slice(0, source.length - target.length);
    if (root !== undefined && root !== prefix) return { problem: 'its copy operations move folders by different prefixes, which the gate does not reproduce' };
    root = prefix;
    copied.push(source);
  }
  if (root === undefined) return { problem: 'it copies nothing' };
  return { root: root.replace(/\/+$/, ''), copied };
}

/** Whether the artifact holds a repository file. */
export function artifactHolds(artifact: { copied: string[] }, file: string): boolean {
  return artifact.copied.some((c) => (c.endsWith('/') ? file.startsWith(c) : file === c));
}

/**
 * Why an ExternalArtifact a declaration names cannot be used, as a reason and rule: no generator in the repository
 * makes it (`undefined`), or its generator's copies are not reproduced.
 */
export function artifactRefusal(found: Extract<FluxArtifact, { problem: string }> | undefined, namespace: string, name: string): [reason: string, ruleId: string] {
  if (!found) return [`the ExternalArtifact ${namespace}/${name} it names is made by no ArtifactGenerator in the repository`, 'declaration-source-not-found'];
  return [`its ExternalArtifact ${namespace}/${found.name} (made by the ArtifactGenerator at ${found.location.file}:${found.location.line}) is not rendered: ${found.problem}`, 'declaration-not-rendered'];
}
