/** Where the pod lives in each workload kind: the Pod itself, a controller's template, a CronJob's job template. */
import { getAt, isRecord, type JsonPath } from './types.js';

/** Path from the object root to the pod-shaped part ({metadata, spec}) for each kind that runs pods. */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, JsonPath>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
  // OpenShift's apps.openshift.io DeploymentConfig: a pod template like a Deployment's.
  DeploymentConfig: ['spec', 'template']
};

export interface PodTemplate {
  /** Path to the pod-shaped part; its `spec` is at [...podPath, 'spec']. */
  podPath: JsonPath;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
}

export function podTemplateOf(kind: string, body: Record<string, unknown>): PodTemplate | undefined {
  const podPath = POD_TEMPLATE_PATHS[kind];
  if (!podPath) return undefined;
  const pod = podPath.length === 0 ? body : getAt(body, podPath);
  if (!isRecord(pod)) return undefined;
  return {
    podPath,
    metadata: isRecord(pod.metadata) ? pod.metadata : {},
    spec: isRecord(pod.spec) ? pod.spec : {}
  };
}

export type ContainerField = 'containers' | 'initContainers' | 'ephemeralContainers';
export const CONTAINER_FIELDS: readonly ContainerField[] = ['containers', 'initContainers', 'ephemeralContainers'];

export interface ContainerRef {
  field: ContainerField;
  index: number;
  name: string;
  container: Record<string, unknown>;
  /** Path relative to the pod spec: ['containers', 0]. */
  path: JsonPath;
}

/** Every container of a pod spec, in the order pod-security-admission visits them. */
export function containersOf(spec: Record<string, unknown>): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const field of CONTAINER_FIELDS) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, index) => {
      if (!isRecord(container)) return;
      out.push({ field, index, name: typeof container.name === 'string' ? container.name : '', container, path: [field, index] });
    });
  }
  return out;
}
