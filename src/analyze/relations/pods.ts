/** What relation analyzers need to know of a rendered set: where pods run and with which labels. */
import { podTemplateOf, type PodTemplate } from '../../objects/podspec.js';
import { isRecord, type KubeObject } from '../../objects/types.js';
import { selectorMatches } from '../../objects/label-selector.js';

/** The namespace an object is installed into: its own, else its Helm release's, else `default`. */
export function namespaceOf(object: KubeObject): string {
  return object.namespace ?? object.release?.namespace ?? 'default';
}

/** A workload (or Pod), its pod template, the labels its pods carry and the service account they run as. */
export interface PodGroup {
  object: KubeObject;
  namespace: string;
  pod: PodTemplate;
  labels: Record<string, string>;
  /** `serviceAccountName`, else the deprecated `serviceAccount`, else `default`. */
  account: string;
  /** Whether the pod spec names its account (else the `default` one is implied). */
  accountNamed: boolean;
}

/** The pod groups of each set, computed once for all the analyzers that ask (read-only for them). */
const groupsOf = new WeakMap<readonly KubeObject[], readonly PodGroup[]>();

/** Every object of the set that makes pods, with its pods' labels and account. */
export function podGroups(objects: readonly KubeObject[]): readonly PodGroup[] {
  const known = groupsOf.get(objects);
  if (known) return known;
  const out: PodGroup[] = [];
  for (const object of objects) {
    const pod = podTemplateOf(object.kind, object.body);
    if (!pod) continue;
    const labels = isRecord(pod.metadata.labels) ? Object.fromEntries(Object.entries(pod.metadata.labels).map(([k, v]) => [k, String(v)])) : {};
    const named = typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : typeof pod.spec.serviceAccount === 'string' ? pod.spec.serviceAccount : undefined;
    out.push({ object, namespace: namespaceOf(object), pod, labels, account: named ?? 'default', accountNamed: named !== undefined });
  }
  groupsOf.set(objects, out);
  return out;
}

/** Whether a label selector (a LabelSelector, or a Service's plain map when `plain`) selects the pods. */
export function selects(selector: unknown, labels: Record<string, string>, plain = false): boolean {
  if (!isRecord(selector)) return false;
  return selectorMatches(plain ? { matchLabels: selector } : selector, (k) => labels[k]);
}
