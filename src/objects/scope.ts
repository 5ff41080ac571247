/**
 * Whether a kind is namespaced, as a cluster's discovery would answer: Kubernetes' built-in cluster-scoped kinds, the
 * cluster-scoped kinds of widely installed CRDs, and CustomResourceDefinitions seen among the rendered objects (their
 * `spec.scope`). An unknown kind counts as namespaced, as kustomize counts it.
 */
import { isRecord, type KubeObject } from './types.js';

const CLUSTER_SCOPED: Record<string, readonly string[]> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'
  ],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'],
  'scheduling.k8s.io': ['PriorityClass'],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'node.k8s.io': ['RuntimeClass'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'policy': ['PodSecurityPolicy'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
  'storagemigration.k8s.io': ['StorageVersionMigration'],
  'internal.apiserver.k8s.io': ['StorageVersion'],
  'gateway.networking.k8s.io': ['GatewayClass'],
  'cert-manager.io': ['ClusterIssuer'],
  'kyverno.io': ['ClusterPolicy', 'ClusterCleanupPolicy'],
  'external-secrets.io': ['ClusterSecretStore', 'ClusterExternalSecret'],
  'cilium.io': ['CiliumClusterwideNetworkPolicy', 'CiliumLoadBalancerIPPool', 'CiliumNode', 'CiliumIdentity', 'CiliumExternalWorkload', 'CiliumBGPClusterConfig', 'CiliumL2AnnouncementPolicy'],
  'crd.projectcalico.org': ['GlobalNetworkPolicy', 'GlobalNetworkSet', 'IPPool', 'FelixConfiguration', 'BGPConfiguration', 'BGPPeer', 'ClusterInformation'],
  'karpenter.sh': ['NodePool', 'NodeClaim'],
  'karpenter.k8s.aws': ['EC2NodeClass'],
  'templates.gatekeeper.sh': ['ConstraintTemplate'],
  'constraints.gatekeeper.sh': ['*'],
  'snapshot.storage.k8s.io': ['VolumeSnapshotClass', 'VolumeSnapshotContent'],
  'scheduling.volcano.sh': ['Queue'],
  'operator.tigera.io': ['Installation', 'APIServer']
};

/** The kinds a set of rendered objects makes known: CRDs among them declare their scope. */
export function crdScopes(objects: readonly KubeObject[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || !isRecord(o.body.spec)) continue;
    const spec = o.body.spec;
    const kind = isRecord(spec.names) ? spec.names.kind : undefined;
    if (typeof spec.group === 'string' && typeof kind === 'string') out.set(`${spec.group}/${kind}`, spec.scope !== 'Cluster');
  }
  return out;
}

export function isNamespaced(object: Pick<KubeObject, 'apiVersion' | 'kind'>, crds: ReadonlyMap<string, boolean> = new Map()): boolean {
  const group = object.apiVersion.includes('/') ? object.apiVersion.slice(0, object.apiVersion.indexOf('/')) : '';
  const known = crds.get(`${group}/${object.kind}`);
  if (known !== undefined) return known;
  const cluster = CLUSTER_SCOPED[group];
  return !(cluster && (cluster.includes(object.kind) || cluster.includes('*')));
}
