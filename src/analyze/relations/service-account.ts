/**
 * `service-account-token-mount`: every workload whose pods get an API token mounted. A pod spec's
 * `automountServiceAccountToken` decides when written; unset, the ServiceAccount the pods run as decides
 * (`automountServiceAccountToken: false` on it opts all its pods out), as the kubelet applies them. The
 * ServiceAccount is looked up among the objects rendered with the workload; one not rendered with it counts as
 * mounting (its default). Violations point at the pod spec's field (its nearest written parent when missing).
 */
import { getAt, type KubeObject } from '../../objects/types.js';
import { namespaceOf, podGroups } from './pods.js';
import { noParameters, type Analyzer, type SetViolation } from './types.js';

export const serviceAccountTokenMount: Analyzer = {
  name: 'service-account-token-mount',
  description: 'Pods must not get a service account token mounted, by their own setting or their ServiceAccount\'s.',
  validate: noParameters,
  run(objects) {
    const accounts = objects.filter((o) => o.kind === 'ServiceAccount' && o.apiVersion === 'v1');
    const out: SetViolation[] = [];
    for (const { object, pod, account: name } of podGroups(objects)) {
      const path = [...pod.podPath, 'spec', 'automountServiceAccountToken'];
      const own = pod.spec.automountServiceAccountToken;
      if (own === false) continue;
      const account: KubeObject | undefined = accounts.find((a) => a.name === name && namespaceOf(a) === namespaceOf(object));
      if (own === undefined && account && getAt(account.body, ['automountServiceAccountToken']) === false) continue;
      const why = own === true ? 'The pod spec sets automountServiceAccountToken: true' : account ? `Neither the pod spec nor ServiceAccount ${name} sets automountServiceAccountToken: false` : `The pod spec does not set automountServiceAccountToken: false, and ServiceAccount ${name} is not rendered with it`;
      out.push({
        object,
        path,
        message: `${why}, so every container gets a Kubernetes API token mounted.`,
        ...(account ? { related: [{ object: account, path: ['automountServiceAccountToken'], label: `ServiceAccount ${name}` }] } : {})
      });
    }
    return out;
  }
};
