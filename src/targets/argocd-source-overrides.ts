/**
 * `.argocd-source.yaml` and `.argocd-source-<app>.yaml` in a source's folder (argoproj/argo-cd
 * reposerver/repository/repository.go `mergeSourceParameters`): each, when it exists, is merged into the source as a
 * JSON merge patch (RFC 7396), the shared file first; `repoURL`, `path`, `chart` and `targetRevision` are then put
 * back. argocd-image-updater writes these files, so a pull request that edits one changes what is deployed. A value
 * the override sets is located in the override file.
 */
import { getAt, isRecord, type JsonPath, type KubeObject, type Located, type SourceMap } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import { InputError, type RepoFiles } from '../repo/files.js';

const KEPT = ['repoURL', 'path', 'chart', 'targetRevision'];

export interface SourceOverrides {
  /** The Application with the merged source at `sourceAt`, its map locating overridden fields in their file. */
  object: KubeObject;
  source: Record<string, unknown>;
  /** The override files Argo CD looks for, present or not (a new one changes the render). */
  files: string[];
  problems: InputError[];
}

/** RFC 7396 JSON merge patch: `null` removes a key, objects merge, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export function withSourceOverrides(object: KubeObject, sourceAt: JsonPath, source: Record<string, unknown>, repo: RepoFiles, dir: string, appName: string): SourceOverrides {
  const join = (name: string) => (dir ? `${dir}/${name}` : name);
  const files = [join('.argocd-source.yaml'), join(`.argocd-source-${appName}.yaml`)];
  const problems: InputError[] = [];
  let merged: Record<string, unknown> = source;
  const layers: { has(p: JsonPath): boolean; locate(p: JsonPath): Located }[] = [];
  for (const file of files) {
    if (!repo.isFile(file)) continue;
    let text: string;
    try {
      text = repo.readText(file);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(err);
      continue;
    }
    const parsed = parseYaml(text, file);
    const doc = parsed.documents[0];
    if (parsed.errors.length > 0 || (doc && doc.value !== null && !isRecord(doc.value))) {
      const reason = parsed.errors[0]?.reason ?? 'it is not a mapping';
      problems.push(new InputError(file, `Argo CD cannot merge this source override (${reason}), so it fails to render the Application`, 'invalid-yaml', parsed.errors[0]?.line));
      continue;
    }
    if (!doc || doc.value === null) continue;
    merged = mergePatch(merged, doc.value) as Record<string, unknown>;
    layers.unshift(doc.sourceMap);
  }
  for (const key of KEPT) {
    if (key in source) merged[key] = source[key];
    else delete merged[key];
  }
  if (layers.length === 0) return { object, source, files, problems };
  const inner: SourceMap = object.sourceMap;
  const sourceMap: SourceMap & { has(p: JsonPath): boolean } = {
    has: (p) => isUnder(p, sourceAt) ? layers.some((l) => l.has(p.slice(sourceAt.length))) || hasIn(object, p) : hasIn(object, p),
    locate(p: JsonPath): Located {
      if (isUnder(p, sourceAt) && !KEPT.includes(String(p[sourceAt.length]))) {
        const rest = p.slice(sourceAt.length);
        const layer = layers.find((l) => l.has(rest));
        if (layer) {
          const found = layer.locate(rest);
          return { ...found, foundPath: [...sourceAt, ...found.foundPath] };
        }
      }
      return inner.locate(p);
    }
  };
  const body = structuredClone(object.body);
  setAt(body, sourceAt, merged);
  return { object: { ...object, body, sourceMap }, source: merged, files, problems };
}

const isUnder = (p: JsonPath, prefix: JsonPath) => p.length > prefix.length && prefix.every((s, i) => p[i] === s);

function hasIn(object: KubeObject, p: JsonPath): boolean {
  const map = object.sourceMap as SourceMap & { has?(p: JsonPath): boolean };
  return map.has ? map.has(p) : object.sourceMap.locate(p).foundPath.length === p.length;
}

function setAt(body: Record<string, unknown>, p: JsonPath, value: unknown): void {
  (getAt(body, p.slice(0, -1)) as Record<string | number, unknown>)[p[p.length - 1]] = value;
}
