/** Renders a target by kind: kustomize, plain manifests, Helm (built-in renderer, or the helm binary when asked). */
import type { RepoFiles } from '../repo/files.js';
import type { Target } from '../targets/types.js';
import { renderKustomize, type KustomizeRenderOptions } from './kustomize/render.js';
import { renderManifests } from './manifests.js';
import { renderWithHelmBinary } from './helm-binary.js';
import { which } from './process.js';
import { renderHelm } from './helm-target.js';
import { DEFAULT_RENDER_OPTIONS, type RenderOutput } from './types.js';

export type RenderTargetOptions = KustomizeRenderOptions & { helmRenderer?: 'builtin' | 'helm' };

export async function renderTarget(target: Target, repo: RepoFiles, options: RenderTargetOptions = DEFAULT_RENDER_OPTIONS): Promise<RenderOutput> {
  if (!target.renderable) return { objects: [], errors: [] };
  switch (target.kind) {
    case 'kustomize':
      return renderKustomize(target, repo, options);
    case 'manifests':
      return renderManifests(target, repo);
    case 'helm': {
      const output = options.helmRenderer === 'helm' ? await renderWithHelmBinary(target, repo, options, which('helm'), target.helm?.environment) : await renderHelm(target, repo, options);
      return withRelease(output, target);
    }
  }
}

/** Helm objects carry their release's namespace: what names no namespace is installed there. */
function withRelease(output: RenderOutput, target: Target): RenderOutput {
  const release = target.helm && { namespace: target.helm.namespace, namespaceDeclared: target.helm.namespaceDeclared ?? false };
  if (release) for (const object of output.objects) object.release = release;
  return output;
}
