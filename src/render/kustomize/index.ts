export { renderKustomize, type KustomizeRenderOptions } from './render.js';
export { KustomizeBinary, detectKustomize, type BuildResult, type BuildOptions } from './binary.js';
export { KustomizeSourceMapper, takeMappingAnnotations, translatePath, type MappingAnnotations, type OriginInfo, type TransformStep } from './source-map.js';
export { createSandbox, serializeKustomization, type Sandbox } from './sandbox.js';
