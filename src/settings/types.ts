/** Settings: one typed object built once from CLI flags or action inputs plus the config file, then passed down. */
import type { Severity } from '../analyze/types.js';
import type { PssLevel, PssSettings } from '../analyze/pss/types.js';
import type { ClusterConfig, DiscoveryOptions } from '../targets/types.js';
import type { ExceptionRule } from '../policy/exceptions.js';
import type { RepositoriesConfig } from '../fetch/policy.js';

export type FailOn = Severity | 'none';
export type ReportFormat = 'text' | 'json' | 'sarif';

export interface RuleSettings {
  disable: string[];
  only?: string[];
  severity: Record<string, Severity>;
  custom: string[];
}

/** A profile: what applies to the objects it matches (config `profiles`). */
export interface Profile {
  name: string;
  /** Objects whose labels (or whose namespace's labels) include these, and/or whose namespace matches a glob. */
  match: { labels?: Record<string, string>; namespaces?: string[] };
  /** The Pod Security level (and policy version) required of matching workloads wherever they are deployed. */
  pss?: { level?: PssLevel; version?: string };
  /** New findings on matching objects block from this severity. */
  failOn?: FailOn;
  rules?: { enable?: string[]; disable?: string[]; severity?: Record<string, Severity> };
}

export interface Settings {
  /** Absolute path of the repository to scan (the head). */
  root: string;
  /** Base revision for pull-request mode. */
  base?: string;
  failOn: FailOn;
  pss: PssSettings;
  /** Check workloads at the level their Namespace's `pod-security.kubernetes.io/enforce` label sets, when it is rendered with them. */
  pssFromNamespaces: boolean;
  /**
   * What relation analyzers see together: the objects each target renders (`target`), or every object the revision
   * renders (`revision`: policies, roles and Services kept in other folders count).
   */
  relations: 'target' | 'revision';
  /** Files and folders of ValidatingAdmissionPolicies (and bindings, params) to run on the rendered objects. */
  admissionPolicies: string[];
  /** Images: `allow` globs over the normalised repository (`docker.io/library/nginx`, `ghcr.io/acme/**`). */
  images: { allow?: string[] };
  /** Rules, severities, Pod Security level and threshold by object labels and namespaces. */
  profiles: Profile[];
  rules: RuleSettings;
  /** Accepted findings (with a reason and an optional expiry). */
  exceptions: ExceptionRule[];
  /**
   * `gitops-gate.dev/ignore` annotations on objects: counted wherever they are (`any`), in a pull request only when
   * the base revision's object has them (`base`), or never (`off`).
   */
  exceptionAnnotations: 'any' | 'base' | 'off';
  discovery: DiscoveryOptions;
  /** Helm charts: the built-in renderer, or the helm binary on PATH. */
  renderer: 'builtin' | 'helm';
  /** Largest file read; time limit per target render; time budget of the whole scan (base and head). */
  limits: { maxFileBytes: number; renderTimeoutMs: number; scanTimeoutMs: number };
  /** Remote charts: what may be fetched (from the base revision's config in a pull request). */
  repositories: RepositoriesConfig;
  /** URLs under which declarations name this repository (besides the checkout's git remotes). */
  repositoryURLs: string[];
  /** Revisions of this repository that mean this side of the pull request (an Argo CD targetRevision, a git generator's revision). */
  localRevisions: string[];
  /** The clusters declarations deploy to, each with what Helm is told about it. */
  clusters: ClusterConfig[];
  /** Never fetch: only what the cache holds. */
  offline: boolean;
  /** The chart cache folder; none: nothing kept between runs. */
  cacheDir?: string;
  /** Where the configuration came from ('' when defaults only). */
  configSource: string;
}
