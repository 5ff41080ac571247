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
    case 'helm':
      return options.helmRenderer === 'helm' ? renderWithHelmBinary(target, repo, options, which('helm')) : renderHelm(target, repo, options);
  }
}
