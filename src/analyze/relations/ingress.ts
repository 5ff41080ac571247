/**
 * `ingress-backend-match`: each backend Service an Ingress routes to (rules' paths and `defaultBackend`) must be a
 * Service of the set in the Ingress's namespace, and the port it names must be one of that Service's ports. Only
 * judged when the set holds Services in that namespace (otherwise the Services are deployed elsewhere). A missing
 * backend answers 503; worse, whoever later creates a Service of that name receives the host's traffic.
 */
import { getAt, isRecord, type JsonPath, type KubeObject } from '../../objects/types.js';
import { namespaceOf } from './pods.js';
import { noParameters, type Analyzer, type SetViolation } from './types.js';

export const ingressBackendMatch: Analyzer = {
  name: 'ingress-backend-match',
  description: 'Ingress backends must be Services (and ports) of the set in the Ingress namespace.',
  validate: noParameters,
  run(objects) {
    const services = objects.filter((o) => o.kind === 'Service' && o.apiVersion === 'v1');
    const out: SetViolation[] = [];
    for (const ingress of objects.filter((o) => o.kind === 'Ingress' && o.apiVersion.startsWith('networking.k8s.io/'))) {
      const namespace = namespaceOf(ingress);
      const here = services.filter((s) => namespaceOf(s) === namespace);
      if (here.length === 0) continue;
      for (const { backend, at } of backendsOf(ingress)) {
        const name = getAt(backend, ['service', 'name']);
        if (typeof name !== 'string') continue;
        const service = here.find((s) => s.name === name);
        if (!service) {
          out.push({ object: ingress, path: [...at, 'service', 'name'], message: `It routes to Service ${name}, which is not among the Services deployed with it in namespace ${namespace} (${here.map((s) => s.name).slice(0, 3).join(', ')}).` });
          continue;
        }
        const port = getAt(backend, ['service', 'port']);
        const ports = (Array.isArray(getAt(service.body, ['spec', 'ports'])) ? (getAt(service.body, ['spec', 'ports']) as unknown[]) : []).filter(isRecord);
        const wanted = isRecord(port) ? (port.number ?? port.name) : undefined;
        if (wanted === undefined || ports.some((p) => p.port === wanted || p.name === wanted)) continue;
        out.push({ object: ingress, path: [...at, 'service', 'port'], message: `It routes to port ${String(wanted)} of Service ${name}, which has no such port.`, related: [{ object: service, path: ['spec', 'ports'], label: `Service ${name}'s ports` }] });
      }
    }
    return out;
  }
};

function backendsOf(ingress: KubeObject): { backend: Record<string, unknown>; at: JsonPath }[] {
  const out: { backend: Record<string, unknown>; at: JsonPath }[] = [];
  const fallback = getAt(ingress.body, ['spec', 'defaultBackend']);
  if (isRecord(fallback)) out.push({ backend: fallback, at: ['spec', 'defaultBackend'] });
  const rules = getAt(ingress.body, ['spec', 'rules']);
  (Array.isArray(rules) ? rules : []).forEach((rule, i) => {
    const paths = isRecord(rule) ? getAt(rule, ['http', 'paths']) : undefined;
    (Array.isArray(paths) ? paths : []).forEach((p, j) => {
      if (isRecord(p) && isRecord(p.backend)) out.push({ backend: p.backend, at: ['spec', 'rules', i, 'http', 'paths', j, 'backend'] });
    });
  });
  return out;
}
