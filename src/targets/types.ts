/** Render targets: the things that can be rendered into objects, and the files each one reads. */
import type { InputError } from '../repo/files.js';
import type { JsonPath, KubeObject, Located, SourceLocation } from '../objects/types.js';

/** Why a YAML or JSON file in scope is not rendered by any target (the report counts each reason). */
export type SkipReason = 'not Kubernetes YAML' | 'not valid JSON' | 'excluded by config' | 'in a hidden folder' | 'template for another tool';

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
  /** False for targets that are listed but not rendered. */
  renderable: boolean;
  /** For `helm`: the release to render. */
  helm?: HelmRelease;
  /** Problems discovery met following the target's inputs (refused entries, unreadable files); reported with it. */
  problems?: InputError[];
  /** For a target a declaration makes (a Flux HelmRelease): where that declaration is written. */
  declaredAt?: SourceLocation;
  /**
   * The files the target renders itself, when `inputs` also holds what made its declaration (the producing target's
   * inputs): a declared target whose own files hold no declaration makes no further targets.
   */
  reads?: string[];
  /**
   * The files a declaration's build turns into objects (a Flux Kustomization's kustomize inputs), when `reads` also
   * holds files it only looks things up in (its source, its substitution ConfigMaps): a folder target is built by
   * the declaration only when these hold all its files.
   */
  builds?: string[];
  /**
   * Objects this target no longer renders are deleted from the cluster when the change merges: a Flux Kustomization
   * with `prune: true`, an Argo CD Application with automated pruning, a Helm release (an upgrade removes them).
   */
  prunes?: boolean;
  /** For a Flux Kustomization: how kustomize-controller builds its path. */
  flux?: FluxBuild;
  /**
   * An Argo CD Application's destination namespace: the controller sets it on every namespaced object that names no
   * namespace, after rendering; `at` is where the Application writes it.
   */
  destinationNamespace?: { namespace: string; at: SourceLocation };
  /**
   * The cluster a declaration deploys to: an Argo CD destination, a Flux `kubeConfig`, else the cluster of the
   * declaration that made it. Absent: the cluster the repository itself syncs to (in-cluster).
   */
  destination?: Destination;
  /**
   * For `manifests` read as an Argo CD directory source: a file that holds no object and does not look like a
   * manifest is ignored, as the repo-server ignores it.
   */
  argocdDirectory?: boolean;
  /**
   * A Flux Operator ResourceSet: what it generates is built from it and from the ResourceSetInputProviders the
   * repository holds, when rendered.
   */
  resourceSet?: { object: KubeObject; providers: KubeObject[] };
}

/**
 * A Flux Kustomization's build, as kustomize-controller makes it (fluxcd/pkg kustomize `GenerateManifest`,
 * `SubstituteVariables`): its spec fields merged into the path's kustomization (generated when the path has none),
 * built with no load restrictions, then `postBuild` variables substituted into each object.
 */
export interface FluxBuild {
  /** The path has no kustomization file: Flux generates one listing its YAML files and kustomization folders. */
  generate?: string[];
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  /**
   * `spec.patches`, appended to the kustomization's; `at` is the patch's place in the declaration. Flux patches are
   * inline; an Argo CD patch may name a file (`path`, read from the kustomization's folder) and carry `options`.
   */
  patches: { patch?: string; path?: string; target?: Record<string, unknown>; options?: Record<string, unknown>; at: JsonPath }[];
  /** `spec.images`, merged by name into the kustomization's. */
  images: { name: string; newName?: string; newTag?: string; digest?: string; at: JsonPath }[];
  /** `spec.components` that exist (or all of them, when missing ones are not ignored). */
  components: { path: string; at: JsonPath }[];
  /** Where the declaration's fields are written. */
  sourceMap: { locate(path: JsonPath): Located };
  /** `postBuild`: the variables and where each is set; absent when nothing is substituted. */
  substitute?: FluxSubstitution;
  /** Argo CD's kustomize settings: built with kustomize's default load restrictions, not Flux's none. */
  argocd?: {
    replicas: { name: string; count: number | string; at: JsonPath }[];
    /**
     * `kustomize edit add label`: into `commonLabels`, or with `withoutSelector` into the first `labels` entry with the
     * same settings; a key already there fails the edit unless `force`.
     */
    commonLabels?: { value: Record<string, string>; at: JsonPath; force?: boolean; withoutSelector?: boolean; includeTemplates?: boolean };
    commonAnnotations?: { value: Record<string, string>; at: JsonPath; force?: boolean };
  };
}

export interface FluxSubstitution {
  vars: Record<string, { value: string; at: SourceLocation }>;
  /** Variables whose values the gate cannot read (SOPS-encrypted Secrets): their `${}` stays as written. */
  unreadable: string[];
  /** A `substituteFrom` object was not found or not readable: undefined variables stay as written instead of ''. */
  incomplete: boolean;
}

