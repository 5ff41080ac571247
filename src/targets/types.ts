/** Render targets: the things that can be rendered into objects, and the files each one reads. */
export type TargetKind = 'kustomize' | 'helm' | 'manifests';

export interface Target {
  /** Stable id, `<kind>:<folder>` (plus `@<env>` for a Helm values set). */
  id: string;
  kind: TargetKind;
  /** Repository-relative folder of the kustomization, chart or manifest folder ('' for the root). */
  path: string;
  /** Every repository file the target reads, transitively, repository-relative and sorted. */
  inputs: string[];
  /** For `manifests`: the YAML files that hold Kubernetes objects. */
  files?: string[];
  /** False for targets that are listed but not rendered yet (Helm charts until the Helm renderer lands). */
  renderable: boolean;
}

/** What discovery is told by the settings. */
export interface DiscoveryOptions {
  /** Globs of repository paths to consider (default: everything). */
  include: string[];
  /** Globs of repository paths to leave out. */
  exclude: string[];
  /** Explicit target folders from the config; when non-empty, only these are rendered. */
  targets: { path: string; kind?: TargetKind }[];
}
