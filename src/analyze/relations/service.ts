/**
 * `service-selector-match`: a Service's `selector` must select pods the set holds in its namespace. A Service
 * that selects nothing has no endpoints: its clients fail, or (worse) a workload added later with those labels
 * receives its traffic. Only judged when the set holds pods in that namespace; ExternalName Services and Services
 * without a selector (endpoints managed by hand) are left alone.
 */
import { POD_TEMPLATE_PATHS } from '../../objects/podspec.js';
import { getAt, isRecord } from '../../objects/types.js';
import { namespaceOf, podGroups, selects } from './pods.js';
import { noParameters, type Analyzer, type SetViolation } from './types.js';

export const serviceSelectorMatch: Analyzer = {
  name: 'service-selector-match',
  description: 'A Service selector must select pods the set holds in its namespace.',
  validate: noParameters,
  run(objects) {
    const groups = podGroups(objects);
    const out: SetViolation[] = [];
    for (const service of objects) {
      if (service.kind !== 'Service' || service.apiVersion !== 'v1') continue;
      const selector = getAt(service.body, ['spec', 'selector']);
      if (getAt(service.body, ['spec', 'type']) === 'ExternalName' || !isRecord(selector) || Object.keys(selector).length === 0) continue;
      const namespace = namespaceOf(service);
      const pods = groups.filter((g) => g.namespace === namespace);
      if (pods.length === 0 || pods.some((g) => selects(selector, g.labels, true))) continue;
      const wanted = Object.entries(selector).map(([k, v]) => `${k}=${String(v)}`).join(', ');
      out.push({
        object: service,
        path: ['spec', 'selector'],
        message: `The selector (${wanted}) matches none of the ${pods.length} workload${pods.length === 1 ? '' : 's'} in namespace ${namespace}, so the Service has no endpoints.`,
        related: pods.slice(0, 3).map((g) => ({ object: g.object, path: [...(POD_TEMPLATE_PATHS[g.object.kind] ?? []), 'metadata', 'labels'], label: `${g.object.kind} ${g.object.name}'s pod labels` }))
      });
    }
    return out;
  }
};
