/** Plain manifest folders (and Argo CD directory sources): each YAML file read as is, every field mapped to its own line. */
import { InputError, type RepoFiles } from '../repo/files.js';
import { objectsFromYaml } from '../objects/manifests.js';
import type { KubeObject } from '../objects/types.js';
import type { Target } from '../targets/types.js';
import { looksLikeManifest } from '../targets/argocd-directory.js';
import type { RenderOutput } from './types.js';

/** Reads each of the target's files; a bad file becomes an InputError and the others still load. */
export function renderManifests(target: Target, repo: RepoFiles): RenderOutput {
  const objects: KubeObject[] = [];
  const errors: InputError[] = [];
  for (const file of target.files ?? target.inputs) {
    let text: string;
    try {
      text = repo.readText(file);
    } catch (err) {
      errors.push(err instanceof InputError ? err : new InputError(file, (err as Error).message, 'invalid-input'));
      continue;
    }
    const parsed = objectsFromYaml(text, file, target.id);
    objects.push(...parsed.objects);
    // Argo CD ignores a file in a directory source that holds no object and does not look like a manifest.
    if (target.argocdDirectory && parsed.objects.length === 0 && !looksLikeManifest(text)) continue;
    errors.push(...parsed.errors);
  }
  return { objects, errors };
}
