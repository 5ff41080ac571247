/**
 * A Flux HelmRelease's kustomize post-renderers (fluxcd/helm-controller internal/postrender `Kustomize`): Helm's
 * output is the one resource of a kustomization holding the renderer's patches and images, built by kustomize, each
 * renderer over the previous one's output. Each object keeps its source map for what the build did not change; a
 * field a renderer changed points at that renderer's patch (or image) line in the HelmRelease, the chart's line
 * related.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isKubeObject, makeObject } from '../objects/manifests.js';
import { getAt, isRecord, type JsonPath, type KubeObject, type Located, type SourceLocation, type SourceMap } from '../objects/types.js';
import { parseYaml } from '../objects/yaml-source.js';
import { InputError } from '../repo/files.js';
import { toJsonDocument } from '../targets/kustomization.js';
import type { FluxPostRenderer } from '../targets/types.js';
import { detectKustomize, type KustomizeBinary } from './kustomize/binary.js';
import { cleanMessage, extractKustomizeError } from './kustomize/render.js';

/** Marks each object so that it is found again after the build (kustomize keeps annotations). */
const MARK = 'gitops-gate.internal/object';

export async function postRender(
  objects: readonly KubeObject[],
  renderers: readonly FluxPostRenderer[],
  options: { timeoutMs: number; binary?: KustomizeBinary }
): Promise<{ objects: KubeObject[]; errors: InputError[] }> {
  const binary = options.binary ?? detectKustomize();
  const first = renderers[0];
  if (!binary) return { objects: [], errors: [new InputError(first.at.file, 'cannot apply the post-renderers: neither `kustomize` nor `kubectl` is on PATH', 'kustomize-not-found', first.at.line)] };
  let current = [...objects];
  for (const renderer of renderers) {
    const step = await buildOnce(current, renderer, binary, options.timeoutMs);
    if ('error' in step) return { objects: [], errors: [step.error] };
    current = step.objects;
  }
  return { objects: current, errors: [] };
}

async function buildOnce(objects: readonly KubeObject[], renderer: FluxPostRenderer, binary: KustomizeBinary, timeoutMs: number): Promise<{ objects: KubeObject[] } | { error: InputError }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-gate-postrender-'));
  try {
    const marked = objects.map((o, i) => {
      const body = structuredClone(o.body);
      const metadata = isRecord(body.metadata) ? body.metadata : (body.metadata = {});
      metadata.annotations = { ...(isRecord(metadata.annotations) ? metadata.annotations : {}), [MARK]: String(i) };
      return toJsonDocument(body);
    });
    writeFileSync(path.join(dir, 'helm-output.yaml'), marked.join('---\n'));
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['helm-output.yaml'],
      ...(renderer.patches.length > 0 ? { patches: renderer.patches.map((p) => ({ patch: p.patch, ...(p.target ? { target: p.target } : {}) })) } : {}),
      ...(renderer.images.length > 0 ? { images: renderer.images.map(({ at: _at, ...image }) => image) } : {})
    };
    writeFileSync(path.join(dir, 'kustomization.yaml'), toJsonDocument(kustomization));
    const result = await binary.build(dir, { timeoutMs });
    if (!result.ok) {
      const message = result.reason === 'timeout' ? `did not finish within ${timeoutMs} ms` : cleanMessage(extractKustomizeError(result.stderr), [dir]);
      return { error: new InputError(renderer.at.file, `the post-renderer failed as helm-controller would: ${message}`, 'helm-render-failed', renderer.at.line) };
    }
    const out: KubeObject[] = [];
    for (const doc of parseYaml(result.stdout, renderer.at.file).documents) {
      if (!isKubeObject(doc.value)) continue;
      const body = doc.value;
      const metadata = isRecord(body.metadata) ? body.metadata : {};
      const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
      const original = objects[Number(annotations[MARK])];
      delete annotations[MARK];
      if (Object.keys(annotations).length === 0) delete metadata.annotations;
      if (!original) continue;
      const object = makeObject(body, original.target, changedBy(original, body, renderer));
      for (const field of ['release', 'namespaceSource', 'from', 'volatilePaths'] as const) if (original[field] !== undefined) Object.assign(object, { [field]: original[field] });
      out.push(object);
    }
    return { objects: out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The object's source map, with the fields the renderer changed on the renderer's line (the chart's line related). */
function changedBy(original: KubeObject, body: Record<string, unknown>, renderer: FluxPostRenderer): SourceMap {
  const changed = (p: JsonPath): boolean => JSON.stringify(getAt(body, p)) !== JSON.stringify(getAt(original.body, p));
  // An image the renderer rewrote: its `images` entry; anything else: the patch, when there is one.
  const where = (p: JsonPath): SourceLocation => {
    const value = getAt(body, p);
    if (p[p.length - 1] === 'image' && typeof value === 'string') {
      const image = renderer.images.find((i) => value.startsWith(`${i.newName ?? i.name}:`) || value.startsWith(`${i.newName ?? i.name}@`) || value === (i.newName ?? i.name));
      if (image) return image.at;
    }
    return renderer.patches.length === 1 ? renderer.patches[0].at : renderer.at;
  };
  return {
    locate(p: JsonPath): Located {
      const located = original.sourceMap.locate(p);
      if (!changed(p)) return located;
      return { location: { ...where(p) }, related: [{ ...located.location, label: 'rendered by the chart' }, ...located.related], foundPath: p };
    }
  };
}
