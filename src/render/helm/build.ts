/**
 * The Helm build the renderer behaves as. A Helm binary carries its build into every render: the Kubernetes
 * version and API versions `.Capabilities` reports without a cluster, its version info, and its behaviour, which
 * changes between releases. Two builds are known:
 * - RELEASED_HELM, Helm 4.1.4 (the default: what users run, and what the differential test checks against the
 *   real binary);
 * - HELM_MAIN_TEST_BUILD, helm/helm main at e9b85e4 built for its own tests: the upstream `helm template` goldens
 *   in the conformance suite were made with it. After v4.1.4 main changed how documents are split (bfebbb7c1),
 *   how subchart defaults' nulls coalesce (00638773d) and how errors after a render are reported (2014946e5);
 *   each is a switch below.
 */

export interface HelmBuildInfo {
  Version: string;
  GitCommit: string;
  GitTreeState: string;
  GoVersion: string;
  KubeClientVersion?: string;
}

export interface HelmBuild {
  /** .Capabilities.HelmVersion (version.BuildInfo). */
  info: HelmBuildInfo;
  /** .Capabilities.KubeVersion without --kube-version: the client-go minor Helm was built with. */
  kubeVersion: string;
  /** .Capabilities.APIVersions without --api-versions (chartutil DefaultVersionSet), in Helm's order. */
  apiVersions: readonly string[];
  /** SplitManifests keeps the white space at the end of a document (helm bfebbb7c1, "Fix vanishing empty lines"). */
  keepsDocumentTrailingSpace: boolean;
  /**
   * Chart-default nulls of subcharts are removed while coalescing, and import-values are coalesced rather than
   * merged (helm 00638773d).
   */
  removesSubchartDefaultNulls: boolean;
  /**
   * A template or kubeVersion error comes after the release is made, so `helm template` adds the --debug hint and,
   * with --debug, prints the (empty) manifest (released Helm; main reports the error alone).
   */
  renderErrorHintsDebug: boolean;
  /** With --debug, the partial manifest printed after an error is filtered by --show-only (released Helm). */
  debugOutputFollowsShowOnly: boolean;
}

/** Helm 4.1.4 (commit 05fa379, go1.25.9, client-go v1.35), as checked against the real binary. */
export const RELEASED_HELM: HelmBuild = {
  info: { Version: 'v4.1.4', GitCommit: '05fa37973dc9e42b76e1d2883494c87174b6074f', GitTreeState: 'clean', GoVersion: 'go1.25.9', KubeClientVersion: 'v1.35' },
  kubeVersion: 'v1.35.0',
  apiVersions: [
    'v1', 'admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1alpha1', 'admissionregistration.k8s.io/v1beta1',
    'internal.apiserver.k8s.io/v1alpha1', 'apps/v1', 'apps/v1beta1', 'apps/v1beta2', 'authentication.k8s.io/v1',
    'authentication.k8s.io/v1alpha1', 'authentication.k8s.io/v1beta1', 'authorization.k8s.io/v1', 'authorization.k8s.io/v1beta1',
    'autoscaling/v1', 'autoscaling/v2', 'autoscaling/v2beta1', 'autoscaling/v2beta2', 'batch/v1', 'batch/v1beta1',
    'certificates.k8s.io/v1', 'certificates.k8s.io/v1beta1', 'certificates.k8s.io/v1alpha1', 'coordination.k8s.io/v1alpha2',
    'coordination.k8s.io/v1beta1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1',
    'events.k8s.io/v1', 'events.k8s.io/v1beta1', 'extensions/v1beta1', 'flowcontrol.apiserver.k8s.io/v1',
    'flowcontrol.apiserver.k8s.io/v1beta1', 'flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3',
    'networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'node.k8s.io/v1', 'node.k8s.io/v1alpha1', 'node.k8s.io/v1beta1',
    'policy/v1', 'policy/v1beta1', 'rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1beta1',
    'rbac.authorization.k8s.io/v1alpha1', 'resource.k8s.io/v1', 'resource.k8s.io/v1beta2', 'resource.k8s.io/v1beta1',
    'resource.k8s.io/v1alpha3', 'scheduling.k8s.io/v1alpha1', 'scheduling.k8s.io/v1beta1', 'scheduling.k8s.io/v1',
    'storage.k8s.io/v1beta1', 'storage.k8s.io/v1', 'storage.k8s.io/v1alpha1', 'storagemigration.k8s.io/v1beta1',
    'apiextensions.k8s.io/v1beta1', 'apiextensions.k8s.io/v1'
  ],
  keepsDocumentTrailingSpace: false,
  removesSubchartDefaultNulls: false,
  renderErrorHintsDebug: true,
  debugOutputFollowsShowOnly: true
};

/** helm/helm main at e9b85e4 as its unit tests build it (no ldflags: KubeVersion v1.20.0). */
export const HELM_MAIN_TEST_BUILD: HelmBuild = {
  info: { Version: 'v3.21.4', GitCommit: '', GitTreeState: '', GoVersion: 'go1.25.0' },
  kubeVersion: 'v1.20.0',
  apiVersions: [
    'v1', 'admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1alpha1', 'admissionregistration.k8s.io/v1beta1',
    'internal.apiserver.k8s.io/v1alpha1', 'apps/v1', 'apps/v1beta1', 'apps/v1beta2', 'authentication.k8s.io/v1',
    'authentication.k8s.io/v1alpha1', 'authentication.k8s.io/v1beta1', 'authorization.k8s.io/v1', 'authorization.k8s.io/v1beta1',
    'autoscaling/v1', 'autoscaling/v2', 'autoscaling/v2beta1', 'autoscaling/v2beta2', 'batch/v1', 'batch/v1beta1',
    'certificates.k8s.io/v1', 'certificates.k8s.io/v1alpha1', 'certificates.k8s.io/v1beta1', 'coordination.k8s.io/v1',
    'coordination.k8s.io/v1alpha2', 'coordination.k8s.io/v1beta1', 'discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1',
    'events.k8s.io/v1', 'events.k8s.io/v1beta1', 'extensions/v1beta1', 'flowcontrol.apiserver.k8s.io/v1',
    'flowcontrol.apiserver.k8s.io/v1beta1', 'flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3',
    'networking.k8s.io/v1', 'networking.k8s.io/v1alpha1', 'networking.k8s.io/v1beta1', 'node.k8s.io/v1', 'node.k8s.io/v1alpha1',
    'node.k8s.io/v1beta1', 'policy/v1', 'policy/v1beta1', 'rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1alpha1',
    'rbac.authorization.k8s.io/v1beta1', 'resource.k8s.io/v1', 'resource.k8s.io/v1alpha3', 'resource.k8s.io/v1beta1',
    'resource.k8s.io/v1beta2', 'scheduling.k8s.io/v1', 'scheduling.k8s.io/v1alpha1', 'scheduling.k8s.io/v1beta1',
    'storage.k8s.io/v1', 'storage.k8s.io/v1alpha1', 'storage.k8s.io/v1beta1', 'storagemigration.k8s.io/v1alpha1',
    'apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1'
  ],
  keepsDocumentTrailingSpace: true,
  removesSubchartDefaultNulls: true,
  renderErrorHintsDebug: false,
  debugOutputFollowsShowOnly: false
};

/** What `helm template` reports without --kube-version: released Helm's. */
export const DEFAULT_KUBE_VERSION = RELEASED_HELM.kubeVersion;
