/** Renders a target by kind: kustomize, plain manifests, Helm (built-in renderer, or the helm binary when asked). */
import type { RepoFiles } from '../repo/files.js';
import type { Target } from '../targets/types.js';
import { renderKustomize, type KustomizeRenderOptions } from './kustomize/render.js';
import { renderManifests } from './manifests.js';
import { renderResourceSet } from './flux-resourceset.js';
import { renderWithHelmBinary } from './helm-binary.js';
import { which } from './process.js';
import { renderHelm } from './helm-target.js';
import { DEFAULT_RENDER_OPTIONS, type RenderOutput } from './types.js';
import { crdScopes, isNamespaced } from '../objects/scope.js';
import { isRecord } from '../objects/types.js';

export type RenderTargetOptions = KustomizeRenderOptions & { helmRenderer?: 'builtin' | 'helm' };

export async function renderTarget(target: Target, repo: RepoFiles, options: RenderTargetOptions = DEFAULT_RENDER_OPTIONS): Promise<RenderOutput> {
  if (!target.renderable) return { objects: [], errors: [] };
  switch (target.kind) {
    case 'kustomize':
      return withDestinationNamespace(await renderKustomize(target, repo, options), target);
    case 'manifests':
      if (target.resourceSet) return renderResourceSet(target, repo, options);
      return withDestinationNamespace(renderManifests(target, repo), target);
    case 'helm': {
      // `renderer: helm` renders chart folders; a declaration's release (fetched chart, inline values, valuesFrom,
      // post-renderers, replaced defaults) is something `helm template` on a folder cannot express.
      const binary = options.helmRenderer === 'helm' && !target.declaredAt;
      const output = binary ? await renderWithHelmBinary(target, repo, options, which('helm'), target.helm?.environment) : await renderHelm(target, repo, options);
      return withRelease(output, target);
    }
  }
}

/**
 * An Argo CD Application's destination namespace, set as its controller sets it: on each namespaced object that
 * names none. The namespace is located on the Application's `destination.namespace` line.
 */
function withDestinationNamespace(output: RenderOutput, target: Target): RenderOutput {
  const destination = target.destinationNamespace;
  if (!destination) return output;
  const crds = crdScopes(output.objects);
  for (const object of output.objects) {
    if (object.namespace !== undefined || !isNamespaced(object, crds)) continue;
    object.namespace = destination.namespace;
    const metadata = isRecord(object.body.metadata) ? object.body.metadata : (object.body.metadata = {});
    (metadata as Record<string, unknown>).namespace = destination.namespace;
    const inner = object.sourceMap;
    object.sourceMap = {
      locate: (p) => (p.length >= 2 && p[0] === 'metadata' && p[1] === 'namespace' ? { location: destination.at, related: [], foundPath: p.slice(0, 2) } : inner.locate(p))
    };
  }
  return output;
}

/** Helm objects carry their release's namespace: what names no namespace is installed there. */
function withRelease(output: RenderOutput, target: Target): RenderOutput {
  const release = target.helm && { namespace: target.helm.namespace, namespaceDeclared: target.helm.namespaceDeclared ?? false };
  if (release) for (const object of output.objects) object.release = release;
  return output;
}
