/**
 * `api-lifecycle`: objects written in an API version the configured Kubernetes version has deprecated
 * (`params.stage: deprecated`) or no longer serves (`params.stage: removed`), with the version to move to. The
 * table is Kubernetes' deprecated API migration guide
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/) for the beta APIs of the built-in groups.
 */
import type { Violation } from '../../analyze/types.js';
import type { CheckContext } from '../types.js';
import { defineTemplate, type GenericTemplate } from './util.js';

interface ApiLifecycle {
  /** `group/version` as objects write it. */
  apiVersion: string;
  /** Kinds served at that version ('*' for every kind of the group version). */
  kinds: readonly string[];
  /** Minor version (1.x) that deprecated it, and the one that stopped serving it (none: still served). */
  deprecated: number;
  removed?: number;
  /** The apiVersion to use instead ('' when the API has no replacement). */
  replacement: string;
}

const KUBE_APIS: readonly ApiLifecycle[] = [
  { apiVersion: 'extensions/v1beta1', kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], deprecated: 9, removed: 16, replacement: 'apps/v1' },
  { apiVersion: 'apps/v1beta1', kinds: ['Deployment', 'StatefulSet', 'ReplicaSet', 'ControllerRevision'], deprecated: 9, removed: 16, replacement: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'], deprecated: 9, removed: 16, replacement: 'apps/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], deprecated: 9, removed: 16, replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], deprecated: 11, removed: 16, replacement: 'policy/v1beta1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], deprecated: 14, removed: 22, replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], deprecated: 19, removed: 22, replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], deprecated: 16, removed: 22, replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], deprecated: 16, removed: 22, replacement: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], deprecated: 19, removed: 22, replacement: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], deprecated: 19, removed: 22, replacement: 'certificates.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], deprecated: 19, removed: 22, replacement: 'coordination.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], deprecated: 17, removed: 22, replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1alpha1', kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], deprecated: 17, removed: 22, replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], deprecated: 14, removed: 22, replacement: 'scheduling.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], deprecated: 19, removed: 22, replacement: 'storage.k8s.io/v1' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], deprecated: 21, removed: 25, replacement: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], deprecated: 21, removed: 25, replacement: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], deprecated: 22, removed: 25, replacement: 'events.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], deprecated: 22, removed: 25, replacement: 'autoscaling/v2' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], deprecated: 21, removed: 25, replacement: 'policy/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], deprecated: 21, removed: 25, replacement: '' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], deprecated: 20, removed: 25, replacement: 'node.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], deprecated: 23, removed: 26, replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], deprecated: 23, removed: 26, replacement: 'autoscaling/v2' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], deprecated: 24, removed: 27, replacement: 'storage.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], deprecated: 26, removed: 29, replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], deprecated: 29, removed: 32, replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'v1', kinds: ['ComponentStatus'], deprecated: 19, replacement: '' },
  { apiVersion: 'v1', kinds: ['Endpoints'], deprecated: 33, replacement: 'discovery.k8s.io/v1 EndpointSlice' }
];

/** The minor version of a Kubernetes version as Helm's --kube-version writes it (`v1.35.0`, `1.31`); 0 when unreadable. */
export function kubeMinorOf(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : 0;
}

/** The lifecycle entry of an object's apiVersion and kind, if Kubernetes deprecated it. */
export function apiLifecycleOf(apiVersion: string, kind: string): ApiLifecycle | undefined {
  return KUBE_APIS.find((a) => a.apiVersion === apiVersion && (a.kinds.includes(kind) || a.kinds.includes('*')));
}

export const apiLifecycleTemplate: GenericTemplate = defineTemplate(
  'api-lifecycle',
  "Objects in an API version the configured Kubernetes version deprecates (params.stage: deprecated) or no longer serves (removed).",
  (read) => {
    read.only(['stage']);
    const stage = read.requiredString('stage');
    if (stage !== 'deprecated' && stage !== 'removed') read.fail('params.stage must be deprecated or removed');
    return { stage };
  },
  (ctx: CheckContext, { stage }): Violation[] => {
    const api = apiLifecycleOf(ctx.object.apiVersion, ctx.object.kind);
    const minor = ctx.settings.kubeMinor;
    if (!api || minor < api.deprecated) return [];
    const removed = api.removed !== undefined && minor >= api.removed;
    if ((stage === 'removed') !== removed) return [];
    const instead = api.replacement ? `; use ${api.replacement}` : '; it has no replacement';
    const message = removed
      ? `${ctx.object.apiVersion} ${ctx.object.kind} was removed in Kubernetes v1.${api.removed}: the cluster (v1.${minor}) refuses it, so the sync fails${instead}.`
      : `${ctx.object.apiVersion} ${ctx.object.kind} is deprecated since Kubernetes v1.${api.deprecated}${api.removed !== undefined ? ` and removed in v1.${api.removed}` : ''}${instead}.`;
    return [{ path: ['apiVersion'], message }];
  }
);
