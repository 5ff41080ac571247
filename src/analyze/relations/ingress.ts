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

/** Objects that make a TLS Secret of a given name in their namespace, and where they name it. */
function tlsSecretProviders(object: KubeObject): { name: string; path: JsonPath }[] {
  const group = object.apiVersion.split('/')[0];
  if (object.kind === 'Secret' && object.apiVersion === 'v1') return [{ name: object.name, path: ['metadata', 'name'] }];
  if (object.kind === 'Certificate' && group === 'cert-manager.io') {
    const name = getAt(object.body, ['spec', 'secretName']);
    return typeof name === 'string' ? [{ name, path: ['spec', 'secretName'] }] : [];
  }
  if (object.kind === 'ExternalSecret' && group === 'external-secrets.io') {
    const name = getAt(object.body, ['spec', 'target', 'name']);
    return [typeof name === 'string' ? { name, path: ['spec', 'target', 'name'] } : { name: object.name, path: ['metadata', 'name'] }];
  }
  if (object.kind === 'SealedSecret' && group === 'bitnami.com') {
    const name = getAt(object.body, ['spec', 'template', 'metadata', 'name']);
    return [typeof name === 'string' ? { name, path: ['spec', 'template', 'metadata', 'name'] } : { name: object.name, path: ['metadata', 'name'] }];
  }
  return [];
}

/** Annotations with which cert-manager's ingress-shim (or kube-lego's heirs) issue the Ingress's TLS Secrets themselves. */
const ISSUING_ANNOTATIONS = ['cert-manager.io/issuer', 'cert-manager.io/cluster-issuer', 'kubernetes.io/tls-acme'];

/**
 * `ingress-tls-secret-match`: each `spec.tls[].secretName` must be a TLS Secret the set provides in the Ingress's
 * namespace: a Secret, a cert-manager Certificate's `secretName`, an ExternalSecret's target or a SealedSecret.
 * Judged only when the set provides some Secret in that namespace (otherwise Secrets are managed elsewhere) and the
 * Ingress does not ask cert-manager to issue them (`cert-manager.io/issuer`, `cluster-issuer`, `tls-acme`). A
 * missing Secret makes the controller serve its default certificate for the host.
 */
export const ingressTlsSecretMatch: Analyzer = {
  name: 'ingress-tls-secret-match',
  description: "An Ingress's TLS Secrets must be provided by the set (Secret, Certificate, ExternalSecret, SealedSecret).",
  validate: noParameters,
  run(objects) {
    const provided = new Map<string, { object: KubeObject; path: JsonPath; name: string }[]>();
    for (const o of objects) {
      for (const p of tlsSecretProviders(o)) {
        const namespace = namespaceOf(o);
        const list = provided.get(namespace);
        if (list) list.push({ object: o, ...p });
        else provided.set(namespace, [{ object: o, ...p }]);
      }
    }
    const out: SetViolation[] = [];
    for (const ingress of objects.filter((o) => o.kind === 'Ingress' && o.apiVersion.startsWith('networking.k8s.io/'))) {
      const here = provided.get(namespaceOf(ingress));
      const annotations = getAt(ingress.body, ['metadata', 'annotations']);
      if (!here || (isRecord(annotations) && ISSUING_ANNOTATIONS.some((a) => annotations[a] !== undefined))) continue;
      const tls = getAt(ingress.body, ['spec', 'tls']);
      (Array.isArray(tls) ? tls : []).forEach((entry, i) => {
        const name = isRecord(entry) ? entry.secretName : undefined;
        if (typeof name !== 'string' || name === '' || here.some((p) => p.name === name)) return;
        out.push({
          object: ingress,
          path: ['spec', 'tls', i, 'secretName'],
          message: `Its TLS Secret ${name} is not provided with it in namespace ${namespaceOf(ingress)}: the controller serves its default certificate for ${describeHosts(entry)}.`,
          related: here.slice(0, 3).map((p) => ({ object: p.object, path: p.path, label: `${p.object.kind} ${p.object.name} provides Secret ${p.name}` }))
        });
      });
    }
    return out;
  }
};

function describeHosts(entry: unknown): string {
  const hosts = isRecord(entry) && Array.isArray(entry.hosts) ? entry.hosts.filter((h): h is string => typeof h === 'string') : [];
  return hosts.length === 0 ? 'its hosts' : hosts.slice(0, 3).join(', ') + (hosts.length > 3 ? ', ...' : '');
}

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