/** One way a chart is deployed: its values files (in merge order) and release settings. */
export interface HelmRelease {
  releaseName: string;
  namespace: string;
  /** Whether the config declares `namespace` (else it is the gate's assumption, `default`, decided at deploy time). */
  namespaceDeclared?: boolean;
  /** Repository paths merged over the chart's values.yaml, in order. */
  valuesFiles: string[];
  /** `--set` style overrides (`key=value`), applied after the values files. */
  set: string[];
  /** Where each `set`/`setString` key is written (an Argo CD Application's `parameters`), to locate what it sets. */
  setAt?: { key: string; at: SourceLocation }[];
  /** `--set-string` overrides, after `set`. */
  setString?: string[];
  /** `--set-file` overrides (`key=repository path`), after `setString`: the file's text is the value. */
  setFile?: string[];
  /**
   * A Flux HelmChart's `valuesFiles`: their merge replaces the chart's values.yaml before Helm runs (repository paths
   * for a chart from this repository, paths inside the chart for a fetched one).
   */
  chartValuesFiles?: { files: string[]; inChart: boolean; ignoreMissing: boolean };
  /** `--include-crds`: the chart's crds/ are rendered and checked too (Argo CD applies them). */
  includeCrds?: boolean;
  /** Environment name (from `values-<env>.yaml`, `values/<env>.yaml` or the config), when not the defaults. */
  env?: string;
  /** Helm's environment for this release: the chart's settings over the global ones. */
  environment?: HelmEnvironment;
  /** Leave out test hooks (`helm template --skip-tests`): nothing installs them unless tests are run. */
  skipTests?: boolean;
  /**
   * A Flux HelmRelease's chart from this repository (a GitRepository source): its `reconcileStrategy`
   * (`ChartVersion`, the default, releases a change only when Chart.yaml's version changes).
   */
  chartFromGit?: { reconcileStrategy: string };
  /** The chart, when it comes from a Helm repository or registry rather than the target's folder. */
  remoteChart?: { repository: string; name: string; version: string; declaredAt: SourceLocation };
  /**
   * A Flux HelmRelease's `postRenderers`: kustomize builds run over the rendered objects in order (patches, then
   * images), each with where its entries are written.
   */
  postRenderers?: FluxPostRenderer[];
  /** Values a declaration gives as data, merged after the files in order, with where each key is written. */
  inlineValues?: InlineValues[];
  /**
   * A Flux HelmRelease's `valuesFrom`: the references in order and the ConfigMaps and Secrets found for them; the
   * render merges them with `spec.values` as helm-controller does (then `inlineValues` only locate the keys).
   */
  valuesFrom?: { refs: FluxValuesReference[]; resources: Record<string, { data: Record<string, string> }>; at: SourceLocation[]; values: unknown };
}

/** One `postRenderers[].kustomize` of a HelmRelease. */
export interface FluxPostRenderer {
  patches: { patch: string; target?: Record<string, unknown>; at: SourceLocation }[];
  images: { name: string; newName?: string; newTag?: string; digest?: string; at: SourceLocation }[];
  at: SourceLocation;
}

/** One `valuesFrom` entry of a HelmRelease. */
export interface FluxValuesReference {
  kind: string;
  name: string;
  valuesKey?: string;
  targetPath?: string;
  optional?: boolean;
  literal?: boolean;
}

/** Values written inside a declaration (a HelmRelease's `spec.values`), and where each of their keys is. */
export interface InlineValues {
  value: unknown;
  file: string;
  sourceMap: { has(path: JsonPath): boolean; locate(path: JsonPath): Located };
}

/** What Helm is told about the cluster and checks, as `helm template` flags say it. */
export interface HelmEnvironment {
  /** `--kube-version`: .Capabilities.KubeVersion and the Chart.yaml kubeVersion check (default: released Helm's). */
  kubeVersion?: string;
  /** `--api-versions`: added to .Capabilities.APIVersions. */
  apiVersions?: string[];
  /** `--skip-schema-validation`. */
  skipSchemaValidation?: boolean;
}

/** Where a target's objects go: `key` names the cluster; `kubeVersion` is what config `clusters` says it runs. */
export interface Destination {
  key: string;
  kubeVersion?: string;
}

/** A cluster declarations deploy to (config `clusters`): what Helm is told about it, and its labels for generators. */
export interface ClusterConfig {
  name?: string;
  server?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A chart's releases as the config declares them. */
export interface ChartConfig {
  path: string;
  releaseName?: string;
  namespace?: string;
  /** Each entry is one release: a list of values files merged in order. */
  values?: string[][];
  set?: Record<string, string | number | boolean>;
  kubeVersion?: string;
  apiVersions?: string[];
  skipSchemaValidation?: boolean;
  /** Each `ci/*-values.yaml` of the chart is a release too (chart repositories test with them). */
  ciValues?: boolean;
}

/** What discovery is told by the settings. */
export interface DiscoveryOptions {
  /** Globs of repository paths to consider (default: everything). */
  include: string[];
  /** Globs of repository paths to leave out. */
  exclude: string[];
  /** Explicit target folders from the config; when non-empty, only these are rendered. */
  targets: { path: string; kind?: TargetKind }[];
  /** Charts with their releases declared; other charts use the conventions (values-<env>.yaml). */
  charts?: ChartConfig[];
  /** Names the config file in errors about `charts` entries. */
  configSource?: string;
  /** Helm's environment for every chart (a chart's own settings win). */
  helm?: HelmEnvironment;
  /** Each chart's `ci/*-values.yaml` files are releases too. */
  ciValues?: boolean;
  /** Scan folders whose name starts with a dot (default: skipped and counted). */
  hiddenFolders?: boolean;
  /** Scan YAML that is a template for another tool (default: skipped and counted). */
  toolTemplates?: boolean;
}
