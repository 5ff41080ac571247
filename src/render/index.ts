/** Renders a target by kind. Helm charts are listed but not rendered yet: they give an empty output. */
import type { RepoFiles } from '../repo/files.js';
import type { Target } from '../targets/types.js';
import { renderKustomize, type KustomizeRenderOptions } from './kustomize/render.js';
import { renderManifests } from './manifests.js';
import { DEFAULT_RENDER_OPTIONS, type RenderOutput } from './types.js';

export type RenderTargetOptions = KustomizeRenderOptions;

export async function renderTarget(target: Target, repo: RepoFiles, options: RenderTargetOptions = DEFAULT_RENDER_OPTIONS): Promise<RenderOutput> {
  if (!target.renderable) return { objects: [], errors: [] };
  switch (target.kind) {
    case 'kustomize':
      return renderKustomize(target, repo, options);
    case 'manifests':
      return renderManifests(target, repo);
    case 'helm':
      return { objects: [], errors: [] };
  }
}
