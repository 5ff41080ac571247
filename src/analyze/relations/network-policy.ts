/**
 * NetworkPolicy analyzers over a rendered set.
 *
 * `network-policy-coverage` (params `direction: ingress | egress`): every workload whose pods no NetworkPolicy of
 * its namespace selects for that direction. A policy selects pods by `podSelector` (`{}` selects all of them) and
 * isolates them for Ingress when `policyTypes` lists it (or is absent), for Egress when `policyTypes` lists it (or
 * is absent and the policy has `egress` rules), as Kubernetes defines. Pods on the host network are left out:
 * NetworkPolicies do not apply to them.
 *
 * `network-policy-selector-match`: a policy's `podSelector`, and each peer `podSelector` without a
 * `namespaceSelector` (it selects pods of the policy's own namespace), that selects none of the pods the set holds
 * in that namespace — usually a typo, leaving the intended pods unprotected or the intended peers blocked. Only
 * judged when the set holds pods in that namespace.
 */
import { getAt, isRecord, type JsonPath, type KubeObject } from '../../objects/types.js';
import { namespaceOf, podGroups, selects, type PodGroup } from './pods.js';
import { noParameters, type Analyzer, type SetViolation } from './types.js';

type Direction = 'ingress' | 'egress';

function isNetworkPolicy(object: KubeObject): boolean {
  return object.kind === 'NetworkPolicy' && object.apiVersion.startsWith('networking.k8s.io/');
}

/** The directions a policy isolates the pods it selects for. */
function directionsOf(policy: KubeObject): Set<Direction> {
  const spec = isRecord(policy.body.spec) ? policy.body.spec : {};
  if (Array.isArray(spec.policyTypes)) return new Set(spec.policyTypes.map((t) => String(t).toLowerCase()).filter((t): t is Direction => t === 'ingress' || t === 'egress'));
  return new Set<Direction>(spec.egress !== undefined ? ['ingress', 'egress'] : ['ingress']);
}

function onHostNetwork(group: PodGroup): boolean {
  return group.pod.spec.hostNetwork === true;
}

function readDirection(params: Record<string, unknown>): Direction {
  for (const key of Object.keys(params)) if (key !== 'direction') throw new Error(`unknown parameter "${key}" (known: direction)`);
  if (params.direction !== 'ingress' && params.direction !== 'egress') throw new Error('params.direction must be ingress or egress');
  return params.direction;
}

export const networkPolicyCoverage: Analyzer = {
  name: 'network-policy-coverage',
  description: 'Every workload must be selected by a NetworkPolicy of its namespace for the given direction.',
  validate: (params) => void readDirection(params),
  run(objects, params) {
    const direction = readDirection(params);
    const policies = objects.filter(isNetworkPolicy);
    const out: SetViolation[] = [];
    for (const group of podGroups(objects)) {
      if (onHostNetwork(group)) continue;
      const here = policies.filter((p) => namespaceOf(p) === group.namespace);
      const covering = here.filter((p) => directionsOf(p).has(direction) && selects(getAt(p.body, ['spec', 'podSelector']) ?? {}, group.labels));
      if (covering.length > 0) continue;
      const what = direction === 'ingress' ? 'accept connections from any pod, namespace or address' : 'connect to any address';
      out.push({
        object: group.object,
        // On the kind line: always written as such (a name may come from a helper), and the fix is a new object.
        path: ['kind'],
        message: `No NetworkPolicy in namespace ${group.namespace} selects these pods for ${direction === 'ingress' ? 'Ingress' : 'Egress'}, so they ${what}.`,
        related: here.slice(0, 3).map((p) => ({ object: p, path: ['spec', 'podSelector'], label: `NetworkPolicy ${p.name} (does not select them for ${direction})` }))
      });
    }
    return out;
  }
};

export const networkPolicySelectorMatch: Analyzer = {
  name: 'network-policy-selector-match',
  description: "A NetworkPolicy's pod selectors must select pods the set holds in its namespace.",
  validate: noParameters,
  run(objects) {
    const groups = podGroups(objects);
    const out: SetViolation[] = [];
    for (const policy of objects.filter(isNetworkPolicy)) {
      const namespace = namespaceOf(policy);
      const pods = groups.filter((g) => g.namespace === namespace);
      if (pods.length === 0) continue;
      const empty = (selector: unknown) => !isRecord(selector) || (Object.keys(isRecord(selector.matchLabels) ? selector.matchLabels : {}).length === 0 && !(Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0));
      const check = (selector: unknown, path: JsonPath, what: string) => {
        if (empty(selector) || pods.some((g) => selects(selector, g.labels))) return;
        out.push({ object: policy, path, message: `The ${what} selects none of the ${pods.length} workload${pods.length === 1 ? '' : 's'} in namespace ${namespace} (${pods.map((g) => g.object.name).slice(0, 3).join(', ')}${pods.length > 3 ? ', ...' : ''}).` });
      };
      check(getAt(policy.body, ['spec', 'podSelector']), ['spec', 'podSelector'], 'policy\'s podSelector');
      for (const [field, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
        const rules = getAt(policy.body, ['spec', field]);
        if (!Array.isArray(rules)) continue;
        rules.forEach((rule, i) => {
          const list = isRecord(rule) && Array.isArray(rule[peers]) ? (rule[peers] as unknown[]) : [];
          list.forEach((peer, j) => {
            if (!isRecord(peer) || peer.namespaceSelector !== undefined || peer.podSelector === undefined) return;
            check(peer.podSelector, ['spec', field, i, peers, j, 'podSelector'], `${field} rule ${i}'s peer podSelector`);
          });
        });
      }
    }
    return out;
  }
};

/**
 * `namespace-default-deny` (params `direction`): every Namespace of the set that no NetworkPolicy of the set
 * isolates as a whole for that direction (`podSelector: {}`), so a workload added without its own policy is open.
 */
export const namespaceDefaultDeny: Analyzer = {
  name: 'namespace-default-deny',
  description: 'Every Namespace must have a NetworkPolicy selecting all of its pods for the given direction.',
  validate: (params) => void readDirection(params),
  run(objects, params) {
    const direction = readDirection(params);
    const policies = objects.filter(isNetworkPolicy);
    const out: SetViolation[] = [];
    for (const namespace of objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1')) {
      const whole = policies.some((p) => namespaceOf(p) === namespace.name && directionsOf(p).has(direction) && selects(getAt(p.body, ['spec', 'podSelector']) ?? {}, {}));
      if (whole) continue;
      out.push({ object: namespace, path: ['metadata', 'name'], message: `No NetworkPolicy rendered with it selects every pod of namespace ${namespace.name} for ${direction === 'ingress' ? 'Ingress' : 'Egress'} (podSelector: {}): a workload added without its own policy is open.` });
    }
    return out;
  }
};
